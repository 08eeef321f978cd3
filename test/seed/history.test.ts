// One test per variant of the seed thread and the later history: each gets the verdict the
// thread's conclusion (and Hugh Dickins' later fixes) say it deserves.
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { explore } from '../../explorer/explore';
import type { Verdict } from '../../explorer/verdict';

function verdict(variant: string, scenario: string): Verdict {
  const subject = require(`../../solutions/05-page-lock-anon-vma/history/${variant}`);
  const sc = scenariosFor('page-lock', scenario)!;
  expect(sc).toBeDefined();
  return explore((o) => instantiate(sc, subject, o), { maxMs: 30000 });
}
const kindOf = (v: Verdict): string => (v.kind === 'BUG' ? v.failure.kind : v.kind);

describe('the seed thread, Aug 2010', () => {
  test('2.6.36-rc2 hangs: the walker unlocks another root (bad unlock) on the seed', () => {
    expect(['bad-unlock', 'hang']).toContain(kindOf(verdict('2.6.36-rc2', 'seed')));
    expect(kindOf(verdict('2.6.36-rc2', 'quiet'))).toBe('VERIFIED');
  });
  test("Hugh's fix (f18194275c39) is verified on every scenario where callers hold the page lock", () => {
    for (const s of ['quiet', 'exit-vs-walk', 'remap', 'seed']) expect([s, kindOf(verdict('hugh-fix', s))]).toEqual([s, 'VERIFIED']);
  });
  test("Andrea's single check is the rc2 bug again", () => {
    expect(['bad-unlock', 'hang']).toContain(kindOf(verdict('andrea-single-check', 'seed')));
  });
  test('without ACCESS_ONCE the failure path may unlock a re-read root', () => {
    expect(kindOf(verdict('no-access-once', 'seed'))).toBe('bad-unlock');
  });
  test("Christoph's pin-then-verify passes", () => {
    for (const s of ['quiet', 'exit-vs-walk', 'remap', 'seed']) expect([s, kindOf(verdict('christoph-lock-recheck', s))]).toEqual([s, 'VERIFIED']);
  });
  test('2.6.35 (per-anon_vma lock) breaks only the root-lock contract: fine where anon_vma == root', () => {
    expect(kindOf(verdict('2.6.35', 'quiet'))).toBe('contract'); // the page's anon_vma is a child: root differs
    expect(kindOf(verdict('2.6.35', 'seed'))).toBe('contract');
  });
  test('without the page lock (hugetlb page_move_anon_rmap), even the fixed code returns a stale anon_vma', () => {
    expect(kindOf(verdict('hugh-fix', 'hugetlb-move'))).toBe('contract');
    expect(kindOf(verdict('hugh-fix', 'hugetlb-move-locked'))).toBe('VERIFIED');
  });
});

describe('the same bug, later (Hugh Dickins, 2011)', () => {
  test('3.0-rc trusted its refcount after mutex_trylock: fails the 3.0 seed', () => {
    expect(['bad-unlock', 'hang']).toContain(kindOf(verdict('refcount-3.0-rc', 'seed-3.0')));
  });
  test('3.0 with the May 2011 fix passes', () => {
    for (const s of ['quiet-3.0', 'exit-vs-walk-3.0', 'seed-3.0']) expect([s, kindOf(verdict('refcount-3.0', s))]).toEqual([s, 'VERIFIED']);
  });
  test('3.8 page_lock_anon_vma_read (rwsem trylock, then a reference) passes', () => {
    for (const s of ['quiet-3.8', 'exit-vs-walk-3.8', 'seed-3.8']) expect([s, kindOf(verdict('lock-anon-vma-read-3.8', s))]).toEqual([s, 'VERIFIED']);
  });
});
