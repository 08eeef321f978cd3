// A race whose reversal starts with a thread asleep at the backtrack point adds nothing to the
// backtrack set (dpor.ts, addBacktrack): before that test, slab reuse with two threads ran three
// executions that ended with every awake thread asleep, and the same 18 classes.
import { dpor } from '../../explorer/dpor';
import { HappensBefore } from '../../explorer/hb';
import { naive } from '../../explorer/naive';
import { slabReuse } from '../../bench/synthetic';

test('slab reuse, two threads: every class once, no execution sleep-set blocked', () => {
  const f = slabReuse(2);
  const seen = new Set<string>();
  const d = dpor(f, { stopOnBug: false, onExecution: (evs, n, blocked) => { if (!blocked) seen.add(new HappensBefore(evs, n).canonical()); } });
  expect(d.complete).toBe(true);
  expect(d.blocked).toBe(0);
  const nv = naive(f, 100000);
  expect(nv.complete).toBe(true);
  expect(d.executions).toBe(nv.classes);
  expect([...nv.traces.keys()].filter((k) => !seen.has(k))).toEqual([]);
});
