// Preemption-bounded search (CHESS, Musuvathi & Qadeer 2007): every schedule with at most
// `bound` preemptions — switches away from a thread that could have gone on. fewest() raises
// the bound 0, 1, 2, ... so the first bug it finds has the fewest preemptions. No partial-order
// reduction: every schedule within the bound runs, so "none within k" is exact. Consecutive
// schedules share a prefix, which is restored, not run again (restore.ts): over the test
// fixtures' 80 minimality proofs, 3.2 times faster than a new machine per execution (227 ms
// against 732 for 30,027 executions; the slowest proof, 20,000 executions, 127 ms against 454).
import type { Failure } from '../sim/failure';
import type { Machine, MemoNode } from '../sim/machine';
import type { Op } from '../sim/op';
import type { Factory } from './run';
import { builder, keep, rebuild, MAX_THREADS, NondeterministicReplay } from './restore';

export interface BoundedOptions {
  readonly maxExecutions?: number;
  readonly maxMs?: number;
  readonly maxSteps?: number;
  readonly now?: () => number;
  /** Stop only at a failure of this kind: an execution that fails first in another way ends
   *  there, and the search goes on (default: stop at any failure). */
  readonly kind?: string;
  /** Take one machine back to each branch point (default), or build a new one per execution
   *  and run it from the start (false; tests compare the two). */
  readonly restore?: boolean;
  /** Called after each execution with its schedule and its failures (tests): read them during
   *  the call (the search reuses the schedule's array). */
  readonly onExecution?: (schedule: readonly number[], length: number, failures: readonly Failure[]) => void;
  /** Called once per execution (the grader's sandbox: a sign of life, as DporOptions). */
  readonly heartbeat?: () => void;
}

export interface BoundedResult {
  readonly complete: boolean;
  readonly executions: number;
  /** Steps of the executions run, each counted once per execution, restored or not. */
  readonly steps: number;
  /** Of those, the steps the machine performed (the rest were restored: see bounded). */
  readonly performed: number;
  readonly bug?: { readonly failure: Failure; readonly schedule: number[]; readonly preemptions: number };
}

/** Every schedule with at most `bound` preemptions, depth first, the non-preemptive choice
 *  first at each step. One machine serves every execution, as in dpor.ts: the next schedule
 *  differs from the last one from some step on, so the machine is taken back to that step
 *  (restore.ts) rather than built again and run from the start. */
export function bounded(factory: Factory, bound: number, o: BoundedOptions = {}): BoundedResult {
  const now = o.now ?? Date.now;
  const t0 = now();
  const mopts = { haltOnFailure: true, maxSteps: o.maxSteps };
  const restore = o.restore ?? true;
  /** Per depth: the threads that may run there (the first is the one chosen first), and which
   *  of them the current schedule takes. */
  const choices: number[][] = [];
  const path: number[] = [];
  /** Per depth of the current execution: the thread that ran, the preemptions used before
   *  it, its op and answer, and its memo node before the step (what rebuild needs). */
  const sched: number[] = [];
  const usedAt: number[] = [];
  const opAt: Op[] = [];
  const answerAt: unknown[] = [];
  const nodeAt: (MemoNode | null)[] = [];
  /** The threads that can run at the current step: en[0 .. ne). */
  const en: number[] = [];
  let executions = 0, steps = 0, performed = 0;
  const build = builder(factory, mopts);
  let m: Machine | undefined;
  let kept = false, setupRan = 0, branch = 0, prevLen = 0;
  for (;;) {
    if ((o.maxExecutions !== undefined && executions >= o.maxExecutions) || (o.maxMs !== undefined && now() - t0 > o.maxMs)) {
      return { complete: false, executions, steps, performed };
    }
    o.heartbeat?.();
    // the steps before `from` are the last execution's, restored
    let from = 0;
    if (m !== undefined && kept) {
      m.rewind(branch);
      rebuild(m, build, setupRan, sched, branch, prevLen, opAt, answerAt, nodeAt);
      from = branch;
    } else {
      m = build();
      // (restore's thread sets are bit masks: a bigger scenario runs each execution afresh)
      if (executions === 0 && restore && m.threads.length <= MAX_THREADS) { kept = true; setupRan = keep(m, build, true); }
    }
    let last = from > 0 ? sched[from - 1] : -1, used = from > 0 ? usedAt[from] : 0;
    let d = from;
    steps += from;
    for (;; d++) {
      // the threads that can run (one pass: the sandbox runs this without the optimizing
      // compiler, where checkEnd, enabled() and a filter each cost a pass of calls)
      let ne = 0, lastOn = false;
      if (!m.halted) {
        for (let t = 0; t < m.threads.length; t++) if (m.isEnabled(t)) { en[ne++] = t; if (t === last) lastOn = true; }
      }
      if (ne === 0) { m.checkEnd(); break; } // over: halted by a failure, finished, or a hang (recorded)
      if (d >= path.length) {
        // the non-preemptive choice first; others only while the bound allows
        let opts: number[];
        if (lastOn) {
          opts = [last];
          if (used < bound) for (let i = 0; i < ne; i++) if (en[i] !== last) opts.push(en[i]);
        } else opts = en.slice(0, ne);
        choices.push(opts); path.push(0);
      }
      const t = choices[d][path[d]];
      if (d <= branch && !runs(en, ne, t)) throw new NondeterministicReplay(`replaying step ${d}: thread ${t} cannot run as it did before`);
      usedAt[d] = used;
      if (last >= 0 && t !== last && lastOn) used++;
      sched[d] = t;
      opAt[d] = m.threads[t].pending!;
      nodeAt[d] = m.memoNode(t);
      m.step(t);
      answerAt[d] = m.lastAnswer;
      steps++; performed++;
      last = t;
    }
    prevLen = d;
    executions++;
    o.onExecution?.(sched, d, m.failures);
    const f = m.primaryFailure();
    if (f !== undefined && (o.kind === undefined || f.kind === o.kind)) {
      return { complete: false, executions, steps, performed, bug: { failure: f, schedule: sched.slice(0, d), preemptions: used } };
    }
    while (path.length > 0 && path[path.length - 1] + 1 >= choices[choices.length - 1].length) { path.pop(); choices.pop(); }
    if (path.length === 0) return { complete: true, executions, steps, performed };
    path[path.length - 1]++;
    branch = path.length - 1;
  }
}

/** Is `t` among en[0 .. n)? */
function runs(en: readonly number[], n: number, t: number): boolean {
  for (let i = 0; i < n; i++) if (en[i] === t) return true;
  return false;
}

export interface FewestResult {
  /** The bounds searched in full, 0 up to this one, without a failure of the kind (-1: none). */
  readonly clear: number;
  /** A failure of the kind, found at bound clear + 1: no schedule with fewer preemptions fails
   *  that way. */
  readonly bug?: BoundedResult['bug'];
  readonly executions: number;
  readonly steps: number;
  readonly performed: number;
}

/** Bounded search for a failure of `kind`, the bound raised from 0 to at most `max`, sharing
 *  one budget (maxExecutions, maxMs). Stops at the first bound with such a failure, at `max`,
 *  or when the budget runs out (then `clear` says how far it got). */
export function fewest(factory: Factory, kind: string, max: number, o: Omit<BoundedOptions, 'kind'> = {}): FewestResult {
  const now = o.now ?? Date.now;
  const t0 = now();
  let executions = 0, steps = 0, performed = 0, clear = -1;
  for (let k = 0; k <= max; k++) {
    const left = o.maxExecutions === undefined ? undefined : o.maxExecutions - executions;
    const ms = o.maxMs === undefined ? undefined : o.maxMs - (now() - t0);
    if ((left !== undefined && left <= 0) || (ms !== undefined && ms < 0)) break;
    const b = bounded(factory, k, { ...o, kind, maxExecutions: left, maxMs: ms });
    executions += b.executions; steps += b.steps; performed += b.performed;
    if (b.bug !== undefined) return { clear, bug: b.bug, executions, steps, performed };
    if (!b.complete) break;
    clear = k;
  }
  return { clear, executions, steps, performed };
}
