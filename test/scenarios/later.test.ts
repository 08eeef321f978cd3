// Lessons 6–8 and exercises 06–08. Each exercise holds to its index entry: the reference passes
// every scenario (VERIFIED), the stub fails (quiet among others), every listed wrong answer and
// history variant fails with a listed kind. Each later demo runs, shows its claim, fits the
// screen, and prints the same text twice (here, and inside its lesson rendered by the CLI).
// Lessons 6–8 parse, and render whole without a terminal, every demo available.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { EXERCISES, ExerciseEntry } from '../../exercises/index';
import { scenariosFor, scenarioNames, subjectShape } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { explore } from '../../explorer/explore';
import type { Verdict } from '../../explorer/verdict';
import { demoNames, runDemo } from '../../course/demos';
import { LATER_DEMOS } from '../../course/demos/later';
import { parseLesson } from '../../course/parse';

const REPO = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO, 'node_modules', '.bin', 'ts-node');
const BUDGET = { maxExecutions: 50000 };

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

// Rendering a lesson runs its demos in a child process: start all three now, so they run while
// the exercise tests below use this process.
const LESSONS = { 6: '06-pin-with-a-reference.md', 7: '07-sleeping-locks.md', 8: '08-the-pattern-elsewhere.md' } as const;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-later-'));
const runs: Record<number, Promise<CliRun>> = {};
for (const n of [6, 7, 8]) runs[n] = lessonCli(n, { ANON_VMA_LAB_LESSONS: path.join(REPO, 'lessons'), ANON_VMA_LAB_HOME: home, CI: '1' });
afterAll(async () => {
  await Promise.all(Object.values(runs));
  fs.rmSync(home, { recursive: true, force: true });
});

// ---- exercises ------------------------------------------------------------------------------

const IDS = ['06-page-get-anon-vma', '07-lock-anon-vma-read', '08-lock-task-sighand'];

function entry(id: string): ExerciseEntry {
  const e = (EXERCISES as readonly ExerciseEntry[]).find((x) => x.id === id);
  if (e === undefined) throw new Error(`no exercise ${id} in the index`);
  return e;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
function load(file: string): Record<string, unknown> { return require(path.join(REPO, file)) as Record<string, unknown>; }

function run(e: ExerciseEntry, mod: Record<string, unknown>): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const s of e.scenarios) {
    const sc = scenariosFor(e.kind, s.name);
    if (sc === undefined) throw new Error(`scenario ${s.name} of ${e.id} is not registered`);
    out.set(s.name, explore((o) => instantiate(sc, mod, o), BUDGET));
  }
  return out;
}

function summary(vs: Map<string, Verdict>): Record<string, string> {
  return Object.fromEntries([...vs].map(([n, v]) => [n, v.kind === 'BUG' ? `BUG ${v.failure.kind}` : v.kind]));
}

describe.each(IDS)('exercise %s', (id) => {
  const e = entry(id);

  test('the index entry is consistent with the registry and the files', () => {
    expect(e.exports).toEqual(subjectShape(e.kind));
    for (const s of e.scenarios) expect(scenarioNames(e.kind)).toContain(s.name);
    expect(e.scenarios.map((s) => s.name)).toContain('quiet');
    expect(e.hints.length).toBeGreaterThanOrEqual(3);
    expect(e.hints.length).toBeLessThanOrEqual(4);
    for (const file of [e.stub, e.solution, ...(e.variants ?? []).map((v) => v.file)]) {
      expect(fs.existsSync(path.join(REPO, file))).toBe(true);
      const mod = load(file);
      for (const name of e.exports) expect((mod[name] as { constructor?: { name?: string } } | undefined)?.constructor?.name).toBe('GeneratorFunction');
    }
    expect(fs.existsSync(path.join(REPO, path.dirname(e.stub), 'README.md'))).toBe(true);
    const wrong = (e.variants ?? []).filter((v) => v.expect === 'fail' && v.file.startsWith('test/fixtures/submissions/'));
    expect(wrong.length).toBeGreaterThanOrEqual(3);
    // every wrong answer in the fixtures folder is listed
    const dir = path.join(REPO, 'test', 'fixtures', 'submissions', id);
    for (const f of fs.readdirSync(dir)) expect(wrong.map((v) => path.basename(v.file))).toContain(f);
  });

  test('the reference solution passes every scenario (VERIFIED)', () => {
    expect(summary(run(e, load(e.solution)))).toEqual(Object.fromEntries(e.scenarios.map((s) => [s.name, 'VERIFIED'])));
  });

  test('the stub fails, the quiet scenario among others', () => {
    const vs = run(e, load(e.stub));
    expect(vs.get('quiet')?.kind).toBe('BUG');
    const score = e.scenarios.reduce((a, s) => a + (vs.get(s.name)?.kind === 'BUG' ? 0 : s.points), 0);
    expect(score).toBeLessThanOrEqual(e.scenarios.reduce((a, s) => a + s.points, 0) / 4);
  });

  for (const variant of entry(id).variants ?? []) {
    test(`${path.basename(variant.file)} is a ${variant.expect}${variant.kinds ? ` (${variant.kinds.join(' or ')})` : ''}`, () => {
      const vs = run(e, load(variant.file));
      if (variant.expect === 'pass') { expect(summary(vs)).toEqual(Object.fromEntries(e.scenarios.map((s) => [s.name, 'VERIFIED']))); return; }
      const bugs = [...vs.values()].filter((v): v is Extract<Verdict, { kind: 'BUG' }> => v.kind === 'BUG');
      expect(bugs.length).toBeGreaterThan(0);
      expect(vs.get('quiet')?.kind).toBe('VERIFIED'); // plausible: right when nothing races
      if (variant.kinds !== undefined) for (const b of bugs) expect(variant.kinds).toContain(b.failure.kind);
    });
  }
});

describe('the 2011 history variants (lesson 6)', () => {
  const verdict = (kind: ExerciseEntry['kind'], file: string, scenario: string): string => {
    const v = explore((o) => instantiate(scenariosFor(kind, scenario)!, load(file), o), BUDGET);
    return v.kind === 'BUG' ? v.failure.kind : v.kind;
  };
  test('May 2011: 3.0-rc trusts its refcount (fails seed-3.0); with Hugh\'s fix it passes', () => {
    expect(['bad-unlock', 'hang']).toContain(verdict('page-lock', 'solutions/05-page-lock-anon-vma/history/refcount-3.0-rc.ts', 'seed-3.0'));
    expect(verdict('page-lock', 'solutions/05-page-lock-anon-vma/history/refcount-3.0.ts', 'seed-3.0')).toBe('VERIFIED');
  });
  test('Jan 2011: migration\'s check-then-get fails exercise 06\'s seed', () => {
    expect(['contract', 'use-after-free']).toContain(verdict('page-get', 'solutions/06-page-get-anon-vma/history/migration-2.6.37.ts', 'seed'));
  });
});

// ---- demos ----------------------------------------------------------------------------------

const CLAIMS: Record<string, RegExp[]> = {
  'refcount-pin': [/^atomic_inc_not_zero\(\) saw 0 and failed: page_get_anon_vma\(\) returned NULL, honestly\. With atomic_inc\(\) instead: BUG: KASAN use-after-free/,
    /kmem_cache_free anon_vma@0x80 #1 \(free\)/, /atomic_inc_not_zero anon_vma@0x80 #1 \(free\) \.refcount → false/, /BUG: KASAN: slab-use-after-free/],
  'last-put-order': [/^Root first: BUG: KASAN use-after-free found after \d+ executions\. Child first \(the fix\): VERIFIED/,
    /kmem_cache_free anon_vma@0x40 #1 \(free\)/, /mutex_lock anon_vma@0x40 #1 \(free\) \.mutex/, /BUG: KASAN: slab-use-after-free in mutex_lock/, /624483f3ea82/],
  'same-bug-twice': [/^The checker finds the seed's bug in both 2011 replays \(2 of 2\) and none in the fix/,
    /Jan 2011: migration, check then get +page-get seed +BUG: contract/, /May 2011: 3\.0-rc trusts refcount +page-lock seed-3\.0 +BUG: bad-unlock/,
    /May 2011 fix: root once, mapped\? +page-lock seed-3\.0 +VERIFIED/],
  'mutex-in-rcu': [/^BUG: sleeping function called from invalid context, on the first run, with no other thread/,
    /mutex_lock anon_vma@0x40 #1 \.mutex/, /rcu_read_lock nesting: 1, walker calls mutex_lock/],
  'lock-read-slow-path': [/^The trylock failed, so the reader pinned the anon_vma with a reference, left RCU, and slept in down_read\(\)/,
    /VERIFIED: every interleaving class explored, in \d+ executions/, /down_read_trylock anon_vma@0x40 #1 \.rwsem → false/,
    /atomic_inc_not_zero anon_vma@0x80 #1 \.refcount → true/, /down_read anon_vma@0x40 #1 \.rwsem/, /atomic_dec_and_test anon_vma@0x80 #1 \.refcount → false/],
  'lock-read-verdicts': [/slow path sleeps inside RCU +last-put +BUG: sleep-in-atomic/, /slow path keeps its reference +last-put +BUG: contract/,
    /fast path trusts the refcount +seed +BUG: bad-unlock/, /the lesson's version +last-put +VERIFIED/, /the lesson's version +seed +VERIFIED/],
  'sighand-retry': [/^The sender locked sighand@0x8000 — by then pid 3's — saw that tsk->sighand had changed, unlocked, and retried: it returns sighand@0x8040 locked\. VERIFIED on all 5 scenarios/,
    /kmem_cache_alloc sighand@0x8000 #2/, /WRITE_ONCE sighand@0x8000 #2 \.owner := 3/, /spin_unlock sighand@0x8000 #2 \.siglock/, /spin_lock sighand@0x8040 #1 \.siglock/],
  'sighand-no-recheck': [/^BUG: contract violation: without the re-check the sender returns pid 3's sighand, locked\. On the reuse scenario: BUG: contract violation/,
    /returned sighand@0x8000 #2, owner pid 3, locked/, /but tsk->sighand is now sighand@0x8040 #1, owner pid 1/],
  'rc2-checkers': [/^2\.6\.36-rc2 on the seed: BUG: bad-unlock found after \d+ executions, 1 preemption/,
    /lockdep +WARNING: bad unlock balance detected!/, /lockup watchdog +INFO: task hung/, /KASAN +no report/, /PROVE_RCU +no report/],
};

/** Each demo's output at width 80, as the first test saw it (the lesson test compares). */
const seen = new Map<string, string>();

describe('the later demos (lessons 6–8)', () => {
  test('every later demo is registered, claimed here, and named by lesson 6, 7 or 8', () => {
    expect(Object.keys(LATER_DEMOS).sort()).toEqual(Object.keys(CLAIMS).sort());
    for (const n of Object.keys(LATER_DEMOS)) expect(demoNames()).toContain(n);
    const named = Object.values(LESSONS).flatMap((f) => [...fs.readFileSync(path.join(REPO, 'lessons', f), 'utf8').matchAll(/^```demo\s+(\S+)/gm)].map((m) => m[1]));
    expect([...named].sort()).toEqual(Object.keys(CLAIMS).sort());
  });

  test.each(Object.keys(CLAIMS))('%s shows its claim, fits 80 columns and 40 lines', (name) => {
    const out = runDemo(name, { color: false, width: 80 });
    seen.set(name, out);
    const flat = out.replace(/\s+/g, ' ');
    for (const re of CLAIMS[name]) expect(flat).toMatch(re);
    const lines = out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    expect(out).not.toMatch(/\u001b\[/);
    expect(out).not.toMatch(/\d+ ?ms\b|seconds/);
    expect(out).not.toMatch(/[Uu]nexpected|\(expected/); // a demo's fallback when the simulator surprises it
  });

  test('the cheap demos are deterministic in this process too; colour is opt-in', () => {
    for (const name of ['refcount-pin', 'mutex-in-rcu', 'lock-read-slow-path', 'sighand-no-recheck']) {
      expect(runDemo(name, { color: false, width: 80 })).toBe(seen.get(name) ?? runDemo(name, { color: false, width: 80 }));
    }
    expect(runDemo('mutex-in-rcu', { color: true, width: 80 })).toMatch(/\u001b\[/);
  });
});

// ---- lessons --------------------------------------------------------------------------------

describe('lessons 6–8 as a student reads them', () => {
  test.each([6, 7, 8] as const)('lesson %i parses: 6-10 sections, at least 2 demos, at least 4 quizzes, every choice explained', (n) => {
    const file = path.join(REPO, 'lessons', LESSONS[n]);
    const lesson = parseLesson(fs.readFileSync(file, 'utf8'), file);
    expect(lesson.sections.length).toBeGreaterThanOrEqual(6);
    expect(lesson.sections.length).toBeLessThanOrEqual(10);
    const blocks = lesson.sections.flatMap((s) => s.blocks);
    const demos = blocks.flatMap((b) => (b.kind === 'demo' ? [b.name] : []));
    expect(demos.length).toBeGreaterThanOrEqual(2);
    for (const d of demos) expect(demoNames()).toContain(d);
    const quizzes = blocks.flatMap((b) => (b.kind === 'quiz' ? [b.quiz] : []));
    expect(quizzes.length).toBeGreaterThanOrEqual(4);
    for (const q of quizzes) {
      expect(q.choices.length).toBeGreaterThanOrEqual(3);
      for (const c of q.choices) expect(c.explanation.length).toBeGreaterThan(10);
    }
  });

  test.each([6, 7, 8] as const)('`CI=1 npm run lesson %i` renders it whole: every section, every demo, every answer, the same demo text', async (n) => {
    const r = await runs[n];
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = path.join(REPO, 'lessons', LESSONS[n]);
    const lesson = parseLesson(fs.readFileSync(file, 'utf8'), file);
    for (const s of lesson.sections) expect(r.stdout).toContain(s.title);
    expect(r.stdout).not.toMatch(/not available yet|\[demo \S+ failed/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    const demos = lesson.sections.flatMap((s) => s.blocks).flatMap((b) => (b.kind === 'demo' ? [b.name] : []));
    for (const d of demos) {
      expect(r.stdout).toContain(`▶ demo ${d}`);
      const mine = seen.get(d) ?? runDemo(d, { color: false, width: 80 });
      expect(r.stdout).toContain(mine.replace(/\n+$/, '')); // deterministic across processes
    }
    expect((r.stdout.match(/^Answer: /gm) ?? []).length).toBeGreaterThanOrEqual(4);
    for (const l of r.stdout.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
  });
});
