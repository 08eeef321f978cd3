// A submission that stalls (a loop without a yield*) or runs out of memory is stopped by the
// sandbox's watchdog, and then run again step by step (grader/sandbox/host.ts, stuckAt) so that
// its report names the step and the student's line after which its code never reached a
// yield* again: one thread at a time first; when that does not stall, along the schedule on
// which the search did. The step numbers are the timeline's; the schedule replays.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gradeFile, replayFile } from '../../grader/grade';
import { STALL_AGAIN_MS } from '../../grader/sandbox/host';
import { renderText } from '../../grader/reporters/text';
import { replayCommandFor } from '../../cli/gradeOutputs';
import { findExercise } from '../../exercises/index';
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { replay } from '../../explorer/run';
import { timeline } from '../../trace/timeline';
import { decode } from '../../explorer/schedule';
import * as RC2 from '../../solutions/05-page-lock-anon-vma/history/2.6.36-rc2';
import * as RMAP_WALK from '../../solutions/01-rmap-walk/rmap_walk';
import { EX05, HOSTILE } from './helpers';

const QUICK = { scenarioMs: 120_000, stallMs: 3000, heapMb: 64, typeCheck: false };
// Each test stalls or runs out of memory on purpose, some several times over (a machine
// running other tests may take seconds of collections to run out): room for that.
jest.setTimeout(240_000);
const AGAIN = 'When the grader ran it again one thread at a time, without preemption';
const NOT_YIELD = 'and its code did not reach another yield*. Is there a loop without a yield* after that line?';

test('a loop without a yield* is stopped when the scenario goes quiet, long before its time limit, and placed at its line', async () => {
  const r = await gradeFile(EX05, path.join(HOSTILE, 'loop-after-yield.ts'), { ...QUICK, only: ['quiet', 'seed'] });
  // the next scenario after a stall gets less quiet (STALL_AGAIN_MS): the loop is on its path too
  expect(r.scenarios.map((s) => [s.name, s.verdict, s.failure?.kind, s.failure?.message])).toEqual([
    ['quiet', 'ERROR', 'timeout', `the scenario stopped making progress for 3 s. ${AGAIN}, at step 2, walker called rcu_read_lock() at loop-after-yield.ts:6, ${NOT_YIELD}`],
    ['seed', 'ERROR', 'timeout', `the scenario stopped making progress for ${STALL_AGAIN_MS / 1000} s: is there a loop without a yield* in it? (scenario quiet says where its run was stuck)`]]);
  // the report names what each scenario does, as for any other verdict
  for (const s of r.scenarios) expect(s.summary).toBe(scenariosFor('page-lock', s.name)?.summary);
  expect(renderText(r, {})).toMatch(/^Scenario "quiet": \S.*$/m);
});

test('a loop before the first yield* is placed after the scenario\'s last step, which is not the student\'s', async () => {
  const r = await gradeFile(EX05, path.join(HOSTILE, 'loop-before-yield.ts'), { ...QUICK, only: ['quiet'] });
  expect(r.scenarios.map((s) => s.failure?.message)).toEqual([
    `the scenario stopped making progress for 3 s. ${AGAIN}, at step 1, the scenario's step "check: page mapped?" in walker ran, `
      + 'and walker\'s code did not reach a yield*. Is there a loop without a yield* in your code, before its first yield* or after a call returns?']);
});

test('a loop that only a thread switch reaches is placed along the search\'s schedule, which replays to it', async () => {
  const file = path.join(HOSTILE, 'loop-when-unmapped.ts');
  const r = await gradeFile(EX05, file, { ...QUICK, only: ['seed', 'seed-churn-1'] });
  expect(r.scenarios.map((s) => [s.name, s.verdict, s.failure?.kind, s.failure?.schedule, s.failure?.message])).toEqual([
    ['seed', 'ERROR', 'timeout', 'v1:1*12,2*39,0*5', `the scenario stopped making progress for 3 s. ${AGAIN}, it did not stall; the search did, on a path where another thread ran `
      + `in between. Along that schedule, at step 55, walker called page_mapped() at loop-when-unmapped.ts:11, ${NOT_YIELD} `
      + 'Between two yield*s no other thread runs: a loop without one cannot wait for another thread\'s change.'],
    ['seed-churn-1', 'ERROR', 'timeout', '', `the scenario stopped making progress for ${STALL_AGAIN_MS / 1000} s: is there a loop without a yield* in it? (scenario seed says where its run was stuck)`]]);
  // that schedule, on the 2.6.36-rc2 code (the same up to there), has walker's step 55 be
  // page_mapped() reading _mapcount -1: the page was unmapped meanwhile
  const run = replay((o) => instantiate(scenariosFor('page-lock', 'seed')!, RC2 as never, o), decode('v1:1*12,2*39,0*5'), { record: true, haltOnFailure: false });
  expect(run.machine.events.find((e) => e.i === 55)).toMatchObject({ tid: 0, name: 'page_mapped', result: '-1' });
  // the text report gives the message once, and the command that replays the schedule; the
  // scenario's line in the list points up to it
  const text = renderText(r, { replayCommand: replayCommandFor(EX05, file) });
  expect(text.split(r.scenarios[0].failure!.message)).toHaveLength(2);
  expect(text).toContain("--replay 'v1:1*12,2*39,0*5' --scenario seed");
  expect(text).toContain('\n✗ seed (0/4): timeout — the scenario stopped making progress for 3 s (above)\n');
});

test('replaying the schedule that stalls says where, and shows the steps that led there', async () => {
  const r = await replayFile(EX05, path.join(HOSTILE, 'loop-when-unmapped.ts'), 'seed', 'v1:1*12,2*39,0*5', QUICK);
  expect(r.error).toBeUndefined();
  const t = r.trace!;
  // the run up to the step that stalled, recorded; the stall is its failure, at that step
  expect(t.failure).toMatchObject({ kind: 'timeout', tid: 0, step: 55,
    report: `The replay stopped making progress for 3 s: at step 55, walker called page_mapped() at loop-when-unmapped.ts:11, ${NOT_YIELD}` });
  expect(t.failures).toHaveLength(1);
  expect(t.events[t.events.length - 1].i).toBe(54);
  expect(t.schedule).toBe('v1:1*12,2*39,0*5');
  // the timeline ends on it
  expect(timeline(t, { width: 100 }).split('\n').slice(-1)[0]).toBe('  55✗ walker takes this step, and its code never reaches another yield*');
});

test('an allocation that only a thread switch reaches is placed along the search\'s schedule', async () => {
  // (a busy machine may take seconds of collections to run out: generous quiet)
  const r = await gradeFile(EX05, path.join(HOSTILE, 'allocate-when-unmapped.ts'), { ...QUICK, stallMs: 20_000, only: ['seed'] });
  expect(r.scenarios.map((s) => [s.verdict, s.failure?.kind, s.failure?.schedule, s.failure?.message])).toEqual([
    ['ERROR', 'memory', 'v1:1*12,2*39,0*5', `the scenario used more than 64 MB. ${AGAIN}, it did not run out; the search did, on a path where another thread ran in between. `
      + 'Along that schedule, at step 55, walker called page_mapped() at allocate-when-unmapped.ts:10, and the memory ran out before its code reached another yield*. '
      + 'Is something after that line allocating without bound?']]);
});

test('a stall that no single run repeats (state kept between runs) is not blamed on another thread', async () => {
  const r = await gradeFile(EX05, path.join(HOSTILE, 'loop-after-calls.ts'), { ...QUICK, only: ['seed'] });
  expect(r.scenarios[0].failure?.message).toBe(`the scenario stopped making progress for 3 s. ${AGAIN}, it did not stall, and neither did the schedule on which `
    + 'the search did: does your code keep state from one run to the next (a module-level variable)?');
});

test('the step is numbered as the timeline numbers it, after the scenario\'s setup steps', async () => {
  const ex = findExercise('01-rmap-walk')!;
  const r = await gradeFile(ex, path.join(HOSTILE, 'loop-01-unmapped.ts'), { ...QUICK, only: ['unmapped'] });
  const m = /at step (\d+), walker called page_mapped\(\) at loop-01-unmapped\.ts:10, /.exec(r.scenarios[0].failure?.message ?? '');
  expect(m).not.toBeNull();
  // the reference solution's run without preemption: the same steps up to there, numbered
  // after the setup's (the exiting child's unmap runs in the build)
  const run = replay((o) => instantiate(scenariosFor('rmap-walk', 'unmapped')!, RMAP_WALK as never, o), [], { record: true, haltOnFailure: false });
  expect(run.machine.origin).toBeGreaterThan(0);
  expect(run.machine.events.find((e) => e.i === Number(m![1]))).toMatchObject({ name: 'page_mapped' });
  expect(run.machine.threads[run.machine.events.find((e) => e.i === Number(m![1]))!.tid].name).toBe('walker');
});

test('the student\'s line is found in a submission whose path is long and has a space, or has parentheses', async () => {
  // a stack line's path stops at a space or a parenthesis; the machine keeps a long one's end
  const long = 'x'.repeat(200);
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'diagnosis-'));
  try {
    for (const dir of [path.join(top, 'My Course', long, long), path.join(top, 'hw (copy)')]) {
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'loop-after-yield.ts');
      fs.copyFileSync(path.join(HOSTILE, 'loop-after-yield.ts'), file);
      const r = await gradeFile(EX05, file, { ...QUICK, only: ['quiet'] });
      expect([dir.length, r.scenarios[0].failure?.message]).toEqual([dir.length,
        expect.stringContaining(', at step 2, walker called rcu_read_lock() at loop-after-yield.ts:6, and its code did not reach another yield*')]);
    }
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
});
