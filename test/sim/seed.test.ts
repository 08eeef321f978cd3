// The seed, replayed by hand: Hugh Dickins' kbuild hang (Aug 2010) on 2.6.36-rc2, and the same
// schedule run cleanly by his fix (f18194275c39).
import { seed } from '../../scenarios/pageLock';
import { instantiate } from '../../scenarios/scenario';
import { replay, ScheduleMismatch } from '../../explorer/run';
import { decode } from '../../explorer/schedule';
import * as rc2 from '../../solutions/05-page-lock-anon-vma/history/2.6.36-rc2';
import * as hugh from '../../solutions/05-page-lock-anon-vma/history/hugh-fix';
import type { PageLockSubject } from '../../scenarios/pageLockHarness';

// walker: lock_page, probe, rcu_read_lock, READ mapping, page_mapped (5 steps); the exiting
// process unmaps, unlinks and frees anon_vma@0x40 (12); walker reads its stale ->root (1);
// fork reuses the slot with ->root = another tree's root (19); walker locks, returns, unlocks.
const SCHEDULE = 'v1:0*5,1*12,0,2*19,0*6';

function run(subject: PageLockSubject) {
  return replay((o) => instantiate(seed('2.6.36'), subject, o), decode(SCHEDULE), { record: true, haltOnFailure: false });
}

test('2.6.36-rc2: the walker unlocks the wrong root, returns holding the old lock, and anon_vma_prepare hangs on it', () => {
  const r = run(rc2);
  const kinds = r.failures.map((f) => f.kind);
  expect(kinds).toEqual(['contract', 'bad-unlock', 'lock-held-at-return', 'hang']);
  const bad = r.failures[1];
  expect(bad.report).toContain('WARNING: bad unlock balance detected!');
  expect(bad.report).toContain('walker is trying to release lock (&anon_vma@0x80->lock)');
  const hang = r.failures[3];
  expect(hang.report).toMatch(/fault spins in spin_lock\(&anon_vma@0x40->lock\), held by walker since step \d+ — which has already returned/);
  // the lock the fault path spins on belongs to a newly allocated anon_vma (incarnation #3)
  const alloc = r.machine.events.filter((e) => e.name === 'kmem_cache_alloc').map((e) => e.obj);
  expect(alloc).toEqual(['anon_vma@0x40 #2', 'anon_vma@0x40 #3']);
  expect(r.machine.primaryFailure()?.kind).toBe('bad-unlock');
});

test('hugh-fix: the same schedule runs cleanly — the re-check under the lock sees the page unmapped', () => {
  const r = run(hugh);
  expect(r.failures).toEqual([]);
  expect(r.machine.threads.every((t) => t.done)).toBe(true);
  const walker = r.machine.events.filter((e) => e.tid === 0).map((e) => e.name);
  expect(walker).toContain('spin_unlock');
  expect(walker.filter((n) => n === 'page_mapped')).toHaveLength(2);
});

test('a schedule that outlasts the run does not fit: which step, and how many are left over', () => {
  const f = (o: Parameters<typeof instantiate>[2]) => instantiate(seed('2.6.36'), hugh as unknown as PageLockSubject, o);
  const run = replay(f, decode(SCHEDULE), { haltOnFailure: false });
  const n = run.schedule.length;
  expect(() => replay(f, [...run.schedule, 3, 3], { haltOnFailure: false }))
    .toThrow(new ScheduleMismatch(`step ${n}: the run is already over, but the schedule has 2 more steps`));
});
