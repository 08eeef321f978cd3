// The scenarios each kind of exercise is graded on, by name: what the grader, `npm run check`
// and the tests look up (exercises/index.ts lists which of them an exercise uses, with points).
// A scenario is built fresh for every execution, so entries are factories.
import type { ExerciseEntry } from '../exercises/index';
import type { Scenario } from './scenario';
import * as pageLock from './pageLock';
import { RMAP_WALK } from './rmapWalk';
import { RCU_READER } from './rcuReader';
import { TYPESAFE_LOOKUP } from './typesafeLookup';
import { PAGE_GET } from './pageGet';
import { LOCK_READ } from './lockRead';
import { SIGHAND } from './sighand';

export type ExerciseKind = ExerciseEntry['kind'];

/** Page-lock exercises run on Linux 2.6.36 (root locking; Hugh's fix is the reference). */
const PAGE_LOCK_VERSION = '2.6.36';
const PAGE_LOCK: Readonly<Record<string, () => Scenario<any>>> = {
  quiet: () => pageLock.quiet(PAGE_LOCK_VERSION),
  'exit-vs-walk': () => pageLock.exitVsWalk(PAGE_LOCK_VERSION),
  remap: () => pageLock.remap(PAGE_LOCK_VERSION),
  seed: () => pageLock.seed(PAGE_LOCK_VERSION),
  'seed-churn-1': () => pageLock.seed(PAGE_LOCK_VERSION, 1),
  'seed-churn-2': () => pageLock.seed(PAGE_LOCK_VERSION, 2),
  'seed-churn-3': () => pageLock.seed(PAGE_LOCK_VERSION, 3),
  'hugetlb-move': () => pageLock.hugetlbMove(PAGE_LOCK_VERSION, false),
  'hugetlb-move-locked': () => pageLock.hugetlbMove(PAGE_LOCK_VERSION, true),
};

/** The seed and its neighbours on later kernels, for the history variants (3.0 mutex and
 *  refcount, 3.8 rwsem): tests and lessons 6–7 use them. */
const LATER: Readonly<Record<string, () => Scenario<any>>> = {
  'quiet-3.0': () => ({ ...pageLock.quiet('3.0'), name: 'quiet-3.0' }),
  'exit-vs-walk-3.0': () => ({ ...pageLock.exitVsWalk('3.0'), name: 'exit-vs-walk-3.0' }),
  'seed-3.0': () => ({ ...pageLock.seed('3.0'), name: 'seed-3.0' }),
  'quiet-3.8': () => ({ ...pageLock.quiet('3.8'), name: 'quiet-3.8' }),
  'exit-vs-walk-3.8': () => ({ ...pageLock.exitVsWalk('3.8'), name: 'exit-vs-walk-3.8' }),
  'seed-3.8': () => ({ ...pageLock.seed('3.8'), name: 'seed-3.8' }),
};

const BY_KIND: Partial<Record<ExerciseKind, Readonly<Record<string, () => Scenario<any>>>>> = {
  'page-lock': { ...PAGE_LOCK, ...LATER },
  'rmap-walk': RMAP_WALK,
  'rcu-reader': RCU_READER,
  'typesafe-lookup': TYPESAFE_LOOKUP,
  'page-get': PAGE_GET,     // 3.0: page_get_anon_vma + put_anon_vma
  'lock-read': LOCK_READ,   // 3.8: page_lock_anon_vma_read
  sighand: SIGHAND,         // lock_task_sighand over sighand_cachep
};

/** What a submission of each kind must export (generator functions). */
const SHAPES: Readonly<Record<ExerciseKind, readonly string[]>> = {
  'page-lock': ['page_lock_anon_vma', 'page_unlock_anon_vma'],
  'rmap-walk': ['page_anon_vma', 'rmap_walk_anon'],
  'rcu-reader': ['anon_vma_places'],
  'typesafe-lookup': ['obj_lookup'],
  'page-get': ['page_get_anon_vma', 'put_anon_vma'],
  'lock-read': ['page_lock_anon_vma_read', 'page_unlock_anon_vma_read'],
  sighand: ['lock_task_sighand', 'unlock_task_sighand'],
  // Exercises not written yet: their shapes arrive with their scenarios.
  schedule: [],
};

/** A fresh scenario of `kind` named `name`, or undefined when there is none. */
export function scenariosFor(kind: ExerciseKind, name: string): Scenario<any> | undefined {
  const table = BY_KIND[kind];
  if (table === undefined || !Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  return table[name]();
}

/** Every scenario name registered for `kind` (for listings and tests). */
export function scenarioNames(kind: ExerciseKind): string[] {
  return Object.keys(BY_KIND[kind] ?? {});
}

/** The exports a submission of `kind` must provide. */
export function subjectShape(kind: ExerciseKind): readonly string[] {
  return SHAPES[kind] ?? [];
}
