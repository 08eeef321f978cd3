// The grader's verdicts on the known answers, through the real path (static checks, sandbox
// worker, realm, explorer): the reference and Hugh's fix get full marks, the seed thread's
// broken variants fail with a counterexample, and every `variants` entry of the exercise index
// gets the verdict and failure kinds the index promises (the index's self-check).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXERCISES, ExerciseEntry } from '../../exercises/index';
import { gradeFile } from '../../grader/grade';
import type { GradeResult } from '../../grader/result';
import { renderText, smallestFailure } from '../../grader/reporters/text';
import { renderJunit } from '../../grader/reporters/junit';
import { gradescopeResults } from '../../grader/reporters/gradescope';
import { EX05, REPO, SOLUTIONS, pool } from './helpers';

const results = new Map<string, GradeResult>();
const key = (ex: ExerciseEntry, file: string): string => `${ex.id}:${file}`;
const of = (ex: ExerciseEntry, file: string): GradeResult => {
  const r = results.get(key(ex, file));
  if (r === undefined) throw new Error(`not graded: ${file}`);
  return r;
};

const list: readonly ExerciseEntry[] = EXERCISES;
const jobs = list.flatMap((ex) => [ex.solution, ...(ex.variants ?? []).map((v) => v.file)].map((file) => ({ ex, file })));

beforeAll(async () => {
  // Two at a time: each grading runs in its own worker.
  await pool(jobs, 2, async ({ ex, file }) => {
    results.set(key(ex, file), await gradeFile(ex, path.join(REPO, file), { typeCheck: true }));
  });
}, 170_000);

const kinds = (r: GradeResult): string[] => r.scenarios.filter((s) => s.verdict === 'BUG' || s.verdict === 'ERROR').map((s) => s.failure?.kind ?? 'none');

describe('exercise 05: the seed thread', () => {
  test('the reference solution gets full marks, every scenario VERIFIED', () => {
    const r = of(EX05, EX05.solution);
    expect({ verdict: r.verdict, score: r.score }).toEqual({ verdict: 'pass', score: r.max_score });
    expect(r.max_score).toBe(EX05.scenarios.reduce((a, s) => a + s.points, 0));
    for (const s of r.scenarios) expect([s.name, s.verdict]).toEqual([s.name, 'VERIFIED']);
  });

  test("Hugh's fix (f18194275c39) gets full marks", () => {
    const r = of(EX05, 'solutions/05-page-lock-anon-vma/history/hugh-fix.ts');
    expect({ verdict: r.verdict, score: r.score }).toEqual({ verdict: 'pass', score: r.max_score });
  });

  test('2.6.36-rc2 fails the seed scenario with a bad unlock or a hang, and keeps the quiet one', () => {
    const r = of(EX05, 'solutions/05-page-lock-anon-vma/history/2.6.36-rc2.ts');
    const seed = r.scenarios.find((s) => s.name === 'seed')!;
    expect(r.verdict).toBe('fail');
    expect(seed.verdict).toBe('BUG');
    expect(['bad-unlock', 'hang']).toContain(seed.failure?.kind);
    expect(r.scenarios.find((s) => s.name === 'quiet')?.verdict).toBe('VERIFIED');
  });

  test.each(['andrea-single-check.ts', 'no-access-once.ts'])('%s fails with a counterexample a student can replay and read', (f) => {
    const r = of(EX05, `solutions/05-page-lock-anon-vma/history/${f}`);
    const bug = r.scenarios.find((s) => s.verdict === 'BUG')!;
    expect(bug).toBeDefined();
    expect(bug.failure?.schedule).toMatch(/^v1:\d/);
    expect(bug.failure!.preemptions).toBeGreaterThan(0);
    expect(bug.trace?.events.length).toBeGreaterThan(0);
    // The timeline quotes the student's own lines.
    const text = renderText(r, { source: (file, line) => (path.basename(file) === f ? `<line ${line}>` : undefined) });
    expect(text).toMatch(new RegExp(`${f.replace('.', '\\.')}:\\d+ +<line \\d+>`));
    expect(text).toContain('Why this is wrong:');
  });

  test('the report says whether a schedule with fewer preemptions was ruled out', () => {
    const r = of(EX05, 'solutions/05-page-lock-anon-vma/history/2.6.36-rc2.ts');
    const proven = (minimal: boolean): GradeResult => ({
      ...r,
      scenarios: r.scenarios.map((s) => {
        if (s.failure === undefined) return s;
        const { minimal: _was, ...rest } = s.failure;
        return { ...s, failure: minimal ? { ...rest, minimal: true } : rest };
      }),
    });
    expect(renderText(proven(true), {})).toMatch(/\nThe bug needs 1 preemption, and no schedule with fewer fails this way \(\d+ steps to the failure\)\.\n/);
    expect(renderText(proven(false), {})).toMatch(/\nThis schedule makes it fail with 1 preemption \(\d+ steps to the failure\); whether fewer would do was not settled\.\n/);
  });

  test('a search stopped by its bound in executions earns the points; one stopped by the clock does not', async () => {
    const [bound, clock] = await Promise.all([
      gradeFile(EX05, path.join(REPO, EX05.solution), { only: ['seed'], typeCheck: false, maxExecutions: 3 }),
      gradeFile(EX05, path.join(REPO, EX05.solution), { only: ['seed'], typeCheck: false, maxMs: 0 }),
    ]);
    expect(bound.scenarios[0]).toMatchObject({ verdict: 'NO_BUG_WITHIN', points: 4, reach: "DPOR's budget of 3 executions" });
    expect(clock.scenarios[0]).toMatchObject({ verdict: 'NO_BUG_WITHIN', points: 0 });
    expect(clock.scenarios[0].reach).toMatch(/^the time limit: DPOR ran out of its 0 ms after \d+ executions? \(no points: /);
    expect(renderText(clock, {})).toMatch(/^FAIL 05-page-lock-anon-vma: 0\/4 points/);
    expect(clock.scenarios[0].timed_out).toBe(true);
    expect(bound.scenarios[0].timed_out).toBeUndefined();
    // the platforms' files say so too: failed, not passed
    expect([gradescopeResults(bound).tests[0].status, gradescopeResults(clock).tests[0].status]).toEqual(['passed', 'failed']);
    expect(renderJunit(bound)).toContain('failures="0"');
    expect(renderJunit(clock)).toMatch(/<failure message="no-bug-within" type="NO_BUG_WITHIN">the time limit: /);
  });

  test('what a submission wrote reaches the terminal escaped: it cannot clear the screen or paint a verdict', () => {
    const evil = 'Error: \u001b[2J\u001b[32mPASS 05: 10/10 points\r';
    const r: GradeResult = { exercise: EX05.id, submission: 'x\u001b[1m.ts', verdict: 'error', score: 0, max_score: 10, scenarios: [], error: evil, error_kind: 'exception' };
    const text = renderText(r, {});
    expect(text).toContain('Error: \\x1b[2J\\x1b[32mPASS 05: 10/10 points\\x0d');
    expect(text).toContain('x\\x1b[1m.ts');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    // a right-to-left override would show the line reversed from there on
    const rtl = renderText({ ...r, error: 'Error: \u202e01/01 :SSAP\u202c \u2066x\u2069 \u200f a\u061cb' }, {});
    // four hex digits: \u61cb would read as another character
    expect(rtl).toContain('Error: \\u202e01/01 :SSAP\\u202c \\u2066x\\u2069 \\u200f a\\u061cb');
    expect(rtl).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    // the reporter's own colours still work
    expect(renderText(r, { color: true })).toContain('\u001b[31mERROR\u001b[39m');
  });

  test('on a terminal (wrap) every line of a report fits 80 columns, with the same words, and the replay command still pastes', () => {
    for (const file of ['solutions/05-page-lock-anon-vma/history/2.6.35.ts', 'solutions/05-page-lock-anon-vma/history/2.6.36-rc2.ts']) {
      const r = of(EX05, file);
      const replayCommand = (): string => `npm run grade -- 05-page-lock-anon-vma ${file} --replay 'v1:0*6,1*12,2*39,0*5' --scenario seed`;
      const flat = renderText(r, { replayCommand }), wrapped = renderText(r, { replayCommand, wrap: true });
      const long = flat.split('\n').filter((l) => [...l].length > 80);
      expect(long.length).toBeGreaterThan(0); // there is something to wrap
      for (const l of wrapped.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
      const words = (t: string): string[] => t.replace(/ \\\n/g, ' ').split(/\s+/).filter((w) => w !== '');
      expect(words(wrapped)).toEqual(words(flat));
      // continued with backslashes, the command reads back whole
      const cmd = /Replay this run \(on the file as it is now\):\n((?:.* \\\n)*.*)/.exec(wrapped)?.[1];
      expect(cmd?.replace(/ \\\n\s*/g, ' ').trim()).toBe(replayCommand());
    }
  });

  test('2.6.35 fails with the root-lock contract', () => {
    const r = of(EX05, 'solutions/05-page-lock-anon-vma/history/2.6.35.ts');
    expect(r.verdict).toBe('fail');
    expect(new Set(kinds(r))).toEqual(new Set(['contract']));
    // its own lock, not a root that changed under it (the diagnosis of 2.6.36-rc2's bug)
    const text = renderText(r, {});
    expect(text).toContain("Why this is wrong: it locked the anon_vma's own lock, but page_unlock_anon_vma() releases anon_vma->root->lock");
    expect(text).not.toContain('now names another anon_vma');
  });

  test('a NULL return that leaks the RCU section is marked right after the return, before the leak found at exit', () => {
    const r = of(EX05, 'test/fixtures/submissions/05-page-lock-anon-vma/no-rcu-unlock-on-failure.ts');
    expect(new Set(kinds(r))).toEqual(new Set(['rcu-imbalance']));
    expect(renderText(r, {})).toMatch(/\nWhere it began: at step \d+, the check of page_lock_anon_vma\(\)'s contract failed: it returned NULL inside the RCU read-side section it began/);
  });

  test('the hidden scenario is graded here, and skipped (and counted) in a local check', async () => {
    const hidden = EX05.scenarios.filter((s) => s.hidden).map((s) => s.name);
    expect(hidden.length).toBeGreaterThan(0);
    expect(of(EX05, EX05.solution).scenarios.filter((s) => s.hidden).map((s) => s.name)).toEqual(hidden);
    // the staff's report says which lines students do not see in their own checks
    const lines = renderText(of(EX05, EX05.solution), {}).split('\n').filter((l) => l.startsWith('✓ '));
    expect(lines.filter((l) => /\(\d+\/\d+, hidden\):/.test(l)).map((l) => l.split(' ')[1])).toEqual(hidden);
    expect(lines.length).toBe(EX05.scenarios.length);
    const local = await gradeFile(EX05, path.join(SOLUTIONS, 'history', '2.6.35.ts'), { skipHidden: true, only: ['quiet', ...hidden], typeCheck: false });
    expect(local.scenarios.map((s) => s.name)).toEqual(['quiet']);
    expect(local.skipped_hidden).toBe(EX05.scenarios.length - 1);
  });
});

describe('exercise 03: references', () => {
  const EX03 = list.find((e) => e.id === '03-typesafe-lookup')!;
  const failOf = (file: string, scenario: string): string => {
    const s = of(EX03, `test/fixtures/submissions/03-typesafe-lookup/${file}`).scenarios.find((x) => x.name === scenario)!;
    return `${s.verdict} ${s.failure?.kind ?? ''}: ${s.failure?.why ?? ''}`;
  };
  test('freeing the object on a mismatch (kfree for obj_put) fails where the table still holds it', () => {
    for (const sc of ['miss', 'reuse']) expect(failOf('kfree-on-mismatch.ts', sc)).toBe('BUG contract: it freed an object the table still holds a reference on: drop your own reference with obj_put(), which frees only when the count reaches zero');
  });
  test('a bare atomic_dec that drops the last reference without a free fails at the end', () => {
    expect(failOf('dec-on-mismatch.ts', 'reuse-twice')).toMatch(/^BUG contract: when everything had finished, the objects' references did not add up/);
    expect(failOf('dec-on-mismatch.ts', 'reuse')).toBe('VERIFIED : ');
  });
});

describe('exercise 01: a scenario says what its failure means there', () => {
  const EX01 = list.find((e) => e.id === '01-rmap-walk')!;
  test('walking an unmapped page: KASAN says why in general, the scenario points at page_mapped()', () => {
    const r = of(EX01, 'test/fixtures/submissions/01-rmap-walk/no-mapped-check.ts');
    const s = r.scenarios.find((x) => x.name === 'unmapped')!;
    expect(s.failure?.kind).toBe('use-after-free');
    expect(s.failure?.note).toMatch(/only page_mapped\(\) tells/);
    expect(renderText(r, {})).toContain(`\nIn this scenario: ${s.failure?.note}.\n`);
    // a failure the scenario has no word for gets none
    const other = of(EX01, 'test/fixtures/submissions/01-rmap-walk/unlock-on-one-path.ts').scenarios.filter((x) => x.verdict === 'BUG');
    expect(other.length).toBeGreaterThan(0);
    for (const x of other) expect(x.failure?.note).toBeUndefined();
  });
});

describe('exercise 06: where a use-after-free began', () => {
  test('atomic_inc on a dying anon_vma: the report names the step that revived it, before the KASAN report it led to', () => {
    const EX06 = list.find((e) => e.id === '06-page-get-anon-vma')!;
    const r = of(EX06, 'test/fixtures/submissions/06-page-get-anon-vma/atomic-inc.ts');
    const s = smallestFailure(r)!;
    expect(s.failure?.kind).toBe('use-after-free');
    const revived = s.trace!.events.find((e) => e.changedFreed === 'revived')!;
    expect(revived).toMatchObject({ name: 'atomic_inc', obj: expect.stringMatching(/^anon_vma@0x\w+ #1 \(free\) \.refcount$/) });
    expect(revived.i).toBeLessThan(s.trace!.failure!.step);
    expect(renderText(r, {})).toMatch(new RegExp(`\\nWhere it began: at step ${revived.i}, migrate's atomic_inc raised the refcount of anon_vma@0x\\w+ #1, already freed, from 0 to 1: a count of 0 means the object is dying`));
  });
});

describe('a put without its get', () => {
  const why = (id: string, file: string): string[] => {
    const ex = list.find((e) => e.id === id)!;
    return of(ex, `test/fixtures/submissions/${id}/${file}`).scenarios.filter((s) => s.verdict === 'BUG').map((s) => `${s.name}: ${s.failure?.why}`);
  };
  test('03: a put after a failed pin takes the count below zero, and refcount_t says so', () => {
    expect(why('03-typesafe-lookup', 'put-after-failed-pin.ts')).toContain(
      'remove: a reference count went below zero: something dropped a reference it never took (a put without its get)');
  });
  test("a step in the student's own helper says where they called it from", () => {
    const ex = list.find((e) => e.id === '03-typesafe-lookup')!;
    const f = 'test/fixtures/submissions/03-typesafe-lookup/put-after-failed-pin.ts';
    const src = fs.readFileSync(path.join(REPO, f), 'utf8').split('\n');
    const text = renderText(of(ex, f), { source: (_file, line) => src[line - 1] });
    const put = src.findIndex((l) => l.includes('yield* obj_put(obj); // wrong')) + 1;
    const dec = src.findIndex((l) => l.includes('atomic_dec_and_test(obj.refcount)')) + 1;
    expect(text).toMatch(new RegExp(`\\n {8}put-after-failed-pin\\.ts:${dec}  if \\(yield\\* atomic_dec_and_test.*\\n {8}called from put-after-failed-pin\\.ts:${put}  yield\\* obj_put\\(obj\\);`));
  });
  test('06: the same put, on an anon_vma already freed, is KASAN with a why that names the put, not RCU', () => {
    const ws = why('06-page-get-anon-vma', 'put-after-failed-pin.ts');
    expect(ws).toContain('seed: it dropped a reference on an object already freed: that reference was never taken (a failed atomic_inc_not_zero() takes none) or was dropped already');
    for (const w of ws) expect(w).not.toMatch(/not inside rcu_read_lock/);
  });
});

describe('the exercise index holds', () => {
  test.each(list.map((ex) => [ex.id, ex] as const))('%s: the reference solution gets full marks', (_id, ex) => {
    const r = of(ex, ex.solution);
    expect([r.verdict, r.score, r.error ?? '']).toEqual(['pass', r.max_score, '']);
  });

  const variants = list.flatMap((ex) => (ex.variants ?? []).map((v) => [`${ex.id} ${path.basename(v.file)}`, ex, v] as const));
  test.each(variants)('%s gets its expected verdict and kinds', (_name, ex, v) => {
    const r = of(ex, v.file);
    if (v.expect === 'pass') {
      expect([r.verdict, r.score]).toEqual(['pass', r.max_score]);
      return;
    }
    expect(r.verdict).toBe('fail');
    const ks = kinds(r);
    expect(ks.length).toBeGreaterThan(0);
    if (v.kinds !== undefined) for (const k of ks) expect(v.kinds).toContain(k);
  });
});
