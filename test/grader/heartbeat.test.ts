// The sandbox worker's heartbeat: a healthy search says it is alive at a steady rate, so the
// host may stop a scenario that goes quiet (hostile.test.ts: a loop without a yield*).
import * as path from 'node:path';
import { loadSubmission } from '../../grader/load';
import { runScenario } from '../../grader/sandbox/runScenario';
import { BEAT_MS, FromWorker, Job, STALL_MS } from '../../grader/sandbox/protocol';
import { SOLUTIONS } from './helpers';

test('a long search beats every BEAT_MS or so, and no faster', () => {
  const loaded = loadSubmission(path.join(SOLUTIONS, 'history', 'hugh-fix.ts'), { typeCheck: false });
  const job: Job = {
    kind: 'page-lock', exports: ['page_lock_anon_vma', 'page_unlock_anon_vma'], scenarios: [{ name: 'seed-churn-3', points: 1, hidden: false }],
    js: loaded.js, map: loaded.map, file: loaded.file, budget: { maxExecutions: 1e9, maxMs: 1500, maxSteps: 400, minimalBudget: 1000 },
  };
  const got: FromWorker[] = [];
  const beatAt: number[] = [];
  runScenario(job, (m) => { got.push(m); if (m.type === 'beat') beatAt.push(Date.now()); });
  // the search ran to its 1.5 s budget: the fix has no bug to stop it earlier, and its search
  // of seed-churn-3 takes minutes (seed-churn-2's, under 2 s, could end first on a faster machine)
  expect(got.find((m) => m.type === 'result')).toMatchObject({ result: { verdict: 'NO_BUG_WITHIN' } });
  // Times, not counts, so that a machine that pauses the process now and then passes: beats
  // come (several in 1.5 s), never faster than BEAT_MS apart (less a few ms: the beater reads
  // Date.now() just before this callback does), and never near the silence after which the
  // host stops a scenario.
  expect(beatAt.length).toBeGreaterThanOrEqual(3);
  const gaps = beatAt.slice(1).map((t, i) => t - beatAt[i]);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(BEAT_MS - 5);
  expect(Math.max(...gaps)).toBeLessThan(STALL_MS / 4);
});
