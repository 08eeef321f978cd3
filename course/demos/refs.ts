// Lesson 6 demos (pin with a reference, Linux 3.0).
//  refcount-pin:    the exit drops the last reference just before the pin: atomic_inc_not_zero()
//                   sees 0 and fails (an honest NULL); atomic_inc() in its place revives it.
//  last-put-order:  the last put frees the root before the child: KASAN, as in 2014.
//  same-bug-twice:  the grader on the two 2011 replays of the seed bug, and on the fix.
import type { DemoOptions } from '../demoKit';
import { BUDGET, factoryOf, fitWidth, page, phases, plural, recordRun, replaying, verdictLine, wrap } from '../demoKit';
import { explore } from '../../explorer/explore';
import { decode } from '../../explorer/schedule';
import { timeline } from '../../trace/timeline';
import type { Verdict } from '../../explorer/verdict';
import * as pageGet from '../../scenarios/pageGet';
import { scenariosFor } from '../../scenarios/registry';
import { getter, lockAnonVma30 } from '../../scenarios/demos/refs';

function shortVerdict(v: Verdict): string {
  return v.kind === 'BUG' ? `BUG: ${v.failure.kind}` : v.kind === 'VERIFIED' ? `VERIFIED (${plural(v.classes, 'run')})` : 'NO BUG WITHIN budget';
}

function refcountPin(o: DemoOptions): string {
  const sc = pageGet.exit();
  // migrate: lock_page, check, rcu_read_lock, page->mapping, page_mapped (5 steps); then the
  // child exits completely (its put is the last: the anon_vma is freed); then migrate goes on.
  const r = recordRun(sc.name, factoryOf(sc, getter()), phases([{ tid: 0, n: 5 }, { tid: 1, n: 1000 }, { tid: 0, n: 1000 }]));
  const pin = r.trace.events.find((e) => e.name === 'atomic_inc_not_zero');
  const kept = r.trace.events.filter((e) => e.tid === 0 || /refcount|kmem_cache_free/.test(`${e.obj} ${e.name}`));
  const bad = explore(factoryOf(sc, getter({ plainInc: true })), BUDGET);
  const badRun = bad.kind === 'BUG' ? recordRun(sc.name, factoryOf(sc, getter({ plainInc: true })), replaying(decode(bad.schedule))) : undefined;
  const failed = pin?.result?.startsWith('false') === true;
  return page(o,
    `${failed ? 'atomic_inc_not_zero() saw 0 and failed' : 'Unexpected: the pin succeeded'}: page_get_anon_vma() returned NULL, honestly. `
    + `With atomic_inc() instead: ${verdictLine(bad)}.`,
    [timeline({ ...r.trace, events: kept }, o), `With atomic_inc(), the explorer's counterexample ends in:\n${fitWidth(badRun?.trace.failure?.report ?? '', o.width)}`],
    'The exit dropped the anon_vma\'s last reference (refcount 1 → 0) and freed it, after migration had checked page_mapped() but before it pinned. '
    + 'Zero means "being freed": the pin must fail there. A plain increment cannot fail: it revives the dying object (0 → 1), the re-check finds '
    + 'the page unmapped, and the put that follows touches memory already given back (the report above).');
}

function lastPutOrder(o: DemoOptions): string {
  const sc = pageGet.lastPut();
  const bad = explore(factoryOf(sc, getter({ rootFirst: true })), BUDGET);
  const good = explore(factoryOf(sc, getter()), BUDGET);
  if (bad.kind !== 'BUG') return page(o, `${verdictLine(bad)} (expected a KASAN report)`, [], '');
  const r = recordRun(sc.name, factoryOf(sc, getter({ rootFirst: true })), replaying(decode(bad.schedule)));
  const upTo = r.trace.failure?.step ?? Infinity;
  const pinAt = r.trace.events.find((e) => e.tid === 0 && e.name === 'atomic_inc_not_zero')?.i ?? 0;
  const quietNames = /^(check:|list_for_each_entry|rcu_read|page_mapped)/;
  const shown = r.trace.events.filter((e) => e.i <= upTo && e.i >= pinAt
    && (e.tid === 0 ? !quietNames.test(e.name) : /refcount|kmem_cache_free/.test(`${e.obj} ${e.name}`)));
  return page(o,
    `Root first: ${verdictLine(bad)}. Child first (the fix): ${verdictLine(good)}.`,
    [timeline({ ...r.trace, events: shown }, o), fitWidth(r.trace.failure?.report ?? '', o.width)],
    'Both processes exited while migration held a reference on the child\'s anon_vma, so migration\'s put was the last for the child, and '
    + 'the child\'s pin was the last on the root. Freeing the root first leaves anon_vma_free(child) reading the freed root\'s mutex. 3.0 had this '
    + 'order; Andrey Ryabinin found it with KASAN in 2014 and swapped the two frees (624483f3ea82).');
}

function sameBugTwice(o: DemoOptions): string {
  const seed30 = scenariosFor('page-lock', 'seed-3.0')!;
  const rows: [string, string, Verdict][] = [
    ['Jan 2011: migration, check then get', 'page-get seed', explore(factoryOf(pageGet.seed(), getter({ plainInc: true, noRecheck: true })), BUDGET)],
    ['May 2011: 3.0-rc trusts refcount', 'page-lock seed-3.0', explore(factoryOf(seed30, lockAnonVma30(true)), BUDGET)],
    ['May 2011 fix: root once, mapped?', 'page-lock seed-3.0', explore(factoryOf(seed30, lockAnonVma30(false)), BUDGET)],
  ];
  const w1 = Math.max(...rows.map((r) => r[0].length)) + 2, w2 = Math.max(...rows.map((r) => r[1].length)) + 2;
  const table = [`${'variant'.padEnd(w1)}${'scenario'.padEnd(w2)}verdict`, ...rows.map(([a, b, v]) => `${a.padEnd(w1)}${b.padEnd(w2)}${shortVerdict(v)}`)].join('\n');
  const reports = rows.filter((r) => r[2].kind === 'BUG').map(([a, , v]) => wrap(`${a.split(':')[0]}: ${v.kind === 'BUG' ? v.failure.why : ''}.`, o.width));
  const bugs = rows.filter((r) => r[2].kind === 'BUG').length;
  return page(o,
    `The checker finds the seed's bug in both 2011 replays (${bugs} of 2) and none in the fix.`,
    [table, ...reports],
    'Both are the 2010 mistake again: a check made before the pin (page_mapped(), or a nonzero refcount) trusted after it. Migration pinned an anon_vma '
    + 'that was already back in its slab (1ce82b69e96c); the 3.0-rc fast path locked a root, then believed a refcount that a racing anon_vma_alloc() '
    + 'had just set to 1 (eee0f252c653). The fix saves ->root once and re-checks page_mapped() under the lock.');
}

export const REFS_DEMOS: Readonly<Record<string, (o: DemoOptions) => string>> = {
  'refcount-pin': refcountPin,
  'last-put-order': lastPutOrder,
  'same-bug-twice': sameBugTwice,
};
