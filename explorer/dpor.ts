// Exhaustive search with source-set DPOR and sleep sets (Abdulla, Aronis, Jonsson, Sagonas,
// POPL 2014). Happens-before is kept with vector clocks and per-resource access tables (last
// write, last read per thread since), so each new step finds its race candidates in
// O(footprint × threads). A new execution shares the previous one's prefix up to its branch
// point (about four steps in five): the prefix's events, clocks (one buffer, a row per depth)
// and table entries stand, and the tables are rolled back to the branch point through an undo
// log rather than rebuilt.
// The machine is not built again either (option `restore`, the default): its journal takes it
// back to the branch point, and only the threads that ran after that point are rebuilt.
// With `memo` (the default) a thread is put back at its state then, a node of the machine's
// memo (Machine.startMemo: a tree per thread of the answers it had), and a later step answered
// as before moves it on from the memo, without resuming its generator; a generator is resumed,
// or started over and fed, only when a thread gets an answer it never had. A thread's states
// are few (182 on the seed with Hugh's fix, for 3644 steps performed), so most generators run
// once. Without `memo` each rebuilt thread is a fresh generator fed the answers its steps had,
// without the machine performing them. Either way a thread spawned from a function is started
// over by calling it again; any other takes its generator from a new build of the scenario.
// Threads that finished before the branch point, or waited, are left as they are. Without
// `restore` every execution re-runs its prefix on a fresh machine.
// Blocking: a waiting thread is not enabled. A race whose reversal is infeasible adds nothing:
// a spin_lock after its lock's release by the only holder is not raced with it (races), nor
// is anything added when the reversal's initial steps cannot run at the backtrack point (an
// acquire after the release it waited for, an RCU callback after the read-side exit that let
// it run); a lock acquire is also raced against the acquire that the release it waited for
// ended, so both lock orders are explored. When an execution ends with threads waiting (no
// thread can run, or those that can are asleep), each waiting step is raced as if it ran
// next. Nor does a race whose reversal can start with a thread in the backtrack point's sleep
// set add anything (addBacktrack): its executions were explored from an earlier state.
// Observed pairs (dependence.ts): two frees on one cache, and a type-safe free with a reader's
// rcu_read_lock, are ordered only when a later step observes their order (a pop; the reader's
// access to the slot). Such a step races the pair, if unordered, and adds the edge late: the
// rows it changes are saved and restored on backtracking, and every race already found whose
// later end is at or after the pair's is computed again with the new edge (after Aronis,
// Jonsson, Lång, Sagonas, "Optimal dynamic partial order reduction with observers", TACAS
// 2018). Sleep sets keep such pairs dependent. A candidate is raced even when it happens
// before another candidate, since that order may rest on an observation a reversal removes.
// Must never: know of scenarios, exercises or output.
import type { Machine, MachineOptions, MemoNode } from '../sim/machine';
import type { Op } from '../sim/op';
import type { Failure } from '../sim/failure';
import { allocKey, footprint, footprintDeps, footprintIsStable, footprintKey, Footprint, isPopKey, NONE, resourceMask, sleepDependent } from './dependence';
import { Ev, FreeStacks, LiveAccesses, slabBefore, slabSlot } from './hb';
import type { Factory } from './run';
import { builder, keep, rebuild, MAX_THREADS, NondeterministicReplay } from './restore';
export { NondeterministicReplay } from './restore';

/** Thread sets are bit masks (at most MAX_THREADS threads). `order[0 .. norder)` keeps the
 *  backtrack set's insertion order, so the search visits alternatives in the order the races
 *  asked for them. */
interface State {
  enabled: number;
  backtrack: number;
  readonly order: number[];
  norder: number;
  done: number;
  sleep: number;
  chosen: number;
}

/** The search's stack of states, one per depth: [0, top). A state popped on backtracking is
 *  kept and reused by the next execution that reaches its depth (a new state per step was
 *  measured at a tenth of the search loop's own time, and its garbage). */
class Stack {
  private readonly pool: State[] = [];
  top = 0;
  at(d: number): State { return this.pool[d]; }
  /** A new state on top: `p` chosen, the only thread in its backtrack set so far. */
  push(enabled: number, p: number, sleep: number): State {
    let st = this.pool[this.top];
    if (st === undefined) {
      st = { enabled, backtrack: 1 << p, order: [p], norder: 1, done: 0, sleep, chosen: p };
      this.pool.push(st);
    } else {
      st.enabled = enabled; st.backtrack = 1 << p; st.order[0] = p; st.norder = 1; st.done = 0; st.sleep = sleep; st.chosen = p;
    }
    this.top++;
    return st;
  }
}

/** Clocks.obs bits: replaying the event must update FreeStacks, LiveAccesses. */
const OBS_FREES = 1, OBS_LIVE = 2;

export interface DporOptions {
  readonly maxExecutions?: number;
  readonly maxMs?: number;
  readonly maxSteps?: number;
  /** Stop at the first failing execution (grading) or go on counting (bench). */
  readonly stopOnBug?: boolean;
  readonly now?: () => number;
  /** Called after each execution with its events (tests, the bench's class counting): read
   *  them during the call, not later (the search reuses the objects). */
  readonly onExecution?: (evs: readonly Ev[], nThreads: number, sleepBlocked: boolean, clock: ClockOf) => void;
  /** Which awake thread a new state tries first: 'low' (default: stay with the last thread,
   *  else the lowest id) or 'high' (the highest id). Tests use both: the classes found must not
   *  depend on it. */
  readonly order?: 'low' | 'high';
  /** Called for every failing execution with its leading failure's kind and all its failures'
   *  kinds. (Which one leads may differ between executions of one class, when two failures
   *  are independent; the set of kinds may not.) */
  readonly onFailure?: (kind: string, all: readonly string[]) => void;
  /** Take the machine back to each branch point and rebuild only the threads that ran after
   *  it (default), or re-run every prefix on a fresh machine (false; tests compare the two). */
  readonly restore?: boolean;
  /** With `restore`, keep each thread's states in the machine's memo (Machine.startMemo): a
   *  thread put back at a branch point, or answered as before, resumes no generator (default;
   *  false: every rebuilt thread is fed its answers, as tests compare). */
  readonly memo?: boolean;
  /** Called once per execution (the grader's sandbox: a sign of life; with `restore`, the
   *  factory may be called only once). */
  readonly heartbeat?: () => void;
}

/** Event j's vector clock entry for thread t, as the search computed it (tests compare it with
 *  hb.ts). Valid only during the onExecution call. */
export type ClockOf = (j: number, t: number) => number;

export interface DporResult {
  readonly complete: boolean;
  readonly reason?: string;
  readonly executions: number;
  readonly blocked: number;
  /** Steps of the executions explored, each counted once per execution, restored or not. */
  readonly steps: number;
  /** Of those, the steps the machine performed (the rest were restored: see `restore`). */
  readonly performed: number;
  /** Answers fed to threads started over (see `restore` and `memo`): each resumes a generator
   *  without a step. */
  readonly fed: number;
  readonly bug?: { readonly failure: Failure; readonly schedule: number[]; readonly atMs: number };
  readonly bugs: number;
  /** Stopped by maxMs: a limit of the machine's speed, not of the search. */
  readonly timedOut: boolean;
}

/** Per-resource access tables: the last write, and the last read of each thread since it.
 *  They persist across executions: every change is logged, and the next execution rolls them
 *  back to its branch point, so the replayed prefix is never re-entered. A resource is a slot
 *  number, its entries in flat arrays of small integers (measured against an object and a
 *  reads array per resource, allocated at its first step: the searches took 2–5% less). */
class Tables {
  /** Slot number by resource key. */
  private readonly ids = new Map<number, number>();
  /** Per slot s: its last write (-1: none); how many threads read it since; and per thread t,
   *  reads[s * n + t], t's last read since the write (-1: none). */
  private readonly write: number[] = [];
  private readonly nreads: number[] = [];
  private readonly reads: number[] = [];
  private readonly logSlot: number[] = [];
  /** Per log entry: the thread whose read was changed, or -1 for the write. */
  private readonly logT: number[] = [];
  private readonly logOld: number[] = [];
  /** Log length before event `depth` was added. */
  private readonly marks: number[] = [];
  /** The log is [0, len) and marks [0, events): rolling back lowers the counts and leaves the
   *  arrays (setting an array's length is a call into V8's runtime). */
  private len = 0;
  private events = 0;
  constructor(private readonly n: number) {}
  /** Undo every event from `depth` on. */
  rollback(depth: number): void {
    if (depth > this.events) throw new Error(`tables: rollback to depth ${depth}, but only ${this.events} events were added`);
    const to = depth < this.events ? this.marks[depth] : this.len;
    const R = this.reads, NR = this.nreads, n = this.n;
    for (let i = this.len - 1; i >= to; i--) {
      const s = this.logSlot[i], t = this.logT[i], old = this.logOld[i];
      if (t < 0) this.write[s] = old;
      else {
        const x = s * n + t;
        if (R[x] < 0 && old >= 0) NR[s]++;
        else if (R[x] >= 0 && old < 0) NR[s]--;
        R[x] = old;
      }
    }
    this.len = to;
    if (depth < this.events) this.events = depth;
  }
  private touch(k: number): number {
    let s = this.ids.get(k);
    if (s === undefined) {
      s = this.write.length;
      this.ids.set(k, s);
      this.write.push(-1); this.nreads.push(0);
      for (let t = 0; t < this.n; t++) this.reads.push(-1);
    }
    return s;
  }
  // The current step's resources, looked up once for joinPreds and add: reads in
  // cur[0 .. nr), writes in cur[nr .. nr + nw), with pop[] marking free-list keys (null: none).
  private cur: number[] = [];
  private pop: boolean[] | null = null;
  private nr = 0;
  private nw = 0;
  /** Look up the resources of `e`, the step the next calls are about (once per entry). */
  prepare(e: Entry): void {
    const fp = e.fp, r = fp.r, w = fp.w;
    if (e.slots === null) {
      const cur: number[] = [];
      let pop: boolean[] | null = null;
      for (let x = 0; x < r.length; x++) cur.push(this.touch(r[x]));
      for (let x = 0; x < w.length; x++) {
        cur.push(this.touch(w[x]));
        if (isPopKey(w[x])) { pop ??= new Array<boolean>(r.length + w.length).fill(false); pop[r.length + x] = true; }
      }
      e.slots = cur; e.pop = pop;
    }
    this.cur = e.slots; this.pop = e.pop;
    this.nr = r.length;
    this.nw = w.length;
  }
  /** For the prepared step, event `j` of thread `tid`, in one pass over its resources: row `j`
   *  of the clocks joined with every earlier event (any thread) it depends on (one that already
   *  happens before j adds nothing), and those of other threads, newest per resource, each
   *  once, into `out.xs[0 .. out.n)`, its race candidates (a few entries, reused: no Set to
   *  clear and no array to shrink). */
  joinPreds(clk: Clocks, j: number, tid: number, out: Cands): void {
    out.n = 0;
    const cur = this.cur, nr = this.nr, end = nr + this.nw, tids = clk.tid, n = this.n, R = this.reads;
    for (let x = 0; x < end; x++) {
      const s = cur[x], w = this.write[s];
      if (w >= 0) {
        if (!clk.before(w, j)) clk.join(j, w);
        if (tids[w] !== tid) out.add(w);
      }
      if (x < nr || this.nreads[s] === 0) continue;
      // an allocation races with the free it pops (through the slot) and with earlier
      // allocations, not with the frees below (FreeStacks orders those)
      const cand = this.pop === null || !this.pop[x];
      for (let t = 0, b = s * n; t < n; t++) {
        const i = R[b + t];
        if (i < 0) continue;
        if (!clk.before(i, j)) clk.join(j, i);
        if (cand && t !== tid) out.add(i);
      }
    }
  }
  /** Add the prepared step as event `j` (the next depth) of thread `tid`. */
  add(tid: number, j: number): void {
    this.marks[j] = this.len;
    this.events = j + 1;
    const cur = this.cur, nr = this.nr, end = nr + this.nw, n = this.n, R = this.reads, NR = this.nreads;
    for (let x = 0; x < nr; x++) {
      const s = cur[x], o = s * n + tid, old = R[o];
      this.log(s, tid, old);
      if (old < 0) NR[s]++;
      R[o] = j;
    }
    for (let x = nr; x < end; x++) {
      const s = cur[x];
      this.log(s, -1, this.write[s]);
      this.write[s] = j;
      if (NR[s] > 0) {
        for (let t = 0, b = s * n; t < n; t++) if (R[b + t] >= 0) { this.log(s, t, R[b + t]); R[b + t] = -1; }
        NR[s] = 0;
      }
    }
  }
  private log(s: number, t: number, old: number): void { const i = this.len++; this.logSlot[i] = s; this.logT[i] = t; this.logOld[i] = old; }
}

/** Vector clocks of the current execution's events, one row of n per depth in one buffer: a
 *  new execution overwrites rows from its branch point on and keeps the prefix's. */
class Clocks {
  /** Plain arrays of small integers, not typed arrays: each typed array is an ArrayBuffer the
   *  engine allocates outside its heap (measured: the five of them were a quarter of a small
   *  search's time), and reading either costs the same. */
  /** (Each starts empty and grows in start(): filling them ahead was 2% of a small search.) */
  readonly buf: number[] = [];
  /** Per event (depth): its thread, its index within the thread, and whether replaying it must
   *  update FreeStacks (1) or LiveAccesses (2). Arrays mirror the Ev objects the hot loops
   *  would otherwise chase pointers through. */
  readonly tid: number[] = [];
  readonly ti: number[] = [];
  readonly obs: number[] = [];
  /** Per event: its thread's previous event, or -1. */
  readonly prev: number[] = [];
  constructor(private readonly n: number) {}
  /** Event `d` is thread `tid`'s `ti`-th step; its row = row `from` (or zeros), growing the
   *  arrays when needed. */
  start(d: number, from: number, tid: number, ti: number, obs: number): void {
    const n = this.n;
    while (d >= this.tid.length) {
      this.tid.push(0); this.ti.push(0); this.obs.push(0); this.prev.push(0);
      for (let t = 0; t < n; t++) this.buf.push(0);
    }
    this.tid[d] = tid; this.ti[d] = ti; this.obs[d] = obs; this.prev[d] = from;
    // (a loop: for a row of a few threads, cheaper than copyWithin's call)
    const b = this.buf, o = d * n;
    if (from >= 0) { const q = from * n; for (let t = 0; t < n; t++) b[o + t] = b[q + t]; } else for (let t = 0; t < n; t++) b[o + t] = 0;
  }
  /** Row d := max(row d, row i). */
  join(d: number, i: number): void {
    const b = this.buf, n = this.n, o = d * n, q = i * n;
    for (let t = 0; t < n; t++) if (b[q + t] > b[o + t]) b[o + t] = b[q + t];
  }
  /** Does event i happen before event j (or is it j)? */
  before(i: number, j: number): boolean { return this.buf[j * this.n + this.tid[i]] > this.ti[i]; }
  // Edges found late: observer j orders a before b (a, b < j), so b and every event up to j
  // that b happens before also follow a. Each changed row is saved, and restored when a new
  // execution branches at or before its observer.
  private readonly logBy: number[] = [];
  private readonly logRow: number[] = [];
  private readonly logOld: number[][] = [];
  retro(a: number, b: number, j: number): void {
    const n = this.n;
    for (let r = b; r <= j; r++) {
      if (r !== b && !this.before(b, r)) continue;
      this.logBy.push(j); this.logRow.push(r); this.logOld.push(this.buf.slice(r * n, r * n + n));
      this.join(r, a);
    }
  }
  /** Undo the late edges of observers at depth `branch` or later. */
  undo(branch: number): void {
    for (let i = this.logBy.length - 1; i >= 0 && this.logBy[i] >= branch; i--) {
      const old = this.logOld[i], o = this.logRow[i] * this.n;
      for (let t = 0; t < this.n; t++) this.buf[o + t] = old[t];
      this.logBy.pop(); this.logRow.pop(); this.logOld.pop();
    }
  }
}

/** Every race of the current execution (i, j) handed to addBacktrack, so that a late edge can
 *  have the ones it may affect (j at or after its later end) computed again. Truncated to the
 *  branch point like the tables. */
class RaceLog {
  /** The races are [0, n) of these (counts, not truncated arrays, as in Tables). */
  readonly is: number[] = [];
  readonly js: number[] = [];
  n = 0;
  private readonly marks: number[] = [];
  private steps = 0;
  add(i: number, j: number): void { const x = this.n++; this.is[x] = i; this.js[x] = j; }
  /** Before the races found at step `depth`. */
  mark(depth: number): void { this.marks[depth] = this.n; this.steps = depth + 1; }
  rollback(depth: number): void {
    if (depth < this.steps) { this.n = this.marks[depth]; this.steps = depth; }
  }
}

/** Footprints of pending ops (as entries), per thread, while the op stays pending, and kept in
 *  the op's memo node (Machine.startMemo) for the next time the thread waits on it. One that
 *  depends on the machine's state (see footprintIsStable) is kept only while what it depends on
 *  stays the same (footprintDeps). */
class FootprintCache {
  /** Per thread, the op of its last footprint and the footprint, and for an op that is not
   *  stable what that footprint depended on (footprintDeps; STABLE for a stable op): while
   *  those stay the same, so does it. A given op object is stable or not for good (only the
   *  thread's own steps change its RCU state, and a memo node's op comes back only with the
   *  thread in the same state). */
  private readonly ops: (Op | null)[] = [];
  private readonly fps: Entry[] = [];
  private readonly depA: unknown[] = [];
  private readonly depB: number[] = [];
  private readonly deps = { a: undefined as unknown, b: 0 };
  /** Footprints that depend on the op's kind and address alone (footprintKey), by key. */
  private readonly byKey = new Map<number, Entry>();
  /** Allocations' footprints, by allocKey. */
  private readonly byAlloc = new Map<number, Entry>();
  of(m: Machine, q: number, o: Op): Entry {
    if (!footprintIsStable(m, q, o)) {
      const d = this.deps;
      footprintDeps(m, q, o, d);
      if (this.ops[q] === o && this.depA[q] === d.a && this.depB[q] === d.b) return this.fps[q];
      // an allocation's footprint is shared by every thread that allocates from the cache at
      // that top (measured: slab-reuse-2's search took 9% less, seed/rc2's 5%)
      const ak = allocKey(o, d);
      let f = ak >= 0 ? this.byAlloc.get(ak) : undefined;
      if (f === undefined) {
        f = new Entry(footprint(m, q, o));
        if (ak >= 0) this.byAlloc.set(ak, f);
      }
      this.ops[q] = o; this.fps[q] = f; this.depA[q] = d.a; this.depB[q] = d.b;
      return f;
    }
    if (this.ops[q] === o && this.depA[q] === STABLE) return this.fps[q]; // (not one the op had in another state)
    const nd = m.memoNode(q);
    let f: Entry | undefined;
    if (nd !== null && nd.op === o && nd.aux !== undefined) f = nd.aux as Entry;
    else {
      const key = footprintKey(m, q, o);
      f = key >= 0 ? this.byKey.get(key) : undefined;
      if (f === undefined) {
        f = new Entry(footprint(m, q, o));
        if (key >= 0) this.byKey.set(key, f);
      }
      if (nd !== null && nd.op === o) nd.aux = f;
    }
    this.ops[q] = o; this.fps[q] = f; this.depA[q] = STABLE;
    return f;
  }
}
/** FootprintCache's deps of a stable op's footprint: equal to no footprintDeps result. */
const STABLE: unknown = Symbol('stable');

/** A footprint as this search uses it, with its resources' access-table slots, looked up once
 *  rather than at every step (Tables.prepare: the lookups, doubled, added 8% to seed/hugh's
 *  search; kept here, the search took 1–6% less on the seed and the synthetics). An entry lives
 *  as long as its search (FootprintCache), as the tables do. */
class Entry {
  /** The slots of fp.r, then of fp.w, in Tables (null: not looked up yet). */
  slots: number[] | null = null;
  /** Per slot: is it a free list's pop resource (isPopKey)? (null: none is) */
  pop: boolean[] | null = null;
  /** The resources written (wm) and touched (am), as dependence.ts resourceMask: two steps with
   *  no common bit in wm of one and am of the other are independent. */
  readonly wm: number;
  readonly am: number;
  /** The footprint is in a pair that sleep sets keep dependent although it shares no resource
   *  (sleepDependent: a free, an rcu_read_lock, a type-safe free). */
  readonly observed: boolean;
  constructor(readonly fp: Footprint) {
    this.wm = resourceMask(fp.w); this.am = this.wm | resourceMask(fp.r);
    this.observed = fp.fl > 0 || fp.sk !== 0;
  }
}

/** An event of the current execution, one object per depth, reused by every execution that
 *  reaches the depth (a new object per step was garbage at every step): so an event may be
 *  read only during the execution, as onExecution says. */
class Event implements Ev {
  tid = 0;
  fp: Footprint = NONE;
  ti = 0;
  took: boolean | undefined = undefined;
  slot: number | undefined = undefined;
  /** A spin_lock (enabled only while its lock is free: no atomic-context exception). */
  spin = false;
  /** A release by its lock's only holder: no spin_lock of that lock by another thread can run
   *  at the state before it (races). */
  sole = false;
}
function eventAt(evs: Event[], d: number): Event {
  let e = evs[d];
  if (e === undefined) { e = new Event(); evs[d] = e; }
  return e;
}

/** A small set of event indices, in insertion order, reused step after step. */
class Cands {
  readonly xs: number[] = [];
  n = 0;
  add(x: number): void {
    for (let i = 0; i < this.n; i++) if (this.xs[i] === x) return;
    this.xs[this.n++] = x;
  }
}

function lowest(mask: number): number { return 31 - Math.clz32(mask & -mask); }
function highest(mask: number): number { return 31 - Math.clz32(mask); }

export function dpor(factory: Factory, o: DporOptions = {}): DporResult {
  const now = o.now ?? Date.now;
  const t0 = now();
  // the options read in the loop, read once (callers pass objects of many shapes)
  const { maxExecutions, maxMs, heartbeat, onExecution, onFailure } = o;
  const stopOnBug = o.stopOnBug ?? true, high = o.order === 'high';
  const mopts: MachineOptions = { maxSteps: o.maxSteps, haltOnFailure: stopOnBug };
  const stack = new Stack();
  let tables: Tables | undefined;
  let clocks: Clocks | undefined;
  let executions = 0, blocked = 0, steps = 0, performed = 0, bugs = 0;
  const restore = o.restore ?? true;
  const memo = restore && (o.memo ?? true);
  /** The machine kept from one execution to the next (restore), and per depth the op its
   *  step performed and the answer its thread got: what a rebuilt thread is fed. */
  let kept: Machine | undefined;
  const opAt: Op[] = [];
  const answerAt: unknown[] = [];
  /** Per depth, the memo node its step's thread was at before it (null: none). */
  const nodeAt: (MemoNode | null)[] = [];
  let prevLen = 0; // steps the previous execution performed
  let setupRan = 0; // threads that ran steps in the scenario's build: remade, they would lack them
  /** Each thread's steps so far, and its last event (-1: none), kept across executions. */
  let perThread: number[] | undefined, lastOf: number[] | undefined;
  /** The current execution's events that FreeStacks or LiveAccesses observe, in order. */
  const obsAt: number[] = [];
  let bug: DporResult['bug'];
  let branch = 0; // depth of the newest choice: events before it are the previous execution's
  /** The current execution's events: [0, depth) (entries past it are stale: a new execution
   *  overwrites them from its branch point, and nothing reads past depth). */
  const evs: Event[] = [];
  const cands = new Cands();
  const frees = new FreeStacks();
  const live = new LiveAccesses();
  const log = new RaceLog();
  const fps = new FootprintCache(); // keyed by op object: a new machine's ops never hit an old entry
  const race = (i: number, j: number): void => { log.add(i, j); addBacktrack(stack, clocks!, i, j); };
  /** Step j observed that a precedes b: if they were unordered, race them (the reversal is
   *  computed before the edge exists, so it is not logged), order them, and compute again the
   *  races the new edge may change. */
  const observe = (a: number, b: number, j: number): void => {
    const clk = clocks!;
    if (clk.tid[a] === clk.tid[b] || clk.before(a, b)) return;
    addBacktrack(stack, clk, a, b);
    clk.retro(a, b, j);
    for (let x = 0; x < log.n; x++) if (log.js[x] >= b) addBacktrack(stack, clk, log.is[x], log.js[x]);
  };
  const result = (complete: boolean, reason?: string, timedOut = false): DporResult => {
    const r: { -readonly [K in keyof DporResult]: DporResult[K] } = { complete, executions, blocked, steps, performed, fed: kept?.fed ?? 0, bug, bugs, timedOut };
    if (reason !== undefined) r.reason = reason;
    return r;
  };
  let nThreads = -1;
  /** A new build of the scenario (its thread count checked against the first's). */
  const build = builder(factory, mopts, (b) => {
    const n = b.threads.length;
    if (n > MAX_THREADS) throw new Error(`DPOR handles at most ${MAX_THREADS} threads; this scenario has ${n}`);
    nThreads = n;
    tables = new Tables(n);
    clocks = new Clocks(n);
  });
  for (;;) {
    if (maxExecutions !== undefined && executions >= maxExecutions) return result(false, `${maxExecutions} executions`);
    // the clock is read at every 8th execution: a read cost 2% of a small search, and 8
    // executions of at most maxSteps steps per thread take milliseconds
    if (maxMs !== undefined && (executions & 7) === 0 && now() - t0 > maxMs) return result(false, `${maxMs} ms`, true);
    heartbeat?.();
    const restored = kept !== undefined;
    let m: Machine;
    if (kept !== undefined) {
      m = kept;
      m.rewind(branch);
      rebuild(m, build, setupRan, clocks!.tid, branch, prevLen, opAt, answerAt, nodeAt);
    } else {
      m = build();
      if (restore) { kept = m; setupRan = keep(m, build, memo); }
    }
    // counting on past the first bug: a later failure's report is never read (Machine.brief)
    if (bug !== undefined) m.brief = true;
    const n = nThreads;
    const tab = tables!, clk = clocks!;
    tab.rollback(branch);
    clk.undo(branch);
    log.rollback(branch);
    frees.reset();
    live.reset();
    while (obsAt.length > 0 && obsAt[obsAt.length - 1] >= branch) obsAt.pop();
    if (perThread === undefined || lastOf === undefined) { perThread = new Array<number>(n).fill(0); lastOf = new Array<number>(n).fill(-1); }
    let nextSleep = 0;
    let last = -1, wasBlocked = false, stuck = false;
    let depth = 0;
    if (restored) {
      // The restored prefix's bookkeeping: each thread's step count and last event are taken
      // back from where the last execution stopped; the free lists' and type-safe slots'
      // observers replay the prefix's few events that concern them.
      for (let d = prevLen - 1; d >= branch; d--) { const p = clk.tid[d]; perThread[p]--; lastOf[p] = clk.prev[d]; }
      for (const d of obsAt) {
        const obs = clk.obs[d];
        if ((obs & OBS_FREES) !== 0) frees.step(evs, d);
        if ((obs & OBS_LIVE) !== 0) live.step(evs, d);
      }
      depth = branch;
      last = branch > 0 ? clk.tid[branch - 1] : -1;
      steps += branch;
    } else { perThread.fill(0); lastOf.fill(-1); }
    for (; !m.halted; depth++) {
      let st: State;
      if (depth >= stack.top) {
        let en = 0;
        for (let t = 0; t < n; t++) if (m.isEnabled(t)) en |= 1 << t;
        if (en === 0) { m.checkEnd(); stuck = true; break; }
        const awake = en & ~nextSleep;
        if (awake === 0) { wasBlocked = true; break; }
        const p = high ? highest(awake) : last >= 0 && (awake & (1 << last)) !== 0 ? last : lowest(awake);
        st = stack.push(en, p, nextSleep);
      } else st = stack.at(depth);
      const p = st.chosen;
      const pending = m.threads[p].pending;
      if (depth <= branch && (pending === null || !m.isEnabled(p))) throw new NondeterministicReplay(`replaying step ${depth}: thread ${p} cannot run as it did before`);
      if (depth < branch) {
        // The previous execution's prefix: its event, clock and table entries stand.
        if (clk.tid[depth] !== p) throw new NondeterministicReplay(`replaying step ${depth}: no event recorded`);
        m.step(p);
        steps++; performed++;
        const obs = clk.obs[depth];
        if ((obs & OBS_FREES) !== 0) frees.step(evs, depth);
        if ((obs & OBS_LIVE) !== 0) live.step(evs, depth);
        perThread[p]++;
        lastOf[p] = depth;
        last = p;
        continue;
      }
      const fe = fps.of(m, p, pending!), fp = fe.fp;
      // Sleep set of the next state: sleepers and explored siblings independent of this step.
      let ns = 0;
      const sl = (st.sleep | st.done) & ~(1 << p);
      for (let b = sl; b !== 0; b &= b - 1) { const q = lowest(b); if (sleeps(m, fps, q, fe)) ns |= 1 << q; }
      nextSleep = ns;
      const heldBefore = fp.lock !== 0 && m.locks.holding(p, fp.lock) !== undefined;
      const sole = heldBefore && fp.release && m.locks.soleHolder(fp.lock, p);
      if (memo) nodeAt[depth] = m.memoNode(p);
      const fl = slabBefore(m, fp);
      const flLen = fl === undefined ? 0 : fl.length, flTop = fl !== undefined && flLen > 0 ? fl[flLen - 1] : -1;
      m.step(p);
      steps++; performed++;
      opAt[depth] = pending!;
      answerAt[depth] = m.lastAnswer;
      const ev = eventAt(evs, depth);
      ev.tid = p; ev.fp = fp; ev.ti = perThread[p]; ev.took = fp.lock !== 0 && !heldBefore && m.locks.holding(p, fp.lock) !== undefined;
      ev.spin = pending!.k === 'spin_lock'; ev.sole = sole;
      ev.slot = fl === undefined ? undefined : slabSlot(fp, fl, flLen, flTop);
      perThread[p]++;
      const prev = lastOf[p];
      const obs = (fp.fl !== 0 ? OBS_FREES : 0) | (fp.ts >= 0 ? OBS_LIVE : 0);
      clk.start(depth, prev, p, ev.ti, obs);
      if (obs !== 0) obsAt.push(depth);
      tab.prepare(fe);
      tab.joinPreds(clk, depth, p, cands);
      log.mark(depth);
      if (fp.ts >= 0) {
        // a type-safe free follows the sections of readers that touched the slot while live
        const ls = live.step(evs, depth);
        if (ls !== undefined) {
          for (const l of ls) if (clk.tid[l] !== p && !clk.before(l, depth)) race(l, depth);
          for (const l of ls) clk.join(depth, l);
        }
      }
      clk.buf[depth * n + p] = ev.ti + 1;
      // orders this step observes (dependence.ts): a pop, the frees below the one it took; an
      // access to a freed type-safe slot, its section's start and the free
      if (fp.fl !== 0) {
        const below = frees.step(evs, depth);
        if (below !== undefined) { const top = frees.popped(); for (let x = below.length - 1; x >= 0; x--) observe(below[x], top, depth); }
      }
      const ob = fp.ob;
      if (ob !== null && ob[1] < depth) observe(ob[0], ob[1], depth);
      // race analysis for this new step (its candidates found by joinPreds)
      if (cands.n > 0) races(clk, evs, depth, prev, cands, race);
      tab.add(p, depth);
      lastOf[p] = depth;
      last = p;
    }
    // No thread can run, yet some wait (a hang, or a lock whose holder died), or every thread
    // that can run is asleep while some wait: each waiting step is raced as if it ran next, so
    // the orders where it ran first are explored too. (An execution blocked by sleep sets
    // explores nothing after it, so those orders may be found nowhere else: a thread that
    // returned holding the lock another one waits for, say.)
    if ((stuck || wasBlocked) && depth >= branch) {
      for (let t = 0; t < n; t++) {
        const pending = m.threads[t].pending;
        if (m.threads[t].done || pending === null || (wasBlocked && m.isEnabled(t))) continue;
        const fp = footprint(m, t, pending);
        const ev = eventAt(evs, depth);
        ev.tid = t; ev.fp = fp; ev.ti = perThread[t]; ev.took = undefined; ev.slot = undefined; ev.spin = pending.k === 'spin_lock'; ev.sole = false;
        clk.start(depth, lastOf[t], t, perThread[t], 0);
        tab.prepare(new Entry(fp));
        tab.joinPreds(clk, depth, t, cands);
        clk.buf[depth * n + t] = perThread[t] + 1;
        if (cands.n > 0) races(clk, evs, depth, lastOf[t], cands, race);
      }
    }
    // Only a scenario that behaves differently on a replay can stop inside the replayed prefix.
    if (depth < branch) throw new NondeterministicReplay(`replaying step ${depth}: the machine stopped where it ran on before`);
    prevLen = depth;
    executions++;
    if (wasBlocked) blocked++;
    onExecution?.(evs.slice(0, depth), n, wasBlocked, (j, t) => clk.buf[j * n + t]);
    const failure = m.primaryFailure();
    if (failure !== undefined) {
      bugs++;
      onFailure?.(failure.kind, m.failures.map((x) => x.kind));
      if (bug === undefined) bug = { failure, schedule: evs.slice(0, depth).map((e) => e.tid), atMs: now() - t0 };
      if (stopOnBug) return result(false, 'bug found');
    }
    // Backtrack: the deepest state with an unexplored, awake thread in its backtrack set.
    let resumed = false;
    while (stack.top > 0) {
      const st = stack.at(stack.top - 1);
      st.done |= 1 << st.chosen;
      const open = st.backtrack & ~st.done & ~st.sleep;
      if (open !== 0) {
        let x = 0;
        while ((open & (1 << st.order[x])) === 0) x++;
        st.chosen = st.order[x];
        resumed = true; break;
      }
      stack.top--;
    }
    if (!resumed) return result(true);
    branch = stack.top - 1;
  }
}

function sleeps(m: Machine, fps: FootprintCache, q: number, e: Entry): boolean {
  const t = m.threads[q];
  if (t.done || t.pending === null) return false;
  const eq = fps.of(m, q, t.pending);
  // most pairs share no resource: their resource masks say so without sleepDependent's loops
  if (((eq.wm & e.am) | (eq.am & e.wm)) === 0 && !eq.observed && !e.observed) return true;
  return !sleepDependent(eq.fp, e.fp);
}

function races(clk: Clocks, evs: readonly Event[], j: number, prevJ: number, cands: Cands, race: (i: number, j: number) => void): void {
  const ej = evs[j];
  for (let a = 0; a < cands.n; a++) {
    const i = cands.xs[a];
    // Every candidate not ordered before j's thread's previous step is raced, even one that
    // happens before another candidate: that order may come from an observation (an access
    // to a freed type-safe slot) that disappears once the other candidate is reversed.
    // The skip below needs no other reversal: i happens before j's previous step, so i and j
    // are never adjacent in an execution of this class, and they are not a race here. That
    // holds when the order rests on an observed pair too: the observer fixes the pair's order
    // for every execution of the class (the other order is another class, raced by
    // observe()), and edges found after j only add to the order, never remove from it.
    if (prevJ >= 0 && clk.before(i, prevJ)) continue;
    const ei = evs[i];
    const onLock = ej.fp.acquire && ej.fp.lock !== 0 && ei.fp.lock === ej.fp.lock;
    // A spin_lock after the release of its lock by the lock's only holder cannot run before
    // it: every step between them that touches the lock happens after the release (all steps
    // on one lock are dependent), so the lock stays held through any reversal's prefix. Raced
    // anyway, the reversal's initial led to executions that block at once (abba: 2 of 5).
    if (!(onLock && ei.fp.release && ej.spin && ei.sole)) race(i, j);
    if (onLock && ei.took !== true) {
      // j waited for the lock, and i is a step on it after the acquire that took it: the
      // release (by any thread: a bad unlock may release someone else's lock), or a failed
      // trylock while its holder, dead, never releases it (j waits for ever). Also race j
      // with that acquire, so that the other lock order is explored from before it.
      for (let k = i - 1; k >= 0; k--) {
        if (evs[k].fp.lock === ej.fp.lock && evs[k].took === true) { if (evs[k].tid !== ej.tid) race(k, j); break; }
      }
    }
  }
}

// Scratch for addBacktrack (never more entries than threads).
const FIRSTS: number[] = [];

function addBacktrack(stack: Stack, clk: Clocks, i: number, j: number): void {
  const st = stack.at(i);
  // v: the events after i that i does not happen before, then j. Only each thread's first
  // event in v can be an initial, and it is one when no earlier first event happens before it
  // (an earlier event of thread u in v that did would be preceded by u's first one in v).
  const firsts = FIRSTS;
  let nf = 0, found = 0;
  for (let k = i + 1; k < j; k++) {
    const bit = 1 << clk.tid[k];
    if ((found & bit) !== 0 || clk.before(i, k)) continue;
    found |= bit;
    firsts[nf++] = k;
  }
  if ((found & (1 << clk.tid[j])) === 0) firsts[nf++] = j;
  // An initial's first step in v is its thread's next step at state i. If it is blocked there,
  // nothing in v can unblock it first (that would be an earlier, dependent event in v, so it
  // would not be initial): such a reversal is infeasible. If no initial can run, the race
  // cannot be reversed at i (e.g. an acquire after the release it waited for). If one is
  // already in the backtrack set, nothing is added; else the first runnable one is.
  // Nor is anything added when a runnable initial is in the sleep set of state i: every
  // execution of v's class then starts, up to equivalence, with that thread's step, which the
  // sleep set says was explored from an earlier state (optimal DPOR's test, sleep ∩ WI(v) ≠ ∅,
  // Abdulla et al., JACM 2017, here for the initials of v: an initial of v is a weak initial of
  // every extension of it). Source-DPOR alone added another initial, whose executions the sleep
  // set could only cut short or repeat. (A sleeper with no step in v whose next step is
  // independent of all of v is a weak initial too; counting those lost a class on seed/rc2, so
  // they are not counted: this model's observed pairs and sleepDependent are not the theory's
  // plain dependence.)
  let pick = -1;
  for (let x = 0; x < nf; x++) {
    const e = firsts[x];
    let initial = true;
    for (let y = 0; y < x && initial; y++) if (clk.before(firsts[y], e)) initial = false;
    if (!initial) continue;
    const t = clk.tid[e];
    if ((st.enabled & (1 << t)) === 0) continue;
    if (((st.backtrack | st.sleep) & (1 << t)) !== 0) return;
    if (pick < 0) pick = t;
  }
  if (pick < 0) return;
  st.backtrack |= 1 << pick;
  st.order[st.norder++] = pick;
}
