// The student's progress through the lessons, kept in their working copy as JSON
// (<cwd>/.anon-vma-lab/progress.json; the caller passes the path). Pure updates plus a
// load/save pair; never prints. A missing file is a fresh start; a damaged one is reported
// as a warning and replaced on the next save rather than stopping a lesson.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface QuizAnswer {
  /** 0-based index of the chosen choice. */
  readonly choice: number;
  readonly correct: boolean;
}

export interface LessonProgress {
  /** 1-based number of the last section seen. */
  readonly section: number;
  /** Number of sections the lesson had when last seen. */
  readonly sections: number;
  readonly finished: boolean;
  /** Keyed by the quiz's 1-based number within the lesson. */
  readonly quiz: Readonly<Record<string, QuizAnswer>>;
  readonly updated: string;
}

export interface Progress {
  readonly version: 1;
  readonly lessons: Readonly<Record<string, LessonProgress>>;
}

export const PROGRESS_DIR = '.anon-vma-lab';

export function progressFile(home: string): string {
  return path.join(home, PROGRESS_DIR, 'progress.json');
}

export function emptyProgress(): Progress {
  return { version: 1, lessons: {} };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isQuizAnswer(v: unknown): v is QuizAnswer {
  return isRecord(v) && Number.isInteger(v.choice) && typeof v.correct === 'boolean';
}

function isLessonProgress(v: unknown): v is LessonProgress {
  return (
    isRecord(v) &&
    Number.isInteger(v.section) &&
    Number.isInteger(v.sections) &&
    typeof v.finished === 'boolean' &&
    isRecord(v.quiz) &&
    Object.values(v.quiz).every(isQuizAnswer)
  );
}

export interface LoadedProgress {
  readonly progress: Progress;
  readonly warning?: string;
}

export function loadProgress(file: string): LoadedProgress {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { progress: emptyProgress() };
  }
  try {
    const data: unknown = JSON.parse(text);
    if (!isRecord(data) || data.version !== 1 || !isRecord(data.lessons)) throw new Error('bad shape');
    const lessons: Record<string, LessonProgress> = {};
    for (const [k, v] of Object.entries(data.lessons)) if (isLessonProgress(v)) lessons[k] = v;
    return { progress: { version: 1, lessons } };
  } catch {
    return { progress: emptyProgress(), warning: `ignoring unreadable progress file ${file}; starting afresh` };
  }
}

/** Write via a temporary file and rename, so an interrupted save never leaves half a file. */
export function saveProgress(file: string, progress: Progress): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(progress, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

export function lessonProgress(p: Progress, lesson: number): LessonProgress | undefined {
  return p.lessons[String(lesson)];
}

function update(p: Progress, lesson: number, change: (old: LessonProgress) => Partial<LessonProgress>): Progress {
  const old = lessonProgress(p, lesson) ?? { section: 1, sections: 1, finished: false, quiz: {}, updated: '' };
  const next: LessonProgress = { ...old, ...change(old), updated: new Date().toISOString() };
  return { version: 1, lessons: { ...p.lessons, [String(lesson)]: next } };
}

export function recordSection(p: Progress, lesson: number, section: number, sections: number): Progress {
  return update(p, lesson, () => ({ section, sections }));
}

export function recordQuiz(p: Progress, lesson: number, quiz: number, answer: QuizAnswer): Progress {
  return update(p, lesson, (old) => ({ quiz: { ...old.quiz, [String(quiz)]: answer } }));
}

export function markFinished(p: Progress, lesson: number, sections: number): Progress {
  return update(p, lesson, () => ({ section: sections, sections, finished: true }));
}

/** Start a lesson over: back to section 1, quiz answers forgotten; having finished it once stays. */
export function resetLesson(p: Progress, lesson: number, sections: number): Progress {
  return update(p, lesson, () => ({ section: 1, sections, quiz: {} }));
}
