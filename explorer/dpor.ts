// Exhaustive search with source-set DPOR and sleep sets (Abdulla, Aronis, Jonsson, Sagonas,
// POPL 2014), stateless: every execution re-runs from a fresh machine. Happens-before is kept
// with vector clocks and per-resource access tables (last write, last read per thread since),
// so each new step finds its race candidates in O(footprint × threads); the replayed prefix
// reuses the clocks of the previous execution and is not re-analysed.
// Blocking: a waiting thread is not enabled. A race whose reversal is infeasible (its initial
// steps cannot run at the backtrack point, e.g. an acquire after the release it waited for, or
// an RCU callback after the read-side exit that let it run) adds nothing; a lock acquire is
// also raced against the acquire that the release it waited for ended, so both lock orders
// are explored.
// Must never: know of scenarios, exercises or output.
import type { Machine, MachineOptions } from '../sim/machine';
import type { Failure } from '../sim/failure';
import { dependent, footprint, Footprint } from './dependence';
import type { Ev } from './hb';
import type { Factory } from './run';

interface State {
  readonly enabled: readonly number[];
  readonly backtrack: Set<number>;
  readonly done: Set<number>;
  readonly sleep: ReadonlySet<number>;
  chosen: number;
  /** Of the step taken from this state in the current execution. */
  ev?: Ev;
  vc?: Int32Array;
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
  /** Which awake thread a new state tries first: 'low' (default: stay with the last thread,
   *  else the lowest id) or 'high' (the highest id). Tests use both: the classes found must not
   *  depend on it. */
  readonly order?: 'low' | 'high';
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

export class NondeterministicReplay extends Error {}

/** Per-resource access tables for one execution: the last write, and the last read of each
 *  thread since it. Entries persist across executions and are reset lazily by epoch, so a
 *  step allocates nothing here. */
interface Slot { epoch: number; write: number; reads: Int32Array; nreads: number }
class Tables {
  private readonly slots = new Map<number, Slot>();
  private epoch = 0;
  private n = 0;
  reset(nThreads: number): void { this.epoch++; if (nThreads !== this.n) { this.n = nThreads; this.slots.clear(); } }
  private get(k: number): Slot | undefined {
    const s = this.slots.get(k);
    return s !== undefined && s.epoch === this.epoch ? s : undefined;
  }
  private touch(k: number): Slot {
    let s = this.slots.get(k);
    if (s === undefined) { s = { epoch: this.epoch, write: -1, reads: new Int32Array(this.n).fill(-1), nreads: 0 }; this.slots.set(k, s); }
    else if (s.epoch !== this.epoch) { s.epoch = this.epoch; s.write = -1; if (s.nreads > 0) { s.reads.fill(-1); s.nreads = 0; } }
    return s;
  }
  /** Earlier events of other threads dependent with `fp`, newest per resource. */
  candidates(fp: Footprint, tid: number, evs: readonly Ev[], out: Set<number>): void {
    for (const k of fp.r) { const s = this.get(k); if (s !== undefined && s.write >= 0 && evs[s.write].tid !== tid) out.add(s.write); }
    for (const k of fp.w) {
      const s = this.get(k);
      if (s === undefined) continue;
      if (s.write >= 0 && evs[s.write].tid !== tid) out.add(s.write);
      if (s.nreads > 0) for (let t = 0; t < this.n; t++) if (t !== tid && s.reads[t] >= 0) out.add(s.reads[t]);
    }
  }
  /** All earlier events (any thread) whose clocks j must join. */
  preds(fp: Footprint, out: number[]): void {
    for (const k of fp.r) { const s = this.get(k); if (s !== undefined && s.write >= 0) out.push(s.write); }
    for (const k of fp.w) {
      const s = this.get(k);
      if (s === undefined) continue;
      if (s.write >= 0) out.push(s.write);
      if (s.nreads > 0) for (let t = 0; t < this.n; t++) if (s.reads[t] >= 0) out.push(s.reads[t]);
    }
  }
  add(fp: Footprint, tid: number, j: number): void {
    for (const k of fp.r) { const s = this.touch(k); if (s.reads[tid] < 0) s.nreads++; s.reads[tid] = j; }
    for (const k of fp.w) { const s = this.touch(k); s.write = j; if (s.nreads > 0) { s.reads.fill(-1); s.nreads = 0; } }
  }
}

export function dpor(factory: Factory, o: DporOptions = {}): DporResult {
  const now = o.now ?? Date.now;
  const t0 = now();
  const mopts: MachineOptions = { maxSteps: o.maxSteps, haltOnFailure: o.stopOnBug ?? true };
  const stack: State[] = [];
  const tables = new Tables();
  let executions = 0, blocked = 0, steps = 0, bugs = 0;
  let bug: DporResult['bug'];
  let branch = 0; // depth of the newest choice: events from here on are new
  const lastOf: number[] = [];
  for (;;) {
    if (o.maxExecutions !== undefined && executions >= o.maxExecutions) return { complete: false, reason: `${o.maxExecutions} executions`, executions, blocked, steps, bug, bugs };
    if (o.maxMs !== undefined && now() - t0 > o.maxMs) return { complete: false, reason: `${o.maxMs} ms`, executions, blocked, steps, bug, bugs };
    const m = factory(mopts);
    const n = m.threads.length;
    const evs: Ev[] = [];
    const perThread = new Int32Array(n);
    lastOf.length = 0;
    for (let t = 0; t < n; t++) lastOf.push(-1);
    tables.reset(n);
    let nextSleep: Set<number> = new Set();
    let last = -1, wasBlocked = false;
    const preds: number[] = [];
    const cands = new Set<number>();
    for (let depth = 0; !m.checkEnd(); depth++) {
      let st = stack[depth];
      if (st === undefined) {
        const en = m.enabled();
        const awake = en.filter((t) => !nextSleep.has(t));
        if (awake.length === 0) { wasBlocked = true; break; }
        const p = o.order === 'high' ? awake[awake.length - 1] : awake.includes(last) ? last : awake[0];
        st = { enabled: en, backtrack: new Set([p]), done: new Set(), sleep: nextSleep, chosen: p };
        stack.push(st);
      }
      const p = st.chosen;
      const pending = m.threads[p].pending;
      if (!m.isEnabled(p) || pending === null) throw new NondeterministicReplay(`replaying step ${depth}: thread ${p} cannot run as it did before`);
      const reuse = depth < branch && st.ev !== undefined && st.ev.tid === p;
      const fp = reuse ? st.ev!.fp : footprint(m, p, pending);
      if (depth + 1 >= stack.length) {
        // Sleep set of the next state: sleepers and explored siblings independent of this step.
        const ns = new Set<number>();
        for (const q of st.sleep) if (q !== p && sleeps(m, q, fp)) ns.add(q);
        for (const q of st.done) if (q !== p && sleeps(m, q, fp)) ns.add(q);
        nextSleep = ns;
      }
      const heldBefore = fp.lock !== 0 && m.locks.holding(p, fp.lock) !== undefined;
      m.step(p);
      steps++;
      const ev: Ev = reuse ? st.ev! : { tid: p, fp, ti: perThread[p], took: fp.lock !== 0 && !heldBefore && m.locks.holding(p, fp.lock) !== undefined };
      perThread[p]++;
      evs.push(ev);
      let vc: Int32Array;
      if (reuse && st.vc !== undefined) vc = st.vc;
      else {
        const prev = lastOf[p];
        vc = prev >= 0 ? new Int32Array(stack[prev].vc!) : new Int32Array(n);
        preds.length = 0;
        tables.preds(fp, preds);
        for (const i of preds) { const v = stack[i].vc!; for (let t = 0; t < n; t++) if (v[t] > vc[t]) vc[t] = v[t]; }
        vc[p] = ev.ti + 1;
        st.ev = ev; st.vc = vc;
        // race analysis for this new step
        cands.clear();
        tables.candidates(fp, p, evs, cands);
        if (cands.size > 0) races(stack, evs, depth, prev, cands);
      }
      tables.add(fp, p, depth);
      lastOf[p] = depth;
      last = p;
    }
    executions++;
    if (wasBlocked) blocked++;
    o.onExecution?.(evs, n, wasBlocked);
    const failure = m.primaryFailure();
    if (failure !== undefined) {
      bugs++;
      o.onFailure?.(failure.kind);
      if (bug === undefined) bug = { failure, schedule: evs.map((e) => e.tid), atMs: now() - t0 };
      if (o.stopOnBug ?? true) return { complete: false, reason: 'bug found', executions, blocked, steps, bug, bugs };
    }
    // Backtrack: the deepest state with an unexplored, awake thread in its backtrack set.
    let resumed = false;
    while (stack.length > 0) {
      const st = stack[stack.length - 1];
      st.done.add(st.chosen);
      const next = [...st.backtrack].find((t) => !st.done.has(t) && !st.sleep.has(t));
      if (next !== undefined) { st.chosen = next; st.ev = undefined; st.vc = undefined; resumed = true; break; }
      stack.pop();
    }
    if (!resumed) return { complete: true, executions, blocked, steps, bug, bugs };
    branch = stack.length - 1;
  }
}

function sleeps(m: Machine, q: number, fp: Footprint): boolean {
  const t = m.threads[q];
  if (t.done || t.pending === null) return false;
  return !dependent(footprint(m, q, t.pending), fp);
}

/** Does event i happen before event j (or is it j)? */
function before(stack: readonly State[], evs: readonly Ev[], i: number, j: number): boolean {
  return stack[j].vc![evs[i].tid] > evs[i].ti;
}

function races(stack: State[], evs: readonly Ev[], j: number, prevJ: number, cands: ReadonlySet<number>): void {
  const ej = evs[j];
  for (const i of cands) {
    if (prevJ >= 0 && before(stack, evs, i, prevJ)) continue;
    let covered = false;
    for (const k of cands) if (k > i && before(stack, evs, i, k)) { covered = true; break; }
    if (covered) continue;
    const ei = evs[i];
    addBacktrack(stack, evs, i, j);
    if (ej.fp.acquire && ei.fp.release && ei.fp.lock === ej.fp.lock && ej.fp.lock !== 0) {
      // j waited for this release: also race it with the acquire that the release ended (by
      // any thread: a bad unlock may release someone else's lock), so the other lock order
      // is explored from before that acquire.
      for (let k = i - 1; k >= 0; k--) {
        if (evs[k].fp.lock === ej.fp.lock && evs[k].took === true) { if (evs[k].tid !== ej.tid) addBacktrack(stack, evs, k, j); break; }
      }
    }
  }
}

function addBacktrack(stack: State[], evs: readonly Ev[], i: number, j: number): void {
  const st = stack[i];
  const initials: number[] = [];
  const v: number[] = [];
  for (let k = i + 1; k < j; k++) if (!before(stack, evs, i, k)) v.push(k);
  v.push(j);
  const seen = new Set<number>();
  for (let x = 0; x < v.length; x++) {
    const e = v[x];
    const t = evs[e].tid;
    if (seen.has(t)) continue;
    seen.add(t);
    let initial = true;
    for (let y = 0; y < x && initial; y++) if (before(stack, evs, v[y], e)) initial = false;
    if (initial) initials.push(t);
  }
  // An initial's first step in v is its thread's next step at state i. If it is blocked there,
  // nothing in v can unblock it first (that would be an earlier, dependent event in v, so it
  // would not be initial): such a reversal is infeasible. If no initial can run, the race
  // cannot be reversed at i (e.g. an acquire after the release it waited for).
  const runnable = initials.filter((t) => st.enabled.includes(t));
  if (runnable.length === 0 || runnable.some((t) => st.backtrack.has(t))) return;
  st.backtrack.add(runnable[0]);
}
