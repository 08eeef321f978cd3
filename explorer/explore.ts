// The explorer's front door: search a scenario for bugs within a budget and say honestly how
// far it looked. DPOR first (VERIFIED when it finishes); a bug is shrunk (fewer preemptions,
// then fewer steps) and, budget permitting, bounded search below its preemption count shows
// that none fewer will do (none that fails the same way). Returns data; never prints.
import type { Factory } from './run';
import type { Verdict, Stats } from './verdict';
import { dpor } from './dpor';
import { shrink } from './shrink';
import { fewest } from './bounded';
import { pct } from './pct';
import { encode } from './schedule';

export interface ExploreOptions {
  readonly maxExecutions?: number;
  readonly maxMs?: number;
  readonly maxSteps?: number;
  /** Try to prove the shrunk bug's preemption count is minimal (bounded search below it). */
  readonly proveMinimal?: boolean;
  /** Budget for that proof, in executions (default 20000). */
  readonly minimalBudget?: number;
  /** PCT runs after an unfinished DPOR (0: none). */
  readonly pctRuns?: number;
  readonly now?: () => number;
  /** Called once per execution of DPOR and of the minimality proof (see DporOptions.heartbeat). */
  readonly heartbeat?: () => void;
}

export function explore(factory: Factory, o: ExploreOptions = {}): Verdict {
  const now = o.now ?? Date.now;
  const t0 = now();
  const d = dpor(factory, { maxExecutions: o.maxExecutions, maxMs: o.maxMs, maxSteps: o.maxSteps, stopOnBug: true, now, heartbeat: o.heartbeat });
  const stats: Stats = { executions: d.executions, blocked: d.blocked, steps: d.steps, performed: d.performed, fed: d.fed, ms: 0 };
  if (d.bug !== undefined) {
    stats.firstBugMs = d.bug.atMs;
    const s = shrink(factory, d.bug.schedule, d.bug.failure.kind, 3000, o.maxSteps);
    let minimal: boolean | undefined;
    if (o.proveMinimal && s.preemptions > 0) {
      // bounded search for the same kind of failure, the bound raised from 0 (CHESS): a failure
      // found at bound k has the fewest preemptions, since bounds 0 .. k-1 ran in full
      // (within what is left of maxMs: a large minimalBudget must not outrun the search's time)
      const ms = o.maxMs === undefined ? undefined : Math.max(0, o.maxMs - (now() - t0));
      const b = fewest(factory, d.bug.failure.kind, s.preemptions - 1, { maxExecutions: o.minimalBudget ?? 20000, maxMs: ms, maxSteps: o.maxSteps, now, heartbeat: o.heartbeat });
      stats.executions += b.executions; stats.steps += b.steps; stats.performed += b.performed;
      if (b.bug !== undefined) {
        const s2 = shrink(factory, b.bug.schedule, b.bug.failure.kind, 3000, o.maxSteps);
        stats.ms = now() - t0;
        return { kind: 'BUG', failure: b.bug.failure, schedule: encode(s2.schedule), preemptions: s2.preemptions, steps: s2.steps, stats, minimal: true };
      }
      minimal = b.clear === s.preemptions - 1 ? true : undefined;
    } else if (o.proveMinimal) minimal = true;
    stats.ms = now() - t0;
    return { kind: 'BUG', failure: d.bug.failure, schedule: encode(s.schedule), preemptions: s.preemptions, steps: s.steps, stats, ...(minimal ? { minimal } : {}) };
  }
  if (d.complete) {
    stats.ms = now() - t0;
    return { kind: 'VERIFIED', classes: d.executions - d.blocked, stats, how: 'every interleaving class explored (source-DPOR with sleep sets)' };
  }
  const runs = o.pctRuns ?? 0;
  if (runs > 0) {
    const p = pct(factory, { seed: 1, runs, depth: 3, maxSteps: o.maxSteps, now });
    stats.executions += p.runs; stats.steps += p.steps; stats.performed += p.steps;
    if (p.bug !== undefined) {
      const s = shrink(factory, p.bug.schedule, p.bug.failure.kind, 3000, o.maxSteps);
      stats.ms = now() - t0;
      return { kind: 'BUG', failure: p.bug.failure, schedule: encode(s.schedule), preemptions: s.preemptions, steps: s.steps, stats };
    }
  }
  stats.ms = now() - t0;
  const pcts = runs > 0 ? `, then ${runs} PCT runs` : '';
  const reason = d.timedOut ? `the time limit: DPOR ran out of its ${d.reason} after ${d.executions} execution${d.executions === 1 ? '' : 's'}${pcts}` : `DPOR's budget of ${d.reason}${pcts}`;
  return { kind: 'NO_BUG_WITHIN', reason, stats, timedOut: d.timedOut };
}
