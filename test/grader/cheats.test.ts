// A function under test that changes the world its contract reads could make giving up look
// allowed: "unmap" the page for a step, clear page->mapping or tsk->sighand, then return NULL
// (or -1) as if another thread had. The machine notes every struct page and task_struct word
// a thread changes (Memory.wroteWatched), the exercises' callers write neither, and their
// contract checks fail such a call, on every scenario, whatever the function returns.
import * as path from 'node:path';
import { findExercise } from '../../exercises/index';
import { gradeFile } from '../../grader/grade';
import type { GradeResult } from '../../grader/result';
import { renderText } from '../../grader/reporters/text';
import { REPO, pool } from './helpers';

const DIR = path.join(REPO, 'test', 'fixtures', 'submissions', 'cheats');
const CASES: readonly (readonly [string, string, RegExp])[] = [
  ['05-unmap-then-give-up.ts', '05-page-lock-anon-vma', /^it changed the struct page itself: page_lock_anon_vma\(\) only reads it/],
  ['05-unmap-unless-unmapped.ts', '05-page-lock-anon-vma', /^it changed the struct page itself: page_lock_anon_vma\(\) only reads it/],
  ['05-forged-op.ts', '05-page-lock-anon-vma', /^it changed the struct page itself: page_lock_anon_vma\(\) only reads it/],
  ['02-clear-mapping.ts', '02-rcu-reader', /^it changed the struct page itself: anon_vma_places\(\) only reads it, and may return -1 only when another thread unmapped the page$/],
  ['06-unmap-then-give-up.ts', '06-page-get-anon-vma', /^it changed the struct page itself: page_get_anon_vma\(\) only reads it/],
  ['07-unmap-then-give-up.ts', '07-lock-anon-vma-read', /^it changed the struct page itself: page_lock_anon_vma_read\(\) only reads it/],
  ['08-clear-sighand.ts', '08-lock-task-sighand', /^it changed the task_struct itself: lock_task_sighand\(\) only reads it, and may return NULL only when the task's exit cleared tsk->sighand$/],
];

const results = new Map<string, GradeResult>();
beforeAll(async () => {
  await pool(CASES, 2, async ([f, id]) => { results.set(f, await gradeFile(findExercise(id)!, path.join(DIR, f), { typeCheck: false })); });
}, 120_000);

test.each(CASES)('%s scores 0: every scenario fails its contract on the write', (f, _id, why) => {
  const r = results.get(f)!;
  expect([r.verdict, r.score]).toEqual(['fail', 0]);
  expect(r.scenarios.length).toBeGreaterThan(0);
  for (const s of r.scenarios) {
    expect([s.name, s.verdict, s.failure?.kind]).toEqual([s.name, 'BUG', 'contract']);
    expect(s.failure!.why).toMatch(why);
    // the report names the word written (page@0x4000 #1 ._mapcount, task@0x7000 #1 .sighand)
    expect(s.failure!.message).toMatch(/ wrote (page|task)@0x[0-9a-f]+ #\d+ \.(_mapcount|mapping|sighand) during the call/);
  }
});

// What a submission returns is read once, into the grader's own handle (membrane.ts
// fromRealmValue): a getter cannot answer the contract check's footprint one address and the
// check another, an object cannot carry a lock of its choosing to its unlock, and printing a
// returned value never runs its toString.
describe('returned values', () => {
  const RETURNS: readonly (readonly [string, string])[] = [
    // the walker, given no anon_vma, cannot unlock: it returns holding the lock
    ['05-getter-addr.ts', 'lock-held-at-return'],
    ['05-carry-lock.ts', 'exception'],
    ['05-forged-report.ts', 'contract'],
  ];
  const got = new Map<string, GradeResult>();
  beforeAll(async () => {
    const ex = findExercise('05-page-lock-anon-vma')!;
    await pool(RETURNS, 2, async ([f]) => { got.set(f, await gradeFile(ex, path.join(DIR, f), { typeCheck: false })); });
  }, 120_000);

  test.each(RETURNS)('%s scores 0, every scenario failing with %s', (f, kind) => {
    const r = got.get(f)!;
    expect([r.verdict, r.score]).toEqual(['fail', 0]);
    for (const s of r.scenarios) expect([s.name, s.verdict, s.failure?.kind]).toEqual([s.name, 'BUG', kind]);
  });

  test('a getter that answers differently is read once: not an AnonVma, where the failure began', () => {
    const text = renderText(got.get('05-getter-addr.ts')!);
    expect(text).toContain("the check of page_lock_anon_vma()'s contract failed: page_lock_anon_vma() must return an AnonVma handle or null");
  });

  test("a returned object's toString is never called: no forged line in the report", () => {
    const text = renderText(got.get('05-forged-report.ts')!);
    expect(text).not.toMatch(/junk|10\/10|VERIFIED/);
    expect(text).toContain('returned an object that is not a kernel handle, not an AnonVma or null');
  });
});
