// Split a lesson's markdown into sections at `##` headings, using marked's lexer, and pick out
// the fenced blocks the runner makes live: ```demo NAME (a simulator demo; the body is its
// caption) and ```quiz (see quiz.ts). Everything else stays as marked tokens for render.ts.
// The `#` title goes with the first section. Returns data; never prints.
import { lexer, type Token, type Tokens } from 'marked';
import { LessonFormatError, parseQuiz, type Quiz } from './quiz';

export { LessonFormatError } from './quiz';
export type { Quiz, QuizChoice } from './quiz';

export type Block =
  | { readonly kind: 'markdown'; readonly tokens: readonly Token[] }
  | { readonly kind: 'demo'; readonly name: string; readonly caption: string; readonly line: number }
  /** `number` is the quiz's 1-based position in the whole lesson (progress keys on it). */
  | { readonly kind: 'quiz'; readonly quiz: Quiz; readonly number: number; readonly line: number };

export interface Section {
  readonly title: string;
  /** 1-based line of the section's first line in the lesson file. */
  readonly line: number;
  readonly blocks: readonly Block[];
}

export interface Lesson {
  readonly file: string;
  readonly title: string;
  readonly sections: readonly Section[];
}

interface Located {
  readonly token: Token;
  readonly line: number;
}

/** Top-level tokens with their line numbers (link definitions are not tokens, so search). */
function locate(src: string): Located[] {
  const out: Located[] = [];
  let pos = 0;
  let line = 1;
  for (const token of lexer(src)) {
    const at = token.raw === '' ? -1 : src.indexOf(token.raw, pos);
    if (at >= 0) {
      for (let i = pos; i < at; i++) if (src.charCodeAt(i) === 10) line++;
      pos = at;
    }
    out.push({ token, line });
    if (at >= 0) {
      for (let i = at; i < at + token.raw.length; i++) if (src.charCodeAt(i) === 10) line++;
      pos = at + token.raw.length;
    }
  }
  return out;
}

/** The visible text of inline tokens: markup dropped, code spans and escapes kept as text. */
function plainText(tokens: readonly Token[]): string {
  return tokens
    .map((t) => {
      if ('tokens' in t && Array.isArray(t.tokens)) return plainText(t.tokens);
      return 'text' in t && typeof t.text === 'string' ? t.text : '';
    })
    .join('');
}

function plainHeading(token: Tokens.Heading): string {
  return plainText(token.tokens).replace(/\s+/g, ' ').trim();
}

function isBlank(token: Token): boolean {
  return token.type === 'space' || token.type === 'def';
}

interface Draft {
  title: string;
  line: number;
  blocks: Block[];
  /** Opened by the `#` title and holding nothing else yet. */
  onlyTitle: boolean;
}

export function parseLesson(markdown: string, file: string): Lesson {
  const src = markdown.replace(/\r\n?/g, '\n');
  const sections: Draft[] = [];
  let title = '';
  let quizzes = 0;
  let pending: Token[] = []; // markdown tokens not yet closed into a block

  const flush = (): void => {
    const current = sections[sections.length - 1];
    if (current !== undefined && pending.some((t) => !isBlank(t))) {
      current.blocks.push({ kind: 'markdown', tokens: pending });
    }
    pending = [];
  };
  const open = (sectionTitle: string, line: number, onlyTitle: boolean): Draft => {
    flush();
    const draft: Draft = { title: sectionTitle, line, blocks: [], onlyTitle };
    sections.push(draft);
    return draft;
  };

  for (const { token, line } of locate(src)) {
    let current = sections[sections.length - 1];
    if (token.type === 'heading' && (token as Tokens.Heading).depth <= 2) {
      const depth = (token as Tokens.Heading).depth;
      const text = plainHeading(token as Tokens.Heading);
      if (depth === 1 && title === '') title = text;
      if (depth === 2 && current?.onlyTitle === true) {
        // "# Title" directly followed by "## First": one section, named by the `##`.
        current.title = text;
        current.onlyTitle = false;
      } else {
        open(text, line, depth === 1);
      }
      pending.push(token);
      continue;
    }
    if (isBlank(token)) {
      pending.push(token);
      continue;
    }
    current = current ?? open(title || 'Introduction', line, false);
    current.onlyTitle = false;
    if (token.type === 'code') {
      const code = token as Tokens.Code;
      const info = (code.lang ?? '').trim();
      const demo = /^demo(?:\s+(.*))?$/.exec(info);
      if (demo !== null) {
        const name = (demo[1] ?? '').trim();
        if (!/^[\w.-]+$/.test(name)) {
          throw new LessonFormatError(file, line, `a demo block needs one name, as in "\`\`\`demo NAME"; found "${info}"`);
        }
        flush();
        current.blocks.push({ kind: 'demo', name, caption: code.text.trim(), line });
        continue;
      }
      if (info === 'quiz') {
        flush();
        const quiz = parseQuiz(code.text, file, line + 1);
        current.blocks.push({ kind: 'quiz', quiz, number: ++quizzes, line });
        continue;
      }
    }
    pending.push(token);
  }
  flush();
  if (sections.length === 0) throw new LessonFormatError(file, 1, 'the lesson is empty');
  const out: Section[] = sections.map(({ title: t, line, blocks }) => ({ title: t, line, blocks }));
  return { file, title: title || out[0].title, sections: out };
}
