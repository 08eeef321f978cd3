// Lessons 4 and 5: every seed demo runs, says what its lesson says it shows, fits the screen
// and prints the same text on every run; the demos' own variants (scenarios/demos/seed.ts)
// get the same verdicts as the graded history files; both lessons parse and render whole
// without a terminal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoNames, runDemo } from '../../course/demos';
import { SEED_DEMOS, HAND_SCHEDULE } from '../../course/demos/seed';
import { parseLesson } from '../../course/parse';
import { seed } from '../../scenarios/pageLock';
import { instantiate } from '../../scenarios/scenario';
import type { PageLockSubject } from '../../scenarios/pageLockHarness';
import * as mine from '../../scenarios/demos/seed';
import { explore } from '../../explorer/explore';
import { replay } from '../../explorer/run';
import { decode } from '../../explorer/schedule';
import * as rc2 from '../../solutions/05-page-lock-anon-vma/history/2.6.36-rc2';
import * as hugh from '../../solutions/05-page-lock-anon-vma/history/hugh-fix';
import * as andrea from '../../solutions/05-page-lock-anon-vma/history/andrea-single-check';
import * as noAccessOnce from '../../solutions/05-page-lock-anon-vma/history/no-access-once';
import * as christoph from '../../solutions/05-page-lock-anon-vma/history/christoph-lock-recheck';
import * as v2635 from '../../solutions/05-page-lock-anon-vma/history/2.6.35';
import { execFile } from 'node:child_process';

const REPO = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO, 'node_modules', '.bin', 'ts-node');

interface CliRun { readonly code: number; readonly stdout: string; readonly stderr: string }

/** `ts-node -T cli/lesson.ts N` as CI runs it: stdin closed, stdout a pipe. */
function lessonCli(n: number, env: Record<string, string>): Promise<CliRun> {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  return new Promise((resolve) => {
    const child = execFile(TS_NODE, ['-T', 'cli/lesson.ts', String(n)], { cwd: REPO, env: { ...base, ...env }, timeout: 240_000, maxBuffer: 8 << 20 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }));
    child.stdin?.end();
  });
}
const LESSONS = { 4: '04-the-root-lock-and-the-hang.md', 5: '05-hughs-fix-and-the-argument.md' } as const;

// The key claim of each demo, as its lesson states it.
const CLAIMS: Record<string, RegExp[]> = {
  'seed-2635-harmless': [/^VERIFIED: every interleaving class explored, in \d+ executions: no bad unlock, no hang in 2\.6\.35/,
    /walker locks anon_vma@0x40 #2, someone else's/, /unlocks that same lock/, /spin_unlock anon_vma@0x40 #2 \.lock/],
  'seed-hang-by-hand': [/^BUG: bad unlock, then a hang\. The walker locks anon_vma@0x40, unlocks anon_vma@0x80 and returns/,
    /spin_unlock anon_vma@0x80 #1 \.lock/, /kmem_cache_alloc anon_vma@0x40 #3/, /no thread can run: the machine hangs here/,
    /fault spins in spin_lock\(&anon_vma@0x40->lock\), held by walker since step \d+ — which has already returned/],
  'seed-stress-test': [/^A simulated stress test: 2000 runs with random preemption; \d+ went wrong and (none|\d+) hung/,
    /The explorer: BUG: bad-unlock found after \d+ executions/],
  'seed-hang-explorer': [/^BUG: bad-unlock\. The explorer ran \d+ executions, shrank the failing one to 1 preemption and \d+ steps, and showed that no schedule with fewer preemptions fails this way\. Replayed, the run then hangs/,
    /schedule: v1:[\d*,]+/, /Possible unsafe locking scenario/, /lock\(&anon_vma@0x40\);/, /unlock\(&anon_vma@0x80\);/,
    /fault spins in spin_lock\(&anon_vma@0x40->lock\)/],
  'hugh-fix-seed': [/^VERIFIED: every interleaving class explored, in \d+ executions\. On lesson 4's hanging schedule the re-check under the lock sees _mapcount -1: unlock anon_vma@0x40, the lock it took, and return NULL/,
    /no failure: every thread ran to its end/, /page_mapped page@0x4000 #1 \._mapcount → -1/],
  'andrea-single-check': [/^BUG: bad-unlock found after \d+ executions: one page_mapped\(\) check \(step \d+\), inside rcu_read_lock\(\), did not keep ->root from changing/,
    /WARNING: bad unlock balance detected!/, /No KASAN report/],
  'no-access-once': [/^BUG: bad-unlock found after \d+ executions: the re-check works \(_mapcount -1\), but the failure path loads ->root again and releases anon_vma@0x80's lock, not anon_vma@0x40's/,
    /WARNING: bad unlock balance detected!/],
  'christoph-pin-verify': [/^VERIFIED: every interleaving class explored, in \d+ executions\. On the hanging schedule, the check after the lock finds ->root changed \(anon_vma@0x80, not anon_vma@0x40\)/,
    /the page is unmapped: NULL/],
  'remap-keeps-mapping': [/^VERIFIED: every interleaving class explored, in \d+ executions, with no page lock in the walker/,
    /both checks see the page mapped \(_mapcount 0 and 0\)/, /page->mapping: never written/, /atomic_dec page@0x4000 #1 \._mapcount → -1/],
  'hugetlb-move': [/^Hugh's fix: BUG: contract violation found after \d+ executions?\. Christoph's: BUG: contract violation/,
    /WRITE_ONCE page@0x4000 #1 \.mapping := anon_vma@0x80/, /returned anon_vma@0x40 #1, but page->mapping now names anon_vma@0x80 #1/],
  'hugetlb-move-locked': [/^Hugh's fix: VERIFIED: every interleaving class explored, in \d+ executions\. Christoph's: VERIFIED/,
    /the move waits \(at steps \d+-\d+\) until the walker is done/],
};

/** Each demo's output at width 80, as the first describe saw it (later tests reuse it). */
const seen = new Map<string, string>();

describe('the seed demos (lessons 4 and 5)', () => {
  test('every seed demo is registered, claimed here, and named by lesson 4 or 5', () => {
    expect(Object.keys(SEED_DEMOS).sort()).toEqual(Object.keys(CLAIMS).sort());
    for (const n of Object.keys(SEED_DEMOS)) expect(demoNames()).toContain(n);
    const named = Object.values(LESSONS).flatMap((f) => [...fs.readFileSync(path.join(REPO, 'lessons', f), 'utf8').matchAll(/^```demo\s+(\S+)/gm)].map((m) => m[1]));
    expect([...named].sort()).toEqual(Object.keys(CLAIMS).sort());
  });

  test.each(Object.keys(CLAIMS))('%s shows its claim, fits 80 columns and 40 lines, and is deterministic', (name) => {
    const out = runDemo(name, { color: false, width: 80 });
    seen.set(name, out);
    const flat = out.replace(/\s+/g, ' ');
    for (const re of CLAIMS[name]) expect(flat).toMatch(re);
    const lines = out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    expect(out).not.toMatch(/\u001b\[/);
    expect(out).not.toMatch(/\d+ ?ms\b|seconds/);
    expect(out).not.toContain('expected'); // a demo's fallback when the simulator surprises it
    expect(runDemo(name, { color: false, width: 80 })).toBe(out);
  });

  test('colour is opt-in; a narrower screen narrows the condensed timeline', () => {
    expect(runDemo('seed-hang-by-hand', { color: true, width: 80 })).toMatch(/\u001b\[/);
    for (const l of runDemo('hugetlb-move', { color: false, width: 64 }).split('\n')) expect([...l].length).toBeLessThanOrEqual(64);
  });
});

describe('the demos\' variants match the graded history files', () => {
  const pairs: [string, PageLockSubject, PageLockSubject][] = [
    ['2.6.36-rc2', mine.rc2, rc2], ['hugh-fix', mine.hugh, hugh], ['andrea-single-check', mine.andrea, andrea],
    ['no-access-once', mine.noAccessOnce, noAccessOnce], ['christoph-lock-recheck', mine.christoph, christoph], ['2.6.35', mine.v2635, v2635],
  ];
  const verdictOf = (s: PageLockSubject): string => {
    const v = explore((o) => instantiate(seed('2.6.36'), s, o), { maxExecutions: 20000 });
    return v.kind === 'BUG' ? `BUG ${v.failure.kind} ${v.schedule} after ${v.stats.executions}` : v.kind === 'VERIFIED' ? `VERIFIED ${v.classes}` : v.kind;
  };
  test.each(pairs)('%s: same verdict on the seed, step for step', (_name, ours, graded) => {
    expect(verdictOf(ours)).toBe(verdictOf(graded));
  });

  test('the hand-written schedule is the one test/sim/seed.test.ts replays, and hangs rc2', () => {
    const r = replay((o) => instantiate(seed('2.6.36'), mine.rc2, o), decode(HAND_SCHEDULE), { haltOnFailure: false });
    expect(r.failures.map((f) => f.kind)).toEqual(['contract', 'bad-unlock', 'lock-held-at-return', 'hang']);
  });
});

// Rendering a lesson runs its demos in a child process (ts-node start-up included): start both
// as this file loads, so they run while the tests above use this process.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-seed-'));
const runs: Record<number, Promise<CliRun>> = {};
for (const n of [4, 5]) runs[n] = lessonCli(n, { ANON_VMA_LAB_LESSONS: path.join(REPO, 'lessons'), ANON_VMA_LAB_HOME: home, CI: '1' });
afterAll(async () => {
  await Promise.all(Object.values(runs));
  fs.rmSync(home, { recursive: true, force: true });
});

describe('lessons 4 and 5 as a student reads them', () => {

  test.each([4, 5] as const)('lesson %i parses: 6-10 sections, at least 2 demos, at least 5 quizzes, known demos', (n) => {
    const file = path.join(REPO, 'lessons', LESSONS[n]);
    const lesson = parseLesson(fs.readFileSync(file, 'utf8'), file);
    expect(lesson.sections.length).toBeGreaterThanOrEqual(6);
    expect(lesson.sections.length).toBeLessThanOrEqual(10);
    const blocks = lesson.sections.flatMap((s) => s.blocks);
    const demos = blocks.flatMap((b) => (b.kind === 'demo' ? [b.name] : []));
    const quizzes = blocks.flatMap((b) => (b.kind === 'quiz' ? [b.quiz] : []));
    expect(demos.length).toBeGreaterThanOrEqual(2);
    expect(quizzes.length).toBeGreaterThanOrEqual(5);
    for (const d of demos) expect(demoNames()).toContain(d);
    for (const q of quizzes) for (const c of q.choices) expect(c.explanation.length).toBeGreaterThan(10);
  });

  test.each([4, 5] as const)('npm run lesson %i without a terminal: exit 0, every section and every demo rendered', async (n) => {
    const { code, stdout, stderr } = await runs[n];
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const file = path.join(REPO, 'lessons', LESSONS[n]);
    const lesson = parseLesson(fs.readFileSync(file, 'utf8'), file);
    for (const s of lesson.sections) expect(stdout).toContain(`## ${s.title}`);
    expect(stdout).not.toContain('is not available');
    expect(stdout).not.toMatch(/\[demo \S+ failed/);
    for (const d of lesson.sections.flatMap((s) => s.blocks).flatMap((b) => (b.kind === 'demo' ? [b.name] : []))) {
      expect(stdout).toContain(`▶ demo ${d}`);
      const head = (seen.get(d) ?? runDemo(d, { color: false, width: 80 })).split('\n')[0];
      expect(stdout).toContain(head);
    }
    expect(stdout).not.toMatch(/\u001b/);
  });
});
