// The interactive half of `npm run lesson N`: wires the real terminal to a lesson session and
// puts the terminal back afterwards. Kept apart so non-interactive runs never load it.
import type { LessonEntry } from '../course/lessons';
import type { Lesson } from '../course/parse';
import type { Progress } from '../course/progress';
import type { RenderOptions } from '../course/render';
import { runSession, type SessionEnd } from '../course/session';
import { createTerminal } from './terminal';

export interface InteractiveRun {
  readonly lesson: Lesson;
  readonly entry: LessonEntry;
  readonly progress: Progress;
  readonly progressFile: string;
  readonly render: RenderOptions;
  /** Presenter mode: the section to start at (from 1). */
  readonly from?: number;
}

export async function runInteractive(run: InteractiveRun): Promise<SessionEnd> {
  const term = createTerminal(process.stdin, process.stdout);
  try {
    return await runSession({
      lesson: run.lesson,
      number: run.entry.number,
      title: run.entry.title,
      progress: run.progress,
      progressFile: run.progressFile,
      render: run.render,
      term,
      ...(run.from === undefined ? {} : { from: run.from }),
    });
  } finally {
    term.restore();
  }
}
