// Turn a parsed lesson into terminal text: markdown through marked + marked-terminal, demo
// blocks through course/demos.ts, quizzes in their plain (answers shown) form. Colour only
// when the caller asks; returns strings and never prints. A failing demo is one line, never a
// stack trace.
import { Marked, type Token, type Tokens } from 'marked';
import { markedTerminal, type TerminalRendererOptions } from 'marked-terminal';
import type * as Demos from './demos';
import type { Block, Lesson, Quiz, Section } from './parse';
import { palette, plain, stripAnsi, type Style } from './style';

export { palette, stripAnsi } from './style';

export interface RenderOptions {
  readonly color: boolean;
  readonly width: number;
  /** Presenter mode (`npm run lesson N -- --present`): roomier layout, quiz answers withheld. */
  readonly present?: boolean;
  /** The terminal's height, when it is one: presenter mode shows a section taller than that a
   *  page at a time. */
  readonly rows?: number;
}

export type DemoRunner = (name: string, opts: RenderOptions) => string;

// The demos pull in the simulator: load them only when a lesson shows one.
function demos(): typeof Demos {
  return require('./demos') as typeof Demos;
}
export const defaultRunDemo: DemoRunner = (name, opts) => demos().runDemo(name, opts);

/**
 * marked-terminal reflows paragraphs but not list items: wrap each run of the item's own text
 * lines (a nested list's lines are indented and left alone). marked-terminal glues a nested
 * list onto its parent's text ("parent    * child") and splits it later; split it here first.
 */
function wrapListItem(width: number): Style {
  return (text) => {
    const out: string[] = [];
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 0) out.push(wrapItemText(run.join(' ').replace(/ +/g, ' '), width));
      run = [];
    };
    const split = text.replace(/(\S(?: |  )?)((?: {4})+)((?:\*|\d+\.) )/g, '$1\n$2$3');
    for (const line of split.split('\n')) {
      if (line === '' || /^\s/.test(line)) {
        flush();
        out.push(line);
      } else {
        run.push(line);
      }
    }
    flush();
    return out.join('\n');
  };
}

/** What marked-terminal takes for a list item's own first line (its isPointedLine: a `*`, or
 *  digits and a dot, as in "2.6.35"): a wrapped line that began so would lose its indent, and
 *  in a numbered list take a number. */
const POINTED = /^(?:\*|\d+\.)/;

/** `wrap` for a list item's text: where a line would begin with what POINTED matches, the
 *  word before it goes down too. */
function wrapItemText(text: string, width: number): string {
  const lines: string[][] = [];
  let line: string[] = [];
  let len = 0;
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const w = stripAnsi(word).length;
    if (line.length > 0 && len + 1 + w > width) {
      const carry = POINTED.test(stripAnsi(word)) && line.length > 1 ? line.pop()! : undefined;
      lines.push(line);
      line = carry === undefined ? [] : [carry];
      len = carry === undefined ? 0 : stripAnsi(carry).length;
    }
    len += (line.length > 0 ? 1 : 0) + w;
    line.push(word);
  }
  lines.push(line);
  return lines.map((l) => l.join(' ')).join('\n');
}

const instances = new Map<string, Marked>();

function markedFor(opts: RenderOptions): Marked {
  const key = `${opts.color}:${opts.width}`;
  const cached = instances.get(key);
  if (cached !== undefined) return cached;
  const p = palette(opts.color);
  const style: TerminalRendererOptions = {
    code: p.yellow,
    blockquote: (s) => p.dim(p.italic(s)),
    html: p.dim,
    heading: (s) => p.green(p.bold(s)),
    firstHeading: (s) => p.magenta(p.bold(s)),
    hr: plain,
    listitem: wrapListItem(opts.width - 7), // room for the list's indent and "1. "
    table: plain,
    paragraph: plain,
    strong: p.bold,
    em: p.italic,
    // Without colour, keep the backticks so code still reads as code.
    codespan: opts.color ? p.yellow : (s) => `\`${s}\``,
    del: p.dim,
    link: p.blue,
    href: p.blue,
    emoji: false,
    width: opts.width,
    reflowText: true,
  };
  const m = new Marked();
  m.use(markedTerminal(style));
  // marked-terminal prints a tight list item's inline markdown raw (issue #371): parse it here.
  m.use({
    renderer: {
      text(token: Tokens.Text | Tokens.Escape) {
        return 'tokens' in token && token.tokens !== undefined ? this.parser.parseInline(token.tokens) : false;
      },
    },
  });
  instances.set(key, m);
  return m;
}

function finish(text: string, opts: RenderOptions): string {
  return opts.color ? text : stripAnsi(text);
}

export function renderTokens(tokens: readonly Token[], opts: RenderOptions): string {
  // marked-terminal edits some tokens in place (task list items): render a copy.
  const out = markedFor(opts).parser(structuredClone(tokens as Token[]));
  return finish(out.replace(/\n{3,}/g, '\n\n'), opts);
}

/** Render a short piece of inline markdown (a quiz question or choice) to one styled string. */
export function renderInline(markdown: string, opts: RenderOptions): string {
  const m = markedFor({ ...opts, width: 10_000 });
  return finish(String(m.parse(markdown)).trim(), opts);
}

/** Word-wrap styled text to `width` columns, continuing lines with `indent`. */
export function wrap(text: string, width: number, indent = ''): string {
  const lead = /^ */.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(/ +/)) {
    const candidate = line.trim() === '' ? line + word : `${line} ${word}`;
    if (stripAnsi(candidate).length > width && line.trim() !== '') {
      lines.push(line);
      line = indent + word;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

export function renderDemo(name: string, opts: RenderOptions, run: DemoRunner = defaultRunDemo): string {
  const p = palette(opts.color);
  try {
    const out = run(name, { color: opts.color, width: opts.width });
    return `${p.dim(`▶ demo ${name}`)}\n${finish(out.replace(/\n+$/, ''), opts)}\n`;
  } catch (err) {
    if (err instanceof demos().UnknownDemo) return `${p.dim(`[demo ${name} is not available yet]`)}\n`;
    const message = firstLine(err instanceof Error ? err.message : String(err)) || 'unknown error';
    return `${p.red(`[demo ${name} failed: ${message}]`)}\n`;
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export function choiceLabel(index: number): string {
  return `${LETTERS[index] ?? String(index + 1)})`;
}

export function renderQuestion(quiz: Quiz, number: number, opts: RenderOptions): string {
  const p = palette(opts.color);
  return wrap(`${p.bold(`Quiz ${number}:`)} ${renderInline(quiz.question, opts)}`, opts.width, '  ');
}

/** The non-interactive form: question, choices, the answer, and every choice's explanation. */
export function renderQuizPlain(quiz: Quiz, number: number, opts: RenderOptions): string {
  const p = palette(opts.color);
  const out = [renderQuestion(quiz, number, opts)];
  quiz.choices.forEach((c, i) => out.push(wrap(`  ${choiceLabel(i)} ${renderInline(c.text, opts)}`, opts.width, '     ')));
  const right = quiz.choices[quiz.answer];
  out.push(wrap(`${p.bold('Answer:')} ${choiceLabel(quiz.answer)} ${renderInline(right.text, opts)}`, opts.width, '  '));
  quiz.choices.forEach((c, i) => {
    const mark = c.correct ? p.green('✓') : p.red('✗');
    out.push(wrap(`  ${mark} ${choiceLabel(i)} ${renderInline(c.explanation, opts)}`, opts.width, '       '));
  });
  return out.join('\n') + '\n';
}

/** What the student sees after answering: right or wrong, and why. */
export function renderQuizResult(quiz: Quiz, chosen: number, opts: RenderOptions): string {
  const p = palette(opts.color);
  const picked = quiz.choices[chosen];
  if (picked === undefined) return '';
  if (picked.correct) {
    return wrap(`${p.green('✓ Right.')} ${renderInline(picked.explanation, opts)}`, opts.width, '  ') + '\n';
  }
  const right = quiz.choices[quiz.answer];
  return (
    wrap(`${p.red('✗ Not quite.')} ${renderInline(picked.explanation, opts)}`, opts.width, '  ') +
    '\n' +
    wrap(
      `  The answer is ${choiceLabel(quiz.answer)} ${renderInline(right.text, opts)}: ${renderInline(right.explanation, opts)}`,
      opts.width,
      '  ',
    ) +
    '\n'
  );
}

export function renderBlock(block: Block, opts: RenderOptions, run: DemoRunner = defaultRunDemo): string {
  switch (block.kind) {
    case 'markdown':
      return renderTokens(block.tokens, opts);
    case 'demo':
      return renderDemo(block.name, opts, run);
    case 'quiz':
      return renderQuizPlain(block.quiz, block.number, opts);
  }
}

export function renderSection(section: Section, opts: RenderOptions, run: DemoRunner = defaultRunDemo): string {
  return section.blocks.map((b) => renderBlock(b, opts, run).replace(/\n*$/, '\n')).join('\n');
}

/** The whole lesson at once, for a pipe, a file or CI. */
export function renderLesson(lesson: Lesson, opts: RenderOptions, run: DemoRunner = defaultRunDemo): string {
  if (opts.present === true) return renderLessonPresent(lesson, opts, run);
  const rule = palette(opts.color).dim('─'.repeat(Math.min(opts.width, 80)));
  return lesson.sections.map((s) => renderSection(s, opts, run)).join(`\n${rule}\n\n`);
}

// ---- presenter mode -------------------------------------------------------------------------

/** Left margin of presenter mode: text rendered this much narrower, then indented. */
export const PRESENT_MARGIN = 4;

/** Presenter layout: a left margin, and a blank line more between paragraphs and blocks. */
export function spacious(text: string, margin = PRESENT_MARGIN): string {
  const pad = ' '.repeat(margin);
  return text.replace(/\n+$/, '').split('\n').map((l) => (l.trim() === '' ? '' : pad + l)).join('\n').replace(/\n{2,}/g, '\n\n\n') + '\n';
}

/** A quiz on the projector: the question and its choices; the answer and the explanations only
 *  once the presenter reveals them (a printed handout has no key to press: no prompt). */
export function renderQuizPresent(quiz: Quiz, number: number, opts: RenderOptions, revealed: boolean, handout = false): string {
  if (revealed) return renderQuizPlain(quiz, number, opts);
  const p = palette(opts.color);
  const out = [renderQuestion(quiz, number, opts), ''];
  quiz.choices.forEach((c, i) => out.push(wrap(`  ${choiceLabel(i)} ${renderInline(c.text, opts)}`, opts.width, '     ')));
  if (!handout) out.push('', p.dim('  (answer hidden: press a to reveal it)'));
  return out.join('\n') + '\n';
}

/** One section as the presenter shows it; `revealed` quizzes (by number) show their answers. */
export function renderSectionPresent(section: Section, opts: RenderOptions, revealed: ReadonlySet<number>, run: DemoRunner = defaultRunDemo, handout = false): string {
  const inner: RenderOptions = { ...opts, width: Math.max(40, opts.width - 2 * PRESENT_MARGIN) };
  return section.blocks.map((b) => spacious(b.kind === 'quiz' ? renderQuizPresent(b.quiz, b.number, inner, revealed.has(b.number), handout) : renderBlock(b, inner, run))).join('\n\n');
}

/** The whole lesson in presenter layout, answers withheld (for a pipe: slides to print). */
export function renderLessonPresent(lesson: Lesson, opts: RenderOptions, run: DemoRunner = defaultRunDemo, from = 1): string {
  const p = palette(opts.color);
  return lesson.sections.slice(from - 1).map((s, i) => `${p.dim(`── ${from + i}/${lesson.sections.length} ${'─'.repeat(Math.max(0, Math.min(opts.width, 80) - 10))}`)}\n\n${renderSectionPresent(s, opts, new Set(), run, true)}`).join('\n\n');
}
