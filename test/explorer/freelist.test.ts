// Property: the slab free list is a stack, and DPOR orders two frees only when a later
// allocation observes their order (explorer/dependence.ts, isPopKey). On random programs where
// threads free objects (at once or through kfree_rcu) and allocate, storing what they got:
// every execution of one class ends in the same state and with the same failures (so the
// classes are sound), and DPOR reaches every class naive enumeration finds, rarely more than once.
import fc from 'fast-check';
import * as k from '../../sim/api';
import { Machine } from '../../sim/machine';
import { handleAt } from '../../sim/handles';
import { rcuThread } from '../../sim/rcuThread';
import { dpor } from '../../explorer/dpor';
import { naive } from '../../explorer/naive';
import { HappensBefore } from '../../explorer/hb';
import type { Factory } from '../../explorer/run';
import { classOf, sameClocks } from './linearise';

type Step = { t: 'alloc' } | { t: 'free'; o: number } | { t: 'retire'; o: number } | { t: 'peek'; of: number } | { t: 'rcu' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('alloc' as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('free' as const), o: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('retire' as const), o: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('peek' as const), of: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rcu' as const) }) },
);
const program = fc.array(fc.array(step, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 });

/** The factory, and a way to read the last machine's final state: what each thread's
 *  allocations returned, and which objects are live. */
function factory(prog: Step[][]): { f: Factory; state: () => string } {
  let last: Machine | undefined;
  let results: number[][] = [];
  const f: Factory = (opts) => {
    const m = new Machine(opts);
    last = m;
    results = prog.map(() => []);
    // four objects (two of the cache's six slots stay free), each freed by the first thread to claim it
    const objs = [0, 1, 2, 3].map(() => handleAt('obj', m.mem.setupAlloc('obj_cachep')));
    const claim = handleAt('obj', m.mem.setupAlloc('obj_typesafe_cachep'));
    const flags = [claim.key, claim.value, claim.refcount, claim.lock];
    for (const x of flags) m.mem.set(x.addr, 1);
    const got = prog.map(() => handleAt('obj', m.mem.setupAlloc('obj_typesafe_cachep')).key);
    function* run(s: Step, tid: number): k.Kernel<void> {
      switch (s.t) {
        case 'alloc': { const h = yield* k.kmem_cache_alloc(k.obj_cachep); results[tid].push(h.addr); yield* k.WRITE_ONCE(got[tid], h.addr); return; }
        case 'free': case 'retire':
          if (!(yield* k.atomic_dec_and_test(flags[s.o] as k.Atomic))) return;
          if (s.t === 'free') yield* k.kmem_cache_free(k.obj_cachep, objs[s.o]); else yield* k.kfree_rcu(objs[s.o]);
          return;
        case 'peek': if (s.of < got.length) yield* k.READ_ONCE(got[s.of]); return;
        case 'rcu': yield* k.rcu_read_lock(); yield* k.rcu_read_unlock(); return;
      }
    }
    prog.forEach((steps, i) => m.spawn(`T${i}`, (function* () { for (const s of steps) yield* run(s, i); })()));
    if (prog.some((t) => t.some((s) => s.t === 'retire'))) m.spawn('rcu', rcuThread(), true);
    return m;
  };
  const state = (): string => {
    const m = last!;
    const live = [...m.mem.slots.values()].filter((s) => s.live).map((s) => s.base).sort((a, b) => a - b);
    return JSON.stringify({ results, live, failures: m.failures.map((x) => x.kind).sort() });
  };
  return { f, state };
}

test('two frees are ordered only when an allocation observes it: classes stay sound, DPOR covers each', () => {
  let withObserved = 0, totalRuns = 0, totalClasses = 0;
  fc.assert(fc.property(program, (prog) => {
    const { f, state } = factory(prog);
    const outcome = new Map<string, string>();
    const all = naive(f, 3000, undefined, false, (key) => {
      const s = state();
      const before = outcome.get(key);
      if (before !== undefined) { expect(s).toBe(before); return; }
      outcome.set(key, s);
      // the canonical linearisation of the class ends the same way
      const again = classOf(f, key.split('').map(Number));
      expect([again.key, state()]).toEqual([key, s]);
    });
    fc.pre(all.complete);
    const seen = new Set<string>();
    let complete = 0;
    const r = dpor(f, { stopOnBug: false, onExecution: (evs, n, blocked, clock) => {
      const hb = new HappensBefore(evs, n);
      sameClocks(hb, clock);
      if (blocked) return;
      complete++;
      seen.add(hb.canonical());
    } });
    expect(r.complete).toBe(true);
    expect([...seen].sort()).toEqual([...all.traces.keys()].sort());
    // at least one execution per class; a few more where a sleeping free was woken by another free
    // (sleep sets keep frees dependent: sleepDependent)
    expect(complete).toBeGreaterThanOrEqual(seen.size);
    totalRuns += complete; totalClasses += seen.size;
    if (all.executions > all.classes && prog.flat().filter((s) => s.t === 'free').length >= 2) withObserved++;
  }), { numRuns: 90, seed: 1610 });
  // the programs did exercise frees by several threads
  expect(withObserved).toBeGreaterThan(10);
  expect(totalRuns / totalClasses).toBeLessThan(1.2);
});
