// The course's lessons: their stable numbers and titles, and which of them are shipped.
// A lesson is shipped when lessons/NN-*.md exists; the titles live here, once.
// Never reads process.env or prints: the lessons directory is a parameter.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LessonInfo {
  readonly number: number;
  readonly title: string;
}

/** The eight lessons, in course order. Numbers are stable: progress files and links use them. */
export const LESSONS: readonly LessonInfo[] = [
  { number: 1, title: 'Reverse mapping: who maps this page?' },
  { number: 2, title: 'RCU: memory that stays put while you look' },
  { number: 3, title: 'SLAB_DESTROY_BY_RCU: the object may be someone else now' },
  { number: 4, title: 'The root lock and the hang' },
  { number: 5, title: "Hugh's fix, and the argument" },
  { number: 6, title: 'Pin with a reference' },
  { number: 7, title: 'Sleeping locks: mutex, rwsem, and the modern reader' },
  { number: 8, title: 'The pattern elsewhere, and how kernel developers catch it' },
];

export type LessonEntry =
  | (LessonInfo & { readonly status: 'shipped'; readonly file: string })
  | (LessonInfo & { readonly status: 'coming' });

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Every lesson with its status; a missing lessons directory means nothing is shipped yet. */
export function listLessons(lessonsDir: string): LessonEntry[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(lessonsDir).sort();
  } catch {
    names = [];
  }
  return LESSONS.map((info): LessonEntry => {
    const name = names.find((n) => n.startsWith(`${pad2(info.number)}-`) && n.endsWith('.md'));
    return name === undefined
      ? { ...info, status: 'coming' }
      : { ...info, status: 'shipped', file: path.join(lessonsDir, name) };
  });
}

export function shippedNumbers(entries: readonly LessonEntry[]): number[] {
  return entries.filter((e) => e.status === 'shipped').map((e) => e.number);
}

export type LessonLookup =
  | { readonly kind: 'found'; readonly lesson: LessonEntry & { status: 'shipped' } }
  | { readonly kind: 'error'; readonly message: string };

/** Resolve a command-line argument ("3", "03") to a shipped lesson, or a one-line message. */
export function findLesson(entries: readonly LessonEntry[], arg: string): LessonLookup {
  const shipped = shippedNumbers(entries);
  const valid =
    shipped.length === 0
      ? 'no lesson is shipped yet'
      : `shipped lesson${shipped.length === 1 ? '' : 's'}: ${shipped.join(', ')}`;
  const n = /^\d{1,3}$/.test(arg) ? Number(arg) : NaN;
  const entry = entries.find((e) => e.number === n);
  if (entry === undefined) {
    const range = `1-${LESSONS.length}`;
    return { kind: 'error', message: `no lesson "${arg}": lessons are numbered ${range}; ${valid}` };
  }
  if (entry.status === 'coming') {
    return { kind: 'error', message: `lesson ${entry.number} (${entry.title}) is coming soon; ${valid}` };
  }
  return { kind: 'found', lesson: entry };
}
