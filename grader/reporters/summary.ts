// The class summary after `grade --all`: the score distribution, the failure kinds by
// scenario, and the most common counterexamples (scenario, kind and schedule, with how many
// submissions share each). Data first (summary.json), then an 80-column text rendering.
// Deterministic: the same results give the same bytes — entries sorted by name, ties broken
// by fixed keys, no paths, no clocks.
import type { GradeResult } from '../result';
import { earned, shortfall } from './earned';
import { harmlessData, oneLine, paint, wrapCommand, wrapWords } from '../../trace/style';

export interface ClassEntry { readonly name: string; readonly result: GradeResult }

export interface Counterexample {
  readonly scenario: string;
  /** Other scenarios where the same submissions fail with the same kind and schedule (a hidden
   *  scenario that adds threads which never run in the counterexample, say): one bug, listed
   *  once. Absent when there are none. */
  readonly also_in?: readonly string[];
  readonly kind: string;
  readonly schedule: string;
  readonly preemptions: number;
  readonly steps: number;
  readonly count: number;
  readonly submissions: readonly string[];
}

export interface ClassSummary {
  readonly exercise: string;
  readonly submissions: number;
  readonly max_score: number;
  readonly verdicts: { readonly pass: number; readonly fail: number; readonly error: number };
  readonly mean: number;
  readonly median: number;
  /** How many submissions got each score, for every score from 0 to max_score. */
  readonly distribution: readonly { readonly score: number; readonly count: number }[];
  /** Submissions that could not be graded, by kind, each with its one-line reason (`reasons[i]`
   *  is `submissions[i]`'s). */
  readonly errors: readonly { readonly kind: string; readonly count: number; readonly submissions: readonly string[]; readonly reasons: readonly string[] }[];
  /** Per scenario: how many passed, and the failure kinds of the others. */
  readonly scenarios: readonly { readonly name: string; readonly max_points: number; readonly hidden: boolean; readonly passed: number;
    readonly failed: number; readonly kinds: Readonly<Record<string, number>> }[];
  /** The most shared counterexamples, most shared first (at most five). */
  readonly counterexamples: readonly Counterexample[];
  /** Submissions that are the exercise's stub unchanged (GradeResult.unchanged_stub), by name. */
  readonly unchanged_stubs: readonly string[];
  /** One row per submission, sorted by name. */
  readonly results: readonly { readonly name: string; readonly verdict: GradeResult['verdict']; readonly score: number;
    readonly first_failure?: string; readonly unchanged_stub?: true }[];
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const round2 = (x: number): number => Math.round(x * 100) / 100;

function firstFailure(r: GradeResult): string | undefined {
  if (r.verdict === 'error') return r.error_kind ?? 'error';
  const s = r.scenarios.find((x) => !earned(x));
  return s === undefined ? undefined : `${s.name}: ${shortfall(s)}`;
}

export function summarize(exercise: string, entries: readonly ClassEntry[]): ClassSummary {
  const list = [...entries].sort(byName);
  const max = Math.max(0, ...list.map((e) => e.result.max_score));
  const scores = list.map((e) => e.result.score).sort((a, b) => a - b);
  const n = scores.length;
  const median = n === 0 ? 0 : n % 2 === 1 ? scores[(n - 1) / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2;
  const counts = new Map<number, number>();
  for (const s of scores) counts.set(s, (counts.get(s) ?? 0) + 1);
  const distribution = [...new Set([...Array.from({ length: Math.floor(max) + 1 }, (_, i) => i), ...counts.keys()])]
    .sort((a, b) => a - b).map((score) => ({ score, count: counts.get(score) ?? 0 }));

  const errs = new Map<string, ClassEntry[]>();
  for (const e of list) if (e.result.verdict === 'error') { const k = e.result.error_kind ?? 'error'; errs.set(k, [...(errs.get(k) ?? []), e]); }
  const errors = [...errs].map(([kind, es]) => ({ kind, count: es.length, submissions: es.map((e) => e.name), reasons: es.map((e) => e.result.error ?? kind) }))
    .sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));

  // Scenarios in the order the graded results list them (the index's order).
  const order: string[] = [];
  const info = new Map<string, { max_points: number; hidden: boolean; passed: number; failed: number; kinds: Record<string, number> }>();
  for (const e of list) {
    for (const s of e.result.scenarios) {
      let x = info.get(s.name);
      if (x === undefined) { x = { max_points: s.max_points, hidden: s.hidden, passed: 0, failed: 0, kinds: {} }; info.set(s.name, x); order.push(s.name); }
      if (earned(s)) x.passed++;
      else { x.failed++; const k = shortfall(s); x.kinds[k] = (x.kinds[k] ?? 0) + 1; }
    }
  }
  const scenarios = order.map((name) => {
    const x = info.get(name)!;
    const kinds = Object.fromEntries(Object.entries(x.kinds).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
    return { name, max_points: x.max_points, hidden: x.hidden, passed: x.passed, failed: x.failed, kinds };
  });

  const groups = new Map<string, { scenario: string; kind: string; schedule: string; preemptions: number; steps: number; submissions: string[]; reports: string[] }>();
  for (const e of list) {
    for (const s of e.result.scenarios) {
      // a bug that earned its points (the bug hunt's goal) is no one's mistake
      if (s.verdict !== 'BUG' || earned(s) || s.failure === undefined || s.failure.schedule === '') continue;
      // (an exception's report is what was thrown: two different throws are two mistakes)
      const key = JSON.stringify([s.name, s.failure.kind, s.failure.schedule, s.failure.kind === 'exception' ? s.failure.message : '']);
      const g = groups.get(key) ?? { scenario: s.name, kind: s.failure.kind, schedule: s.failure.schedule, preemptions: s.failure.preemptions, steps: s.failure.steps, submissions: [], reports: [] };
      g.submissions.push(e.name);
      g.reports.push(s.failure.message);
      groups.set(key, g);
    }
  }
  const rank = (name: string): number => order.indexOf(name);
  // the same schedule failing the same submissions in several scenarios, each with the same
  // report (a variant of a scenario whose extra threads never run in it), is one bug: it is
  // listed once, under its first scenario, with the others
  const merged = new Map<string, { scenario: string; also: string[]; kind: string; schedule: string; preemptions: number; steps: number; submissions: string[] }>();
  for (const g of [...groups.values()].sort((a, b) => rank(a.scenario) - rank(b.scenario))) {
    const key = JSON.stringify([g.kind, g.schedule, g.submissions, g.reports]);
    const m = merged.get(key);
    if (m !== undefined) m.also.push(g.scenario);
    else merged.set(key, { ...g, also: [] });
  }
  const counterexamples = [...merged.values()].map((g) => ({ ...g, count: g.submissions.length }))
    .sort((a, b) => b.count - a.count || rank(a.scenario) - rank(b.scenario) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)
      || (a.schedule < b.schedule ? -1 : a.schedule > b.schedule ? 1 : 0))
    .slice(0, 5)
    .map(({ scenario, also, kind, schedule, preemptions, steps, count, submissions }): Counterexample =>
      ({ scenario, ...(also.length > 0 ? { also_in: also } : {}), kind, schedule, preemptions, steps, count, submissions }));

  return {
    exercise, submissions: n, max_score: max,
    verdicts: { pass: list.filter((e) => e.result.verdict === 'pass').length, fail: list.filter((e) => e.result.verdict === 'fail').length,
      error: list.filter((e) => e.result.verdict === 'error').length },
    mean: n === 0 ? 0 : round2(scores.reduce((a, b) => a + b, 0) / n), median,
    distribution, errors, scenarios, counterexamples,
    unchanged_stubs: list.filter((e) => e.result.unchanged_stub === true).map((e) => e.name),
    results: list.map((e) => {
      const f = firstFailure(e.result);
      return { name: e.name, verdict: e.result.verdict, score: e.result.score, ...(f !== undefined ? { first_failure: f } : {}),
        ...(e.result.unchanged_stub === true ? { unchanged_stub: true as const } : {}) };
    }),
  };
}

export interface SummaryTextOptions {
  readonly color?: boolean;
  readonly width?: number;
  /** Wrap long lines at `width` (a terminal; the default); false: each line whole, as piped. */
  readonly wrap?: boolean;
  /** The command that replays a counterexample on one of the submissions sharing it. */
  readonly replayCommand?: (c: Counterexample) => string;
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
/** A counterexample's scenario, and the others where the same submissions fail the same way. */
const named = (c: Counterexample): string => (c.also_in === undefined ? c.scenario : `${c.scenario} (also ${c.also_in.join(', ')})`);
/** Per error kind, the submissions listed with their reason (the rest by name only). */
const ERRORS_SHOWN = 10;


/** Words joined by ", " in lines of at most `width`, the later ones indented by `indent`. */
function wrap(words: readonly string[], first: string, indent: number, width: number): string[] {
  const out: string[] = [];
  let line = first;
  for (const [i, w] of words.entries()) {
    const piece = `${w}${i < words.length - 1 ? ',' : ''}`;
    if (line.trim() !== '' && line.length + 1 + piece.length > width && line.length > indent) { out.push(line); line = ' '.repeat(indent); }
    line += `${line.endsWith(' ') || line === '' ? '' : ' '}${piece}`;
  }
  out.push(line);
  return out;
}

export function renderSummary(summary: ClassSummary, o: SummaryTextOptions = {}): string {
  // what submissions wrote (names, one-line errors) is shown, never obeyed, and on its line
  const s = harmlessData(summary, oneLine);
  const p = paint(o.color ?? false);
  const width = o.wrap === false ? Infinity : o.width ?? 80;
  const out: string[] = [];
  out.push(p.bold(`Class summary — ${s.exercise}: ${plural(s.submissions, 'submission')}`));
  out.push(`${s.verdicts.pass} pass, ${s.verdicts.fail} fail, ${s.verdicts.error} could not be graded; mean ${s.mean}/${s.max_score}, median ${s.median}`);
  const stubs = s.unchanged_stubs;
  if (stubs.length > 0) {
    out.push(...wrap(stubs, 'Submitted the stub unchanged (scored as the starting code):', 4, width));
  }
  out.push('');
  out.push(p.bold('Score distribution'));
  const most = Math.max(1, ...s.distribution.map((d) => d.count));
  const label = Math.max(...s.distribution.map((d) => String(d.score).length), 2);
  const barMax = Math.max(10, (o.width ?? 80) - label - 12);
  for (const d of s.distribution) {
    const bar = '█'.repeat(Math.round((d.count / most) * barMax));
    out.push(`  ${String(d.score).padStart(label)} │${bar}${d.count > 0 ? ` ${d.count}` : ''}`);
  }
  if (s.errors.length > 0) {
    out.push('');
    out.push(p.bold('Could not be graded'));
    for (const e of s.errors) {
      out.push(`  ${e.kind} (${e.count}):`);
      const shown = Math.min(e.submissions.length, ERRORS_SHOWN);
      for (let i = 0; i < shown; i++) out.push(...wrapWords(`${e.submissions[i]}: ${e.reasons[i] ?? e.kind}`, width, 6, 4));
      if (e.submissions.length > shown) out.push(...wrap(e.submissions.slice(shown), `    and ${e.submissions.length - shown} more:`, 6, width));
    }
  }
  out.push('');
  out.push(p.bold('Failure kinds by scenario'));
  const nameW = Math.max(8, ...s.scenarios.map((x) => x.name.length + (x.hidden ? 2 : 0)));
  out.push(`  ${'scenario'.padEnd(nameW)}  pass  fail  kinds`);
  for (const x of s.scenarios) {
    const kinds = Object.entries(x.kinds).map(([k, n]) => `${k} ${n}`);
    const head = `  ${`${x.name}${x.hidden ? ' *' : ''}`.padEnd(nameW)}  ${String(x.passed).padStart(4)}  ${String(x.failed).padStart(4)}  `;
    out.push(...(kinds.length === 0 ? [head.trimEnd()] : wrap(kinds, head, head.length, width)));
  }
  if (s.scenarios.some((x) => x.hidden)) out.push(p.dim('  * hidden from students\' local checks'));
  out.push('');
  const c = s.counterexamples[0];
  if (c === undefined) {
    out.push(p.bold('Most common counterexample: none (no scenario failed with a bug)'));
  } else {
    // "most common" only when some counterexample is shared
    const shared = c.count > 1;
    out.push(p.bold(shared ? 'Most common counterexample' : 'Counterexamples (no two submissions share one)'));
    out.push(...wrapWords(`${named(c)}: ${c.kind}, ${plural(c.preemptions, 'preemption')}, ${plural(c.steps, 'step')} — ${shared ? 'shared by ' : ''}${plural(c.count, 'submission')}`, width, 4, 2));
    out.push(`  schedule ${c.schedule}`);
    const shown = c.submissions.slice(0, 8);
    out.push(...wrap([...shown, ...(c.submissions.length > shown.length ? [`and ${c.submissions.length - shown.length} more`] : [])], '  submissions:', 4, width));
    if (o.replayCommand) out.push(...wrapCommand(o.replayCommand(c), '  replay:', 4, width));
    const rest = s.counterexamples.slice(1);
    if (rest.length > 0) {
      out.push(shared ? '  next most common:' : '  others:');
      for (const r of rest) out.push(...wrapWords(`${named(r)}: ${r.kind}, ${plural(r.preemptions, 'preemption')} — ${plural(r.count, 'submission')} (${r.schedule.length > 40 ? `${r.schedule.slice(0, 39)}…` : r.schedule})`, width, 6, 4));
    }
  }
  return out.join('\n');
}
