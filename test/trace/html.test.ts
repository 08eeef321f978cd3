// The drawn trace as data and text (the browser test, test/e2e/html.test.ts, checks what it
// shows): holding intervals rebuilt from lock steps, incarnation colours, escaping, and which
// page `grade --html` writes.
import type { StepEvent } from '../../sim/events';
import type { Failure } from '../../sim/failure';
import { buildModel, parseObj } from '../../trace/htmlModel';
import { escapeHtml, traceHtml, verdictHtml } from '../../trace/html';
import type { Trace } from '../../trace/trace';
import { gradeHtml, smallestFailing } from '../../cli/gradeHtml';
import { findExercise } from '../../exercises/index';
import type { GradeResult, ScenarioResult } from '../../grader/result';

let n = 0;
const ev = (tid: number, k: string, obj: string, more: Partial<StepEvent> = {}): StepEvent => ({ i: n++, tid, k: k as StepEvent['k'], name: k, obj, ...more });

function trace(events: StepEvent[], failures: Failure[] = [], threads = ['walker', 'exit']): Trace {
  return { scenario: 'test', threads, events, failures, ...(failures[0] ? { failure: failures[0] } : {}), schedule: 'v1:0*2', preemptions: 0 };
}

beforeEach(() => { n = 0; });

test('object names: address, incarnation, freed, field', () => {
  expect(parseObj('anon_vma@0x40 #2 (free) .lock')).toEqual({ base: 'anon_vma@0x40', type: 'anon_vma', inc: 2, freed: true, field: 'lock' });
  expect(parseObj('page@0x4000 #1 .flags')).toEqual({ base: 'page@0x4000', type: 'page', inc: 1, freed: false, field: 'flags' });
  expect(parseObj('anon_vma@0x40 #3')).toEqual({ base: 'anon_vma@0x40', type: 'anon_vma', inc: 3, freed: false });
  expect(parseObj('')).toBeUndefined();
});

test('holding intervals: lock to unlock, a failed trylock holds nothing, a lock never released runs to the end', () => {
  const m = buildModel(trace([
    ev(0, 'spin_lock', 'anon_vma@0x40 #1 .lock'),
    ev(1, 'spin_trylock', 'anon_vma@0x40 #1 .lock', { result: 'false' }),
    ev(0, 'spin_unlock', 'anon_vma@0x40 #2 .lock'), // same lock word, another incarnation
    ev(1, 'lock_page', 'page@0x4000 #1 .flags'),
  ]));
  expect(m.holds.map((h) => [h.tid, h.lock, h.from, h.to, h.open])).toEqual([
    [0, '&anon_vma@0x40->lock', 0, 2, false],
    [1, 'PG_locked page@0x4000', 3, 4, true],
  ]);
  expect(m.columns).toHaveLength(5); // four steps and the end
  expect(m.badUnlocks).toEqual([]);
});

test('an unlock of a lock the thread does not hold is a bad unlock, and clears the holder\'s spinlock as the kernel would', () => {
  const m = buildModel(trace([
    ev(0, 'spin_lock', 'anon_vma@0x80 #1 .lock'),
    ev(1, 'spin_unlock', 'anon_vma@0x80 #1 .lock'),
    ev(1, 'spin_unlock', 'anon_vma@0x40 #1 .lock'),
  ], [{ kind: 'bad-unlock', report: 'WARNING: bad unlock balance detected!', why: 'x', tid: 1, step: 1 }]));
  expect(m.badUnlocks.map((b) => [b.col, b.tid])).toEqual([[1, 1], [2, 1]]);
  expect(m.holds).toEqual([expect.objectContaining({ tid: 0, from: 0, to: 1, open: false, clearedBy: 1 })]);
  expect(m.fatalCol).toBe(1);
});

test('incarnations of one address share a hue and differ in shade; a hang past the last step goes to the end column', () => {
  const m = buildModel(trace([
    ev(0, 'read', 'anon_vma@0x40 #1 .root'), ev(1, 'alloc', 'anon_vma@0x40 #2'), ev(1, 'read', 'vma@0x2000 #1 .anon_vma'),
  ], [{ kind: 'hang', report: 'INFO: task hung\n  exit spins in spin_lock(&anon_vma@0x40->lock), held by walker since step 0', why: 'x', tid: -1, step: 3 }]));
  const [a1, a2, v] = m.shades;
  expect([a1.base, a1.inc, a2.base, a2.inc, v.base]).toEqual(['anon_vma@0x40', 1, 'anon_vma@0x40', 2, 'vma@0x2000']);
  const hue = (c: string): string => /hsl\((\d+)/.exec(c)![1];
  expect(hue(a1.color)).toBe(hue(a2.color));
  expect(a1.color).not.toBe(a2.color);
  expect(hue(v.color)).not.toBe(hue(a1.color));
  expect(m.fatalCol).toBe(3);
  expect(m.waits).toEqual([{ tid: 1, what: 'spins in spin_lock(&anon_vma@0x40->lock)', from: 3, to: 3 }]);
});

test('every piece of text is escaped, in the markup and in the page\'s JSON', () => {
  const evil = '</script><script>alert(1)</script>&';
  const html = traceHtml(trace([ev(0, 'read', 'anon_vma@0x40 #1 .root', { result: evil, loc: 'x.ts:1' })],
    [{ kind: 'contract', report: `BUG: ${evil}`, why: evil, tid: 0, step: 0 }], [evil, 'exit']), { title: evil, source: () => evil });
  expect(html).not.toContain('<script>alert');
  expect(html.match(/<\/script>/g)).toHaveLength(2); // the page's own two scripts
  expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;');
  expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // nothing to fetch
});

test('bidirectional overrides in what a submission wrote show as escapes, in the markup and in the JSON', () => {
  const rtl = 'x \u202e01/01 :SSAP\u202c \u2066y\u2069';
  const html = traceHtml(trace([ev(0, 'read', 'anon_vma@0x40 #1 .root', { result: rtl, loc: 'x.ts:1' })],
    [{ kind: 'contract', report: rtl, why: rtl, tid: 0, step: 0 }], ['walker']), { title: rtl, source: () => rtl });
  expect(html).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  expect(html).toContain('x \\u202e01/01 :SSAP\\u202c \\u2066y\\u2069'); // the markup
  const data = JSON.parse(/<script type="application\/json" id="trace-data">([^<]*)<\/script>/.exec(html)![1]) as { steps: { result?: string }[] };
  expect(JSON.stringify(data)).toContain('x \\\\u202e01/01'); // the JSON decodes to the escape's text
});

test("a step in the student's own helper carries where they called it, for the step's panel", () => {
  const lines: Record<number, string> = { 10: '  if (yield* atomic_dec_and_test(obj.refcount)) yield* kfree(obj);', 27: '    yield* obj_put(obj);' };
  const html = traceHtml(trace([ev(0, 'atomic_dec_and_test', 'obj@0x6000 #1 .refcount', { loc: 'sub.ts:10', from: 'sub.ts:27' }),
    ev(0, 'read', 'obj@0x6000 #1 .key', { loc: 'sub.ts:27' })]), { source: (_f, l) => lines[l], context: 0 });
  const data = JSON.parse(/<script type="application\/json" id="trace-data">([^<]*)<\/script>/.exec(html)?.[1] ?? 'null') as
    { steps: { src?: { loc: string }; via?: { loc: string; lines: [number, string][] } }[] } | null;
  expect(data).not.toBeNull();
  expect(data!.steps[0].via).toEqual({ loc: 'sub.ts:27', line: 27, lines: [[27, '    yield* obj_put(obj);']] });
  expect(data!.steps[1].src?.loc).toBe('sub.ts:27');
  expect(data!.steps[1].via).toBeUndefined();
});

test('a step that changed a freed object says so in its panel, in the words of the report', () => {
  const html = traceHtml(trace([ev(0, 'atomic_add', 'anon_vma@0x40 #1 (free) .refcount', { name: 'atomic_inc', result: '1', changedFreed: 'revived' }),
    ev(0, 'read', 'anon_vma@0x40 #1 (free) .root')], [], ['migrate']));
  const data = JSON.parse(/<script type="application\/json" id="trace-data">([^<]*)<\/script>/.exec(html)![1]) as { steps: { freed?: string }[] };
  expect(data.steps[0].freed).toBe("migrate's atomic_inc raised the refcount of anon_vma@0x40 #1, already freed, from 0 to 1: a count of 0 means the object is dying, and nothing may bring it back (atomic_inc_not_zero() refuses to)");
  expect(data.steps[1].freed).toBeUndefined();
});

const ex05 = findExercise('05')!;
const bug = (name: string, steps: number): ScenarioResult => ({
  name, summary: `${name} summary`, verdict: 'BUG', points: 0, max_points: 2, hidden: false,
  failure: { kind: 'bad-unlock', message: 'm', why: 'w', schedule: 'v1:0', steps, preemptions: 1 },
  stats: { executions: 1, steps, ms: 0 },
  trace: { ...trace(Array.from({ length: steps }, (_, i) => ({ i, tid: 0, k: 'read', name: 'READ_ONCE', obj: '' })), [{ kind: 'bad-unlock', report: 'WARNING: bad unlock', why: 'w', tid: 0, step: steps - 1 }]), scenario: name },
});
const ok = (name: string): ScenarioResult => ({ name, summary: '', verdict: 'VERIFIED', points: 2, max_points: 2, hidden: false, reach: 'every interleaving class explored, in 3 executions', stats: { executions: 3, steps: 9, ms: 0 } });
const result = (scenarios: ScenarioResult[]): GradeResult => ({
  exercise: ex05.id, submission: '/x/sub.ts', verdict: scenarios.every((s) => s.verdict === 'VERIFIED') ? 'pass' : 'fail',
  score: scenarios.reduce((a, s) => a + s.points, 0), max_score: 2 * scenarios.length, scenarios,
});

test('grade --html draws the failing scenario with the fewest steps', () => {
  const r = result([ok('quiet'), bug('seed', 60), bug('seed-churn-1', 30)]);
  expect(smallestFailing(r)?.name).toBe('seed-churn-1');
  const html = gradeHtml(ex05, r, { replayCommand: (s) => `npm run grade -- replay ${s.name}` });
  expect(html).toContain('scenario <b>seed-churn-1</b>');
  expect(html).toContain('npm run grade -- replay seed-churn-1');
  expect(html).toContain('sub.ts — 2/6 points');
  expect(html).not.toContain('In this scenario');
  // a scenario's word on its failure (failure.note) is under the why
  const noted = result([bug('seed', 60)]);
  const s = noted.scenarios[0];
  const withNote: GradeResult = { ...noted, scenarios: [{ ...s, failure: { ...s.failure!, note: 'only page_mapped() tells' } }] };
  expect(gradeHtml(ex05, withNote)).toContain('<span class="why">In this scenario: only page_mapped() tells.</span>');
});

test('grade --html says VERIFIED when nothing fails, and ERROR for a submission that cannot run', () => {
  expect(gradeHtml(ex05, result([ok('quiet'), ok('seed')]))).toContain('<span class="badge ok" id="verdict">VERIFIED</span>');
  const bad: GradeResult = { ...result([]), verdict: 'error', error: 'the submission must export page_lock_anon_vma', error_kind: 'invalid-submission' };
  const html = gradeHtml(ex05, bad);
  expect(html).toContain('id="verdict">ERROR</span>');
  expect(html).toContain('invalid-submission: the submission must export page_lock_anon_vma');
  expect(verdictHtml({ title: '<t>', verdict: 'VERIFIED', ok: true, lines: ['a<b'] })).toContain('<li>a&lt;b</li>');
});
