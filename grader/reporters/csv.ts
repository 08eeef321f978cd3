// A class's grades as CSV (RFC 4180), for a spreadsheet or a course site's gradebook: one row
// per submission, in the class run's order, with its score, its verdict, the points of each
// scenario (a column per scenario of the suite, in the suite's order; empty where the
// submission was not graded), what lost the missing points, in words, and "yes" where the
// submission is the exercise's stub unchanged (its points are the starting code's). Everything a
// student wrote (the name of their file, an error message) is escaped: quotes and line breaks
// as RFC 4180 says, control characters as in a text report, and a leading = + - @ or tab (a
// formula to a spreadsheet) behind a quote mark.
import type { ClassEntry } from './summary';
import type { GradeResult } from '../result';
import { earned, shortfall } from './earned';
import { harmless } from '../../trace/style';

/** One field: quoted when it holds a comma, a quote or a line break. */
export function csvField(s: string): string {
  let v = harmless(s);
  if (/^[=+\-@\t]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Why a submission lost points: "seed: bad-unlock; remap: hang", or its error. */
function lost(r: GradeResult): string {
  if (r.verdict === 'error') return `${r.error_kind ?? 'error'}: ${r.error ?? ''}`;
  return r.scenarios.filter((s) => !earned(s)).map((s) => `${s.name}: ${shortfall(s)}`).join('; ');
}

/** The CSV text for a class run, `scenarios` naming the suite's columns in order. */
export function renderCsv(entries: readonly ClassEntry[], scenarios: readonly string[]): string {
  const head = ['submission', 'score', 'max_score', 'verdict', ...scenarios.map((s) => `${s} points`), 'lost points to', 'stub unchanged'];
  const rows = entries.map(({ name, result: r }) => {
    const points = new Map(r.scenarios.map((s) => [s.name, s.points]));
    return [name, String(r.score), String(r.max_score), r.verdict, ...scenarios.map((s) => (points.has(s) ? String(points.get(s)) : '')), lost(r), r.unchanged_stub === true ? 'yes' : ''];
  });
  return [head, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
