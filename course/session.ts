// An interactive lesson: one section per screen, Enter/b/q to move, quizzes asked as they come,
// progress saved at every move so the next run resumes. The terminal is injected (the CLI
// supplies raw-mode keys and @inquirer/prompts; tests supply a fake), so this never touches
// process.stdin/stdout itself.
import type { Lesson, Section } from './parse';
import {
  lessonProgress,
  markFinished,
  recordQuiz,
  recordSection,
  resetLesson,
  saveProgress,
  type Progress,
} from './progress';
import {
  choiceLabel,
  palette,
  renderBlock,
  renderInline,
  renderQuestion,
  renderQuizResult,
  renderSectionPresent,
  type DemoRunner,
  type RenderOptions,
} from './render';

export type Key = 'next' | 'back' | 'quit' | 'interrupt' | 'restart' | 'answer' | 'other';

/** Split a chunk of terminal input into keys: escape sequences stay whole. */
export function splitKeys(data: string): string[] {
  const keys: string[] = [];
  const re = /\u001b\[[0-9;]*[~A-Za-z]|\u001bO[A-Za-z]|\r\n|[\s\S]/g;
  for (let m = re.exec(data); m !== null; m = re.exec(data)) keys.push(m[0]);
  return keys;
}

export function decodeKey(key: string): Key {
  switch (key) {
    case '\r': case '\n': case '\r\n': case ' ': case 'n': case '\u001b[C': case '\u001b[B': case '\u001b[6~':
      return 'next';
    case 'b': case 'B': case 'p': case '\u001b[D': case '\u001b[A': case '\u001b[5~': case '\u007f':
      return 'back';
    case 'q': case 'Q': case '\u001b': case '\u0004':
      return 'quit';
    case '\u0003':
      return 'interrupt';
    case 'r': case 'R':
      return 'restart';
    case 'a': case 'A':
      return 'answer';
    default:
      return 'other';
  }
}

export interface LessonTerminal {
  clear(): void;
  write(text: string): void;
  readKey(): Promise<Key>;
  /** Ask a multiple-choice question: the chosen index, 'interrupt' on Ctrl-C, or 'quit' on q
   *  or Escape. */
  choose(message: string, choices: readonly string[]): Promise<number | 'interrupt' | 'quit'>;
}

export interface SessionConfig {
  readonly lesson: Lesson;
  readonly number: number;
  /** The course index's title for the lesson (the header of every screen). */
  readonly title: string;
  readonly progress: Progress;
  readonly progressFile: string;
  readonly render: RenderOptions;
  readonly term: LessonTerminal;
  readonly runDemo?: DemoRunner;
  /** Presenter mode: the section to start at (from 1; default 1). */
  readonly from?: number;
}

export type SessionEnd =
  | { readonly kind: 'finished' }
  | { readonly kind: 'quit' | 'interrupted'; readonly section: number; readonly sections: number };

/** Presenter mode's footer: `a` while a quiz on the screen still hides its answer; the page
 *  of a section shown a page at a time. */
export function presentFooter(k: number, n: number, hidden: boolean, page = 1, pages = 1): string {
  return `${k}/${n}${pages > 1 ? ` · page ${page}/${pages}` : ''} — Enter: next · b: back${hidden ? ' · a: show the answer' : ''} · q: quit`;
}

/** The line that ends a page of a section taller than the terminal (student mode). */
export const MORE = '── more — Enter: go on · b: back · q: quit ──';

/** Rows of a presenter screen that are not the section: the header (and two blank lines), the
 *  rule and the footer, and the cursor's line. */
const PRESENT_CHROME = 6;

export function footer(k: number, n: number, canRestart: boolean): string {
  const enter = k < n ? 'Enter: next' : 'Enter: finish';
  return `section ${k}/${n} — ${enter} · b: back · q: quit${canRestart ? ' · r: start over' : ''}`;
}

export async function runSession(cfg: SessionConfig): Promise<SessionEnd> {
  const { lesson, number, term, render } = cfg;
  const c = palette(render.color);
  const n = lesson.sections.length;
  let progress = cfg.progress;
  const save = (p: Progress): void => {
    progress = p;
    saveProgress(cfg.progressFile, p);
  };

  if (render.present === true) return present(cfg);
  const before = lessonProgress(progress, number);
  let k = 1;
  let notice: string | undefined;
  let canRestart = false;
  if (before?.finished === true) {
    notice = 'You have finished this lesson before; reading it again from the start.';
  } else if (before !== undefined && before.section > 1) {
    k = Math.min(before.section, n);
    notice = `Welcome back: resuming where you left off, at section ${k}/${n}. Press r to start over.`;
    canRestart = true;
  }

  // A section taller than the terminal (render.rows) is shown a page at a time, as `more` does:
  // `used` counts the lines on the screen since it was cleared, and a page ends with a line
  // asking for Enter (b goes back a section, q quits) before the screen is cleared for the next.
  let used = 0;
  const fit = render.rows === undefined ? Number.POSITIVE_INFINITY : Math.max(8, render.rows - 2);
  const head = (): void => {
    term.clear();
    term.write(c.dim(`anon-vma-lab · lesson ${number}: ${cfg.title}`) + '\n\n');
    used = 2;
  };
  type Left = 'back' | 'quit' | 'interrupt';
  /** Room for `need` more lines on this page, or a page break first; how the reader left, else
   *  undefined. A page with nothing on it yet takes whatever comes. */
  const room = async (need: number): Promise<Left | undefined> => {
    if (used + need <= fit || used <= 2) return undefined;
    term.write(c.dim(MORE) + '\n');
    for (;;) {
      const key = await term.readKey();
      if (key === 'next') { head(); return undefined; }
      if (key === 'back' || key === 'quit' || key === 'interrupt') return key;
    }
  };
  /** Write `text` (whole lines), breaking pages where it needs to. */
  const put = async (text: string): Promise<Left | undefined> => {
    for (const line of text.replace(/\n$/, '').split('\n')) {
      const left = await room(1);
      if (left !== undefined) return left;
      term.write(line + '\n');
      used++;
    }
    return undefined;
  };
  /** Rows a line of text takes on the screen. */
  const rowsOf = (s: string): number => Math.max(1, Math.ceil([...s].length / Math.max(20, render.width)));

  /** Show one section; quizzes not yet answered are asked: 'shown', or how the reader left (at
   *  a quiz: Ctrl-C, or q / Escape; at a page break: also b). */
  const show = async (section: Section): Promise<'shown' | Left> => {
    for (const block of section.blocks) {
      if (block.kind !== 'quiz') {
        const left = await put(renderBlock(block, render, cfg.runDemo).replace(/\n*$/, '\n\n'));
        if (left !== undefined) return left;
        continue;
      }
      const { quiz } = block;
      const answered = lessonProgress(progress, number)?.quiz[String(block.number)];
      let chosen: number;
      if (answered !== undefined && quiz.choices[answered.choice] !== undefined) {
        chosen = answered.choice;
        const left = await put(`${renderQuestion(quiz, block.number, render)}\n  You answered ${choiceLabel(chosen)} ${renderInline(quiz.choices[chosen].text, render)}\n`);
        if (left !== undefined) return left;
      } else {
        const labels = quiz.choices.map((ch, i) => `${choiceLabel(i)} ${renderInline(ch.text, render)}`);
        const message = `Quiz ${block.number}: ${renderInline(quiz.question, render)}`;
        // the prompt: its hint, question and choices, all on one page
        const left = await room(1 + rowsOf(`? ${message}`) + labels.reduce((a, l) => a + rowsOf(`  ${l}`), 0) + 1);
        if (left !== undefined) return left;
        // here a letter picks an answer (b is answer b, not back): say so
        const first = choiceLabel(0).slice(0, -1), last = choiceLabel(labels.length - 1).slice(0, -1);
        term.write(c.dim(`(${first}–${last} or ↑↓ picks an answer · Enter answers · q: quit)`) + '\n');
        const got = await term.choose(message, labels);
        if (got === 'interrupt' || got === 'quit') return got;
        chosen = got;
        // answered, the prompt leaves one line: the question and the answer
        used += 1 + rowsOf(`› ${message} ${labels[chosen]}`);
        save(recordQuiz(progress, number, block.number, { choice: chosen, correct: quiz.choices[chosen].correct }));
      }
      const left = await put(renderQuizResult(quiz, chosen, render) + '\n');
      if (left !== undefined) return left;
    }
    return 'shown';
  };

  for (;;) {
    save(recordSection(progress, number, k, n));
    head();
    const shown = await show(lesson.sections[k - 1]);
    if (shown === 'back') { k = Math.max(1, k - 1); notice = undefined; canRestart = false; continue; }
    if (shown !== 'shown') return { kind: shown === 'quit' ? 'quit' : 'interrupted', section: k, sections: n };
    const left = await room((notice !== undefined ? 1 : 0) + 2);
    if (left === 'back') { k = Math.max(1, k - 1); notice = undefined; canRestart = false; continue; }
    if (left !== undefined) return { kind: left === 'quit' ? 'quit' : 'interrupted', section: k, sections: n };
    if (notice !== undefined) term.write(c.yellow(notice) + '\n');
    term.write(c.dim('─'.repeat(Math.min(render.width, 80))) + '\n');
    term.write(c.bold(footer(k, n, canRestart)) + '\n');

    let moved = false;
    while (!moved) {
      const key = await term.readKey();
      switch (key) {
        case 'next':
          if (k === n) {
            save(markFinished(progress, number, n));
            return { kind: 'finished' };
          }
          k++;
          moved = true;
          break;
        case 'back':
          if (k > 1) {
            k--;
            moved = true;
          }
          break;
        case 'restart':
          if (canRestart) {
            save(resetLesson(progress, number, n));
            k = 1;
            moved = true;
          }
          break;
        case 'quit':
        case 'interrupt':
          return { kind: key === 'quit' ? 'quit' : 'interrupted', section: k, sections: n };
        case 'answer':
        case 'other':
          break;
      }
    }
    notice = undefined;
    canRestart = false;
  }
}

/** Presenter mode: one section per screen in the roomy layout, from the first section; quizzes
 *  are shown, not asked, and `a` reveals their answers one at a time. A section taller than
 *  the terminal (render.rows) is shown a page at a time: Enter and b move by pages, then
 *  sections (b into a section lands on its last page). The presenter's own progress file is
 *  left alone. */
async function present(cfg: SessionConfig): Promise<SessionEnd> {
  const { lesson, number, term, render } = cfg;
  const c = palette(render.color);
  const n = lesson.sections.length;
  const revealed = new Set<number>();
  let k = Math.min(Math.max(1, cfg.from ?? 1), n), page = 0;
  for (;;) {
    const section = lesson.sections[k - 1];
    const quizzes = section.blocks.flatMap((b) => (b.kind === 'quiz' ? [b.number] : []));
    const hidden = quizzes.filter((q) => !revealed.has(q));
    const lines = renderSectionPresent(section, render, revealed, cfg.runDemo).split('\n');
    const per = render.rows === undefined ? lines.length : Math.max(5, render.rows - PRESENT_CHROME);
    const pages = Math.max(1, Math.ceil(lines.length / per));
    page = Math.min(page, pages - 1);
    term.clear();
    term.write(c.dim(`anon-vma-lab · lesson ${number}: ${cfg.title}`) + '\n\n\n');
    term.write(lines.slice(page * per, (page + 1) * per).join('\n') + '\n');
    term.write(c.dim('─'.repeat(Math.min(render.width, 80))) + '\n');
    term.write(c.bold(presentFooter(k, n, hidden.length > 0, page + 1, pages)) + '\n');
    let moved = false;
    while (!moved) {
      const key = await term.readKey();
      switch (key) {
        case 'next':
          if (page < pages - 1) { page++; moved = true; break; }
          if (k === n) return { kind: 'finished' };
          k++; page = 0;
          moved = true;
          break;
        case 'back':
          if (page > 0) { page--; moved = true; } else if (k > 1) { k--; page = Number.MAX_SAFE_INTEGER; moved = true; }
          break;
        case 'answer':
          if (hidden.length > 0) { revealed.add(hidden[0]); moved = true; }
          break;
        case 'quit':
        case 'interrupt':
          return { kind: key === 'quit' ? 'quit' : 'interrupted', section: k, sections: n };
        case 'restart':
        case 'other':
          break;
      }
    }
  }
}
