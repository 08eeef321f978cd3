// The class summary's counterexamples: one bug that fails the same submissions in several
// scenarios (a hidden scenario whose extra threads never run in the counterexample) is listed
// once, with the other scenarios named; a bug that fails other submissions, or whose report
// differs (another scenario's threads, the same schedule by chance), is not merged.
import { summarize, renderSummary } from '../../grader/reporters/summary';
import type { GradeResult, ScenarioResult } from '../../grader/result';

function bug(name: string, schedule: string, hidden = false, message = 'walker released a lock at step 9'): ScenarioResult {
  return { name, summary: '', verdict: 'BUG', points: 0, max_points: 2, hidden, stats: { executions: 1, steps: 9, ms: 1 },
    failure: { kind: 'bad-unlock', message, why: 'w', schedule, steps: 9, preemptions: 1 } };
}
function ok(name: string, hidden = false): ScenarioResult {
  return { name, summary: '', verdict: 'VERIFIED', points: 2, max_points: 2, hidden, stats: { executions: 1, steps: 9, ms: 1 } };
}
function result(scenarios: ScenarioResult[]): GradeResult {
  const score = scenarios.reduce((a, s) => a + s.points, 0);
  return { exercise: '05-page-lock-anon-vma', submission: 'x.ts', verdict: score === 6 ? 'pass' : 'fail', score, max_score: 6, scenarios };
}

const entries = [
  // a and b fail seed and the hidden seed-churn-1 with one schedule: one counterexample
  { name: 'a', result: result([ok('quiet'), bug('seed', 'v1:0*3,1*6'), bug('seed-churn-1', 'v1:0*3,1*6', true)]) },
  { name: 'b', result: result([ok('quiet'), bug('seed', 'v1:0*3,1*6'), bug('seed-churn-1', 'v1:0*3,1*6', true)]) },
  // c and d fail seed with that schedule, but seed-churn-1 only c does: two sets of
  // submissions, not merged
  { name: 'c', result: result([ok('quiet'), bug('seed', 'v1:0*4,1*6'), bug('seed-churn-1', 'v1:0*4,1*6', true)]) },
  { name: 'd', result: result([ok('quiet'), bug('seed', 'v1:0*4,1*6'), ok('seed-churn-1', true)]) },
];

test('one bug in several scenarios, for the same submissions, is one counterexample that names them all', () => {
  const s = summarize('05-page-lock-anon-vma', entries);
  expect(s.counterexamples.map((c) => [c.scenario, c.also_in ?? [], c.submissions])).toEqual([
    ['seed', ['seed-churn-1'], ['a', 'b']],
    ['seed', [], ['c', 'd']],
    ['seed-churn-1', [], ['c']],
  ]);
  const text = renderSummary(s, { width: 80 });
  // a line too long for the width goes on deeper indented
  expect(text.slice(text.indexOf('Most common counterexample')).split('\n')).toEqual([
    'Most common counterexample',
    '  seed (also seed-churn-1): bad-unlock, 1 preemption, 9 steps — shared by 2',
    '    submissions',
    '  schedule v1:0*3,1*6',
    '  submissions: a, b',
    '  next most common:',
    '    seed: bad-unlock, 1 preemption — 2 submissions (v1:0*4,1*6)',
    '    seed-churn-1: bad-unlock, 1 preemption — 1 submission (v1:0*4,1*6)']);
  for (const l of text.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
});

test('when no two submissions share a counterexample, none is called the most common', () => {
  const single = [{ name: 'c', result: result([ok('quiet'), bug('seed', 'v1:0*4,1*6'), ok('seed-churn-1', true)]) },
    { name: 'e', result: result([ok('quiet'), bug('seed', 'v1:0*2,1*7'), ok('seed-churn-1', true)]) }];
  const text = renderSummary(summarize('05-page-lock-anon-vma', single), { width: 80 });
  expect(text).not.toContain('most common');
  expect(text).not.toContain('Most common');
  expect(text).toContain('Counterexamples (no two submissions share one)\n  seed: bad-unlock, 1 preemption, 9 steps — 1 submission\n');
  expect(text).toContain('\n  others:\n    seed: bad-unlock, 1 preemption — 1 submission');
});

test('the same schedule and kind in two scenarios with different reports is two counterexamples', () => {
  const two = [
    { name: 'e', result: result([bug('quiet', 'v1:0*2,1*3', false, 'walker released a lock at step 5'), bug('exit-vs-walk', 'v1:0*2,1*3', false, 'exiter released a lock at step 5'), ok('seed')]) },
  ];
  expect(summarize('05-page-lock-anon-vma', two).counterexamples.map((c) => [c.scenario, c.also_in ?? []])).toEqual([['quiet', []], ['exit-vs-walk', []]]);
  // and with the same report, they are one
  const same = [{ name: 'e', result: result([bug('quiet', 'v1:0*2,1*3'), bug('exit-vs-walk', 'v1:0*2,1*3'), ok('seed')]) }];
  expect(summarize('05-page-lock-anon-vma', same).counterexamples.map((c) => [c.scenario, c.also_in ?? []])).toEqual([['quiet', ['exit-vs-walk']]]);
});

test('two submissions that throw different things on one schedule are two counterexamples; the same throw is one', () => {
  const thrown = (name: string, what: string) => ({ name, result: result([{ ...bug('quiet', 'v1:0*3'), failure: { kind: 'exception', message: `Oops: exception in walker\n  ${what}`, why: 'w', schedule: 'v1:0*3', steps: 3, preemptions: 0 } }]) });
  const s = summarize('05-page-lock-anon-vma', [thrown('f', 'Error: giving up'), thrown('g', 'thrown value that cannot be read'), thrown('h', 'Error: giving up')]);
  expect(s.counterexamples.map((c) => c.submissions)).toEqual([['f', 'h'], ['g']]);
});

test('not on a terminal (wrap: false), a line stays whole: a name and its reason, a list of names', () => {
  const names = Array.from({ length: 12 }, (_, i) => `student-with-a-long-name-${i}`);
  const errs = names.map((name) => ({ name, result: { exercise: '05-page-lock-anon-vma', submission: `${name}.ts`, verdict: 'error' as const, score: 0, max_score: 6, scenarios: [],
    error: 'the submission must export a function named page_lock_anon_vma (found nothing)', error_kind: 'invalid-submission' as const } }));
  const s = summarize('05-page-lock-anon-vma', errs);
  const whole = renderSummary(s, { wrap: false });
  expect(whole).toContain(`\n    ${names[0]}: the submission must export a function named page_lock_anon_vma (found nothing)\n`);
  expect(whole).toContain(`\n    and 2 more: ${names[8]}, ${names[9]}\n`);
  const wrapped = renderSummary(s, { width: 80 });
  for (const l of wrapped.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
});

test('a scenario passes when it earns its points: a bug hunt\'s BUG is a success, its NO_BUG_WITHIN a failure, and neither is a counterexample', () => {
  const hunt = (verdict: 'BUG' | 'NO_BUG_WITHIN', points: number): ScenarioResult => ({
    name: 'seed-hang', summary: '', verdict, points, max_points: 5, hidden: false, stats: { executions: 1, steps: 68, ms: 1 },
    ...(verdict === 'BUG' ? { failure: { kind: 'hang', message: 'hang', why: 'w', schedule: 'v1:0*37,1*31', steps: 68, preemptions: 3, own: true } } : { reach: 'your schedule' }),
  });
  const of = (s: ScenarioResult): GradeResult => ({ exercise: '04-bug-hunt', submission: 'x.txt', verdict: s.points === 5 ? 'pass' : 'fail', score: s.points, max_score: 5, scenarios: [s] });
  const s = summarize('04-bug-hunt', [{ name: 'ann', result: of(hunt('BUG', 5)) }, { name: 'ivy', result: of(hunt('BUG', 5)) }, { name: 'stub', result: of(hunt('NO_BUG_WITHIN', 0)) }]);
  expect(s.scenarios).toEqual([{ name: 'seed-hang', max_points: 5, hidden: false, passed: 2, failed: 1, kinds: { 'no-bug-within': 1 } }]);
  expect(s.counterexamples).toEqual([]);
  // and code whose search ran out of time (no points) is a failure too
  const slow: ScenarioResult = { name: 'seed', summary: '', verdict: 'NO_BUG_WITHIN', points: 0, max_points: 4, hidden: false, stats: { executions: 9, steps: 9, ms: 20001 }, reach: 'the time limit' };
  expect(summarize('05-page-lock-anon-vma', [{ name: 'zed', result: result([slow]) }]).scenarios[0]).toMatchObject({ passed: 0, failed: 1 });
});

test("a submission's name with a newline cannot add a line to the summary: it is shown escaped", () => {
  const fake = 'mallory\nSeed: every submission passed';
  const s = summarize('05-page-lock-anon-vma', [
    { name: fake, result: result([ok('quiet'), bug('seed', 'v1:0*3,1*6')]) },
    { name: 'x', result: { exercise: '05-page-lock-anon-vma', submission: 'x.ts', verdict: 'error', score: 0, max_score: 6, scenarios: [], error: 'bad\tinput', error_kind: 'exception' } },
  ]);
  const text = renderSummary(s, { width: 80 });
  expect(text).toContain('mallory\\nSeed: every submission passed');
  expect(text.split('\n').some((l) => l.startsWith('Seed:'))).toBe(false);
  expect(text).toContain('bad\\tinput');
  expect(text).not.toContain('\t');
});
