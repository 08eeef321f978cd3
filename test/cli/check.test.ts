// `npm run check`: the listing, hints one at a time, --reset (restores the stub from the
// course's git history after confirmation), and --watch re-running on save (polling fallback).
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(ROOT, 'node_modules', '.bin', 'ts-node');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'check-home-'));
const env = { ...process.env, ANON_VMA_LAB_HOME: home, CI: '1', NO_COLOR: '1' };
const run = (...args: string[]) => spawnSync(TS_NODE, ['-T', 'cli/check.ts', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120000 });
const STUB_PATH = path.join('exercises', '04-bug-hunt', 'schedule.txt');

/** A copy of the course (node_modules linked) for a test that changes an exercise's file: the
 *  repository's own copy is read meanwhile by tests in other workers (the stubs' hashes). */
function courseCopy(skip: readonly string[] = []): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'course-'));
  const omit = new Set(['node_modules', '.git', 'tmp', '.anon-vma-lab', ...skip]);
  for (const e of fs.readdirSync(ROOT)) if (!omit.has(e)) fs.cpSync(path.join(ROOT, e), path.join(copy, e), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  return copy;
}

test('lists the exercises; a wrong number is one line and exit 2', () => {
  const r = run();
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/5 {2}05-page-lock-anon-vma/);
  const bad = run('9');
  expect(bad.status).toBe(2);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
});

test('hints are revealed one at a time and remembered', () => {
  const a = run('5', '--hint');
  expect(a.stdout).toMatch(/^Hint 1\/4:/m);
  expect(a.stdout).not.toMatch(/Hint 2\/4/);
  const b = run('5', '--hint');
  expect(b.stdout).toMatch(/Hint 2\/4:/);
  const state = JSON.parse(fs.readFileSync(path.join(home, '.anon-vma-lab', 'exercises.json'), 'utf8'));
  expect(state['05-page-lock-anon-vma'].hints).toBe(2);
});

test('under a submission that cannot be graded, the hints seen are a count, not their text', () => {
  const copy = courseCopy();
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'check-home-'));
  try {
    fs.mkdirSync(path.join(own, '.anon-vma-lab'));
    fs.writeFileSync(path.join(own, '.anon-vma-lab', 'exercises.json'), JSON.stringify({ '05-page-lock-anon-vma': { hints: 2, passed: false, bestScore: 0 } }));
    const stub = path.join(copy, 'exercises', '05-page-lock-anon-vma', 'page_lock_anon_vma.ts');
    const runIn = () => spawnSync(TS_NODE, ['-T', 'cli/check.ts', '5'], { cwd: copy, env: { ...env, ANON_VMA_LAB_HOME: own }, encoding: 'utf8', timeout: 120000 });
    // a failing submission shows the hints seen; one that does not parse, only how many
    const failing = runIn();
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/^Hint 1\/4: .*\nHint 2\/4: /m);
    fs.writeFileSync(stub, `${fs.readFileSync(stub, 'utf8')}\nexport function* broken( {\n`);
    const broken = runIn();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^invalid-submission: page_lock_anon_vma\.ts:\d+:\d+: syntax error: /m);
    expect(broken.stdout).toContain('(2 of 4 hints seen: npm run check 5 -- --hint shows them, and the next)');
    expect(broken.stdout).not.toContain('Hint 1/4');
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
    fs.rmSync(own, { recursive: true, force: true });
  }
}, 240_000);

test('--reset asks first (not a terminal: needs --yes), then restores the stub', () => {
  // in a copy with a git history of its own: the stub as committed there
  const copy = courseCopy();
  const stub = path.join(copy, STUB_PATH);
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: copy, encoding: 'utf8' });
  try {
    expect(git('init', '-q').status).toBe(0);
    expect(git('add', STUB_PATH).status).toBe(0);
    expect(git('commit', '-qm', 'the course').status).toBe(0);
    const committed = fs.readFileSync(stub, 'utf8');
    const runIn = (...args: string[]) => spawnSync(TS_NODE, ['-T', 'cli/check.ts', ...args], { cwd: copy, env, encoding: 'utf8', timeout: 120000 });
    fs.writeFileSync(stub, `${committed}# my own work\n`);
    const no = runIn('4', '--reset');
    expect(no.status).toBe(1);
    expect(fs.readFileSync(stub, 'utf8')).toContain('# my own work');
    const yes = runIn('4', '--reset', '--yes');
    expect(yes.status).toBe(0);
    expect(fs.readFileSync(stub, 'utf8')).toBe(committed);
    expect(git('show', `HEAD:${STUB_PATH}`).stdout).toBe(committed);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test('--watch re-runs when the file is saved (polling fallback)', async () => {
  const copy = courseCopy();
  const stub = path.join(copy, STUB_PATH);
  const child = spawn(TS_NODE, ['-T', 'cli/check.ts', '4', '--watch'], { cwd: copy, env: { ...env, ANON_VMA_LAB_POLL: '1' } });
  let out = '';
  child.stdout.on('data', (d) => { out += d.toString(); });
  const waitFor = async (n: number): Promise<void> => {
    for (let i = 0; i < 600 && (out.match(/^Watching /gm) ?? []).length < n; i++) await new Promise((r) => setTimeout(r, 100));
  };
  try {
    await waitFor(1);
    expect(out).toMatch(/^Watching /m);
    const original = fs.readFileSync(stub, 'utf8');
    await new Promise((r) => setTimeout(r, 1200));
    fs.writeFileSync(stub, original); // a save, same content, new mtime
    await waitFor(2);
    expect((out.match(/^Watching /gm) ?? []).length).toBeGreaterThanOrEqual(2);
    expect((out.match(/04-bug-hunt: \d+\/\d+ points/g) ?? []).length).toBeGreaterThanOrEqual(2);
  } finally {
    child.kill();
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test("a course's template without solutions/ (docs/grading.md): a pass says so, with no reference to show", () => {
  // a copy of the course as a Classroom template ships it: sources, no solutions/ but the bug
  // hunt's target, node_modules linked
  const copy = courseCopy(['solutions']);
  try {
    const rc2 = path.join('solutions', '05-page-lock-anon-vma', 'history', '2.6.36-rc2.ts');
    fs.mkdirSync(path.dirname(path.join(copy, rc2)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, rc2), path.join(copy, rc2));
    fs.copyFileSync(path.join(ROOT, 'solutions', '01-rmap-walk', 'rmap_walk.ts'), path.join(copy, 'exercises', '01-rmap-walk', 'rmap_walk.ts'));
    const r = spawnSync(TS_NODE, ['-T', 'cli/check.ts', '1'], { cwd: copy, env, encoding: 'utf8', timeout: 120000 });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^PASS 01-rmap-walk/m);
    expect(r.stdout).toContain('Passed. (The reference solution is not in this copy of the course: your course staff keep it.)');
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
