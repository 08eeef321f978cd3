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
  defaultRunDemo,
  palette,
  renderBlock,
  renderInline,
  renderQuestion,
  renderQuizResult,
  renderSectionPresent,
  stripAnsi,
  type DemoRunner,
  type RenderOptions,
} from './render';
import { paginate, rowsOf } from './pages';

export type Key = 'next' | 'back' | 'quit' | 'interrupt' | 'restart' | 'answer' | 'other';

export { splitKeys } from './keys';

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
  /** The program was busy (a demo ran): keys typed meanwhile are not for the screen it draws
   *  next (optional: a terminal that cannot tell leaves it out). */
  settle?(): void;
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

  const runDemo = onceEach(cfg);
  if (render.present === true) return present({ ...cfg, runDemo });
  const before = lessonProgress(progress, number);
  let k = 1;
  let notice: string | undefined;
  let canRestart = false;
  if (before?.finished === true) {
    notice = 'You have finished this lesson before; reading it again from the start.';
  } else if (before !== undefined && before.section > 1) {
    k = Math.min(before.section, n);
    notice = `Welcome back: resuming where you left off, at section ${k}/${n}.`;
    canRestart = true;
  }

  // A section taller than the terminal (render.rows) is shown a page at a time, as `more` does:
  // `used` counts the lines on the screen since it was cleared, and a page ends with a line
  // asking for Enter (b: the page before, q: quit) before the screen is cleared for the next.
  // Going back re-shows the section from its start, unseen, up to the page asked for (`skip`;
  // Infinity: its last page): the lines of the page being passed are kept in `held`, and shown
  // once that page is reached.
  let used = 0, page = 0, skip = 0;
  let held: string[] | null = null;
  const fit = render.rows === undefined ? Number.POSITIVE_INFINITY : Math.max(4, render.rows - 2);
  const head = (): void => {
    term.clear();
    term.write(c.dim(`anon-vma-lab · lesson ${number}: ${cfg.title}`) + '\n\n');
    used = 2;
  };
  /** The page being passed, reached: shown. */
  const reach = (): void => {
    if (held === null) return;
    head();
    for (const l of held) { term.write(l + '\n'); used += rows(l); }
    held = null;
  };
  type Left = 'back' | 'quit' | 'interrupt';
  /** Room for `need` more lines on this page (the section's end may use the line a page break
   *  would), or a page break first; how the reader left, else undefined. A page with nothing
   *  on it yet takes whatever comes. */
  const room = async (need: number, end = false): Promise<Left | undefined> => {
    if (used + need <= fit + (end ? 1 : 0) || used <= 2) return undefined;
    if (held !== null) {
      // passing pages unseen, on the way back
      page++;
      held = [];
      used = 2;
      if (page >= skip) reach();
      return undefined;
    }
    term.write(c.dim(MORE) + '\n');
    for (;;) {
      const key = await term.readKey();
      if (key === 'next') { page++; head(); return undefined; }
      if (key === 'back' || key === 'quit' || key === 'interrupt') return key;
    }
  };
  /** One line on the page (a blank one at a page's top is left out). */
  const line = (l: string): void => {
    if (used === 2 && l.trim() === '') return;
    if (held !== null) held.push(l); else term.write(l + '\n');
    used += rows(l);
  };
  /** Write `text` (whole lines), breaking pages where paginate says; `last`: the section's end
   *  follows, whose rule and footer stay on the page with it. */
  const put = async (text: string, last = false): Promise<Left | undefined> => {
    const pages = paginate(text.replace(/\n$/, '').split('\n'), fit - 2, render.width, used - 2, last ? 2 : 0);
    for (const [k, lines] of pages.entries()) {
      if (k > 0) {
        const left = await room(Number.POSITIVE_INFINITY);
        if (left !== undefined) return left;
      }
      for (const l of lines) line(l);
    }
    return undefined;
  };
  const rows = (s: string): number => rowsOf(s, render.width);

  /** Show one section from page `from` (Infinity: its last), `notice` at the top of its first
   *  page; quizzes not yet answered are asked. 'shown', or how the reader left: a page break's
   *  or a quiz's q or Ctrl-C, or b at a page break (with the page it was on). */
  const show = async (section: Section, from: number, note?: string): Promise<'shown' | Exclude<Left, 'back'> | { back: number }> => {
    page = 0; skip = from;
    if (from > 0) { held = []; used = 2; } else { held = null; head(); }
    const left = async (x: Promise<Left | undefined>): Promise<Exclude<Left, 'back'> | { back: number } | undefined> => {
      const l = await x;
      return l === 'back' ? { back: page } : l;
    };
    if (note !== undefined) { line(c.yellow(note)); line(''); }
    for (const [b, block] of section.blocks.entries()) {
      const last = b === section.blocks.length - 1;
      if (block.kind !== 'quiz') {
        const text = renderBlock(block, render, runDemo);
        const l = await left(put(text.replace(/\n*$/, '\n\n'), last));
        if (l !== undefined) return l;
        continue;
      }
      const { quiz } = block;
      const answered = lessonProgress(progress, number)?.quiz[String(block.number)];
      let chosen: number;
      /** A quiz answered before: its question and answer, shown with the result. */
      let recap = '';
      if (answered !== undefined && quiz.choices[answered.choice] !== undefined) {
        chosen = answered.choice;
        recap = `${renderQuestion(quiz, block.number, render)}\n  You answered ${choiceLabel(chosen)} ${renderInline(quiz.choices[chosen].text, render)}\n`;
      } else {
        const labels = quiz.choices.map((ch, i) => `${choiceLabel(i)} ${renderInline(ch.text, render)}`);
        const message = `Quiz ${block.number}: ${renderInline(quiz.question, render)}`;
        // the prompt: its hint, question and choices, all on one page
        const l = await left(room(1 + rows(`? ${message}`) + labels.reduce((a, x) => a + rows(`  ${x}`), 0) + 1));
        if (l !== undefined) return l;
        reach(); // a question not answered yet is asked where it is, even on the way back
        // here a letter picks an answer (b is answer b, not back): say so
        const first = choiceLabel(0).slice(0, -1), last = choiceLabel(labels.length - 1).slice(0, -1);
        term.write(c.dim(`(${first}–${last} or ↑↓ picks an answer · Enter answers · q: quit)`) + '\n');
        const got = await term.choose(message, labels);
        if (got === 'interrupt' || got === 'quit') return got;
        chosen = got;
        // answered, the prompt leaves one line: the question and the answer
        used += 1 + rows(`› ${message} ${labels[chosen]}`);
        save(recordQuiz(progress, number, block.number, { choice: chosen, correct: quiz.choices[chosen].correct }));
      }
      const l = await left(put(recap + renderQuizResult(quiz, chosen, render) + '\n', last));
      if (l !== undefined) return l;
    }
    return 'shown';
  };

  let from = 0;
  for (;;) {
    save(recordSection(progress, number, k, n));
    const shown = await show(lesson.sections[k - 1], from, notice);
    from = 0;
    /** b on page p: the page before, or the last page of the section before (none: stay). */
    const back = (p: number): void => {
      if (p > 0) from = p - 1;
      else if (k > 1) { k--; from = Number.POSITIVE_INFINITY; }
      notice = undefined; canRestart = false;
    };
    if (typeof shown === 'object') { back(shown.back); continue; }
    if (shown !== 'shown') return { kind: shown === 'quit' ? 'quit' : 'interrupted', section: k, sections: n };
    const end = await room(2, true);
    if (end === 'back') { back(page); continue; }
    if (end !== undefined) return { kind: end === 'quit' ? 'quit' : 'interrupted', section: k, sections: n };
    reach();
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
          if (page > 0 || k > 1) {
            back(page);
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

/** The session's demo runner: each demo runs once (they are deterministic), so a section shown
 *  again (b, a presenter's page turn) does not wait for it. A demo runs for a second or more:
 *  on a terminal a line says so meanwhile, erased after. */
function onceEach(cfg: SessionConfig): DemoRunner {
  const run = cfg.runDemo ?? defaultRunDemo;
  const c = palette(cfg.render.color);
  // what a demo printed, or how it failed (a failure is shown as one line: no need to wait
  // for it twice either)
  const done = new Map<string, { out: string } | { err: unknown }>();
  return (name, opts) => {
    const key = JSON.stringify([name, opts.color, opts.width]);
    let got = done.get(key);
    if (got === undefined) {
      const busy = cfg.render.rows !== undefined;
      if (busy) cfg.term.write(c.dim(`▶ running the demo ${name}…`));
      try { got = { out: run(name, opts) }; } catch (err) { got = { err }; } finally { if (busy) { cfg.term.write('\r\u001b[2K'); cfg.term.settle?.(); } }
      done.set(key, got);
    }
    if ('err' in got) throw got.err;
    return got.out;
  };
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
  let k = Math.min(Math.max(1, cfg.from ?? 1), n), page = 0, reveal = false;
  for (;;) {
    const section = lesson.sections[k - 1];
    const quizzes = section.blocks.flatMap((b) => (b.kind === 'quiz' ? [b.number] : []));
    const hidden = quizzes.filter((q) => !revealed.has(q));
    const lines = renderSectionPresent(section, render, revealed, cfg.runDemo).replace(/\n+$/, '').split('\n');
    // pages of at most `per` rows (a line wider than the terminal takes more than one)
    const per = render.rows === undefined ? Number.POSITIVE_INFINITY : Math.max(3, render.rows - PRESENT_CHROME);
    const paged = paginate(lines, per, render.width);
    const pages = paged.length;
    if (reveal) {
      // the answer just shown (the section's last one shown: they are shown in order) is on screen
      paged.forEach((p, i) => { if (p.some((l) => /^\s*Answer:/.test(stripAnsi(l)))) page = i; });
      reveal = false;
    }
    page = Math.min(page, pages - 1);
    term.clear();
    term.write(c.dim(`anon-vma-lab · lesson ${number}: ${cfg.title}`) + '\n\n\n');
    term.write(paged[page].join('\n') + '\n');
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
          if (hidden.length > 0) { revealed.add(hidden[0]); reveal = true; moved = true; }
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
