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

/** A bug hunt's target: known code on a known scenario. The submission is a schedule (the
 *  string `npm run play` prints); replaying it, the run's worst failure sets the score. */
export interface ScheduleTarget {
  /** The code the schedule drives, loaded like a submission (relative to the repo root). */
  readonly code: string;
  /** Whose scenarios and exports the code has (scenarios/registry.ts). */
  readonly kind: 'page-lock';
  readonly scenario: string;
  /** The failure kind that earns the scenario's full points (e.g. 'hang'). */
  readonly goal: string;
  /** Points for lesser failure kinds on the way (e.g. a bad unlock without the hang). */
  readonly partial: Readonly<Record<string, number>>;
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
  /** The stub as the course ships it: sha256 of its text with line endings as \n and no
   *  trailing white space (grader/grade.ts stubHash). A submission with this hash is the stub
   *  unchanged, and its grade says so (GradeResult.unchanged_stub); a test holds this to the
   *  file, so changing a stub means changing its hash here. */
  readonly stubSha256: string;
  /** The reference solution, relative to the repo root. */
  readonly solution: string;
  readonly scenarios: readonly ScenarioEntry[];
  readonly hints: readonly string[];
  /** kind 'schedule' only: what a submitted schedule is replayed against, and what it earns. */
  readonly target?: ScheduleTarget;
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
    stubSha256: '586c9419ee190fd9714bbe9cdd05c309d8f9057fdee7e494f14296a5d9973614',
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
    stubSha256: 'a74a9a20d4c36768a1183158654d906ff836c421ed7c175ba71a648c174f692b',
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
    stubSha256: 'd0d15293d20280ba1323a87321050fe5f3fd05a7b9a265b093d9984b035a7283',
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
      { file: 'test/fixtures/submissions/03-typesafe-lookup/kfree-on-mismatch.ts', expect: 'fail', kinds: ['contract', 'use-after-free'] },
      { file: 'test/fixtures/submissions/03-typesafe-lookup/dec-on-mismatch.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/03-typesafe-lookup/put-after-failed-pin.ts', expect: 'fail', kinds: ['use-after-free'] },
    ],
  },
  {
    id: '04-bug-hunt',
    title: 'Bug hunt: pick the schedule that makes 2.6.36-rc2 hang',
    lesson: 4,
    kind: 'schedule',
    exports: [],
    stub: 'exercises/04-bug-hunt/schedule.txt',
    stubSha256: '4777880a0f85dcfb8a491904f4dde9196291666437806d42345878054e0c9b23',
    solution: 'solutions/04-bug-hunt/schedule.txt',
    scenarios: [
      { name: 'seed-hang', points: 5 },
    ],
    target: {
      code: 'solutions/05-page-lock-anon-vma/history/2.6.36-rc2.ts',
      kind: 'page-lock',
      scenario: 'seed',
      goal: 'hang',
      partial: { 'bad-unlock': 2 },
    },
    hints: [
      'Play it first: `npm run play 4` shows every thread\'s next step and who holds what. The walker must be inside page_lock_anon_vma, between its check and its lock, when the page\'s anon_vma goes away.',
      'Stop the walker right after page_mapped() says yes (5 steps), then let exit run until it has freed anon_vma@0x40. Now the walker reads ->root of a free anon_vma: still an anon_vma, thanks to SLAB_DESTROY_BY_RCU.',
      'Then let fork reuse the slot (anon_vma@0x40 #2, whose ->root is another tree\'s root) before the walker takes its lock: the unlock re-reads ->root and releases a lock the walker never took. That bad unlock earns 2 points.',
      'For the hang, the lock the walker left held must be wanted: let fork finish (it frees anon_vma@0x40 #2 again), then fault\'s anon_vma_prepare() gets the same slot and spins on its lock forever.',
    ],
    variants: [
      { file: 'test/fixtures/submissions/04-bug-hunt/bad-unlock-only.txt', expect: 'fail', kinds: ['bad-unlock'] },
    ],
  },
  {
    id: '05-page-lock-anon-vma',
    title: 'page_lock_anon_vma() for the root-lock kernel',
    lesson: 5,
    kind: 'page-lock',
    exports: ['page_lock_anon_vma', 'page_unlock_anon_vma'],
    stub: 'exercises/05-page-lock-anon-vma/page_lock_anon_vma.ts',
    stubSha256: '0a5867b860f1e5ee449c7493301d5393b01fe438c496fe1cb8b6042722bff471',
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
      'Unlock the lock you actually took. Read ->root once (READ_ONCE, or ACCESS_ONCE: add it to the import) and keep it.',
      'If the page is still mapped with the root lock held, its anon_vma cannot be freed before the unlock, so page_unlock_anon_vma may read ->root again.',
    ],
    variants: [
      { file: 'solutions/05-page-lock-anon-vma/history/2.6.36-rc2.ts', expect: 'fail', kinds: ['bad-unlock', 'hang'] },
      { file: 'test/fixtures/submissions/05-page-lock-anon-vma/no-rcu-unlock-on-failure.ts', expect: 'fail', kinds: ['rcu-imbalance'] },
      { file: 'test/fixtures/submissions/05-page-lock-anon-vma/unlock-after-rcu-unlock.ts', expect: 'fail', kinds: ['use-after-free'] },
      { file: 'solutions/05-page-lock-anon-vma/history/hugh-fix.ts', expect: 'pass' },
      { file: 'solutions/05-page-lock-anon-vma/history/andrea-single-check.ts', expect: 'fail', kinds: ['bad-unlock', 'hang'] },
      { file: 'solutions/05-page-lock-anon-vma/history/no-access-once.ts', expect: 'fail', kinds: ['bad-unlock'] },
      { file: 'solutions/05-page-lock-anon-vma/history/christoph-lock-recheck.ts', expect: 'pass' },
      { file: 'solutions/05-page-lock-anon-vma/history/2.6.35.ts', expect: 'fail', kinds: ['contract'] },
    ],
  },
  {
    id: '06-page-get-anon-vma',
    title: 'page_get_anon_vma() and put_anon_vma(): pin with a reference (3.0)',
    lesson: 6,
    kind: 'page-get',
    exports: ['page_get_anon_vma', 'put_anon_vma'],
    stub: 'exercises/06-page-get-anon-vma/page_get_anon_vma.ts',
    stubSha256: '811d3aedfe455306e860aa91d6656e495334ee59faf42939ace45fdd1cb19b5f',
    solution: 'solutions/06-page-get-anon-vma/page_get_anon_vma.ts',
    scenarios: [
      { name: 'quiet', points: 2 },
      { name: 'exit', points: 2 },
      { name: 'last-put', points: 3 },
      { name: 'seed', points: 3 },
    ],
    hints: [
      'Under rcu_read_lock() the anon_vma that page->mapping names is still *an* anon_vma, maybe freed and reused. Pin it with atomic_inc_not_zero(anon_vma.refcount): it fails on a count of 0, which means "being freed"; a plain atomic_inc would revive it.',
      'A pin says the object is alive, not that it is the page\'s: a reused slot has a nonzero count too. After the pin, ask page_mapped() again; if the page is no longer mapped, drop your reference and return null.',
      'Dropping a reference may free (the last put), and freeing takes the root\'s mutex: it may sleep. Leave the RCU section before you put.',
      'put_anon_vma: atomic_dec_and_test() tells you, in one step, whether yours was the last reference. If so, read ->root, free the anon_vma, then (if it is not its own root) drop its reference on the root the same way. Free the child before the root: anon_vma_free() reads the root\'s mutex.',
    ],
    variants: [
      { file: 'solutions/06-page-get-anon-vma/history/migration-2.6.37.ts', expect: 'fail', kinds: ['contract', 'use-after-free'] },
      { file: 'test/fixtures/submissions/06-page-get-anon-vma/no-recheck.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/06-page-get-anon-vma/atomic-inc.ts', expect: 'fail', kinds: ['use-after-free', 'contract'] },
      { file: 'test/fixtures/submissions/06-page-get-anon-vma/put-after-failed-pin.ts', expect: 'fail', kinds: ['use-after-free'] },
      { file: 'test/fixtures/submissions/06-page-get-anon-vma/put-root-first.ts', expect: 'fail', kinds: ['use-after-free'] },
      { file: 'test/fixtures/submissions/06-page-get-anon-vma/put-no-free.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/06-page-get-anon-vma/put-dec-then-read.ts', expect: 'fail', kinds: ['use-after-free'] },
      { file: 'test/fixtures/submissions/06-page-get-anon-vma/put-in-rcu.ts', expect: 'fail', kinds: ['sleep-in-atomic'] },
      { file: 'test/fixtures/submissions/06-page-get-anon-vma/leak-on-unmapped.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/06-page-get-anon-vma/no-rcu.ts', expect: 'fail', kinds: ['use-after-free'] },
    ],
  },
  {
    id: '07-lock-anon-vma-read',
    title: 'page_lock_anon_vma_read(): trylock fast path, refcount slow path (3.8)',
    lesson: 7,
    kind: 'lock-read',
    exports: ['page_lock_anon_vma_read', 'page_unlock_anon_vma_read'],
    stub: 'exercises/07-lock-anon-vma-read/lock_anon_vma_read.ts',
    stubSha256: '677c8126ec158d9d8c6a33d7977dd6b28ab49956c0d473ca2bbdb2052199a29d',
    solution: 'solutions/07-lock-anon-vma-read/lock_anon_vma_read.ts',
    scenarios: [
      { name: 'quiet', points: 2 },
      { name: 'contended', points: 2 },
      { name: 'exit-vs-walk', points: 1 },
      { name: 'last-put', points: 2 },
      { name: 'seed', points: 3 },
    ],
    hints: [
      'down_read() may sleep, so it may not run inside rcu_read_lock(). down_read_trylock() never sleeps: try it first, on the root you read once with ACCESS_ONCE().',
      'When the trylock works, you are in 2010 again: re-check page_mapped() under the lock, and on failure release the lock you took (not a re-read ->root).',
      'When it fails, pin the anon_vma with atomic_inc_not_zero(), re-check page_mapped(), and only then leave RCU and sleep in down_read(). A reference you give up must be put — outside RCU, since a put may sleep.',
      'After down_read(), drop your reference with atomic_dec_and_test(): the read lock now keeps the anon_vma. If yours was the last reference, up_read() first, then __put_anon_vma(), and return null: freeing takes the rwsem for write.',
    ],
    variants: [
      { file: 'test/fixtures/submissions/07-lock-anon-vma-read/sleep-in-rcu.ts', expect: 'fail', kinds: ['sleep-in-atomic'] },
      { file: 'test/fixtures/submissions/07-lock-anon-vma-read/put-in-rcu.ts', expect: 'fail', kinds: ['sleep-in-atomic'] },
      { file: 'test/fixtures/submissions/07-lock-anon-vma-read/keep-reference.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/07-lock-anon-vma-read/trust-refcount.ts', expect: 'fail', kinds: ['bad-unlock', 'hang'] },
      { file: 'test/fixtures/submissions/07-lock-anon-vma-read/no-fast-recheck.ts', expect: 'fail', kinds: ['use-after-free', 'bad-unlock', 'hang', 'contract'] },
      { file: 'test/fixtures/submissions/07-lock-anon-vma-read/put-under-lock.ts', expect: 'fail', kinds: ['hang'] },
      { file: 'test/fixtures/submissions/07-lock-anon-vma-read/drop-before-lock.ts', expect: 'fail', kinds: ['use-after-free', 'bad-unlock', 'hang'] },
    ],
  },
  {
    id: '08-lock-task-sighand',
    title: 'lock_task_sighand(): the pattern in the signal code',
    lesson: 8,
    kind: 'sighand',
    exports: ['lock_task_sighand', 'unlock_task_sighand'],
    stub: 'exercises/08-lock-task-sighand/lock_task_sighand.ts',
    stubSha256: '75cea0da21ce0f1a9cc2ed65fdaba8fc41bd6dfc36de2dbc40103f24bdef6ef6',
    solution: 'solutions/08-lock-task-sighand/lock_task_sighand.ts',
    scenarios: [
      { name: 'quiet', points: 2 },
      { name: 'exit', points: 2 },
      { name: 'exec', points: 2 },
      { name: 'reuse', points: 3 },
      { name: 'exec-reuse', points: 1, hidden: true },
    ],
    hints: [
      'Read tsk.sighand with rcu_dereference() inside rcu_read_lock(): the sighand_struct it names stays a sighand_struct until you leave, so its siglock is a real lock — of someone, maybe not the task.',
      'NULL is an answer: the task has exited. Return null (outside RCU).',
      'Pin first, verify after: take sh.siglock, then read tsk.sighand again. Exec and exit change it only under the siglock of the sighand it names, so if it still names sh now, it will until you unlock.',
      'If it names something else, sh is stale (maybe another process\'s by now): spin_unlock(sh.siglock) and go round again. Only a NULL pointer means "give up".',
    ],
    variants: [
      { file: 'test/fixtures/submissions/08-lock-task-sighand/no-recheck.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/08-lock-task-sighand/check-before-lock.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/08-lock-task-sighand/give-up-on-mismatch.ts', expect: 'fail', kinds: ['contract'] },
      { file: 'test/fixtures/submissions/08-lock-task-sighand/no-rcu.ts', expect: 'fail', kinds: ['use-after-free'] },
      { file: 'test/fixtures/submissions/08-lock-task-sighand/no-unlock-on-retry.ts', expect: 'fail', kinds: ['lock-held-at-return', 'hang', 'contract'] },
      { file: 'test/fixtures/submissions/08-lock-task-sighand/null-path-rcu.ts', expect: 'fail', kinds: ['rcu-imbalance'] },
    ],
  },
] as const satisfies readonly ExerciseEntry[];

export type ExerciseId = (typeof EXERCISES)[number]['id'];

export function findExercise(idOrNumber: string): ExerciseEntry | undefined {
  const list: readonly ExerciseEntry[] = EXERCISES;
  const n = /^\d{1,2}$/.test(idOrNumber) ? idOrNumber.padStart(2, '0') : undefined;
  return list.find((e) => e.id === idOrNumber || (n !== undefined && e.id.startsWith(`${n}-`)));
}
