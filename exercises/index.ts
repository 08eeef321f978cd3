// THE exercise index (rustlings' info.toml, as typed data): every exercise, its files, its
// scenario suite with points, and its hints. The grader, `npm run check` and the lessons read
// this; no exercise fact is repeated elsewhere. Plain literals checked with `satisfies`.

export interface ScenarioEntry {
  /** A scenario name known to scenarios/registry.ts for this exercise's kind. */
  readonly name: string;
  readonly points: number;
  /** Hidden scenarios are skipped by students' local checks (and marked so on Gradescope). */
  readonly hidden?: boolean;
}

export interface ExerciseEntry {
  readonly id: string;
  readonly title: string;
  readonly lesson: number;
  /** What a submission must export, and with which shape (checked before it runs). */
  readonly kind: 'page-lock' | 'rmap-walk' | 'rcu-reader' | 'typesafe-lookup' | 'schedule' | 'page-get' | 'lock-read' | 'sighand';
  /** Names the submission module must export (generator functions), or the schedule file. */
  readonly exports: readonly string[];
  /** The student's file, relative to the repo root. */
  readonly stub: string;
  /** The reference solution, relative to the repo root. */
  readonly solution: string;
  readonly scenarios: readonly ScenarioEntry[];
  readonly hints: readonly string[];
  /** Known variants and the verdict each must get (tests hold the index to it). */
  readonly variants?: readonly { readonly file: string; readonly expect: 'pass' | 'fail'; readonly kinds?: readonly string[] }[];
}

export const EXERCISES = [
  {
    id: '05-page-lock-anon-vma',
    title: 'page_lock_anon_vma() for the root-lock kernel',
    lesson: 5,
    kind: 'page-lock',
    exports: ['page_lock_anon_vma', 'page_unlock_anon_vma'],
    stub: 'exercises/05-page-lock-anon-vma/page_lock_anon_vma.ts',
    solution: 'solutions/05-page-lock-anon-vma/page_lock_anon_vma.ts',
    scenarios: [
      { name: 'quiet', points: 2 },
      { name: 'exit-vs-walk', points: 2 },
      { name: 'remap', points: 1 },
      { name: 'seed', points: 4 },
      { name: 'seed-churn-1', points: 1, hidden: true },
    ],
    hints: [
      'Between two `yield*`s another CPU may run. Which of your reads of anon_vma->root can see a different value than the one before it?',
      'RCU and SLAB_TYPESAFE_BY_RCU keep the memory an anon_vma, not the same anon_vma: after you lock, is the page still mapped?',
      'Unlock the lock you actually took. Read ->root once (ACCESS_ONCE) and keep it.',
      'If the page is still mapped with the root lock held, its anon_vma cannot be freed before the unlock, so page_unlock_anon_vma may read ->root again.',
    ],
    variants: [
      { file: 'solutions/05-page-lock-anon-vma/history/2.6.36-rc2.ts', expect: 'fail', kinds: ['bad-unlock', 'hang'] },
      { file: 'solutions/05-page-lock-anon-vma/history/hugh-fix.ts', expect: 'pass' },
      { file: 'solutions/05-page-lock-anon-vma/history/andrea-single-check.ts', expect: 'fail', kinds: ['bad-unlock', 'hang'] },
      { file: 'solutions/05-page-lock-anon-vma/history/no-access-once.ts', expect: 'fail', kinds: ['bad-unlock'] },
      { file: 'solutions/05-page-lock-anon-vma/history/christoph-lock-recheck.ts', expect: 'pass' },
      { file: 'solutions/05-page-lock-anon-vma/history/2.6.35.ts', expect: 'fail', kinds: ['contract'] },
    ],
  },
] as const satisfies readonly ExerciseEntry[];

export type ExerciseId = (typeof EXERCISES)[number]['id'];

export function findExercise(idOrNumber: string): ExerciseEntry | undefined {
  const list: readonly ExerciseEntry[] = EXERCISES;
  const n = /^\d{1,2}$/.test(idOrNumber) ? idOrNumber.padStart(2, '0') : undefined;
  return list.find((e) => e.id === idOrNumber || (n !== undefined && e.id.startsWith(`${n}-`)));
}
