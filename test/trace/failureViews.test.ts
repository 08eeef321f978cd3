// A report's lock table (lockdep's shape, filled from the interleaving) and its timeline's marks.
import type { StepEvent } from '../../sim/events';
import type { Failure } from '../../sim/failure';
import { lockTable } from '../../trace/lockTable';
import { timeline } from '../../trace/timeline';
import type { Trace } from '../../trace/trace';

const ev = (i: number, tid: number, k: string, obj: string, result?: string): StepEvent =>
  ({ i, tid, k, name: k, obj, ...(result !== undefined ? { result } : {}) }) as StepEvent;

function trace(threads: string[], events: readonly StepEvent[], failure: Failure): Trace {
  return { scenario: 'x', threads, events, failure, failures: [failure], schedule: 'v1:', preemptions: 1 };
}

const badUnlock = (tid: number, step: number): Failure =>
  ({ kind: 'bad-unlock', tid, step, why: 'w', report: 'releasing &anon_vma@0x80->rwsem, which nobody holds' }) as Failure;

test('an rwsem\'s read side reads rlock and runlock, a failed trylock says so, and an earlier unlock comes with its lock', () => {
  const t = trace(['walker', 'exit'], [
    ev(3, 1, 'down_write', 'anon_vma@0x80 #1 .rwsem'),
    ev(5, 1, 'up_write', 'anon_vma@0x80 #1 .rwsem'),
    ev(7, 0, 'down_read_trylock', 'anon_vma@0x80 #1 .rwsem', 'false'),
    ev(8, 0, 'down_read', 'anon_vma@0x80 #1 .rwsem'),
    ev(9, 0, 'up_read', 'anon_vma@0x80 #1 .rwsem'),
    ev(10, 0, 'up_read', 'anon_vma@0x80 #1 .rwsem'),
  ], badUnlock(0, 10));
  expect(lockTable(t, 74)).toBe([
    ' Possible unsafe locking scenario (as it happened):',
    '',
    `${'  walker'.padEnd(38)}exit`,
    `${'  ----'.padEnd(38)}----`,
    `${' '.repeat(38)}lock(&anon_vma@0x80);  [3]`,
    `${' '.repeat(38)}unlock(&anon_vma@0x80);  [5]`,
    '  rtrylock(&anon_vma@0x80) fails  [7]',
    '  rlock(&anon_vma@0x80);  [8]',
    '  runlock(&anon_vma@0x80);  [9]',
    '  runlock(&anon_vma@0x80);  [10]',
  ].join('\n'));
});

test('cells too narrow for the lock names: the locks are lettered, with a legend', () => {
  const t = trace(['walker', 'exit', 'fork', 'fault'], [
    ev(1, 1, 'spin_lock', 'anon_vma@0x40 #1 .lock'),
    ev(2, 2, 'spin_lock', 'anon_vma@0x80 #1 .lock'),
    ev(3, 3, 'spin_lock', 'anon_vma@0x80 #1 .lock'),
    ev(4, 0, 'spin_unlock', 'anon_vma@0x80 #1 .lock'),
  ], { ...badUnlock(0, 4), report: 'releasing &anon_vma@0x80->lock and &anon_vma@0x40->lock' });
  const table = lockTable(t, 74)!;
  expect(table).toContain('  A = &anon_vma@0x40\n  B = &anon_vma@0x80\n');
  expect(table).toContain('  walker            exit              fork              fault\n');
  expect(table).toMatch(/^ {20}lock\(A\);  \[1\]$/m);
  expect(table).toMatch(/^  unlock\(B\);  \[4\]$/m);
  for (const line of table.split('\n')) expect(line).not.toContain('…');
});

test('the timeline says when a failure was found as the thread returned, below its last step', () => {
  const held: Failure = { kind: 'lock-held-at-return', tid: 0, step: 1, why: 'walker returned still holding a lock that nobody will release', report: 'r' };
  const t = trace(['walker'], [ev(0, 0, 'spin_lock', 'anon_vma@0x40 #1 .lock'), ev(1, 0, 'read', 'page@0x4000 #1 .flags', '0')], held);
  expect(timeline(t, { width: 80 })).toMatch(/^ {3}1✗ ● read page@0x4000 #1 \.flags → 0\n {8}↳ then walker returned still holding a lock that nobody will release$/m);
  // a failure of the step itself gets no such line
  expect(timeline(trace(['walker'], t.events, badUnlock(0, 1)), { width: 80 })).not.toContain('↳');
  // a longer why wraps, whole
  const rcu: Failure = { kind: 'rcu-imbalance', tid: 0, step: 1, why: 'lock_task_sighand() returned inside its RCU read-side section: rcu_read_lock() without rcu_read_unlock()', report: 'r' };
  const wrapped = timeline(trace(['walker'], t.events, rcu), { width: 80 });
  expect(wrapped).toContain('\n        ↳ then lock_task_sighand() returned inside its RCU read-side section:\n               rcu_read_lock() without rcu_read_unlock()');
  expect(wrapped).not.toContain('…');
});

test('a loop that repeats the same steps folds to one line after its first round; a changing value, a failure or --full does not', () => {
  const spin = (from: number, to: number, tid = 0): StepEvent[] => Array.from({ length: to - from + 1 }, (_, k) =>
    ev(from + k, tid, k % 2 === 0 ? 'spin_trylock' : 'read', k % 2 === 0 ? 'anon_vma@0x40 #1 .lock' : 'anon_vma@0x40 #1 .root', k % 2 === 0 ? 'false' : 'anon_vma@0x40'));
  const events = [ev(0, 0, 'read', 'page@0x4000 #1 .mapping', 'anon_vma@0x40 | ANON'), ...spin(1, 20), ev(21, 1, 'write', 'anon_vma@0x40 #1 .root', undefined)];
  const livelock = { kind: 'livelock', tid: 0, step: 21, why: 'w', report: 'r' } as Failure;
  const t = trace(['walker', 'fork'], events, livelock);
  const folded = timeline(t, { width: 80, fold: true, focus: 0 });
  // the 2-step round (trylock fails, re-read) shown once, then 9 more rounds: steps 3-20
  expect(folded).toContain('\n      ┆ the same 2 steps again, 9 more times (steps 3–20)\n');
  expect(folded.split('\n').filter((l) => /^ +\d+/.test(l)).map((l) => Number(/\d+/.exec(l)![0]))).toEqual([0, 1, 2, 21]);
  // every step with --full
  expect(timeline(t, { width: 80, fold: false }).split('\n').filter((l) => /^ +\d+/.test(l))).toHaveLength(22);
  // a value that changes each round is not a repeat
  const counting = events.map((e, k) => (k >= 1 && k <= 20 && e.k === 'read' ? { ...e, result: String(k) } : e));
  expect(timeline(trace(['walker', 'fork'], counting, livelock), { width: 80, fold: true, focus: 0 })).not.toContain('the same');
  // a failure inside the loop stays on its line
  const marked = timeline(trace(['walker', 'fork'], events, { ...livelock, step: 11 }), { width: 80, fold: true, focus: 0 });
  expect(marked).toMatch(/^ {2}11✗ /m);
});

test('a retry loop of five steps folds too (a livelocked walker re-reads, locks, re-checks, unlocks, 80 times)', () => {
  const round = (i: number): StepEvent[] => [ev(i, 0, 'read', 'page@0x4000 #1 .mapping', 'anon_vma@0x80 | ANON'), ev(i + 1, 0, 'read', 'anon_vma@0x80 #1 .root', 'anon_vma@0x40'),
    ev(i + 2, 0, 'spin_lock', 'anon_vma@0x40 #1 .lock'), ev(i + 3, 0, 'read', 'page@0x4000 #1 ._mapcount', '-1'), ev(i + 4, 0, 'spin_unlock', 'anon_vma@0x40 #1 .lock')];
  const events = Array.from({ length: 80 }, (_, r) => round(5 * r)).flat();
  const t = trace(['walker'], events, { kind: 'livelock', tid: 0, step: 400, why: 'walker ran past its bound of 400 steps', report: 'r' } as Failure);
  const folded = timeline(t, { width: 80, fold: true, focus: 0 });
  expect(folded).toContain('┆ the same 5 steps again, 79 more times (steps 5–399)');
  expect(folded.split('\n').slice(-1)[0]).toBe(' 400✗ walker ran past its bound of 400 steps: the run stops here');
  expect(folded.split('\n').length).toBeLessThan(12);
});

test('folded, a run that goes on past its only failure ends at it, with a line that counts the rest; a later failure keeps them', () => {
  const uaf = { kind: 'use-after-free', tid: 0, step: 2, why: 'w', report: 'r' } as Failure;
  const events = [ev(0, 1, 'free', 'anon_vma@0x40 #1 (free)'), ev(1, 0, 'read', 'page@0x4000 #1 .mapping', 'anon_vma@0x40 | ANON'),
    ev(2, 0, 'read', 'anon_vma@0x40 #1 (free) .root'), ev(3, 1, 'alloc', 'anon_vma@0x40 #2'), ev(4, 1, 'write', 'anon_vma@0x40 #2 .root')];
  const t = trace(['walker', 'fork'], events, uaf);
  const folded = timeline(t, { width: 80, fold: true, focus: 0 });
  expect(folded).toMatch(/^ {3}2✗ .*\n {6}┆ then 2 more steps, and no other failure$/m);
  expect(folded).not.toMatch(/^ {3}[34]/m);
  expect(timeline(t, { width: 80, fold: false })).toMatch(/^ {3}4 /m);
  const later = { ...uaf, kind: 'hang', step: 5 } as Failure;
  const both: Trace = { ...t, failures: [uaf, later] };
  expect(timeline(both, { width: 80, fold: true, focus: 0 })).toMatch(/^ {3}3[· ] /m);
});
