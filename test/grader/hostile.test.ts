// A hostile corpus: submissions that loop, recurse, throw, allocate, exit, import what they
// must not, tamper with the API and the prototypes, use clocks and randomness, keep state,
// export the wrong thing or do not compile. Each ends with a clear one-line verdict of the
// right kind — never a stack dump — and a normal submission graded after them all, in the same
// process, gets exactly the grade it got before them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gradeFile, replayFile, GradeOptions } from '../../grader/grade';
import type { GradeResult } from '../../grader/result';
import { renderText } from '../../grader/reporters/text';
import { STALL_AGAIN_MS } from '../../grader/sandbox/host';
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { replay } from '../../explorer/run';
import { decode } from '../../explorer/schedule';
import * as RC2 from '../../solutions/05-page-lock-anon-vma/history/2.6.36-rc2';
import { EX05, HOSTILE, SOLUTIONS, pool, withoutMs } from './helpers';

type Expect =
  | { readonly error: string }                       // the whole submission: verdict error, this kind
  | { readonly scenario: string; readonly kinds: readonly string[] } // every run scenario fails with one of these
  | { readonly pass: true };

const CASES: Record<string, Expect> = {
  'loop-before-yield.ts': { scenario: 'ERROR', kinds: ['timeout'] },
  'loop-after-yield.ts': { scenario: 'ERROR', kinds: ['timeout'] },
  'loop-top-level.ts': { error: 'timeout' },
  'deep-recursion.ts': { scenario: 'BUG', kinds: ['exception'] },
  'throw.ts': { scenario: 'BUG', kinds: ['exception'] },
  'huge-allocation.ts': { scenario: 'ERROR', kinds: ['memory'] },
  'huge-allocation-top-level.ts': { error: 'memory' },
  'process-exit.ts': { scenario: 'BUG', kinds: ['exception'] },
  'process-exit-global.ts': { scenario: 'BUG', kinds: ['exception'] },
  'escape-constructor.ts': { scenario: 'BUG', kinds: ['exception'] },
  'escape-stack.ts': { pass: true },
  'import-fs.ts': { error: 'forbidden-import' },
  'import-child-process.ts': { error: 'forbidden-import' },
  'import-solutions.ts': { error: 'forbidden-import' },
  'import-grader.ts': { error: 'forbidden-import' },
  'require.ts': { error: 'forbidden-import' },
  'dynamic-import.ts': { error: 'forbidden-import' },
  'mutate-api.ts': { error: 'invalid-submission' },
  'pollute-reference.ts': { pass: true },
  'math-random.ts': { scenario: 'BUG', kinds: ['nondeterminism'] },
  'date-now.ts': { scenario: 'BUG', kinds: ['nondeterminism'] },
  'module-state.ts': { scenario: 'any', kinds: ['nondeterminism'] },
  'wrong-export-name.ts': { error: 'invalid-submission' },
  'not-generator.ts': { error: 'invalid-submission' },
  'yield-garbage.ts': { scenario: 'BUG', kinds: ['exception'] },
  'yield-proxy.ts': { scenario: 'BUG', kinds: ['exception'] },
  'broken/syntax-error.ts': { error: 'invalid-submission' },
  'broken/type-error.ts': { error: 'invalid-submission' },
  'broken/bare-yield.ts': { error: 'invalid-submission' },
};

// Short limits keep the loops and the allocations quick to stop.
const LIMITS: GradeOptions = { only: ['quiet', 'exit-vs-walk'], scenarioMs: 1500, heapMb: 64 };
const NORMAL = path.join(SOLUTIONS, 'history', '2.6.36-rc2.ts');
const NORMAL_OPTS: GradeOptions = { only: ['quiet', 'seed'], typeCheck: false };

const graded = new Map<string, GradeResult>();
let before: GradeResult;
let after: GradeResult;

beforeAll(async () => {
  before = await gradeFile(EX05, NORMAL, NORMAL_OPTS);
  // An allocation reaches the heap limit in ~0.1 s on an idle machine but may take seconds on a
  // busy one (V8's last-resort collections): give those cases time to be memory, not timeout.
  const limits = (f: string): GradeOptions => (f.startsWith('huge-allocation') ? { ...LIMITS, scenarioMs: 20000, stallMs: 20000 } : LIMITS);
  await pool(Object.keys(CASES), 2, async (f) => { graded.set(f, await gradeFile(EX05, path.join(HOSTILE, f), limits(f))); });
  after = await gradeFile(EX05, NORMAL, NORMAL_OPTS);
}, 150_000);

describe('each hostile submission gets a clear verdict of the right kind', () => {
  test.each(Object.entries(CASES))('%s', (f, want) => {
    const r = graded.get(f)!;
    const text = renderText(r);
    const lines = text.split('\n');
    // One line with the verdict, first; no stack dump anywhere.
    expect(lines[0]).toMatch(/^(PASS|FAIL|ERROR) 05-page-lock-anon-vma: \d+\/\d+ points — /);
    expect(text).not.toMatch(/^\s+at .+[:(]/m);
    expect(text).not.toMatch(/node:internal|worker_threads|grader\/sandbox/);
    if ('error' in want) {
      expect([r.verdict, r.error_kind]).toEqual(['error', want.error]);
      expect(r.error).toBeDefined();
      expect(r.error!.split('\n')).toHaveLength(1);
      expect(r.error!.length).toBeLessThan(300);
      expect(lines[1]).toBe(`${want.error}: ${r.error}`);
    } else if ('pass' in want) {
      expect([r.verdict, r.score]).toEqual(['pass', r.max_score]);
    } else {
      expect(r.verdict).toBe('fail');
      expect(r.scenarios.map((s) => s.name)).toEqual(LIMITS.only);
      for (const s of r.scenarios) {
        if (want.scenario !== 'any') expect([s.name, s.verdict]).toEqual([s.name, want.scenario]);
        if (s.verdict === 'BUG' || s.verdict === 'ERROR') {
          expect(want.kinds).toContain(s.failure?.kind);
          expect(s.failure!.message.split('\n').length).toBeLessThanOrEqual(12);
        }
      }
      expect(r.scenarios.some((s) => s.verdict === 'BUG' || s.verdict === 'ERROR')).toBe(true);
    }
  });
});

test('a type error is one line of single-spaced sentences (TypeScript indents its message chain)', () => {
  expect(graded.get('broken/type-error.ts')!.error).toBe("type-error.ts:6:20: type error: Argument of type 'Page' is not assignable to parameter of type 'SpinLock'. "
    + "Property 'lockKind' is missing in type 'Page' but required in type 'SpinLock'.");
});

test('a `yield` that lacks its `*` gets a type error that says what to write', () => {
  expect(graded.get('broken/bare-yield.ts')!.error).toBe('bare-yield.ts:11:9: type error: `yield spin_unlock(...)` yields the call itself; write `yield* spin_unlock(...)` to run it');
});

test('prototype pollution cannot make the rc2 code pass the seed scenario', async () => {
  const r = await gradeFile(EX05, path.join(HOSTILE, 'pollute-buggy.ts'), { only: ['seed'], typeCheck: false });
  expect(r.scenarios[0].verdict).toBe('BUG');
  expect(['bad-unlock', 'hang']).toContain(r.scenarios[0].failure?.kind);
});

test('running out of memory is placed: the first scenario says after which step, the next points to it', () => {
  expect(graded.get('huge-allocation.ts')!.scenarios.map((s) => s.failure?.message)).toEqual([
    'the scenario used more than 64 MB. Run again one thread at a time, without preemption: at step 1, the scenario\'s step "check: page mapped?" in walker ran, '
      + 'and the memory ran out before walker\'s code reached a yield*. Does your code allocate without bound, before its first yield* or after a call returns?',
    'the scenario used more than 64 MB: is something allocating without bound? (scenario quiet says where its run was when it ran out)']);
});

test('a normal submission graded after the whole corpus gets the same grade as before it', () => {
  expect(after.verdict).toBe('fail');
  expect(withoutMs(after)).toEqual(withoutMs(before));
});

test('a loop without a yield* is stopped when the scenario goes quiet, long before its time limit', async () => {
  const r = await gradeFile(EX05, path.join(HOSTILE, 'loop-after-yield.ts'), { only: ['quiet', 'seed'], scenarioMs: 120_000, stallMs: 3000, heapMb: 64, typeCheck: false });
  // the first stall is looked into: its run without preemption, step by step, stops at the step
  // after which the thread never yields again (the loop is after line 6). The next scenario
  // after a stall gets less quiet (STALL_AGAIN_MS): the loop is on its path too
  expect(r.scenarios.map((s) => [s.name, s.verdict, s.failure?.kind, s.failure?.message])).toEqual([
    ['quiet', 'ERROR', 'timeout', 'the scenario stopped making progress for 3 s. Run again one thread at a time, without preemption: at step 2, walker called rcu_read_lock() '
      + `at loop-after-yield.ts:6, and its code did not reach another yield* within ${STALL_AGAIN_MS / 1000} s. Is there a loop without a yield* after that line?`],
    ['seed', 'ERROR', 'timeout', `the scenario stopped making progress for ${STALL_AGAIN_MS / 1000} s: is there a loop without a yield* in it? (scenario quiet says where its run was stuck)`]]);
  // the report names what each scenario does, as for any other verdict
  for (const s of r.scenarios) expect(s.summary).toBe(scenariosFor('page-lock', s.name)?.summary);
  expect(renderText(r, {})).toMatch(/^Scenario "quiet": \S.*$/m);
});

test('a loop before the first yield* is placed after the scenario\'s last step, which is not the student\'s', async () => {
  const r = await gradeFile(EX05, path.join(HOSTILE, 'loop-before-yield.ts'), { only: ['quiet'], scenarioMs: 120_000, stallMs: 3000, heapMb: 64, typeCheck: false });
  expect(r.scenarios.map((s) => s.failure?.message)).toEqual([
    'the scenario stopped making progress for 3 s. Run again one thread at a time, without preemption: at step 1, the scenario\'s step "check: page mapped?" in walker ran, '
      + `and walker's code did not reach a yield* within ${STALL_AGAIN_MS / 1000} s. Is there a loop without a yield* in your code, before its first yield* or after a call returns?`]);
});

test('a loop reached only after a thread switch: the run without preemption does not stall, the search\'s schedule does', async () => {
  const r = await gradeFile(EX05, path.join(HOSTILE, 'loop-when-unmapped.ts'), { only: ['seed', 'seed-churn-1'], scenarioMs: 120_000, stallMs: 3000, heapMb: 64, typeCheck: false });
  // the search is run again with its schedule kept in shared memory; then that schedule,
  // step by step, stalls at the step after which the code loops: page_mapped() answered false
  expect(r.scenarios.map((s) => [s.name, s.verdict, s.failure?.kind, s.failure?.message])).toEqual([
    ['seed', 'ERROR', 'timeout', 'the scenario stopped making progress for 3 s. Run again one thread at a time, without preemption, it does not stall: '
      + 'the loop is on a path where another thread ran in between. Along schedule v1:1*12,2*39,0*5, at step 55, walker called page_mapped() at loop-when-unmapped.ts:11, '
      + `and its code did not reach another yield* within ${STALL_AGAIN_MS / 1000} s. Is there a loop without a yield* after that line? `
      + 'Between two yield*s no other thread runs: a loop without one cannot wait for another thread\'s change.'],
    ['seed-churn-1', 'ERROR', 'timeout', `the scenario stopped making progress for ${STALL_AGAIN_MS / 1000} s: is there a loop without a yield* in it? (scenario seed says where its run was stuck)`]]);
  // that schedule, replayed on the 2.6.36-rc2 code (the same up to there), has walker's step
  // 55 be page_mapped() reading _mapcount -1: the page was unmapped meanwhile
  const run = replay((o) => instantiate(scenariosFor('page-lock', 'seed')!, RC2 as never, o), decode('v1:1*12,2*39,0*5'), { record: true, haltOnFailure: false });
  expect(run.machine.events.find((e) => e.i === 55)).toMatchObject({ tid: 0, name: 'page_mapped', result: '-1' });
});

test('replaying the schedule that stalls says where, rather than running out of time', async () => {
  const r = await replayFile(EX05, path.join(HOSTILE, 'loop-when-unmapped.ts'), 'seed', 'v1:1*12,2*39,0*5', { scenarioMs: 120_000, stallMs: 3000, heapMb: 64, typeCheck: false });
  expect(r.error).toBe('the replay stopped making progress for 3 s: at step 55, walker called page_mapped() at loop-when-unmapped.ts:11, '
    + `and its code did not reach another yield* within ${STALL_AGAIN_MS / 1000} s. Is there a loop without a yield* after that line?`);
});

test('the student\'s line is found in a submission whose path is long and has a space', async () => {
  const long = 'x'.repeat(200);
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-')), 'My Course', long, long);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'loop-after-yield.ts');
  fs.copyFileSync(path.join(HOSTILE, 'loop-after-yield.ts'), file);
  try {
    const r = await gradeFile(EX05, file, { only: ['quiet'], scenarioMs: 120_000, stallMs: 3000, heapMb: 64, typeCheck: false });
    expect(r.scenarios[0].failure?.message).toContain(': at step 2, walker called rcu_read_lock() at loop-after-yield.ts:6, and its code did not reach another yield*');
  } finally {
    fs.rmSync(path.dirname(path.dirname(path.dirname(dir))), { recursive: true, force: true });
  }
});
