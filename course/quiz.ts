// The ```quiz fenced block of a lesson, parsed strictly so an author sees a mistake at once:
//
//   Q: question text (may wrap over lines until the first choice)
//   - [ ] wrong choice — explanation
//   - [x] right choice — explanation
//
// Choice text and explanation are separated by " — " (em dash with spaces); a choice may wrap
// onto following lines; exactly one choice is marked [x]. Errors name the file and line.

export interface QuizChoice {
  readonly text: string;
  readonly explanation: string;
  readonly correct: boolean;
}

export interface Quiz {
  readonly question: string;
  readonly choices: readonly QuizChoice[];
  /** Index of the one correct choice. */
  readonly answer: number;
}

export class LessonFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'LessonFormatError';
  }
}

const CHOICE = /^- \[([ xX])\]\s+(.*)$/;
const SEPARATOR = ' — ';

/**
 * Parse a quiz body. `firstLine` is the file line of the body's first line (the line after
 * the opening fence), so errors point at the exact line.
 */
export function parseQuiz(body: string, file: string, firstLine: number): Quiz {
  const lines = body.split('\n');
  const fail: (index: number, problem: string) => never = (index, problem) => {
    throw new LessonFormatError(file, firstLine + Math.max(0, Math.min(index, lines.length - 1)), `quiz: ${problem}`);
  };
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (i === lines.length) fail(0, 'empty quiz; expected a line starting with "Q:"');
  const start = lines[i].trim();
  if (!start.startsWith('Q:')) fail(i, `expected a line starting with "Q:", found "${start}"`);

  const questionLines = [start.slice(2).trim()];
  for (i++; i < lines.length && !CHOICE.test(lines[i].trim()); i++) {
    const l = lines[i].trim();
    if (l.startsWith('-')) fail(i, `malformed choice "${l}"; expected "- [ ] text — explanation" or "- [x] ..."`);
    if (l !== '') questionLines.push(l);
  }
  const question = questionLines.join(' ').trim();
  if (question === '') fail(i - 1, 'the question after "Q:" is empty');

  const raw: { text: string; correct: boolean; index: number }[] = [];
  for (; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '') continue;
    const m = CHOICE.exec(l);
    if (m !== null) {
      raw.push({ text: m[2], correct: m[1] !== ' ', index: i });
    } else if (l.startsWith('-') || raw.length === 0) {
      fail(i, `malformed choice "${l}"; expected "- [ ] text — explanation" or "- [x] ..."`);
    } else {
      raw[raw.length - 1].text += ' ' + l; // a choice wrapped onto the next line
    }
  }
  if (raw.length < 2) fail(lines.length - 1, `needs at least two choices, found ${raw.length}`);

  const choices = raw.map((c): QuizChoice => {
    const at = c.text.indexOf(SEPARATOR);
    if (at < 0) fail(c.index, `choice "${c.text}" has no explanation; separate it with " — " (em dash)`);
    const text = c.text.slice(0, at).trim();
    const explanation = c.text.slice(at + SEPARATOR.length).trim();
    if (text === '') fail(c.index, 'a choice has no text before " — "');
    if (explanation === '') fail(c.index, `choice "${text}" has an empty explanation`);
    return { text, explanation, correct: c.correct };
  });
  const right = raw.filter((c) => c.correct);
  if (right.length !== 1) {
    const where = right.length === 0 ? raw[0].index : right[1].index;
    fail(where, `exactly one choice must be marked [x], found ${right.length}`);
  }
  return { question, choices, answer: choices.findIndex((c) => c.correct) };
}
