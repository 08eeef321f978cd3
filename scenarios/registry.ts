// Scenarios by exercise kind and name: what the grader, `check` and the bench look up. Each
// kind also names the exports a submission must provide (its subject).
import type { Scenario } from './scenario';
import { seed, quiet, exitVsWalk, remap, hugetlbMove } from './pageLock';

type Kind = 'page-lock' | 'rmap-walk' | 'rcu-reader' | 'typesafe-lookup' | 'schedule' | 'page-get' | 'lock-read' | 'sighand';

const PAGE_LOCK: Record<string, () => Scenario<any>> = {
  quiet: () => quiet('2.6.36'),
  'exit-vs-walk': () => exitVsWalk('2.6.36'),
  remap: () => remap('2.6.36'),
  seed: () => seed('2.6.36'),
  'seed-churn-1': () => seed('2.6.36', 1),
  'seed-churn-2': () => seed('2.6.36', 2),
  'seed-churn-3': () => seed('2.6.36', 3),
  'hugetlb-move': () => hugetlbMove('2.6.36', false),
  'hugetlb-move-locked': () => hugetlbMove('2.6.36', true),
};

const BY_KIND: Partial<Record<Kind, Record<string, () => Scenario<any>>>> = { 'page-lock': PAGE_LOCK };

export function scenariosFor(kind: Kind, name: string): Scenario<any> | undefined {
  const f = BY_KIND[kind]?.[name];
  return f === undefined ? undefined : f();
}

export function scenarioNames(kind: Kind): string[] { return Object.keys(BY_KIND[kind] ?? {}); }

/** The exports a submission of this kind must provide, all generator functions. */
export function subjectShape(kind: Kind): readonly string[] {
  switch (kind) {
    case 'page-lock': return ['page_lock_anon_vma', 'page_unlock_anon_vma'];
    default: return [];
  }
}
