// The type-safe cache (SLAB_TYPESAFE_BY_RCU) in every thread order: a free, a reallocation, and
// readers inside RCU sections. A reader's section start and a free are ordered only when the
// reader touches the slot (dependence.ts, typesafeAccess), so these small programs are where
// that rule can go wrong. For each: every execution of a class ends with the same failures, so
// does the class's canonical linearisation, and DPOR reaches every class and every kind of failure.
import * as k from '../../sim/api';
import { Machine } from '../../sim/machine';
import { handleAt } from '../../sim/handles';
import { dpor } from '../../explorer/dpor';
import { naive } from '../../explorer/naive';
import { HappensBefore } from '../../explorer/hb';
import type { Factory } from '../../explorer/run';
import { classOf, sameClocks } from './linearise';

type Body = 'free' | 'alloc' | 'read' | 'read2' | 'lock' | 'outside';

function factory(bodies: readonly Body[]): Factory {
  return (opts) => {
    const m = new Machine(opts);
    const o = handleAt('obj', m.mem.setupAlloc('obj_typesafe_cachep'));
    function* run(b: Body): k.Kernel<void> {
      switch (b) {
        case 'free': yield* k.kmem_cache_free(k.obj_typesafe_cachep, o); return;
        case 'alloc': yield* k.kmem_cache_alloc(k.obj_typesafe_cachep); return;
        case 'read': yield* k.rcu_read_lock(); yield* k.READ_ONCE(o.key); yield* k.rcu_read_unlock(); return;
        case 'read2': yield* k.rcu_read_lock(); yield* k.READ_ONCE(o.key); yield* k.READ_ONCE(o.value); yield* k.rcu_read_unlock(); return;
        case 'lock': yield* k.rcu_read_lock(); yield* k.spin_lock(o.lock); yield* k.spin_unlock(o.lock); yield* k.rcu_read_unlock(); return;
        case 'outside': yield* k.READ_ONCE(o.key); return;
      }
    }
    bodies.forEach((b, i) => m.spawn(`T${i}`, run(b)));
    return m;
  };
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

const PROGRAMS: Body[][] = [
  ['free', 'read', 'alloc'], ['free', 'read2', 'alloc'], ['free', 'lock', 'alloc'], ['free', 'read', 'read'],
  ['free', 'read', 'outside'], ['free', 'read2', 'alloc', 'read'],
];

test.each(PROGRAMS.flatMap((p) => permutations(p)).map((p) => [p.join(' | '), p] as const))('%s', (_name, bodies) => {
  const f = factory(bodies);
  const kindsOf = new Map<string, string>();
  const all = naive(f, 100000, undefined, false, (key, kinds) => {
    const before = kindsOf.get(key);
    if (before !== undefined) { expect(kinds).toBe(before); return; }
    kindsOf.set(key, kinds);
    expect(classOf(f, key.split('').map(Number)).kinds).toBe(kinds);
  });
  expect(all.complete).toBe(true);
  const seen = new Set<string>();
  const kinds = new Set<string>();
  dpor(f, { stopOnBug: false, onFailure: (_kind, all) => { for (const x of all) kinds.add(x); }, onExecution: (evs, n, blocked, clock) => {
    const hb = new HappensBefore(evs, n);
    sameClocks(hb, clock);
    if (!blocked) seen.add(hb.canonical());
  } });
  expect([...seen].sort()).toEqual([...kindsOf.keys()].sort());
  expect([...kinds].sort()).toEqual([...new Set([...kindsOf.values()].flatMap((x) => x.split(' ')).filter((x) => x !== ''))].sort());
});
