// Gradescope's results.json for one submission: one test per scenario, its output the plain
// text report of that scenario alone (with the counterexample's timeline when it fails).
// Hidden scenarios are 'after_published': students see them once grades are released, and
// the always-visible top-level output never describes them. An error verdict (the submission
// did not load) is one failed test carrying the error line.
import type { GradeResult, ScenarioResult } from '../result';
import { earned } from './earned';
import { renderText, scenarioLine, stubNote } from './text';
import type { SourceLookup } from '../../trace/trace';

export type Visibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published';

export interface GradescopeTest {
  readonly name: string;
  readonly score: number;
  readonly max_score: number;
  readonly status: 'passed' | 'failed';
  readonly output: string;
  readonly visibility: Visibility;
}

export interface GradescopeResults {
  readonly score: number;
  readonly max_score: number;
  readonly output: string;
  readonly visibility: Visibility;
  readonly stdout_visibility: Visibility;
  readonly tests: readonly GradescopeTest[];
}

export interface GradescopeOptions {
  readonly source?: SourceLookup;
  readonly replayCommand?: (s: ScenarioResult) => string;
}

const passed = earned;

/** The text report of one scenario: the full report of a one-scenario result, less its header. */
export function scenarioReport(r: GradeResult, s: ScenarioResult, o: GradescopeOptions = {}): string {
  const { skipped_hidden: _notHere, ...rest } = r;
  const one: GradeResult = { ...rest, verdict: passed(s) ? 'pass' : 'fail', score: s.points, max_score: s.max_points, scenarios: [s] };
  const body = renderText(one, { color: false, source: o.source, replayCommand: o.replayCommand }).split('\n').slice(1).join('\n').trim();
  return passed(s) ? `${body}\nScenario: ${s.summary}` : body;
}

export function gradescopeResults(r: GradeResult, o: GradescopeOptions = {}): GradescopeResults {
  const base = { score: r.score, max_score: r.max_score, visibility: 'visible' as const, stdout_visibility: 'hidden' as const };
  if (r.verdict === 'error') {
    const line = `${r.error_kind ?? 'error'}: ${r.error ?? 'the submission could not be graded'}`;
    return { ...base, output: `The submission could not be graded.\n${line}`,
      tests: [{ name: 'submission', score: 0, max_score: r.max_score, status: 'failed', output: line, visibility: 'visible' }] };
  }
  const visible = r.scenarios.filter((s) => !s.hidden);
  const hidden = r.scenarios.length - visible.length;
  const lines = [...(r.unchanged_stub === true ? [stubNote(r)] : []),
    `${visible.filter(passed).length} of ${visible.length} visible scenarios pass.`, ...visible.map((s) => scenarioLine(s, false))];
  if (hidden > 0) lines.push(`${hidden} hidden scenario${hidden === 1 ? ' is' : 's are'} graded too: ${hidden === 1 ? 'its result appears' : 'their results appear'} when grades are published.`);
  return {
    ...base,
    output: lines.join('\n'),
    tests: r.scenarios.map((s) => ({
      name: s.name, score: s.points, max_score: s.max_points, status: passed(s) ? 'passed' : 'failed',
      output: scenarioReport(r, s, o), visibility: s.hidden ? 'after_published' : 'visible',
    })),
  };
}

export function renderGradescope(r: GradeResult, o: GradescopeOptions = {}): string {
  return `${JSON.stringify(gradescopeResults(r, o), null, 2)}\n`;
}
