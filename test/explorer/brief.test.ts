// A search that goes on counting after its first bug keeps that bug's report whole, and builds
// no report for the failures after it (Machine.brief): nobody reads them.
import * as path from 'node:path';
import { dpor } from '../../explorer/dpor';
import { instantiate } from '../../scenarios/scenario';
import { seed } from '../../scenarios/pageLock';
import type { PageLockSubject } from '../../scenarios/pageLockHarness';
import type { Factory } from '../../explorer/run';
import { Machine } from '../../sim/machine';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rc2 = require(path.join(ROOT, 'solutions/05-page-lock-anon-vma/history/2.6.36-rc2.ts')) as PageLockSubject;

test('a brief machine records the failure, but does not make its report', () => {
  let made = 0;
  const lines = (): string[] => { made++; return ['first line', 'second line']; };
  const m = new Machine({ haltOnFailure: false });
  m.fail('contract', 0, 'why it is wrong', lines);
  expect(made).toBe(1);
  expect(m.failures[0].report).toBe('first line\nsecond line');
  m.brief = true;
  m.fail('contract', 0, 'why, again', lines);
  expect(made).toBe(1);
  expect(m.failures[1]).toEqual({ kind: 'contract', tid: 0, step: 0, why: 'why, again', report: '' });
  m.fail('contract', 1, 'lines given as they are', ['kept out too']);
  expect(m.failures[2].report).toBe('');
});

test.each([true, false])('counting on 2.6.36-rc2 (restore %s): the first bug keeps its report, the later failures get none, and all are counted', (restore) => {
  // the machine each failing execution ran on: the one machine kept (restore), or the newest build
  let kept: Machine | undefined, newest: Machine | undefined;
  const f: Factory = (o) => { const m = instantiate(seed('2.6.36', 0), rc2, o); kept ??= m; newest = m; return m; };
  const first = dpor((o) => instantiate(seed('2.6.36', 0), rc2, o), { restore });
  const kinds: string[] = [];
  const reports: string[][] = []; // per failing execution, its failures' reports
  const all = dpor(f, { stopOnBug: false, restore, onFailure: (kind) => { kinds.push(kind); reports.push((restore ? kept : newest)!.failures.map((x) => x.report)); } });
  expect(all.complete).toBe(true);
  expect(first.bug!.failure.report).toContain('bad unlock balance');
  expect(all.bug!.failure).toEqual(first.bug!.failure);
  // counting does not halt at a failure: its execution runs on past the point where the first stopped
  expect(all.bug!.schedule.slice(0, first.bug!.schedule.length)).toEqual(first.bug!.schedule);
  // every failure of the first failing execution has its report; no later one was built
  expect(reports[0].length).toBeGreaterThan(0);
  expect(reports[0].filter((r) => r === '')).toEqual([]);
  const later = reports.slice(1).flat();
  expect(later.length).toBeGreaterThan(10);
  expect(later.filter((r) => r !== '')).toEqual([]);
  expect(all.bugs).toBe(reports.length);
  expect([...new Set(kinds)].sort()).toEqual(['bad-unlock', 'contract']); // contract: the harness saw root change under the lock
});
