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
    id: '01-rmap-walk',
    title: 'Decode page->mapping and walk the anon_vma (quiet world)',
    lesson: 1,
    kind: 'rmap-walk',
    exports: ['page_anon_vma', 'rmap_walk_anon'],
    stub: 'exercises/01-rmap-walk/rmap_walk.ts',
    solution: 'solutions/01-rmap-walk/rmap_walk.ts',
    scenarios: [
      { name: 'quiet', points: 3 },
      { name: 'child-page', points: 3 },
      { name: 'file-page', points: 1 },
      { name: 'unmapped', points: 1 },
    ],
    hints: [
      'page->mapping is a pointer with a tag: read it once with READ_ONCE, test the tag with PageAnon(), and strip it with anon_vma_from_mapping() (plain arithmetic, no yield*).',
      'An unmapped anon page keeps its old page->mapping, which may name an anon_vma freed long ago: ask page_mapped() before you touch the anon_vma.',
      'In 2.6.36 the whole fork tree shares one lock: anon_vma_lock() takes anon_vma->root->lock, not the anon_vma\'s own. A child\'s anon_vma is not its own root.',
      'Read ->root once, lock root.lock, walk with `yield* list_entries(anon_vma.head)` and `yield* rmap_one(vma)` for each entry, then unlock the same root and return the count.',
    ],
    variants: [
      { file: 'test/fixtures/submissions/01-rmap-walk/own-lock.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/01-rmap-walk/no-mapped-check.ts', expect: 'fail', kinds: ['use-after-free'] },
      { file: 'test/fixtures/submissions/01-rmap-walk/null-test.ts', expect: 'fail', kinds: ['exception'] },
      { file: 'test/fixtures/submissions/01-rmap-walk/unlock-on-one-path.ts', expect: 'fail', kinds: ['lock-held-at-return'] },
    ],
  },
  {
    id: '02-rcu-reader',
    title: 'An RCU reader over anon_vmas freed with kfree_rcu()',
    lesson: 2,
    kind: 'rcu-reader',
    exports: ['anon_vma_places'],
    stub: 'exercises/02-rcu-reader/anon_vma_places.ts',
    solution: 'solutions/02-rcu-reader/anon_vma_places.ts',
    scenarios: [
      { name: 'quiet', points: 2 },
      { name: 'unmapped', points: 1 },
      { name: 'exit', points: 3 },
      { name: 'exit-both', points: 2 },
    ],
    hints: [
      'Everything you read through page->mapping is protected only while you are inside rcu_read_lock() ... rcu_read_unlock(). Where must the section begin?',
      'Open the section before the first read of page->mapping: a kfree_rcu() queued before you entered does not wait for you.',
      'Inside the section, page_mapped() is what tells you the anon_vma was still alive after you entered; an unmapped page\'s mapping may be stale.',
      'Close the section after your last use of the anon_vma (the list read), and on every return path: count the rcu_read_unlock()s.',
    ],
    variants: [
      { file: 'test/fixtures/submissions/02-rcu-reader/no-rcu.ts', expect: 'fail', kinds: ['use-after-free'] },
      { file: 'test/fixtures/submissions/02-rcu-reader/unlock-too-early.ts', expect: 'fail', kinds: ['use-after-free'] },
      { file: 'test/fixtures/submissions/02-rcu-reader/lock-after-check.ts', expect: 'fail', kinds: ['use-after-free'] },
      { file: 'test/fixtures/submissions/02-rcu-reader/no-mapped-check.ts', expect: 'fail', kinds: ['use-after-free', 'contract'] },
      { file: 'test/fixtures/submissions/02-rcu-reader/no-unlock-on-unmapped.ts', expect: 'fail', kinds: ['rcu-imbalance'] },
    ],
  },
  {
    id: '03-typesafe-lookup',
    title: 'A lookup on a SLAB_TYPESAFE_BY_RCU cache: pin, then re-check',
    lesson: 3,
    kind: 'typesafe-lookup',
    exports: ['obj_lookup'],
    stub: 'exercises/03-typesafe-lookup/obj_lookup.ts',
    solution: 'solutions/03-typesafe-lookup/obj_lookup.ts',
    scenarios: [
      { name: 'quiet', points: 2 },
      { name: 'miss', points: 1 },
      { name: 'remove', points: 2 },
      { name: 'reuse', points: 4 },
      { name: 'reuse-twice', points: 1, hidden: true },
    ],
    hints: [
      'Under rcu_read_lock() the pointer you read from the slot leads to *an* Obj, maybe not the one that was published: it may have been freed and reallocated since.',
      'Pin first: atomic_inc_not_zero(obj.refcount). It fails on an object whose count already reached zero (being freed); a plain atomic_inc would revive it.',
      'Then re-check, under your pin: is obj.key still the key you want? A check made before the pin can be undone one step later by a free and a reallocation.',
      'On a mismatch, drop your pin with obj_put() and return null; on every path out, rcu_read_unlock() exactly once.',
    ],
    variants: [
      { file: 'test/fixtures/submissions/03-typesafe-lookup/no-recheck.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/03-typesafe-lookup/check-before-pin.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/03-typesafe-lookup/atomic-inc.ts', expect: 'fail', kinds: ['contract', 'use-after-free'] },
      { file: 'test/fixtures/submissions/03-typesafe-lookup/leak-on-mismatch.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/03-typesafe-lookup/no-rcu.ts', expect: 'fail', kinds: ['use-after-free'] },
    ],
  },
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
