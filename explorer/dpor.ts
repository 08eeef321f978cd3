// Exhaustive search with source-set DPOR and sleep sets (Abdulla, Aronis, Jonsson, Sagonas,
// POPL 2014), stateless: every execution re-runs from a fresh machine. Race analysis runs at the
// end of each execution over its vector clocks. Blocking: a waiting thread is not enabled; a
// race whose reversal is infeasible (an acquire after the release it waited for) is replaced by
// a race with the matching acquire, so both lock orders are explored; where the thread to add
// cannot run at the backtrack point, every enabled thread is added (conservative).
// Must never: know of scenarios, exercises or output.
import type { Machine, MachineOptions } from '../sim/machine';
import type { Failure } from '../sim/failure';
import { dependent, footprint, Footprint } from './dependence';
import { HappensBefore, Ev } from './hb';
import type { Factory } from './run';

interface State {
  readonly enabled: readonly number[];
  readonly backtrack: Set<number>;
  readonly done: Set<number>;
  readonly sleep: ReadonlySet<number>;
  chosen: number;
}

export interface DporOptions {
  readonly maxExecutions?: number;
  readonly maxMs?: number;
  readonly maxSteps?: number;
  /** Stop at the first failing execution (grading) or go on counting (bench). */
  readonly stopOnBug?: boolean;
  readonly now?: () => number;
  /** Called after each execution with its events (tests, the bench's class counting). */
  readonly onExecution?: (evs: readonly Ev[], nThreads: number, sleepBlocked: boolean) => void;
  /** Called with the kind of every failing execution's leading failure. */
  readonly onFailure?: (kind: string) => void;
}

export interface DporResult {
  readonly complete: boolean;
  readonly reason?: string;
  readonly executions: number;
  readonly blocked: number;
  readonly steps: number;
  readonly bug?: { readonly failure: Failure; readonly schedule: number[]; readonly atMs: number };
  readonly bugs: number;
}

export function dpor(factory: Factory, o: DporOptions = {}): DporResult {
  const now = o.now ?? Date.now;
  const t0 = now();
  const mopts: MachineOptions = { maxSteps: o.maxSteps, haltOnFailure: o.stopOnBug ?? true };
  const stack: State[] = [];
  let executions = 0, blocked = 0, steps = 0, bugs = 0;
  let bug: DporResult['bug'];
  for (;;) {
    if (o.maxExecutions !== undefined && executions >= o.maxExecutions) return { complete: false, reason: `${o.maxExecutions} executions`, executions, blocked, steps, bug, bugs };
    if (o.maxMs !== undefined && now() - t0 > o.maxMs) return { complete: false, reason: `${o.maxMs} ms`, executions, blocked, steps, bug, bugs };
    const m = factory(mopts);
    const evs: Ev[] = [];
    const perThread: number[] = [];
    let nextSleep: Set<number> = new Set();
    let last = -1, wasBlocked = false;
    for (let depth = 0; !m.checkEnd(); depth++) {
      let st = stack[depth];
      if (st === undefined) {
        const en = m.enabled();
        const awake = en.filter((t) => !nextSleep.has(t));
        if (awake.length === 0) { wasBlocked = true; break; }
        const p = awake.includes(last) ? last : awake[0];
        st = { enabled: en, backtrack: new Set([p]), done: new Set(), sleep: nextSleep, chosen: p };
        stack.push(st);
      }
      const p = st.chosen;
      const fp = footprint(m, p, m.threads[p].pending!);
      // Sleep set of the next state: sleepers and explored siblings independent of this step.
      const ns = new Set<number>();
      for (const q of st.sleep) if (q !== p && sleeps(m, q, fp)) ns.add(q);
      for (const q of st.done) if (q !== p && sleeps(m, q, fp)) ns.add(q);
      nextSleep = ns;
      const ti = perThread[p] ?? 0;
      perThread[p] = ti + 1;
      const heldBefore = fp.lock !== 0 && m.locks.holding(p, fp.lock) !== undefined;
      m.step(p);
      evs.push({ tid: p, fp, ti, took: fp.lock !== 0 && !heldBefore && m.locks.holding(p, fp.lock) !== undefined });
      steps++;
      last = p;
    }
    executions++;
    if (wasBlocked) blocked++;
    o.onExecution?.(evs, m.threads.length, wasBlocked);
    const failure = m.primaryFailure();
    if (failure !== undefined) {
      bugs++;
      o.onFailure?.(failure.kind);
      if (bug === undefined) bug = { failure, schedule: evs.map((e) => e.tid), atMs: now() - t0 };
      if (o.stopOnBug ?? true) return { complete: false, reason: 'bug found', executions, blocked, steps, bug, bugs };
    }
    analyseRaces(evs, m.threads.length, stack);
    // Backtrack: the deepest state with an unexplored, awake thread in its backtrack set.
    let resumed = false;
    while (stack.length > 0) {
      const st = stack[stack.length - 1];
      st.done.add(st.chosen);
      const next = [...st.backtrack].find((t) => !st.done.has(t) && !st.sleep.has(t));
      if (next !== undefined) { st.chosen = next; resumed = true; break; }
      stack.pop();
    }
    if (!resumed) return { complete: true, executions, blocked, steps, bug, bugs };
  }
}

function sleeps(m: Machine, q: number, fp: Footprint): boolean {
  const t = m.threads[q];
  if (t.done || t.pending === null) return false;
  return !dependent(footprint(m, q, t.pending), fp);
}

function analyseRaces(evs: readonly Ev[], nThreads: number, stack: State[]): void {
  const n = Math.min(evs.length, stack.length);
  if (n < 2) return;
  const hb = new HappensBefore(evs.slice(0, n), nThreads);
  const prevOf = new Int32Array(n).fill(-1);
  const lastOf = new Int32Array(nThreads).fill(-1);
  for (let j = 0; j < n; j++) { prevOf[j] = lastOf[evs[j].tid]; lastOf[evs[j].tid] = j; }
  for (let j = 1; j < n; j++) {
    const ej = evs[j];
    const direct: number[] = [];
    for (let i = j - 1; i >= 0; i--) if (evs[i].tid !== ej.tid && dependent(evs[i].fp, ej.fp)) direct.push(i);
    for (const i of direct) {
      const pj = prevOf[j];
      if (pj >= 0 && hb.before(i, pj)) continue;
      if (direct.some((k) => k > i && hb.before(i, k))) continue;
      let target = i;
      const ei = evs[i];
      if (ej.fp.acquire && ei.fp.release && ei.fp.lock === ej.fp.lock) {
        target = -1;
        for (let k = i - 1; k >= 0; k--) if (evs[k].tid === ei.tid && evs[k].fp.lock === ej.fp.lock && evs[k].took === true) { target = k; break; }
        if (target < 0) continue;
      } else if (ej.fp.acquire && !ei.fp.acquire && !ei.fp.release && ei.fp.lock === 0 && ej.fp.lock === 0) {
        // gp_wait / RCU callbacks after the read-side exit that let them run: infeasible reversal
        if (!stack[i].enabled.includes(ej.tid)) continue;
      }
      addBacktrack(hb, evs, stack, target, j);
    }
  }
}

function addBacktrack(hb: HappensBefore, evs: readonly Ev[], stack: State[], i: number, j: number): void {
  const st = stack[i];
  const initials: number[] = [];
  const v: number[] = [];
  for (let k = i + 1; k < j; k++) if (!hb.before(i, k)) v.push(k);
  v.push(j);
  const seen = new Set<number>();
  for (let x = 0; x < v.length; x++) {
    const e = v[x];
    const t = evs[e].tid;
    if (seen.has(t)) continue;
    seen.add(t);
    let initial = true;
    for (let y = 0; y < x && initial; y++) if (hb.before(v[y], e)) initial = false;
    if (initial) initials.push(t);
  }
  if (initials.some((t) => st.backtrack.has(t))) return;
  const q = initials.find((t) => st.enabled.includes(t));
  if (q !== undefined) st.backtrack.add(q);
  else for (const t of st.enabled) st.backtrack.add(t);
}
