// A race whose reversal starts with a thread asleep at the backtrack point adds nothing to the
// backtrack set (dpor.ts, addBacktrack): before that test, slab reuse with two threads ran three
// executions that ended with every awake thread asleep, and the same 18 classes.
import { dpor } from '../../explorer/dpor';
import { HappensBefore } from '../../explorer/hb';
import { naive } from '../../explorer/naive';
import { counter, philosophers, slabReuse } from '../../bench/synthetic';
import { seed } from '../../scenarios/pageLock';
import { instantiate } from '../../scenarios/scenario';
import type { PageLockSubject } from '../../scenarios/pageLockHarness';
import * as hugh from '../../solutions/05-page-lock-anon-vma/history/hugh-fix';
import type { Factory } from '../../explorer/run';

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

// A spin_lock that waited for its lock's release by the only holder cannot run before that
// release, so the pair is not raced (dpor.ts, races): before that, ABBA ran two executions
// that blocked at once (phil1 takes its first lock, then waits for the one phil0 still holds,
// and phil0's next step is asleep), three philosophers six of thirteen, four counters under a
// lock four of 580, and the seed with Hugh's fix 43 of 130. The classes stay the same.
test.each([
  ['abba', philosophers(2, false), 3],
  ['three philosophers', philosophers(3, false), 7],
  ['four counters under a lock', counter(4, true), 576],
])('%s: every class once, no execution sleep-set blocked', (_name, f, classes) => {
  const seen = new Set<string>();
  const d = dpor(f, { stopOnBug: false, onExecution: (evs, n, blocked) => { if (!blocked) seen.add(new HappensBefore(evs, n).canonical()); } });
  expect([d.complete, d.blocked, d.executions, seen.size]).toEqual([true, 0, classes, classes]);
  const nv = naive(f, 100000);
  expect(nv.classes).toBe(classes);
  expect([...nv.traces.keys()].filter((k) => !seen.has(k))).toEqual([]);
});

test('the seed with Hugh\'s fix: its 87 classes, and no more than 13 executions blocked (frees kept dependent)', () => {
  const f: Factory = (o) => instantiate(seed('2.6.36', 0), hugh as unknown as PageLockSubject, o);
  const d = dpor(f, { stopOnBug: false });
  expect(d.complete).toBe(true);
  expect(d.executions - d.blocked).toBe(87);
  expect(d.blocked).toBeLessThanOrEqual(13);
});
