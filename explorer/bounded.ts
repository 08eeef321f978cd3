// Preemption-bounded search (CHESS, Musuvathi & Qadeer 2007): every schedule with at most
// `bound` preemptions — switches away from a thread that could have gone on. fewest() raises
// the bound 0, 1, 2, ... so the first bug it finds has the fewest preemptions. No partial-order
// reduction: every schedule within the bound runs, so "none within k" is exact.
import type { Failure } from '../sim/failure';
import { start, Factory } from './run';

export interface BoundedOptions {
  readonly maxExecutions?: number;
  readonly maxMs?: number;
  readonly maxSteps?: number;
  readonly now?: () => number;
  /** Stop only at a failure of this kind: an execution that fails first in another way ends
   *  there, and the search goes on (default: stop at any failure). */
  readonly kind?: string;
}

export interface BoundedResult {
  readonly complete: boolean;
  readonly executions: number;
  readonly steps: number;
  readonly bug?: { readonly failure: Failure; readonly schedule: number[]; readonly preemptions: number };
}

export function bounded(factory: Factory, bound: number, o: BoundedOptions = {}): BoundedResult {
  const now = o.now ?? Date.now;
  const t0 = now();
  const choices: number[][] = [];
  const path: number[] = [];
  let executions = 0, steps = 0;
  for (;;) {
    if ((o.maxExecutions !== undefined && executions >= o.maxExecutions) || (o.maxMs !== undefined && now() - t0 > o.maxMs)) {
      return { complete: false, executions, steps };
    }
    const m = start(factory, { haltOnFailure: true, maxSteps: o.maxSteps });
    let last = -1, used = 0;
    const sched: number[] = [];
    for (let d = 0; !m.checkEnd(); d++) {
      if (d >= path.length) {
        const en = m.enabled();
        // the non-preemptive choice first; others only while the bound allows
        const stayable = en.includes(last);
        const opts = stayable ? [last, ...(used < bound ? en.filter((t) => t !== last) : [])] : en;
        choices.push(opts); path.push(0);
      }
      const t = choices[d][path[d]];
      if (last >= 0 && t !== last && m.isEnabled(last)) used++;
      sched.push(t);
      m.step(t);
      steps++;
      last = t;
    }
    executions++;
    const f = m.primaryFailure();
    if (f !== undefined && (o.kind === undefined || f.kind === o.kind)) return { complete: false, executions, steps, bug: { failure: f, schedule: sched, preemptions: used } };
    while (path.length > 0 && path[path.length - 1] + 1 >= choices[choices.length - 1].length) { path.pop(); choices.pop(); }
    if (path.length === 0) return { complete: true, executions, steps };
    path[path.length - 1]++;
  }
}

export interface FewestResult {
  /** The bounds searched in full, 0 up to this one, without a failure of the kind (-1: none). */
  readonly clear: number;
  /** A failure of the kind, found at bound clear + 1: no schedule with fewer preemptions fails
   *  that way. */
  readonly bug?: BoundedResult['bug'];
  readonly executions: number;
  readonly steps: number;
}

/** Bounded search for a failure of `kind`, the bound raised from 0 to at most `max`, sharing
 *  one budget (maxExecutions, maxMs). Stops at the first bound with such a failure, at `max`,
 *  or when the budget runs out (then `clear` says how far it got). */
export function fewest(factory: Factory, kind: string, max: number, o: Omit<BoundedOptions, 'kind'> = {}): FewestResult {
  const now = o.now ?? Date.now;
  const t0 = now();
  let executions = 0, steps = 0, clear = -1;
  for (let k = 0; k <= max; k++) {
    const left = o.maxExecutions === undefined ? undefined : o.maxExecutions - executions;
    const ms = o.maxMs === undefined ? undefined : o.maxMs - (now() - t0);
    if ((left !== undefined && left <= 0) || (ms !== undefined && ms < 0)) break;
    const b = bounded(factory, k, { ...o, kind, maxExecutions: left, maxMs: ms });
    executions += b.executions; steps += b.steps;
    if (b.bug !== undefined) return { clear, bug: b.bug, executions, steps };
    if (!b.complete) break;
    clear = k;
  }
  return { clear, executions, steps };
}
