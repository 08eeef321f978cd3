// Preemption-bounded search (CHESS, Musuvathi & Qadeer 2007): every schedule with at most
// `bound` preemptions — switches away from a thread that could have gone on. Raised 0, 1, 2...
// by iterate(), so the first bug found has the fewest preemptions. No partial-order
// reduction: every schedule within the bound runs, so "none within k" is exact.
import type { Failure } from '../sim/failure';
import { start, Factory } from './run';

export interface BoundedResult {
  readonly complete: boolean;
  readonly executions: number;
  readonly steps: number;
  readonly bug?: { readonly failure: Failure; readonly schedule: number[]; readonly preemptions: number };
}

export function bounded(factory: Factory, bound: number, o: { maxExecutions?: number; maxMs?: number; maxSteps?: number; now?: () => number } = {}): BoundedResult {
  const now = o.now ?? Date.now;
  const t0 = now();
  const choices: number[][] = [];
  const path: number[] = [];
  const cost: number[] = []; // preemptions used before depth d
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
        choices.push(opts); path.push(0); cost.push(used);
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
    if (f !== undefined) return { complete: false, executions, steps, bug: { failure: f, schedule: sched, preemptions: used } };
    while (path.length > 0 && path[path.length - 1] + 1 >= choices[choices.length - 1].length) { path.pop(); choices.pop(); cost.pop(); }
    if (path.length === 0) return { complete: true, executions, steps };
    path[path.length - 1]++;
  }
}
