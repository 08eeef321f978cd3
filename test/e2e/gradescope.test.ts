// The Gradescope bundle, end to end: `npm run gradescope-bundle` writes the zip; it is unpacked
// into temporary folders laid out like Gradescope's /autograder (source/, submission/,
// results/), and its run_autograder is run there with AUTOGRADER_ROOT pointing at them. The
// reference gets full marks; the 2.6.36-rc2 variant fails its seed test with the kernel's report
// as the test's output. setup.sh is run too, with a stand-in npm (the image build's `npm ci`
// needs the network; the tests use the repository's node_modules instead).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findExercise } from '../../exercises/index';
import { layOut } from '../../cli/gradescopeBundle';
import { readZip, storeZip, unzipTo } from '../../cli/zip';
import type { GradescopeResults } from '../../grader/reporters/gradescope';

const REPO = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO, 'node_modules', '.bin', 'ts-node');
const SOLUTIONS = path.join(REPO, 'solutions', '05-page-lock-anon-vma');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-gradescope-test-'));
const ZIP = path.join(TMP, 'gradescope-05.zip');

interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }
function run(file: string, args: readonly string[], o: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd: o.cwd, env: { ...process.env, ...o.env }, timeout: 110_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }));
    child.stdin?.end();
  });
}

/** A folder laid out like Gradescope's /autograder, the bundle unpacked in source/. */
function autograderRoot(name: string, submission: Record<string, string>): string {
  const root = path.join(TMP, name);
  unzipTo(fs.readFileSync(ZIP), path.join(root, 'source'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'source', 'node_modules'));
  fs.copyFileSync(path.join(root, 'source', 'run_autograder'), path.join(root, 'run_autograder'));
  fs.chmodSync(path.join(root, 'run_autograder'), 0o755);
  for (const [rel, from] of Object.entries(submission)) {
    const to = path.join(root, 'submission', rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
  fs.mkdirSync(path.join(root, 'submission'), { recursive: true });
  return root;
}

async function autograde(root: string): Promise<GradescopeResults> {
  const r = await run(path.join(root, 'run_autograder'), [], { cwd: root, env: { AUTOGRADER_ROOT: root } });
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(fs.readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) as GradescopeResults;
}

let ref: GradescopeResults, rc2: GradescopeResults, none: GradescopeResults;

beforeAll(async () => {
  const built = await run(TS_NODE, ['-T', 'cli/gradescopeBundle.ts', '05', ZIP], { cwd: REPO });
  expect(built).toMatchObject({ code: 0, stderr: '' });
  expect(built.stdout).toMatch(/^wrote .*gradescope-05\.zip .*05-page-lock-anon-vma/);
  const refRoot = autograderRoot('ref', { 'page_lock_anon_vma.ts': path.join(SOLUTIONS, 'page_lock_anon_vma.ts') });
  // As a repository uploaded from GitHub: the file at its place in the course tree, among others.
  const rc2Root = autograderRoot('rc2', {
    'exercises/05-page-lock-anon-vma/page_lock_anon_vma.ts': path.join(SOLUTIONS, 'history', '2.6.36-rc2.ts'),
    'exercises/01-rmap-walk/rmap_walk.ts': path.join(REPO, 'exercises', '01-rmap-walk', 'rmap_walk.ts'),
    'README.md': path.join(REPO, 'README.md'),
  });
  const noneRoot = autograderRoot('none', { 'notes.txt': path.join(REPO, 'package.json') });
  [ref, rc2, none] = await Promise.all([autograde(refRoot), autograde(rc2Root), autograde(noneRoot)]);
}, 240_000);

afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

test('the zip holds setup.sh and run_autograder (executable), the grader, and no reference solutions', () => {
  const names = readZip(fs.readFileSync(ZIP)).map((e) => e.name);
  expect(names).toEqual(expect.arrayContaining(['setup.sh', 'run_autograder', 'package.json', 'package-lock.json', 'cli/gradescopeRun.ts', 'grader/grade.ts', 'grader/reporters/gradescope.ts', 'exercises/index.ts', 'sim/api.ts']));
  expect(names.filter((n) => /^(solutions|test|lessons|node_modules)\//.test(n))).toEqual([]);
  const modes = new Map(readZip(fs.readFileSync(ZIP)).map((e) => [e.name, e.mode]));
  expect(modes.get('run_autograder')! & 0o111).not.toBe(0);
  expect(modes.get('setup.sh')! & 0o111).not.toBe(0);
});

test('the reference solution gets full marks, hidden scenarios marked as such', () => {
  expect(ref.score).toBe(ref.max_score);
  expect(ref.max_score).toBe(findExercise('05')!.scenarios.reduce((a, s) => a + s.points, 0));
  expect(ref.tests.map((t) => [t.name, t.status, t.visibility])).toEqual(findExercise('05')!.scenarios.map((s) => [s.name, 'passed', s.hidden ? 'after_published' : 'visible']));
  expect(ref.output).toContain('4 of 4 visible scenarios pass.');
});

test('2.6.36-rc2 fails its seed test, with the kernel report and the student\'s own lines as the output', () => {
  const seed = rc2.tests.find((t) => t.name === 'seed')!;
  expect(seed).toMatchObject({ status: 'failed', score: 0, max_score: 4, visibility: 'visible' });
  expect(seed.output).toContain('WARNING: bad unlock balance detected!');
  expect(seed.output).toContain('page_lock_anon_vma.ts:24  yield* spin_unlock(root.lock);');
  expect(seed.output).toContain('npm run grade -- 05-page-lock-anon-vma exercises/05-page-lock-anon-vma/page_lock_anon_vma.ts --replay');
  expect(rc2.tests.find((t) => t.name === 'quiet')).toMatchObject({ status: 'passed', score: 2 });
  expect(rc2.tests.find((t) => t.name === 'seed-churn-1')).toMatchObject({ status: 'failed', visibility: 'after_published' });
  expect(rc2.score).toBe(5);
  expect(rc2.output).not.toContain('seed-churn-1'); // the always-visible summary says nothing of hidden tests
});

test('no file to grade: a results file that says what to upload, score 0', () => {
  expect(none.score).toBe(0);
  expect(none.tests).toEqual([expect.objectContaining({ name: 'submission', status: 'failed' })]);
  expect(none.tests[0].output).toContain('upload your exercises/05-page-lock-anon-vma/page_lock_anon_vma.ts');
});

test('setup.sh installs the dependencies with npm ci (Node.js already there) in source/', async () => {
  const root = path.join(TMP, 'ref');
  const bin = path.join(TMP, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho "$PWD $*" >> "${path.join(TMP, 'npm.log')}"\n`, { mode: 0o755 });
  const r = await run(path.join(root, 'source', 'setup.sh'), [], { cwd: root, env: { AUTOGRADER_ROOT: root, PATH: `${bin}:${process.env.PATH}` } });
  expect(r.code).toBe(0);
  expect(fs.readFileSync(path.join(TMP, 'npm.log'), 'utf8')).toBe(`${path.join(root, 'source')} ci --omit=dev --no-audit --no-fund\n`);
}, 30_000);

test('the bug hunt\'s bundle carries the code it grades schedules against; the store-only writer round-trips', () => {
  const dir = path.join(TMP, 'layout-04');
  const hunt = findExercise('04');
  if (hunt !== undefined && 'target' in hunt) {
    layOut(hunt, dir);
    expect(fs.existsSync(path.join(dir, 'solutions', '05-page-lock-anon-vma', 'history', '2.6.36-rc2.ts'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'solutions', '05-page-lock-anon-vma', 'page_lock_anon_vma.ts'))).toBe(false);
  }
  const entries = [{ name: 'run_autograder', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 }, { name: 'a/b.txt', data: Buffer.from('é'.repeat(1000)), mode: 0o644 }];
  expect(readZip(storeZip(entries))).toEqual(entries);
});
