// `npm run grade -- ID FILE --html PATH`: the drawn trace of the smallest failing scenario (the
// fewest steps), or a page saying VERIFIED (or why nothing could be drawn) when none fails.
import * as path from 'path';
import type { ExerciseEntry } from '../exercises/index';
import type { GradeResult, ScenarioResult } from '../grader/result';
import { traceHtml, verdictHtml } from '../trace/html';
import type { SourceLookup } from '../trace/trace';

export interface GradeHtmlOptions {
  readonly source?: SourceLookup;
  readonly replayCommand?: (s: ScenarioResult) => string;
}

/** The failing scenario with a recorded trace and the fewest steps (ties: index order). */
export function smallestFailing(r: GradeResult): ScenarioResult | undefined {
  let best: ScenarioResult | undefined;
  for (const s of r.scenarios) {
    if (s.verdict !== 'BUG' || s.trace === undefined) continue;
    if (best === undefined || s.trace.events.length < best.trace!.events.length) best = s;
  }
  return best;
}

export function gradeHtml(ex: ExerciseEntry, r: GradeResult, o: GradeHtmlOptions = {}): string {
  const title = `${ex.id} · ${path.basename(r.submission)}`;
  if (r.verdict === 'error') {
    return verdictHtml({ title, verdict: 'ERROR', ok: false, lines: [`${r.error_kind ?? 'error'}: ${r.error ?? 'the submission could not be graded'}`] });
  }
  const s = smallestFailing(r);
  if (s !== undefined) {
    return traceHtml(s.trace!, {
      title: `${title} — ${r.score}/${r.max_score} points`, summary: s.summary, source: o.source,
      ...(o.replayCommand ? { replayCommand: o.replayCommand(s) } : {}),
      ...(s.failure?.note !== undefined ? { note: s.failure.note } : {}),
    });
  }
  const line = (x: ScenarioResult): string => `${x.name}: ${x.verdict.replace(/_/g, ' ')}${x.reach ? ` (${x.reach})` : ''}${x.failure ? ` — ${x.failure.kind}: ${x.failure.why}` : ''} · ${x.points}/${x.max_points}`;
  const broken = r.scenarios.filter((x) => x.verdict === 'BUG' || x.verdict === 'ERROR');
  if (broken.length > 0) return verdictHtml({ title, verdict: 'ERROR', ok: false, lines: r.scenarios.map(line) });
  const all = r.scenarios.every((x) => x.verdict === 'VERIFIED');
  return verdictHtml({ title: `${title} — ${r.score}/${r.max_score} points`, verdict: all ? 'VERIFIED' : 'NO BUG FOUND', ok: true, lines: r.scenarios.map(line) });
}
