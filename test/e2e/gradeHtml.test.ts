// `npm run grade -- ID FILE --html PATH` and `npm run lesson N -- --html DIR` as a child
// process: the pages they write (what the pages show in a browser: test/e2e/html.test.ts).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO, 'node_modules', '.bin', 'ts-node');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-grade-html-'));
const SOLUTIONS = 'solutions/05-page-lock-anon-vma';

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(TS_NODE, ['-T', ...args], { cwd: REPO, env: { ...process.env, CI: '1' }, timeout: 110_000, maxBuffer: 32 << 20 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }));
    child.stdin?.end();
  });
}

let runs: { code: number; stdout: string; stderr: string }[];
beforeAll(async () => {
  runs = await Promise.all([
    cli(['cli/grade.ts', '05', `${SOLUTIONS}/history/2.6.36-rc2.ts`, '--html', path.join(TMP, 'rc2.html')]),
    cli(['cli/grade.ts', '05', `${SOLUTIONS}/page_lock_anon_vma.ts`, '--html', path.join(TMP, 'ref.html')]),
    cli(['cli/lesson.ts', '3', '--html', path.join(TMP, 'lesson3')]),
  ]);
}, 115_000);
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

test('a failing submission: the page draws its smallest failing scenario, with its own source lines', () => {
  expect(runs[0].code).toBe(1); // the grade's own exit code, unchanged
  const html = fs.readFileSync(path.join(TMP, 'rc2.html'), 'utf8');
  expect(html).toMatch(/^<!DOCTYPE html>/);
  expect(html).toContain('<span class="badge bug">BUG: bad-unlock</span>');
  expect(html).toContain('scenario <b>seed</b>'); // seed (68 steps) is smaller than seed-churn-1
  expect(html).toContain('05-page-lock-anon-vma · 2.6.36-rc2.ts — 5/10 points');
  expect(html).toContain('yield* spin_unlock(root.lock);');
  expect(html).toMatch(/npm run grade -- 05-page-lock-anon-vma \S*2.6.36-rc2.ts --replay (?:'|&#39;|&#x27;)v1:[\d*,]+(?:'|&#39;|&#x27;) --scenario seed/);
  expect(html.match(/<g class="lane"/g)).toHaveLength(4);
});

test('a passing submission: a page that says VERIFIED', () => {
  expect(runs[1].code).toBe(0);
  const html = fs.readFileSync(path.join(TMP, 'ref.html'), 'utf8');
  expect(html).toContain('id="verdict">VERIFIED</span>');
  expect(html).toContain('seed: VERIFIED');
});

test('lesson demos draw their recorded runs, one page each', () => {
  expect(runs[2].code).toBe(0);
  const pages = fs.readdirSync(path.join(TMP, 'lesson3')).sort();
  expect(pages).toEqual(['typesafe-no-recheck.html', 'typesafe-pin-recheck.html', 'typesafe-reuse.html']);
  expect(fs.readFileSync(path.join(TMP, 'lesson3', 'typesafe-no-recheck.html'), 'utf8')).toContain('BUG: contract');
  expect(runs[2].stdout).toContain('typesafe-reuse.html');
});
