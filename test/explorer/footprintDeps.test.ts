// DPOR keeps a thread's footprint for an op that is not stable (an allocation, an RCU callback,
// a type-safe access inside an RCU section) while footprintDeps says nothing it depends on has
// changed (dpor.ts, FootprintCache). That is sound only if the footprint is a function of the
// thread, the op and those deps. Checked here by value over random executions of the scenarios
// with such ops: two states with the same thread, op and deps must give the same footprint.
import { footprint, footprintDeps, footprintIsStable } from '../../explorer/dependence';
import { start } from '../../explorer/run';
import { suite } from '../../bench/suite';

const SCENARIOS = ['seed/rc2', 'seed/hugh', 'slab-reuse-2', 'rcu-pubsub/sync', 'rcu-pubsub/nosync'];
const RUNS = 150;

/** A deterministic stream of numbers in [0, n) (a linear congruential generator). */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x % n; };
}

test.each(SCENARIOS)('%s: the same thread, op and deps give the same footprint', (name) => {
  const sc = suite(false).find((s) => s.name === name)!;
  const seen = new Map<string, string>();
  const deps = { a: undefined as unknown, b: 0 };
  let checked = 0, again = 0;
  const pick = rng(7);
  for (let r = 0; r < RUNS; r++) {
    const m = start(sc.factory, { haltOnFailure: true });
    for (;;) {
      for (let t = 0; t < m.threads.length; t++) {
        const o = m.threads[t].pending;
        if (o === null || m.threads[t].done || footprintIsStable(m, t, o)) continue;
        footprintDeps(m, t, o, deps);
        const key = JSON.stringify([t, o.k, o.a, o.v, o.n ?? null, deps.a === undefined ? null : deps.a, deps.b]);
        const fp = JSON.stringify(footprint(m, t, o));
        const before = seen.get(key);
        if (before === undefined) seen.set(key, fp); else { again++; expect(fp).toBe(before); }
        checked++;
      }
      const en = m.enabled();
      if (en.length === 0 || m.halted) break;
      m.step(en[pick(en.length)]);
    }
  }
  // not vacuous: such ops were met, and the same ones met again in other states
  expect(checked).toBeGreaterThan(100);
  expect(again).toBeGreaterThan(50);
});
