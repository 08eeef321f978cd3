// The host's time limits against a busy main thread: when the thread that keeps the limits was
// busy (another lane type-checking a submission) while a scenario ended in time, the worker's
// messages wait behind the limit's timer; the limit must not win over a 'done' already sent.
import * as path from 'node:path';
import { loadSubmission } from '../../grader/load';
import { runWorker } from '../../grader/sandbox/host';
import { FromWorker, Job } from '../../grader/sandbox/protocol';
import { SOLUTIONS } from './helpers';

const loaded = loadSubmission(path.join(SOLUTIONS, 'history', 'hugh-fix.ts'), { typeCheck: false });
const job: Job = {
  kind: 'page-lock', exports: ['page_lock_anon_vma', 'page_unlock_anon_vma'], scenarios: [{ name: 'quiet', points: 1, hidden: false }],
  js: loaded.js, map: loaded.map, file: loaded.file, budget: { maxExecutions: 1e9, maxMs: 20000, maxSteps: 400, minimalBudget: 1000 },
};

/** Keep this thread busy for `ms`, as a synchronous type check would. */
function busy(ms: number): void { const end = Date.now() + ms; while (Date.now() < end) { /* busy */ } }

test('a scenario that ends within its limit while the host thread is busy past it is done, not timed out', async () => {
  const got: FromWorker['type'][] = [];
  // once the scenario has started (its 1 s limit armed), the host thread is busy for 3 s, in
  // which the scenario (a few ms) ends and says so
  const r = await runWorker(job, { scenarioMs: 1000, heapMb: 128 }, (m) => {
    got.push(m.type);
    if (m.type === 'start') setImmediate(() => busy(3000));
  });
  expect(r).toEqual({ end: 'done' });
  expect(got).toContain('result');
});

test('a scenario that does not end within its limit is still stopped', async () => {
  const slow: Job = { ...job, scenarios: [{ name: 'seed-churn-3', points: 1, hidden: false }] };
  const t0 = Date.now();
  const r = await runWorker(slow, { scenarioMs: 1000, heapMb: 128 }, () => undefined);
  expect(r.end).toBe('timeout');
  expect(Date.now() - t0).toBeLessThan(15000);
});
