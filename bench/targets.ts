// The explorer's targets (issue 3), checked against one bench run's rows, so that every run
// says which it met rather than leaving a reader to work it out from the table. SPIN's search
// times are the issue's anchors: an explicit-state model checker compiled to C, on an
// equivalent model of the seed scenario with K extra fork/exit pairs. Pure: rows in, lines of
// data out.
import type { Row } from './measure';

export interface Target {
  readonly what: string;
  /** null: no row of this run measures it (a --quick or --only run, or a cap reached). */
  readonly met: boolean | null;
  readonly detail: string;
}

/** SPIN's search time for the fixed code's full state space, by K (the issue's anchors). */
export const SPIN_MS: Readonly<Record<number, number>> = { 1: 100, 2: 1250, 3: 15000 };
export const MAX_RATIO = 1.2;
export const MAX_PREEMPTIONS = 3;
export const BUG_MS = 200;
export const HUGH_MS = 2000;
export const SPIN_FACTOR = 5;
export const MAX_NS_PER_STEP = 300;

function fmtMs(x: number): string { return x < 10 ? `${x.toFixed(1)} ms` : x < 10000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`; }

/** The timed rows over the step target (≤ MAX_NS_PER_STEP ns per step). */
export function overStepTarget(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.ns_per_step !== null && r.ns_per_step > MAX_NS_PER_STEP);
}

export function targets(rows: readonly Row[]): Target[] {
  const by = (name: string): Row | undefined => rows.find((r) => r.name === name);
  const out: Target[] = [];

  const withClasses = rows.filter((r) => r.dpor_ratio !== null);
  const over = withClasses.filter((r) => r.dpor_ratio! > MAX_RATIO);
  out.push({
    what: `DPOR executions ≤ ${MAX_RATIO} × classes`,
    met: withClasses.length === 0 ? null : over.length === 0,
    detail: withClasses.length === 0 ? 'no row with both counted'
      : over.length === 0 ? `on all ${withClasses.length} rows with both counted (highest ${Math.max(...withClasses.map((r) => r.dpor_ratio!)).toFixed(2)})`
      : `over on ${over.map((r) => `${r.name} ${r.dpor_ratio!.toFixed(2)}`).join(', ')}`,
  });

  const rc2 = by('seed/rc2');
  out.push({
    what: `the seed bug found and shrunk to ≤ ${MAX_PREEMPTIONS} preemptions in < ${BUG_MS} ms`,
    met: rc2 === undefined ? null : rc2.verdict === 'BUG' && rc2.preemptions! <= MAX_PREEMPTIONS && rc2.ms < BUG_MS,
    detail: rc2 === undefined ? 'seed/rc2 not in this run'
      : rc2.verdict !== 'BUG' ? `seed/rc2: ${rc2.verdict}`
      : `${rc2.preemptions} preemption${rc2.preemptions === 1 ? '' : 's'}, ${rc2.steps} steps, ${fmtMs(rc2.ms)} with shrinking`,
  });

  const hugh = by('seed/hugh');
  out.push({
    what: `hugh-fix.ts VERIFIED on the seed in < ${HUGH_MS / 1000} s`,
    met: hugh === undefined ? null : hugh.verdict === 'VERIFIED' && hugh.ms < HUGH_MS,
    detail: hugh === undefined ? 'seed/hugh not in this run' : `${hugh.verdict} in ${fmtMs(hugh.ms)}`,
  });

  const churn = [1, 2].map((k) => ({ k, r: by(`seed-churn-${k}/hugh`) }));
  const measured = churn.filter((c) => c.r !== undefined);
  const ok = (c: { k: number; r?: Row }): boolean => c.r!.verdict === 'VERIFIED' && c.r!.ms <= SPIN_FACTOR * SPIN_MS[c.k];
  out.push({
    what: `K = 1 and 2 VERIFIED within ${SPIN_FACTOR} × SPIN`,
    met: measured.length < churn.length ? (measured.some((c) => !ok(c)) ? false : null) : measured.every(ok),
    detail: churn.map((c) => (c.r === undefined ? `K=${c.k} not in this run`
      : `K=${c.k} ${c.r.verdict} in ${fmtMs(c.r.ms)} (SPIN ${fmtMs(SPIN_MS[c.k])}, ×${(c.r.ms / SPIN_MS[c.k]).toFixed(1)})`)).join('; '),
  });

  const timed = rows.filter((r) => r.ns_per_step !== null);
  const slow = overStepTarget(rows);
  out.push({
    what: `≤ ${MAX_NS_PER_STEP} ns per step`,
    met: timed.length === 0 ? null : slow.length === 0,
    detail: timed.length === 0 ? 'no row timed'
      : slow.length === 0 ? `on all ${timed.length} rows timed (highest ${Math.max(...timed.map((r) => r.ns_per_step!))})`
      : `met on ${timed.length - slow.length} of ${timed.length} rows; over: ${slow.map((r) => `${r.name} ${r.ns_per_step}`).join(', ')}`,
  });
  return out;
}
