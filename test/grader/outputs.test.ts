// The platform outputs: Gradescope's results.json and JUnit XML, written by the real CLI next
// to its normal output, parse and carry the right fields; the JSON on stdout is grader/result.ts's
// shape; and whatever a student wrote is escaped in the XML.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GradeResult } from '../../grader/result';
import { renderJunit } from '../../grader/reporters/junit';
import { csvField, renderCsv } from '../../grader/reporters/csv';
import { gradescopeResults } from '../../grader/reporters/gradescope';
import { renderText } from '../../grader/reporters/text';
import { HOSTILE, SOLUTIONS, runGradeCli, spawnGradeCli, type CliRun } from './helpers';
import { parseXml, find } from './xml';
import { sourceLookup } from '../../cli/gradeOutputs';

let tmp: string;
let buggy: CliRun, broken: CliRun, json: CliRun;
const out = (f: string): string => path.join(tmp, f);

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-outputs-'));
  [buggy, broken, json] = await Promise.all([
    runGradeCli(['05', path.join(SOLUTIONS, 'history', '2.6.36-rc2.ts'), '--gradescope', out('gs.json'), '--junit', out('junit.xml'), '--no-typecheck']),
    runGradeCli(['05-page-lock-anon-vma', path.join(HOSTILE, 'import-fs.ts'), '--gradescope', out('gs-error.json'), '--junit', out('junit-error.xml')]),
    runGradeCli(['05', path.join(SOLUTIONS, 'history', 'no-access-once.ts'), '--json', '--no-typecheck']),
  ]);
}, 150_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('--gradescope PATH', () => {
  test('a failing submission: score, max_score, one test per scenario, the hidden one after_published', () => {
    expect(buggy.code).toBe(1);
    expect(buggy.stdout).toMatch(/^FAIL 05-page-lock-anon-vma: 5\/10 points/); // the normal output still goes to stdout
    const gs = JSON.parse(fs.readFileSync(out('gs.json'), 'utf8'));
    expect({ score: gs.score, max_score: gs.max_score, visibility: gs.visibility }).toEqual({ score: 5, max_score: 10, visibility: 'visible' });
    expect(gs.tests.map((t: { name: string }) => t.name)).toEqual(['quiet', 'exit-vs-walk', 'remap', 'seed', 'seed-churn-1']);
    for (const t of gs.tests) {
      expect(Object.keys(t).sort()).toEqual(['max_score', 'name', 'output', 'score', 'status', 'visibility']);
      expect(t.visibility).toBe(t.name === 'seed-churn-1' ? 'after_published' : 'visible');
      expect(t.output).not.toMatch(/\u001b/);
    }
    const seed = gs.tests.find((t: { name: string }) => t.name === 'seed');
    expect([seed.score, seed.max_score, seed.status]).toEqual([0, 4, 'failed']);
    expect(seed.output).toContain('Scenario "seed"');
    expect(seed.output).toMatch(/bad unlock balance|hang/);
    expect(seed.output).toContain('The interleaving');
    // what else broke after the leading failure is said, not only marked ! in the trace
    expect(seed.output).toMatch(/Then, in the same run:\n  step \d+ \(lock-held-at-return\): walker returned still holding a lock/);
    expect(seed.output).toMatch(/2\.6\.36-rc2\.ts:\d+ +yield\* spin_lock\(root\.lock\);/); // the student's own line
    expect(seed.output).toMatch(/--replay 'v1:[^']+' --scenario seed/);
    const quiet = gs.tests.find((t: { name: string }) => t.name === 'quiet');
    expect([quiet.score, quiet.max_score, quiet.status]).toEqual([2, 2, 'passed']);
    expect(quiet.output).toMatch(/VERIFIED/);
    // The top-level output, always visible, says nothing about the hidden scenario's result.
    expect(gs.output).not.toContain('seed-churn-1');
    expect(gs.output).toContain('1 hidden scenario is graded too');
  });

  test('an error verdict is one failed test carrying the error line', () => {
    expect(broken.code).toBe(1);
    const gs = JSON.parse(fs.readFileSync(out('gs-error.json'), 'utf8'));
    expect([gs.score, gs.max_score]).toEqual([0, 10]);
    expect(gs.tests).toHaveLength(1);
    expect(gs.tests[0]).toMatchObject({ name: 'submission', score: 0, max_score: 10, status: 'failed', visibility: 'visible' });
    expect(gs.tests[0].output).toMatch(/^forbidden-import: import-fs\.ts:2:1: a submission may import only the student API/);
    expect(gs.tests[0].output.split('\n')).toHaveLength(1);
  });
});

describe('--junit PATH', () => {
  test('one testsuite for the submission, one testcase per scenario, <failure message=KIND> with the report', () => {
    const doc = parseXml(fs.readFileSync(out('junit.xml'), 'utf8'));
    expect(doc.name).toBe('testsuites');
    const suites = find(doc, 'testsuite');
    expect(suites).toHaveLength(1);
    expect(suites[0].attrs).toMatchObject({ tests: '5', failures: '2', errors: '0' });
    const cases = find(doc, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['quiet', 'exit-vs-walk', 'remap', 'seed', 'seed-churn-1']);
    const seed = cases.find((c) => c.attrs.name === 'seed')!;
    const failure = find(seed, 'failure')[0];
    expect(['bad-unlock', 'hang']).toContain(failure.attrs.message);
    expect(failure.text).toContain('The interleaving');
    expect(find(cases[0], 'failure')).toHaveLength(0);
    const props = Object.fromEntries(find(doc, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ score: '5', max_score: '10', verdict: 'fail', exercise: '05-page-lock-anon-vma' });
  });

  test('an error verdict is one testcase with an <error>', () => {
    const doc = parseXml(fs.readFileSync(out('junit-error.xml'), 'utf8'));
    const cases = find(doc, 'testcase');
    expect(cases).toHaveLength(1);
    expect(find(cases[0], 'error')[0].attrs.message).toBe('forbidden-import');
  });

  test('markup, quotes, control characters and colour codes in what a student wrote are escaped', () => {
    const nasty = 'x <y> & "z" \'w\' ]]> \u0000\u0007 \u001b[31mred\u001b[39m \ud800 done';
    const r: GradeResult = {
      exercise: '05-page-lock-anon-vma', submission: 'a&b <c>.ts', verdict: 'fail', score: 0, max_score: 1,
      scenarios: [{ name: 'seed"<>', summary: nasty, verdict: 'BUG', points: 0, max_points: 1, hidden: false,
        failure: { kind: 'exception', message: `Oops: ${nasty}`, why: nasty, schedule: 'v1:0', steps: 1, preemptions: 0 }, stats: { executions: 1, steps: 1, ms: 1 } }],
    };
    const doc = parseXml(renderJunit(r));
    expect(find(doc, 'testsuite')[0].attrs.name).toBe('a&b <c>.ts');
    // a name with control characters is escaped as the CSV and the summary show it, never
    // stripped into another student's name
    const named = parseXml(renderJunit({ ...r, submission: 'class/\u001b[31mred\u001b[0m.ts' }));
    expect(find(named, 'testsuite')[0].attrs.name).toBe('class/\\x1b[31mred\\x1b[0m.ts');
    const c = find(doc, 'testcase')[0];
    expect(c.attrs.name).toBe('seed"<>');
    const text = find(c, 'failure')[0].text;
    expect(text).toContain('Oops: x <y> & "z" \'w\' ]]> \ufffd\ufffd red \ufffd done');
    expect(JSON.parse(JSON.stringify(gradescopeResults(r))).tests[0].output).toContain('x <y> & "z"');
  });

  test("a file name with a newline stays on the text report's first line: it cannot forge a header", () => {
    const r: GradeResult = { exercise: '05-page-lock-anon-vma', submission: 'nl\nPASS 05-page-lock-anon-vma: 10/10 points.ts', verdict: 'fail', score: 5, max_score: 10, scenarios: [] };
    const lines = renderText(r).split('\n');
    expect(lines[0]).toBe('FAIL 05-page-lock-anon-vma: 5/10 points — nl\\nPASS 05-page-lock-anon-vma: 10/10 points.ts');
    expect(lines.slice(1).some((l) => l.startsWith('PASS'))).toBe(false);
  });
});

describe('--csv (a class run): what a student wrote cannot break a row or run as a formula', () => {
  test.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['+1', "'+1"], ['-1', "'-1"], ['@SUM(A1)', "'@SUM(A1)"],
    ['\u001b[2Jcleared\r', '\\x1b[2Jcleared\\x0d'],
  ])('%j', (raw, field) => expect(csvField(raw)).toBe(field));
  test('a submission named like a formula, with an error that spans lines', () => {
    const r: GradeResult = { exercise: '05-page-lock-anon-vma', submission: '=cmd.ts', verdict: 'error', score: 0, max_score: 2, scenarios: [], error: 'line 1\nline 2', error_kind: 'exception' };
    expect(renderCsv([{ name: '=cmd', result: r }], ['quiet'])).toBe('submission,score,max_score,verdict,quiet points,lost points to,stub unchanged\r\n\'=cmd,0,2,error,,"exception: line 1\nline 2",\r\n');
  });
});

describe('--json', () => {
  test("prints grader/result.ts's shape", () => {
    expect(json.code).toBe(1);
    const r = JSON.parse(json.stdout);
    expect(r).toMatchObject({ exercise: '05-page-lock-anon-vma', verdict: 'fail', score: 5, max_score: 10 });
    expect(r.submission).toMatch(/no-access-once\.ts$/);
    const seed = r.scenarios.find((s: { name: string }) => s.name === 'seed');
    expect(seed).toMatchObject({ verdict: 'BUG', points: 0, max_points: 4, failure: { kind: 'bad-unlock' } });
    expect(Object.keys(seed.failure)).toEqual(expect.arrayContaining(['kind', 'message', 'schedule', 'steps', 'preemptions']));
    expect(Object.keys(seed.stats).sort()).toEqual(['executions', 'ms', 'steps']);
    expect(r.error).toBeUndefined();
  });
});

describe('bad input to one grade: exit 2 and one line, before anything runs', () => {
  const rc2 = path.join(SOLUTIONS, 'history', '2.6.36-rc2.ts');
  test.each([
    ['grade: --replay: a schedule starts with "v1:" (got "garbage")', ['05', rc2, '--replay', 'garbage', '--scenario', 'seed']],
    ['grade: no scenario nosuch in 05-page-lock-anon-vma; scenarios: quiet, exit-vs-walk, remap, seed, seed-churn-1', ['05', rc2, '--replay', 'v1:0*6', '--scenario', 'nosuch']],
    ['grade: no scenario bogus in 05-page-lock-anon-vma; scenarios: quiet, exit-vs-walk, remap, seed, seed-churn-1', ['05', rc2, '--scenario', 'quiet,bogus']],
    ['grade: 04-bug-hunt grades a schedule file; replay one with npm run play 4 -- --moves SCHEDULE', ['04', rc2, '--replay', 'v1:0', '--scenario', 'x']],
    ['grade: --jobs goes with --all (a class folder)', ['05', rc2, '--jobs', '2']],
    ['grade: --csv goes with --all (a class folder)', ['05', rc2, '--csv', 'grades.csv']],
    ['grade: --csv needs a file name', ['05', path.dirname(rc2), '--all', '--csv', '']],
    ['grade: cannot write /dev/null/x.html: EEXIST', ['05', rc2, '--html', '/dev/null/x.html']],
    // a path the user named that cannot be written is their input, not an internal error
    ['grade: cannot write /dev/null/x.json: EEXIST', ['05', rc2, '--scenario', 'quiet', '--no-typecheck', '--gradescope', '/dev/null/x.json']],
    // an empty list would grade nothing and pass: 0/0 points
    ['grade: --scenario names no scenario; scenarios: quiet, exit-vs-walk, remap, seed, seed-churn-1', ['05', rc2, '--scenario', ',']],
    ['grade: --scenario names no scenario; scenarios: quiet, exit-vs-walk, remap, seed, seed-churn-1', ['05', path.dirname(rc2), '--all', '--scenario', '']],
  ])('%s', async (line, args) => {
    const r = await runGradeCli(args);
    expect([r.code, r.stdout, r.stderr.trim()]).toEqual([2, '', line]);
  });
  test('a schedule that parses but does not fit the run is bad input too: exit 2, once the sandbox has tried it', async () => {
    const r = await runGradeCli(['05', rc2, '--replay', 'v1:9', '--scenario', 'seed', '--no-typecheck']);
    expect([r.code, r.stdout, r.stderr.trim()]).toEqual([2, '', 'grade: the schedule does not fit scenario seed: step 0: thread 9 cannot run here (no such thread); runnable: 0, 1, 2, 3']);
  });
  test('--scenario on one file grades just those scenarios', async () => {
    const r = await runGradeCli(['05', rc2, '--scenario', 'quiet', '--json', '--no-typecheck']);
    const g = JSON.parse(r.stdout) as GradeResult;
    expect([r.code, g.verdict, g.score, g.max_score, g.scenarios.map((s) => s.name)]).toEqual([0, 'pass', 2, 2, ['quiet']]);
  });
});

test('under `npm run grade`, paths are taken from the folder npm was started in (INIT_CWD), not the package root it runs in', async () => {
  const here = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-cwd-'));
  fs.copyFileSync(path.join(SOLUTIONS, 'history', '2.6.35.ts'), path.join(here, 'mine.ts'));
  const args = ['05', 'mine.ts', '--scenario', 'quiet', '--no-typecheck', '--html', 'run.html'];
  const [npm, other] = await Promise.all([
    runGradeCli(args, 120_000, { INIT_CWD: here, npm_lifecycle_script: 'ts-node -T cli/grade.ts' }),
    // another script's INIT_CWD (a CLI spawned under `npm test`) is not this command's
    runGradeCli(args, 120_000, { INIT_CWD: here, npm_lifecycle_script: 'tsc --noEmit -p . && jest' }),
  ]);
  // the page is named as the user would name it, from that folder
  expect([npm.code, npm.stderr]).toEqual([1, 'wrote run.html\n']);
  expect(npm.stdout).toMatch(/^FAIL 05-page-lock-anon-vma: 0\/2 points/);
  // the replay command works from that folder
  expect(npm.stdout).toContain('npm run grade -- 05-page-lock-anon-vma mine.ts --replay ');
  expect(fs.existsSync(path.join(here, 'run.html'))).toBe(true);
  expect([other.code, other.stdout, other.stderr]).toEqual([2, '', 'grade: mine.ts: no such file or directory\n']);
}, 120_000);

test('a reader that stops early (| head) ends the command quietly: exit 0, no stack dump', async () => {
  const child = spawnGradeCli(['05', path.join(SOLUTIONS, 'history', '2.6.36-rc2.ts'), '--replay', 'v1:0*6,1*12,2*39,0*5', '--scenario', 'seed', '--full']);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdout!.destroy(); // the reader is gone before the first line is written
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect([code, err]).toEqual([0, '']);
}, 60_000);

test("a submission saved with Windows line ends shows its lines without a stray \\r (escaped, it would print as \\x0d)", () => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crlf-')), 'mine.ts');
  fs.writeFileSync(f, 'line one\r\n  yield* rcu_read_lock();\r\nlast');
  const src = sourceLookup(f);
  expect([src(f, 1), src(f, 2), src(f, 3)]).toEqual(['line one', '  yield* rcu_read_lock();', 'last']);
});
