// `npm run grade -- ID DIR --all` on a small class: every entry graded (a file, a folder with
// the stub's name in it, a folder with one file, a folder that is ambiguous), results journaled
// as they come, a run killed halfway and resumed that loses nothing and regrades nothing, the
// same summary bytes on every run, and a changed file — only that one — regraded.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClassSummary } from '../../grader/reporters/summary';
import { HOSTILE, SOLUTIONS, runGradeCli, spawnGradeCli, type CliRun } from './helpers';
import { gradingKey, listSubmissions } from '../../grader/batch';
import { findExercise } from '../../exercises/index';

// a run of some scenarios keeps its own journal, beside the whole suite's
const JOURNAL = path.join('.anon-vma-lab-results', 'only-quiet,seed');
let dir: string;
const ARGS = (): string[] => ['05', dir, '--all', '--scenario', 'quiet,seed'];

const CLASS: Record<string, string> = {
  'alice.ts': path.join(SOLUTIONS, 'page_lock_anon_vma.ts'),
  'bob/page_lock_anon_vma.ts': path.join(SOLUTIONS, 'history', 'hugh-fix.ts'),
  'bob/scratch.ts': path.join(SOLUTIONS, 'history', '2.6.35.ts'),
  'carol.ts': path.join(SOLUTIONS, 'history', '2.6.36-rc2.ts'),
  'carol2.ts': path.join(SOLUTIONS, 'history', '2.6.36-rc2.ts'),
  'dave/mine.ts': path.join(SOLUTIONS, 'history', 'andrea-single-check.ts'),
  'erin.ts': path.join(SOLUTIONS, 'history', '2.6.35.ts'),
  'frank.ts': path.join(HOSTILE, 'throw.ts'),
  'gina.ts': path.join(HOSTILE, 'import-fs.ts'),
  'hank/a.ts': path.join(SOLUTIONS, 'page_lock_anon_vma.ts'),
  'hank/b.ts': path.join(SOLUTIONS, 'page_lock_anon_vma.ts'),
};
const GRADABLE = ['alice', 'bob', 'carol', 'carol2', 'dave', 'erin', 'frank', 'gina'];

const journaled = (): Map<string, number> => {
  const j = path.join(dir, JOURNAL);
  if (!fs.existsSync(j)) return new Map();
  return new Map(fs.readdirSync(j).filter((f) => f.endsWith('.json') && f !== 'summary.json').map((f) => [f.slice(0, -5), fs.statSync(path.join(j, f)).mtimeMs]));
};
const reusedIn = (r: CliRun): string[] => r.stderr.split('\n').filter((l) => / reused$/.test(l)).map((l) => l.replace(/^\[\s*\d+\/\d+\] (\S+).*$/, '$1')).sort();

let killedAfter: Map<string, number>;
let resumed: CliRun, again: CliRun;
let summaryBytes: string[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-class-'));
  for (const [to, from] of Object.entries(CLASS)) {
    fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, to));
  }
  fs.writeFileSync(path.join(dir, 'README.md'), 'not a submission\n');

  // Killed as soon as the first result is journaled.
  const child = spawnGradeCli([...ARGS(), '--jobs', '1']);
  await new Promise<void>((resolve, reject) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (journaled().size > 0) { clearInterval(poll); child.kill('SIGKILL'); resolve(); }
      else if (Date.now() - t0 > 60_000 || child.exitCode !== null) { clearInterval(poll); child.kill('SIGKILL'); reject(new Error('no journal file appeared')); }
    }, 20);
  });
  await new Promise((r) => child.once('exit', r));
  killedAfter = journaled();

  resumed = await runGradeCli([...ARGS(), '--csv', `${dir}-1.csv`]);
  summaryBytes = [fs.readFileSync(path.join(dir, JOURNAL, 'summary.json'), 'utf8')];
  again = await runGradeCli([...ARGS(), '--jobs', '3', '--csv', `${dir}-2.csv`]);
  summaryBytes.push(fs.readFileSync(path.join(dir, JOURNAL, 'summary.json'), 'utf8'));
}, 170_000);
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); for (const n of [1, 2]) fs.rmSync(`${dir}-${n}.csv`, { force: true }); });

test('the killed run journaled some results but not all, atomically', () => {
  expect(killedAfter.size).toBeGreaterThan(0);
  expect(killedAfter.size).toBeLessThan(GRADABLE.length);
  for (const name of killedAfter.keys()) expect(GRADABLE).toContain(name);
});

test('the resumed run reuses exactly what was journaled (untouched) and grades the rest', () => {
  expect(resumed.code).toBe(0);
  expect(reusedIn(resumed)).toEqual([...killedAfter.keys()].sort());
  const after = journaled();
  for (const [name, mtime] of killedAfter) expect([name, after.get(name)]).toEqual([name, mtime]);
  expect([...after.keys()].sort()).toEqual(GRADABLE);
  expect(resumed.stderr).toContain(`graded ${GRADABLE.length - killedAfter.size}, reused ${killedAfter.size}`);
  expect(fs.readdirSync(path.join(dir, JOURNAL)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  // Not a TTY: one plain line per submission, no progress-bar escapes.
  expect(resumed.stderr.split('\n').filter((l) => /^\[\s*\d+\/9\]/.test(l))).toHaveLength(9);
  expect(resumed.stderr + resumed.stdout).not.toMatch(/\u001b/);
});

test('a third run regrades nothing, and prints and writes the same summary bytes', () => {
  expect(again.code).toBe(0);
  expect(reusedIn(again)).toEqual(GRADABLE);
  expect(again.stderr).toContain(`graded 0, reused ${GRADABLE.length}`);
  expect(again.stdout).toBe(resumed.stdout);
  expect(summaryBytes[1]).toBe(summaryBytes[0]);
});

test('the summary is right: verdicts, distribution, kinds by scenario, the most common counterexample', () => {
  const s = JSON.parse(summaryBytes[0]) as ClassSummary;
  const row = Object.fromEntries(s.results.map((r) => [r.name, `${r.verdict} ${r.score}${r.first_failure ? ` ${r.first_failure}` : ''}`]));
  expect(s.submissions).toBe(9);
  expect(row.alice).toBe('pass 6');
  expect(row.bob).toBe('pass 6'); // the stub's file name wins over another .ts in the folder
  expect(row.carol).toMatch(/^fail 2 seed: (bad-unlock|hang)$/);
  expect(row.carol2).toBe(row.carol);
  expect(row.dave).toMatch(/^fail 2 seed: (bad-unlock|hang)$/);
  expect(row.erin).toBe('fail 0 quiet: contract');
  expect(row.frank).toBe('fail 0 quiet: exception');
  expect(row.gina).toBe('error 0 forbidden-import');
  expect(row.hank).toBe('error 0 invalid-submission'); // two .ts files, neither the stub's name
  expect(s.verdicts).toEqual({ pass: 2, fail: 5, error: 2 });
  expect(s.distribution).toEqual([0, 1, 2, 3, 4, 5, 6].map((score) => ({ score, count: { 0: 4, 2: 3, 6: 2 }[score] ?? 0 })));
  expect(s.scenarios.map((x) => [x.name, x.passed, x.failed])).toEqual([['quiet', 5, 2], ['seed', 2, 5]]);
  expect(s.scenarios[0].kinds).toEqual({ contract: 1, exception: 1 });
  const top = s.counterexamples[0];
  expect(top.scenario).toBe('seed');
  expect(['bad-unlock', 'hang']).toContain(top.kind);
  expect(top.submissions).toEqual(expect.arrayContaining(['carol', 'carol2']));
  expect(top.count).toBe(top.submissions.length);
  expect(top.schedule).toMatch(/^v1:/);
});

test('--csv writes the gradebook: a row per submission with its points per scenario and what lost the rest, the same bytes on every run', () => {
  const csv = fs.readFileSync(`${dir}-1.csv`, 'utf8');
  expect(fs.readFileSync(`${dir}-2.csv`, 'utf8')).toBe(csv);
  const rows = csv.split('\r\n');
  expect(rows.pop()).toBe(''); // every row ends with CRLF (RFC 4180)
  expect(rows[0]).toBe('submission,score,max_score,verdict,quiet points,seed points,lost points to,stub unchanged');
  const by = Object.fromEntries(rows.slice(1).map((r) => [r.split(',')[0], r]));
  expect(Object.keys(by)).toEqual(['alice', 'bob', 'carol', 'carol2', 'dave', 'erin', 'frank', 'gina', 'hank']);
  expect(by.alice).toBe('alice,6,6,pass,2,4,,');
  expect(by.carol).toMatch(/^carol,2,6,fail,2,0,seed: (bad-unlock|hang),$/);
  expect(by.erin).toBe('erin,0,6,fail,0,0,quiet: contract; seed: contract,');
  // an entry that was not graded has no scenario points, and its error says why (quoted: it holds commas)
  expect(by.hank).toBe('hank,0,6,error,,,"invalid-submission: the folder hank holds 2 .ts files: expected one, or one named page_lock_anon_vma.ts",');
});

test('the text summary: distribution, kinds by scenario, the counterexample with its replay command; piped, each line whole', () => {
  const out = resumed.stdout;
  for (const h of ['Class summary — 05-page-lock-anon-vma: 9 submissions', 'Score distribution', 'Failure kinds by scenario', 'Most common counterexample']) {
    expect(out).toContain(h);
  }
  // piped (as here), the replay command is one line, ready for grep and a shell alike (on a
  // terminal the summary is wrapped at 80 columns: summary.test.ts)
  expect(out).toMatch(/\n {2}replay: npm run grade -- 05-page-lock-anon-vma \S*carol\S* --replay 'v1:[^']+' --scenario seed\n/);
});

test('a changed file is regraded, and only that one', async () => {
  fs.appendFileSync(path.join(dir, 'alice.ts'), '\n// resubmitted\n');
  const r = await runGradeCli(ARGS());
  expect(r.code).toBe(0);
  expect(reusedIn(r)).toEqual(GRADABLE.filter((n) => n !== 'alice'));
  expect(r.stderr).toContain(`graded 1, reused ${GRADABLE.length - 1}`);
}, 180_000);

test('what could not be graded says why, and the run counts it', () => {
  expect(resumed.stderr).toMatch(/, 1 with no file to grade · journal /);
  const s = JSON.parse(summaryBytes[0]) as ClassSummary;
  const why = Object.fromEntries(s.errors.flatMap((e) => e.submissions.map((n, i) => [n, `${e.kind}: ${e.reasons[i]}`])));
  expect(why).toEqual({
    gina: expect.stringMatching(/^forbidden-import: gina\.ts:\d+:\d+: a submission may import only the student API/),
    hank: 'invalid-submission: the folder hank holds 2 .ts files: expected one, or one named page_lock_anon_vma.ts',
  });
  expect(resumed.stdout).toContain('\n  invalid-submission (1):\n    hank: the folder hank holds 2 .ts files: expected one, or one named page_lock_anon_vma.ts\n');
});

test('a run of other scenarios leaves this journal and summary alone', async () => {
  const summary = path.join(dir, JOURNAL, 'summary.json');
  const before = fs.readFileSync(summary, 'utf8');
  const r = await runGradeCli(['05', dir, '--all', '--scenario', 'quiet']);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`graded ${GRADABLE.length}, reused 0`);
  expect(fs.readFileSync(summary, 'utf8')).toBe(before);
  const quiet = JSON.parse(fs.readFileSync(path.join(dir, '.anon-vma-lab-results', 'only-quiet', 'summary.json'), 'utf8')) as ClassSummary;
  expect(quiet.scenarios.map((x) => x.name)).toEqual(['quiet']);
  const again = await runGradeCli(ARGS());
  expect(again.stderr).toContain(`graded 0, reused ${GRADABLE.length}`);
}, 240_000);

test('the bug hunt grades a class of schedule files (.txt), folders too', async () => {
  const hunt = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-hunt-'));
  try {
    const REPO = path.resolve(__dirname, '..', '..');
    fs.copyFileSync(path.join(REPO, 'solutions', '04-bug-hunt', 'schedule.txt'), path.join(hunt, 'amy.txt'));
    fs.copyFileSync(path.join(REPO, 'test', 'fixtures', 'submissions', '04-bug-hunt', 'bad-unlock-only.txt'), path.join(hunt, 'ben.txt'));
    fs.mkdirSync(path.join(hunt, 'zoe'));
    fs.copyFileSync(path.join(REPO, 'solutions', '04-bug-hunt', 'schedule.txt'), path.join(hunt, 'zoe', 'schedule.txt'));
    fs.writeFileSync(path.join(hunt, 'notes.ts'), 'not a schedule\n');
    const r = await runGradeCli(['04', hunt, '--all', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as ClassSummary;
    expect(s.results.map((x) => `${x.name} ${x.verdict} ${x.score}`)).toEqual(['amy pass 5', 'ben fail 2', 'zoe pass 5']);
  } finally {
    fs.rmSync(hunt, { recursive: true, force: true });
  }
}, 180_000);

test('Ctrl-C stops a class run with a line that says what is kept and how to go on', async () => {
  const small = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-int-'));
  try {
    // eight, so that the interrupt comes well before the last is graded even on a fast machine
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) fs.copyFileSync(path.join(SOLUTIONS, 'history', '2.6.36-rc2.ts'), path.join(small, `${n}.ts`));
    const child = spawnGradeCli(['05', small, '--all', '--jobs', '1', '--scenario', 'quiet,seed']);
    let err = '';
    let sent = false;
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (!sent && /^\[\s*1\/8\]/m.test(err)) { sent = true; child.kill('SIGINT'); } });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(err).toMatch(new RegExp(`^grade: interrupted after [1-7] of 8; their results are kept in ${small.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\.anon-vma-lab-results/only-quiet,seed: run the same command again to go on$`, 'm'));
  } finally {
    fs.rmSync(small, { recursive: true, force: true });
  }
}, 180_000);

test('bad input exits 2: an empty folder, a bad --jobs, an unknown scenario, an output that cannot be written (before any grading)', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-empty-'));
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-fresh-'));
  fs.copyFileSync(path.join(SOLUTIONS, 'page_lock_anon_vma.ts'), path.join(fresh, 'zoe.ts'));
  const runs = await Promise.all([
    runGradeCli(['05', empty, '--all']),
    runGradeCli(['05', dir, '--all', '--jobs', 'many']),
    runGradeCli(['05', dir, '--all', '--scenario', 'nosuch']),
    runGradeCli(['05', fresh, '--all', '--csv', '/dev/null/grades.csv']),
    runGradeCli(['05', fresh, '--all', '--junit', os.tmpdir()]),
  ]);
  // nothing was graded: no journal
  expect(fs.existsSync(path.join(fresh, '.anon-vma-lab-results'))).toBe(false);
  fs.rmSync(empty, { recursive: true, force: true });
  fs.rmSync(fresh, { recursive: true, force: true });
  for (const r of runs) {
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^grade: /);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
  }
  expect(runs.slice(3).map((r) => r.stderr.trim())).toEqual(['grade: cannot write /dev/null/grades.csv: EEXIST', `grade: cannot write ${os.tmpdir()}: EISDIR`]);
}, 180_000);

test("a journaled grade of a bug hunt is not reused once its target code changed", () => {
  const hunt = findExercise('04')!;
  // a target of our own, in the repository's ignored tmp/: the same path, its text changed
  const rel = path.join('tmp', `target-${process.pid}.ts`), abs = path.join(__dirname, '..', '..', rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const mine = { ...hunt, target: { ...hunt.target!, code: rel } };
  try {
    fs.writeFileSync(abs, 'export const v = 1;\n');
    const key = gradingKey(mine, {});
    expect(gradingKey(mine, {})).toBe(key);
    fs.writeFileSync(abs, 'export const v = 2;\n');
    expect(gradingKey(mine, {})).not.toBe(key);
  } finally {
    fs.rmSync(abs, { force: true });
  }
});

test('a journaled grade is not reused once the exercise\'s stub changed (a result says whether it is the stub)', () => {
  const ex = findExercise('05')!;
  expect(gradingKey({ ...ex, stubSha256: '0'.repeat(64) }, {})).not.toBe(gradingKey(ex, {}));
});

test('entries that look like work but cannot be graded are listed with why, never dropped; a README is not a student', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'class-entries-'));
  const src = path.join(SOLUTIONS, 'page_lock_anon_vma.ts');
  for (const f of ['ann.ts', 'ben.TS', 'cat.js']) fs.copyFileSync(src, path.join(d, f));
  fs.writeFileSync(path.join(d, 'dan.zip'), 'PK');
  fs.writeFileSync(path.join(d, 'README.md'), 'the class');
  fs.symlinkSync(src, path.join(d, 'eve.ts'));
  fs.mkdirSync(path.join(d, 'fay'));
  fs.copyFileSync(src, path.join(d, 'fay', 'page_lock_anon_vma.ts'));
  fs.symlinkSync(path.join(d, 'fay'), path.join(d, 'gus'));
  expect(listSubmissions(findExercise('05')!, d).map((s) => [s.name, s.problem ?? path.relative(d, s.file!)])).toEqual([
    ['ann', 'ann.ts'],
    ['ben.TS', 'named .TS, not .ts'],
    ['cat.js', 'a .js file: a submission is a .ts file'],
    ['dan.zip', 'an archive: unpack it into a folder first'],
    ['eve.ts', 'a symbolic link (not followed: copy the file in)'],
    ['fay', path.join('fay', 'page_lock_anon_vma.ts')],
    ['gus', 'a symbolic link (not followed: copy the file in)'],
  ]);
});
