// Exercise 04, the bug hunt: a schedule is graded by replaying it against 2.6.36-rc2 on the
// seed scenario. A hang earns full marks, a bad unlock without the hang part of them, anything
// else none; a schedule that does not parse or does not fit is an error verdict in one line.
// Graded through gradeFile (the path every submission takes) and through the real CLIs.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findExercise, type ExerciseEntry } from '../../exercises/index';
import { gradeFile } from '../../grader/grade';
import { renderText } from '../../grader/reporters/text';
import { REPO, TS_NODE } from './helpers';

const EX04: ExerciseEntry = findExercise('04-bug-hunt')!;
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'submissions', '04-bug-hunt');
const HANG = 'v1:0*5,1*12,0,2*19,0*7,2*20,3*4';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-bughunt-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

describe('exercise 04 in the index', () => {
  test('a schedule exercise with a target, one scenario worth 5, and hints', () => {
    expect(EX04).toMatchObject({ kind: 'schedule', lesson: 4, stub: 'exercises/04-bug-hunt/schedule.txt', solution: 'solutions/04-bug-hunt/schedule.txt' });
    expect(EX04.scenarios).toEqual([{ name: 'seed-hang', points: 5 }]);
    expect(EX04.target).toMatchObject({ code: 'solutions/05-page-lock-anon-vma/history/2.6.36-rc2.ts', scenario: 'seed', goal: 'hang' });
    expect(EX04.hints.length).toBeGreaterThanOrEqual(3);
    for (const f of [EX04.stub, EX04.solution, path.join('exercises', '04-bug-hunt', 'README.md')]) expect(fs.existsSync(path.join(REPO, f))).toBe(true);
  });
});

describe('grading a schedule', () => {
  test('the solution hangs the machine: full marks, with the hang report and the timeline', async () => {
    const r = await gradeFile(EX04, path.join(REPO, EX04.solution));
    expect([r.verdict, r.score, r.max_score]).toEqual(['pass', 5, 5]);
    const s = r.scenarios[0];
    expect(s).toMatchObject({ name: 'seed-hang', verdict: 'BUG', points: 5, max_points: 5 });
    expect(s.failure).toMatchObject({ kind: 'hang', schedule: HANG, steps: 68, own: true });
    expect(s.failure?.message).toMatch(/fault spins in spin_lock\(&anon_vma@0x40->lock\), held by walker since step 37 — which has already returned/);
    expect(s.trace?.failures.map((f) => f.kind)).toEqual(['contract', 'bad-unlock', 'lock-held-at-return', 'hang']);
    const text = renderText(r);
    expect(text).toMatch(/^PASS 04-bug-hunt: 5\/5 points/);
    // the table: the walker's lock of A, its unlock of B (the bad unlock on the way), and the
    // waiter's blocked lock last, though it never ran
    expect(text).toContain('  A = &anon_vma@0x40\n  B = &anon_vma@0x80\n');
    expect(text).toMatch(/^ {2}lock\(A\); {2}\[37\]\n {2}unlock\(B\); {2}\[41\]$/m);
    expect(text).toMatch(/^ {56}lock\(A\); {2}\[68: waits\]\n\n {2}\*\*\* DEADLOCK \*\*\*$/m);
    expect(text).toContain('no thread can run: the machine hangs here');
    // each ! of the trace is said in words: the contract breach that began it, then the two
    // failures before the hang
    expect(text).toContain("What went wrong: every live thread waits for something that will never happen.\n"
      + "Where it began: at step 38, the check of page_lock_anon_vma()'s contract failed: the lock it holds is not the one page_unlock_anon_vma() will release");
    expect(text).toMatch(/\nBefore it, in the same run:\n {2}step 41 \(bad-unlock\): [^\n]+\n {2}step 43 \(lock-held-at-return\): /);
  });

  test('the stub (no preemption at all) breaks nothing: 0 points, and says what the run did', async () => {
    const r = await gradeFile(EX04, path.join(REPO, EX04.stub));
    expect([r.verdict, r.score]).toEqual(['fail', 0]);
    expect(r.scenarios[0]).toMatchObject({ verdict: 'NO_BUG_WITHIN', points: 0 });
    expect(r.scenarios[0].reach).toBe('your schedule (74 steps): every thread has finished, and nothing broke');
    expect(r.scenarios[0].trace?.schedule).toBe('v1:0*13,1*12,2*39,3*10');
  });

  test('a bad unlock without the hang: part of the marks, and the bad unlock shown', async () => {
    const r = await gradeFile(EX04, path.join(FIXTURES, 'bad-unlock-only.txt'));
    expect([r.verdict, r.score]).toEqual(['fail', 2]);
    expect(r.scenarios[0]).toMatchObject({ verdict: 'BUG', points: 2 });
    expect(r.scenarios[0].failure?.kind).toBe('bad-unlock');
    // the steps to the failure, not the whole run's, and it says whose schedule it is
    const s = r.scenarios[0];
    expect(s.failure?.steps).toBe(s.trace!.failure!.step + 1);
    expect(s.failure!.steps).toBeLessThan(s.stats.steps);
    const text = renderText(r);
    expect(text).toContain(`Your schedule makes it fail with ${s.failure!.preemptions} preemptions (${s.failure!.steps} steps to the failure).`);
    expect(text).toContain('WARNING: bad unlock balance detected!');
    expect(text).toContain('walker is trying to release lock (&anon_vma@0x80->lock)');
    expect(text).toMatch(/✗ seed-hang \(2\/5\): BUG bad-unlock/);
  });

  test('a malformed schedule is an error verdict: one line naming the line and the bad step', async () => {
    const r = await gradeFile(EX04, path.join(FIXTURES, 'malformed.txt'));
    expect(r).toMatchObject({ verdict: 'error', score: 0, max_score: 5, error_kind: 'invalid-submission' });
    expect(r.error).toBe('malformed.txt, line 2: "2x19" is not a step: write a thread number, or N*COUNT');
  });

  test('a thread that cannot run is an error verdict: which step, which thread, why', async () => {
    const r = await gradeFile(EX04, path.join(FIXTURES, 'cannot-run.txt'));
    expect(r.verdict).toBe('error');
    expect(r.error).toBe('step 10: walker cannot run here (it is waiting for &anon_vma@0x40->lock, held by exit); runnable: 1=exit, 2=fork, 3=fault');
    const done = await gradeFile(EX04, file('finished.txt', 'v1:0*13,0\n'));
    expect(done.error).toBe('step 13: walker cannot run here (it has finished); runnable: 1=exit, 2=fork, 3=fault');
    const ghost = await gradeFile(EX04, file('ghost.txt', 'v1:7\n'));
    expect(ghost.error).toBe('step 0: there is no thread 7 here (threads: 0=walker, 1=exit, 2=fork, 3=fault)');
    const late = await gradeFile(EX04, file('late.txt', `${HANG},1\n`));
    expect(late.error).toBe('step 68: the run is already over (the machine hung), but the schedule has 1 more step');
  });

  test('comments, blank lines and shell quotes are fine; no schedule or two are errors', async () => {
    const ok = await gradeFile(EX04, file('quoted.txt', `# mine\n\n  '${HANG}'  \n# end\n`));
    expect([ok.verdict, ok.score]).toEqual(['pass', 5]);
    expect((await gradeFile(EX04, file('empty.txt', '# nothing yet\n'))).error).toBe('empty.txt holds no schedule: add one line such as v1:0*5,1*12 (npm run play 4 prints one)');
    expect((await gradeFile(EX04, file('two.txt', 'v1:0\nv1:1\n'))).error).toBe('two.txt has 2 schedule lines (lines 1, 2): keep one, or start the others with #');
  });
});

interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }
function cli(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(TS_NODE, ['-T', script, ...args], { cwd: REPO, env: { ...process.env, CI: '1', ...env }, timeout: 90_000 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }));
    child.stdin?.end();
  });
}

describe('through the CLIs', () => {
  test('npm run check 4 grades exercises/04-bug-hunt/schedule.txt; npm run grade -- 04 FILE grades any file', async () => {
    const [check, grade] = await Promise.all([
      cli('cli/check.ts', ['4'], { ANON_VMA_LAB_HOME: dir }),
      cli('cli/grade.ts', ['04', EX04.solution, '--json']),
    ]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^FAIL 04-bug-hunt: 0\/5 points/);
    expect(check.stdout).toContain('~ seed-hang (0/5): no bug within your schedule (74 steps)');
    expect(check.stdout).toContain('npm run check 4 -- --hint shows hint 1 of 4');
    expect(grade.code).toBe(0);
    expect(JSON.parse(grade.stdout)).toMatchObject({ exercise: '04-bug-hunt', verdict: 'pass', score: 5, max_score: 5 });
  }, 120_000);
});
