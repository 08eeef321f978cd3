// The sandbox worker's heartbeat: a healthy search says it is alive at a steady rate, so the
// host may stop a scenario that goes quiet (hostile.test.ts: a loop without a yield*).
import * as path from 'node:path';
import { loadSubmission } from '../../grader/load';
import { runScenario } from '../../grader/sandbox/runScenario';
import { BEAT_MS, FromWorker, Job } from '../../grader/sandbox/protocol';
import { SOLUTIONS } from './helpers';

test('a long search beats about every BEAT_MS, and no faster', () => {
  const loaded = loadSubmission(path.join(SOLUTIONS, 'history', 'hugh-fix.ts'), { typeCheck: false });
  const job: Job = {
    kind: 'page-lock', exports: ['page_lock_anon_vma', 'page_unlock_anon_vma'], scenarios: [{ name: 'seed-churn-3', points: 1, hidden: false }],
    js: loaded.js, map: loaded.map, file: loaded.file, budget: { maxExecutions: 1e9, maxMs: 1500, maxSteps: 400, minimalBudget: 1000 },
  };
  const got: FromWorker[] = [];
  const t0 = Date.now();
  runScenario(job, (m) => got.push(m));
  const ms = Date.now() - t0;
  const beats = got.filter((m) => m.type === 'beat').length;
  // the search ran to its 1.5 s budget: the fix has no bug to stop it earlier, and its search
  // of seed-churn-3 takes minutes (seed-churn-2's, under 2 s, could end first on a faster machine)
  expect(got.find((m) => m.type === 'result')).toMatchObject({ result: { verdict: 'NO_BUG_WITHIN' } });
  expect(beats).toBeGreaterThanOrEqual(Math.floor(1500 / BEAT_MS) - 1);
  expect(beats).toBeLessThanOrEqual(Math.ceil(ms / BEAT_MS));
});
