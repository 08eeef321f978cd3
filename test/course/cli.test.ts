// `npm run lesson` as a student's script or CI would run it: a child process, no TTY.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_LESSONS, runLessonCli, type CliRun } from './cliHelpers';

let home: string;
let env: Record<string, string>;
const runs: Record<string, CliRun> = {};

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-cli-'));
  env = { ANON_VMA_LAB_LESSONS: FIXTURE_LESSONS, ANON_VMA_LAB_HOME: home, CI: '1' };
  const cases: Record<string, string[]> = { list: [], three: ['3'], zero3: ['03'], nine: ['9'], one: ['1'], word: ['three'] };
  // In parallel: each run pays ts-node's start-up.
  await Promise.all(
    Object.entries(cases).map(async ([name, args]) => {
      runs[name] = await runLessonCli(args, env);
    }),
  );
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('npm run lesson (not a TTY)', () => {
  test('lists the eight lessons with titles, shipped or coming, and progress; exit 0', () => {
    const { code, stdout, stderr } = runs.list;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^ {2}3 {2}SLAB_DESTROY_BY_RCU: the object may be someone else now +not started$/m);
    expect(stdout).toMatch(/^ {2}1 {2}Reverse mapping: who maps this page\? +coming soon$/m);
    expect(stdout).toMatch(/^ {2}8 {2}The pattern elsewhere, and how kernel developers catch it +coming soon$/m);
    expect(stdout).not.toMatch(/\u001b/);
  });

  test('lesson 3 renders whole: every section, the demo note, the quiz with its answer; exit 0', () => {
    const { code, stdout, stderr } = runs.three;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('# SLAB_DESTROY_BY_RCU: the object may be someone else now');
    for (const h of ['## The cache that frees late', '## Check your reading', '## Recheck after locking']) {
      expect(stdout).toContain(h);
    }
    expect(stdout).toContain('`kmem_cache_free()` may hand the same address');
    expect(stdout).toContain('[demo fixture-demo-that-does-not-exist is not available yet]');
    expect(stdout).toContain('Answer: b) memory of the same type, possibly a different object');
    expect(stdout).toContain('✓ b) yes: that is why you must recheck identity after taking a lock');
    expect(stdout).not.toMatch(/\u001b/);
    expect(stdout).not.toContain('Enter: next');
    expect(runs.zero3.stdout).toBe(stdout);
  });

  test('non-interactive runs leave no progress file behind', () => {
    expect(fs.existsSync(path.join(home, '.anon-vma-lab'))).toBe(false);
  });

  test.each([
    ['nine', 'no lesson "9": lessons are numbered 1-8; shipped lesson: 3'],
    ['one', 'lesson 1 (Reverse mapping: who maps this page?) is coming soon; shipped lesson: 3'],
    ['word', 'no lesson "three": lessons are numbered 1-8; shipped lesson: 3'],
  ])('a wrong or unshipped lesson (%s): one line naming the shipped ones, exit 2', (name, message) => {
    expect(runs[name]).toEqual({ code: 2, stdout: '', stderr: `lesson: ${message}\n` });
  });

  test('a malformed quiz is one line naming the file and line, exit 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-bad-'));
    try {
      fs.writeFileSync(path.join(dir, '02-rcu.md'), '# RCU\n\n```quiz\nQ: which?\n- [x] a — b\n- [x] c — d\n```\n');
      const r = await runLessonCli(['2'], { ...env, ANON_VMA_LAB_LESSONS: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^lesson: .*02-rcu\.md:6: quiz: exactly one choice must be marked \[x\], found 2\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
