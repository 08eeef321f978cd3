// DPOR keeps a thread's footprint for an op that is not stable (an allocation, an RCU callback,
// a type-safe access inside an RCU section) while footprintDeps says nothing it depends on has
// changed (dpor.ts, FootprintCache). That is sound only if the footprint is a function of the
// thread, the op and those deps. Checked here by value over random executions of the scenarios
// with such ops: two states with the same thread, op and deps must give the same footprint.
// DPOR also shares an allocation's footprint between threads by allocKey: one key must name one
// footprint, whichever thread asks, and two footprints two keys.
import { allocKey, footprint, footprintDeps, footprintIsStable } from '../../explorer/dependence';
import { start } from '../../explorer/run';
import { suite } from '../../bench/suite';
import type { Machine } from '../../sim/machine';
import type { Op } from '../../sim/op';

const SCENARIOS = ['seed/rc2', 'seed/hugh', 'slab-reuse-2', 'rcu-pubsub/sync', 'rcu-pubsub/nosync'];
const RUNS = 150;

/** A deterministic stream of numbers in [0, n) (a linear congruential generator). */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x % n; };
}

/** RUNS random executions of scenario `name` (threads picked by a stream seeded with `seed`):
 *  `visit` sees every live thread's pending op in every state, with its footprintDeps. */
function walk(name: string, seed: number, visit: (m: Machine, t: number, o: Op, deps: { a: unknown; b: number }) => void): void {
  const sc = suite(false).find((s) => s.name === name)!;
  const deps = { a: undefined as unknown, b: 0 };
  const pick = rng(seed);
  for (let r = 0; r < RUNS; r++) {
    const m = start(sc.factory, { haltOnFailure: true });
    for (;;) {
      for (let t = 0; t < m.threads.length; t++) {
        const o = m.threads[t].pending;
        if (o === null || m.threads[t].done) continue;
        footprintDeps(m, t, o, deps);
        visit(m, t, o, deps);
      }
      const en = m.enabled();
      if (en.length === 0 || m.halted) break;
      m.step(en[pick(en.length)]);
    }
  }
}

test.each(SCENARIOS)('%s: the same thread, op and deps give the same footprint', (name) => {
  const seen = new Map<string, string>();
  let checked = 0, again = 0;
  walk(name, 7, (m, t, o, deps) => {
    if (footprintIsStable(m, t, o)) return;
    const key = JSON.stringify([t, o.k, o.a, o.v, o.n ?? null, deps.a === undefined ? null : deps.a, deps.b]);
    const fp = JSON.stringify(footprint(m, t, o));
    const before = seen.get(key);
    if (before === undefined) seen.set(key, fp); else { again++; expect(fp).toBe(before); }
    checked++;
  });
  // not vacuous: such ops were met, and the same ones met again in other states
  expect(checked).toBeGreaterThan(100);
  expect(again).toBeGreaterThan(50);
});

// (in the seed scenarios one thread allocates; in slab-reuse-2 every churn thread does)
test.each([['seed/rc2', 1], ['seed/hugh', 1], ['slab-reuse-2', 2]])('%s: one allocKey names one allocation footprint, whichever thread asks', (name, threads) => {
  const byKey = new Map<number, string>(), byFp = new Map<string, number>(), askers = new Map<number, Set<number>>();
  let allocs = 0, again = 0;
  walk(name, 11, (m, t, o, deps) => {
    const k = allocKey(o, deps);
    if (o.k !== 'alloc') { expect(k).toBe(-1); return; }
    expect(k).toBeGreaterThanOrEqual(0);
    allocs++;
    (askers.get(k) ?? askers.set(k, new Set()).get(k)!).add(t);
    const fp = JSON.stringify(footprint(m, t, o));
    const before = byKey.get(k);
    if (before === undefined) byKey.set(k, fp); else { again++; expect(fp).toBe(before); }
    const k2 = byFp.get(fp);
    if (k2 === undefined) byFp.set(fp, k); else expect(k).toBe(k2);
  });
  expect(allocs).toBeGreaterThan(100);
  expect(again).toBeGreaterThan(50);
  // several keys, and (slab-reuse-2) a key asked for by more than one thread
  expect(byKey.size).toBeGreaterThan(1);
  expect(Math.max(...[...askers.values()].map((x) => x.size))).toBe(threads);
});
