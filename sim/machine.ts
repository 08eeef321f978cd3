// One execution of the kernel model: memory, slabs, RCU, locks and threads. The machine only
// steps: a driver (the explorer, a lesson demo, a human in `play`) picks which enabled thread
// runs next. Deterministic: no timers, no randomness, no real threads.
// Must never: choose a thread itself, read the environment, or import outside sim/.
import { Op, OpResult, ownOp, mayBlockSleeping } from './op';
import { Failure, FailureKind, isFatal, primary } from './failure';
import { StepEvent } from './events';
import { Memory } from './memory';
import { Locks } from './locks';
import { Rcu } from './rcu';
import { report } from './reports';
import { hex, lockFieldName } from './layout';
import { Journal } from './journal';

export interface ThreadState {
  readonly id: number;
  readonly name: string;
  gen: Generator<Op, unknown, any>;
  pending: Op | null;
  done: boolean;
  result: unknown;
  steps: number;
  /** The RCU grace-period thread: never "unfinished". */
  readonly system: boolean;
  /** What made the thread's generator, when it was spawned from a function: the explorer may
   *  call it again to start the thread over (remake). */
  readonly make?: () => Generator<Op, unknown, any>;
}

export interface MachineOptions {
  /** Per-thread step budget; past it the thread is reported as a livelock. */
  readonly maxSteps?: number;
  /** Record StepEvents (replay); off while exploring. */
  readonly record?: boolean;
  /** Stop at the first failure (exploring) or go on after non-fatal ones (replay, lessons). */
  readonly haltOnFailure?: boolean;
  /** Told each step's thread and number in the execution (from endSetup on: a build's own
   *  steps are not the execution's) before the machine performs it (the grader's diagnosis
   *  keeps the schedule that reached a loop; off otherwise). */
  readonly onStep?: (tid: number, i: number) => void;
}

/** Trusted ghost code run atomically inside a thread: harness checks, never a scheduling point.
 *  A ghost may change the machine (fail, ghostSet), never state outside it: the explorer may
 *  rebuild a thread by feeding its generator the answers it had, without running its ghosts
 *  again (see feed). It may read only values fixed when it was made (consts), not variables
 *  its thread changes later: the memo (startMemo) runs a ghost again long after the generator
 *  that made it has moved on. */
export type Ghost = (m: Machine, tid: number) => void;
/** A probe's check: what it returns is the step's answer, the value of the `yield`. It must
 *  hand what it observes back that way, never write it into variables it closes over: a
 *  thread rebuilt from its answers does not run its probes again. The answer is kept and fed
 *  again as it is, so nobody may change it afterwards (nor a list a list_read returned). Like
 *  a ghost, it may read only values fixed when it was made: the memo performs a probe op kept
 *  from the generator that first made it. */
export type Probe<T> = (m: Machine, tid: number) => T;
/** A failure report's lines, or a function that makes them (see Machine.fail and brief). */
export type ReportLines = readonly string[] | (() => readonly string[]);
/** Ghost and probe ops: only this module makes them (a submission's realm cannot reach the
 *  class), so `instanceof` tells them from anything a thread could forge. */
class GhostRecord {
  constructor(readonly k: 'ghost' | 'probe', readonly a: number, readonly v: number, readonly n: string | undefined,
    readonly xs: readonly number[] | undefined, readonly g: Probe<unknown>) {}
}
export function ghostOp(g: Ghost): Op {
  return new GhostRecord('ghost', 0, 0, undefined, undefined, g);
}
/** A harness check that is a real step: it reads `xs` atomically (its footprint for DPOR) and
 *  runs `g` on the machine; `yield` gives g's result. Use it whenever the check observes state
 *  other threads change. */
export function probeOp<T>(name: string, xs: readonly number[], g: Probe<T>): Op {
  return new GhostRecord('probe', xs[0] ?? 0, 0, name, Object.freeze(xs.slice()), g);
}
/** `const r = yield* probe(...)`: a probe step whose answer is g's result, typed. */
export function* probe<T>(name: string, xs: readonly number[], g: Probe<T>): Generator<Op, T, any> {
  return (yield probeOp(name, xs, g)) as T;
}

/** A thread's state in the memo (Machine.startMemo): the answers it has had since the build,
 *  which determine it (a thread is deterministic), with the op it then waits on (null: it has
 *  returned, with `result`) and the ghosts it ran on the way from its parent. */
export class MemoNode {
  /** The first child, under key1 (most states have one); the next few in keys/kids, searched in
   *  order, and past MEMO_FEW of those, the rest in `more`. (A Map for the second child was
   *  two-thirds of the Maps a small search made: counter-2/racy's took 4% less without.) */
  private key1: unknown = NO_KEY;
  private kid1: MemoNode | null = null;
  private keys: unknown[] | null = null;
  private kids: MemoNode[] | null = null;
  private more: Map<unknown, MemoNode> | null = null;
  /** The driver's own use: what it derives from `op` and keeps (the explorer: its footprint). */
  aux: unknown = undefined;
  constructor(readonly parent: MemoNode | null, readonly answer: unknown, readonly depth: number, readonly steps: number,
    readonly op: Op | null, readonly ghosts: readonly GhostRecord[] | null, readonly result: unknown) {}
  kid(key: unknown): MemoNode | undefined {
    if (this.key1 === key) return this.kid1!;
    const ks = this.keys;
    if (ks === null) return undefined;
    for (let i = 0; i < ks.length; i++) if (ks[i] === key) return this.kids![i];
    return this.more === null ? undefined : this.more.get(key);
  }
  add(key: unknown, n: MemoNode): void {
    if (this.kid1 === null) { this.key1 = key; this.kid1 = n; return; }
    if (this.keys === null) { this.keys = [key]; this.kids = [n]; return; }
    if (this.keys.length < MEMO_FEW) { this.keys.push(key); this.kids!.push(n); return; }
    (this.more ??= new Map()).set(key, n);
  }
}

/** An answer no key stands for (see memoKey). */
const NO_KEY: unknown = Symbol('no key');
const UNDEFINED_KEY: unknown = Symbol('undefined');
/** A memo node's children kept in arrays after its first (MemoNode.kid searches them). */
const MEMO_FEW = 8;
/** The memo's nodes per machine, at most: past it, threads run their generators as without it. */
const MEMO_CAP = 100_000;

/** A key equal for answers of equal value (the same number; arrays and plain objects of the
 *  same plain values in the same order), or NO_KEY. Answers are values: a thread may not
 *  compare two by identity, nor change one (the memo would take two equal lists for one
 *  answer; a submission never sees the machine's objects anyway: the grader's membrane copies
 *  each answer into its realm). */
export function memoKey(v: unknown): unknown {
  // (NaN as a string: MemoNode.kid compares keys with ===)
  if (typeof v === 'number') return v === 0 ? (Object.is(v, -0) ? 'n-0' : v) : v !== v ? 'nNaN' : v;
  if (v === undefined) return UNDEFINED_KEY;
  const s = Array.isArray(v) ? numbersKey(v) ?? plainKey(v, 0) : plainKey(v, 0);
  return s === null ? NO_KEY : s;
}
/** plainKey of an array of numbers (a list walk's answer), built without its parts' strings and
 *  their join; null if an element is not a number. The memo keys every answer: keying them
 *  twice added 4–8% to the seed's search, and keying lists this way took 3% off it. */
function numbersKey(v: readonly unknown[]): string | null {
  let s = '[';
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number') return null;
    s += (i === 0 ? 'n' : ',n') + (Object.is(x, -0) ? '-0' : String(x));
  }
  return s + ']';
}
function plainKey(v: unknown, depth: number): string | null {
  switch (typeof v) {
    case 'number': return Object.is(v, -0) ? 'n-0' : `n${v}`;
    case 'string': return `s${JSON.stringify(v)}`;
    case 'boolean': return v ? 't' : 'f';
    case 'undefined': return 'u';
    case 'object': {
      if (v === null) return 'z';
      if (depth > 4) return null;
      const parts: string[] = [];
      if (Array.isArray(v)) {
        for (const x of v) { const k = plainKey(x, depth + 1); if (k === null) return null; parts.push(k); }
        return `[${parts.join(',')}]`;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return null;
      for (const [f, x] of Object.entries(v as Record<string, unknown>)) { const k = plainKey(x, depth + 1); if (k === null) return null; parts.push(`${JSON.stringify(f)}:${k}`); }
      return `{${parts.join(',')}}`;
    }
    default: return null;
  }
}

export class Machine {
  readonly mem = new Memory(this);
  readonly locks = new Locks(this);
  readonly rcu = new Rcu(this);
  readonly threads: ThreadState[] = [];
  readonly failures: Failure[] = [];
  readonly events: StepEvent[] = [];
  /** Global step counter: the index of the next step. */
  now = 0;
  /** The steps a scenario's build ran (setup: a process that exits before the threads start,
   *  the RCU thread's callbacks): the explorers number an execution's steps from here, so
   *  their step i is the machine's step origin + i. */
  origin = 0;
  halted = false;
  readonly maxSteps: number;
  readonly record: boolean;
  readonly haltOnFailure: boolean;
  private readonly onStepOpt: ((tid: number, i: number) => void) | undefined;
  /** onStepOpt once the build is over (endSetup). */
  private onStep: ((tid: number, i: number) => void) | undefined = undefined;
  /** The undo log (see rewind), or null when nobody will take the machine back. */
  journal: Journal | null = null;
  /** Per step index from journalFrom up to now: the journal's length and the failures' count
   *  before that step (entries past now are stale: rewinding lowers now and leaves them). */
  private readonly marks: number[] = [];
  private readonly failMarks: number[] = [];
  private journalFrom = -1;
  /** Answers fed to rebuilt generators (feed), for the explorer's counts. */
  fed = 0;
  /** What the last step's thread was given back (a probe: its check's result). */
  lastAnswer: unknown = undefined;
  /** Harness bookkeeping that threads share (ghosts write it): part of the machine, so a
   *  rewind takes it back too. */
  private readonly ghosts = new Map<number, number>();
  /** The memo (startMemo): per thread, its node (null: not in the memo) and the node its
   *  generator stands at (null: unknown). */
  private renew: ((tid: number) => void) | null = null;
  private diverged: (why: string) => never = (why) => { throw new Error(why); };
  private readonly nodeOf: (MemoNode | null)[] = [];
  private readonly genAt: (MemoNode | null)[] = [];
  private memoNodes = 0;
  /** While a memoised thread's generator runs: the ghosts it runs, and how it stopped (advance). */
  private ghostLog: GhostRecord[] | null = null;
  private outcome: 'op' | 'return' | 'other' = 'other';

  constructor(opts: MachineOptions = {}) {
    this.maxSteps = opts.maxSteps ?? 400;
    this.record = opts.record ?? false;
    this.haltOnFailure = opts.haltOnFailure ?? true;
    this.onStepOpt = opts.onStep;
  }

  /** Start a thread: runs its code up to its first yield (local work is invisible to others).
   *  Given a function that makes the generator, rather than the generator, the thread can be
   *  started over (remake): every scenario the explorer runs should spawn that way, and the
   *  function must make the same thread each time (a fresh generator, nothing shared with
   *  other threads but the machine). */
  spawn(name: string, code: Generator<Op, unknown, any> | (() => Generator<Op, unknown, any>), system = false): number {
    const make = typeof code === 'function' ? code : undefined;
    const gen = make !== undefined ? make() : code as Generator<Op, unknown, any>;
    const t: ThreadState = { id: this.threads.length, name, gen, pending: null, done: false, result: undefined, steps: 0, system, make };
    this.threads.push(t);
    this.advance(t, undefined);
    return t.id;
  }

  /** Failures recorded from now on have an empty report (kind, thread, step and why are kept):
   *  a search that goes on counting after its first bug reads nothing more (dpor.ts), and
   *  building a report (a lockdep table, a KASAN history) was 4–8% of such a search on
   *  2.6.36-rc2. */
  brief = false;

  /** Record a failure. `lines` may be a function making the report's lines, called at once
   *  unless the machine is brief. Exploring (haltOnFailure) stops the execution, except for a
   *  contract breach: what the caller then does (a bad unlock, a hang) is the symptom to lead with.
   *  Otherwise the execution goes on; a fatal failure ends only the thread that hit it. A
   *  livelock ends the run: the thread would go on for ever, so nothing after its budget is
   *  what the code does (the others, waiting on it, were reported as a hang). */
  fail(kind: FailureKind, tid: number, why: string, lines: ReportLines, at = this.now): void {
    if (this.halted) return;
    this.failures.push({ kind, tid, step: at, why, report: this.brief ? '' : (typeof lines === 'function' ? lines() : lines).join('\n') });
    if ((this.haltOnFailure && kind !== 'contract') || kind === 'livelock') this.halted = true;
    else if (isFatal(kind) && tid >= 0 && tid < this.threads.length) {
      const t = this.threads[tid];
      t.done = true; t.pending = null;
    }
  }

  isEnabled(tid: number): boolean {
    const t = this.threads[tid];
    if (t.done || t.pending === null || this.halted) return false;
    const o = t.pending;
    // A sleeping lock taken in atomic context runs (and is reported) even if it is held.
    switch (o.k) {
      case 'spin_lock': return this.locks.canSpin(o.a, tid);
      case 'lock_page': case 'mutex_lock': case 'down_write': return this.locks.isFree(o.a) || this.inAtomic(tid);
      case 'down_read': return this.locks.canRead(o.a) || this.inAtomic(tid);
      case 'gp_wait': return this.rcu.gpDone(tid);
      case 'rcu_callbacks': return this.rcu.callbackReady();
      default: return true;
    }
  }

  enabled(): number[] {
    const r: number[] = [];
    for (let i = 0; i < this.threads.length; i++) if (this.isEnabled(i)) r.push(i);
    return r;
  }

  inAtomic(tid: number): boolean { return this.rcu.depth(tid) > 0 || this.locks.holdsSpin(tid); }

  /** The build is over: the steps from now on are the execution's (origin). */
  endSetup(): void { this.origin = this.now; this.onStep = this.onStepOpt; }

  ghostGet(k: number): number { return this.ghosts.get(k) ?? 0; }
  ghostSet(k: number, v: number): void { this.journal?.map(this.ghosts, k); this.ghosts.set(k, v); }

  /** From now on, note every change so that `rewind` can undo it (the explorer, after build). */
  startJournal(): void { this.journal = new Journal(); this.journalFrom = this.now; }

  /** Take memory, slabs, locks, RCU, ghost state and failures back to just before the
   *  execution's step `i` (the machine's step origin + i), which must have run since
   *  startJournal. Threads are not touched: the caller rebuilds every thread that ran at that
   *  step or later (remake or adopt, then feed); the others are as they were then. */
  rewind(i: number): void {
    const j = this.journal, at = this.origin + i;
    if (j === null) throw new Error('rewind: the machine keeps no journal');
    if (i < 0 || at >= this.now || at < this.journalFrom) throw new Error(`rewind: step ${i} of the execution is not behind it, or ran before the journal`);
    j.undo(this.marks[at]);
    const nf = this.failMarks[at];
    if (this.failures.length !== nf) this.failures.length = nf;
    this.now = at;
    this.halted = false;
  }

  /** Start thread `tid` over with a new generator from the function it was spawned from, up to
   *  its first op without running ghosts (their effects are the machine's), to be fed its
   *  answers. False if it does not stop at an op, as it did when spawned. */
  remake(tid: number): boolean {
    const t = this.threads[tid];
    if (t.make === undefined) throw new Error(`remake: thread ${tid} was spawned from a generator, not a function`);
    this.restart(t, t.make(), null, 0);
    return this.advance(t, undefined, true) && t.pending !== null;
  }

  /** Give thread `tid` the generator of `from` (the same thread of a fresh build of the same
   *  scenario, as the build left it: any setup steps it ran are in it), to be fed its answers. */
  adopt(tid: number, from: ThreadState): void {
    const t = this.threads[tid];
    if (from.done || from.pending === null) throw new Error(`adopt: thread ${tid} of the fresh build has no next step`);
    this.restart(t, from.gen, from.pending, from.steps);
  }

  private restart(t: ThreadState, gen: Generator<Op, unknown, any>, pending: Op | null, steps: number): void {
    t.gen = gen; t.pending = pending; t.done = false; t.result = undefined; t.steps = steps;
    if (this.renew !== null) { this.nodeOf[t.id] = null; this.genAt[t.id] = null; }
  }

  /** Replay one of thread `tid`'s steps without performing it: resume its generator with the
   *  answer the step had, and run on to its next op without running ghosts (their effects on
   *  the machine are the journal's). Returns false if the thread did not stop at another op, as
   *  it did when it had this answer. */
  feed(tid: number, answer: unknown): boolean {
    const t = this.threads[tid];
    t.steps++;
    this.fed++;
    return this.advance(t, answer as OpResult, true) && t.pending !== null;
  }

  /** Perform thread `tid`'s pending op and run it on to its next yield. */
  step(tid: number): void {
    const t = this.threads[tid];
    const o = t.pending!;
    if (this.onStep !== undefined) this.onStep(tid, this.now - this.origin);
    if (this.journal !== null) { this.marks[this.now] = this.journal.length; this.failMarks[this.now] = this.failures.length; }
    t.steps++;
    const nf = this.failures.length;
    const res = this.perform(t, o);
    this.lastAnswer = res;
    // a step that failed as it ran (a refused access, a bad unlock) shows no result
    if (this.record) {
      const failed = this.failures.length > nf;
      const freed = !failed && changesWord(o, res) && this.mem.slotOf(o.a)?.live === false;
      this.recordEvent(t, o, o.k === 'probe' || failed ? undefined : res, !freed ? undefined : o.k === 'atomic_add' && o.v > 0 && res === o.v ? 'revived' : 'changed');
    }
    this.now++;
    if (this.halted || t.done) return;
    if (t.steps > this.maxSteps && !t.system) {
      this.fail('livelock', tid, `${t.name} ran past its bound of ${this.maxSteps} steps`, () => report.livelock(t.name, this.maxSteps));
      return;
    }
    if (this.renew !== null) this.next(t, res); else this.advance(t, res);
  }

  /** Remember each thread's steps from now on (the explorer, after build and startJournal): a
   *  thread is determined by the answers it has had, so each state is a node of a tree per
   *  thread, holding the op it then waits on and the ghosts it ran to get there. A step whose
   *  answer leads to a known node takes the thread there without resuming its generator (its
   *  ghosts run again: their effects are the machine's), and `place` puts a thread back at any
   *  node it passed. Only a step into a new node needs the generator where the thread is: if
   *  it stands elsewhere, `renew` starts the thread over (remake or adopt, as at its build) and
   *  it is fed the answers on the way (a different op on the way calls `diverged`, which must
   *  throw). Measured on the seed scenario with Hugh's fix: 182 nodes for 3644 steps performed;
   *  without the memo, 2990 answers were fed. */
  startMemo(renew: (tid: number) => void, diverged: (why: string) => never): void {
    this.renew = renew; this.diverged = diverged;
    for (const t of this.threads) {
      const n = t.done || t.pending === null ? null : new MemoNode(null, undefined, 0, t.steps, t.pending, null, undefined);
      this.nodeOf[t.id] = n; this.genAt[t.id] = n;
      if (n !== null) this.memoNodes++;
    }
  }

  /** Thread `tid`'s memo node (null: none; see startMemo), for `place`. */
  memoNode(tid: number): MemoNode | null { return this.renew === null ? null : this.nodeOf[tid]; }

  /** Put thread `tid` back at memo node `n`, a state it passed in this search (its generator
   *  stays where it is, until a step needs it). */
  place(tid: number, n: MemoNode): void {
    const t = this.threads[tid];
    t.pending = n.op; t.done = false; t.result = undefined; t.steps = n.steps;
    this.nodeOf[tid] = n;
  }

  /** Thread t's step was answered `res`: take it on to its next op (see startMemo). */
  private next(t: ThreadState, res: OpResult): void {
    const node = this.nodeOf[t.id];
    if (node === null) { this.advance(t, res); return; }
    const key = memoKey(res);
    const known = key === NO_KEY ? undefined : node.kid(key);
    if (known !== undefined) { this.follow(t, known); return; }
    if (this.genAt[t.id] !== node) this.generatorTo(t, node);
    const log: GhostRecord[] = [];
    this.ghostLog = log;
    try { this.advance(t, res); } finally { this.ghostLog = null; }
    let kid: MemoNode | null = null;
    if (key !== NO_KEY && this.outcome !== 'other' && this.memoNodes < MEMO_CAP) {
      kid = new MemoNode(node, res, node.depth + 1, t.steps, this.outcome === 'op' ? t.pending : null, log.length > 0 ? log : null, t.result);
      node.add(key, kid);
      this.memoNodes++;
    }
    this.nodeOf[t.id] = kid; this.genAt[t.id] = kid;
  }

  /** What advance would do, from the memo: the ghosts, then the op (or the return). */
  private follow(t: ThreadState, n: MemoNode): void {
    const gs = n.ghosts;
    if (gs !== null) {
      for (const g of gs) {
        g.g(this, t.id);
        if (this.halted) { t.pending = null; this.nodeOf[t.id] = null; return; }
      }
    }
    this.nodeOf[t.id] = n;
    if (n.op !== null) { t.pending = n.op; return; }
    t.done = true; t.pending = null; t.result = n.result;
    this.threadExit(t);
  }

  /** Bring thread t's generator to node n: fed on from where it stands if that is on the way
   *  from the root to n, else started over (renew) and fed from the root. */
  private generatorTo(t: ThreadState, n: MemoNode): void {
    const steps = t.steps; // the step being answered is counted already
    const path: MemoNode[] = [];
    const g = this.genAt[t.id];
    let x: MemoNode | null = n;
    while (x !== null && x !== g && (g === null || x.depth > g.depth)) { path.push(x); x = x.parent; }
    if (x === null || x !== g) {
      // start over, from the root (the thread's state after the build)
      path.length = 0;
      let root = n;
      for (; root.parent !== null; root = root.parent) path.push(root);
      this.renew!(t.id);
      this.same(t, root, 'its first step');
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const y = path[i];
      if (!this.feed(t.id, y.answer)) this.diverged(`replaying ${t.name}: it did not go on to another step as before`);
      this.same(t, y, `its step ${y.depth + 1}`);
    }
    t.pending = n.op; t.steps = steps;
    this.genAt[t.id] = n;
  }

  /** Thread t, fed on to node n, must wait on n's op: else `diverged`. */
  private same(t: ThreadState, n: MemoNode, which: string): void {
    const was = n.op!, now = t.pending;
    if (now === null || now.k !== was.k || now.a !== was.a || now.v !== was.v || now.n !== was.n) {
      const op = (o: Op): string => `${o.k} at ${hex(o.a)}`;
      this.diverged(`replaying ${t.name}: ${which} ${now === null ? 'never came' : `asked for ${op(now)}`}, not ${op(was)} as before`);
    }
  }

  private perform(t: ThreadState, o: Op): OpResult {
    const tid = t.id;
    if (mayBlockSleeping(o.k) && this.inAtomic(tid)) {
      this.fail('sleep-in-atomic', tid, 'a sleeping lock or synchronize_rcu() may sleep, which is forbidden under a spinlock or inside rcu_read_lock()',
        () => report.sleepInAtomic(this, tid, o));
      return undefined;
    }
    switch (o.k) {
      case 'read': return this.mem.read(tid, o.a, o.n ?? 'read');
      case 'write': this.mem.write(tid, o.a, o.v, o.n ?? 'write'); return undefined;
      case 'atomic_add': return this.mem.add(tid, o.a, o.v, o.n ?? o.k);
      case 'atomic_inc_not_zero': return this.mem.incNotZero(tid, o.a, o.n ?? o.k);
      case 'atomic_dec_and_test': return this.mem.add(tid, o.a, -1, o.n ?? o.k) === 0 ? 1 : 0;
      case 'rcu_read_lock': this.rcu.lock(tid); return undefined;
      case 'rcu_read_unlock': this.rcu.unlock(tid); return undefined;
      case 'gp_start': this.rcu.gpStart(tid); return undefined;
      case 'gp_wait': return undefined;
      case 'call_rcu': this.rcu.callRcu(tid, o.a); return undefined;
      case 'rcu_callbacks': this.rcu.runCallback(tid); return undefined;
      case 'spin_lock': case 'lock_page': case 'mutex_lock': case 'down_write': this.locks.acquire(tid, o); return undefined;
      case 'down_read': this.locks.acquireRead(tid, o); return undefined;
      case 'spin_trylock': case 'trylock_page': case 'mutex_trylock': return this.locks.tryAcquire(tid, o);
      case 'down_read_trylock': return this.locks.tryRead(tid, o);
      case 'spin_unlock': case 'unlock_page': case 'mutex_unlock': case 'up_write': case 'up_read': this.locks.release(tid, o); return undefined;
      case 'alloc': return this.mem.alloc(tid, o.a);
      case 'free': this.mem.free(tid, o.a); return undefined;
      case 'list_add': this.mem.listUpdate(tid, o.a, o.v, true); return undefined;
      case 'list_del': this.mem.listUpdate(tid, o.a, o.v, false); return undefined;
      case 'list_read': return this.mem.listRead(tid, o.a);
      case 'ghost': return undefined;
      case 'probe': return (o as unknown as GhostRecord).g(this, tid) as OpResult;
    }
  }

  /** Resume a thread's generator with `v`; ghost ops run inline until a real op or the end.
   *  Feeding (`feed`): ghosts are skipped, and anything but a next op returns false, with
   *  nothing recorded. */
  private advance(t: ThreadState, v: OpResult, feeding = false): boolean {
    let input: OpResult = v;
    this.outcome = 'other';
    for (;;) {
      let r: IteratorResult<Op, unknown>;
      try {
        r = t.gen.next(input);
      } catch (e) {
        t.done = true; t.pending = null;
        if (feeding) return false;
        const n = this.failures.length;
        this.fail('exception', t.id, 'the code threw an exception instead of returning', report.exception(t.name, e));
        const loc = this.record && this.failures.length > n ? thrownAt(e) : undefined;
        if (loc !== undefined) this.failures[n] = { ...this.failures[n], loc };
        return true;
      }
      if (r.done) {
        t.done = true; t.pending = null; t.result = r.value;
        if (feeding) return false;
        this.outcome = 'return';
        this.threadExit(t);
        return true;
      }
      const o = r.value;
      // The machine's own ops (kernel routines, harnesses) need no copy; anything else might,
      // and merely looking at it may run a submission's code (a Proxy's traps) and throw.
      let own: 0 | 1 | 2, ghost: boolean;
      try {
        own = ownOp(o);
        if (own !== 0 && !(Number.isFinite((o as Op).a) && Number.isFinite((o as Op).v))) own = 0;
        ghost = own === 0 && o instanceof GhostRecord;
      } catch { own = 0; ghost = false; }
      if (own === 1) { t.pending = o as Op; this.outcome = 'op'; return true; }
      if (own === 2) {
        t.done = true; t.pending = null;
        if (feeding) return false;
        const call = (o as Op).n ?? (o as Op).k;
        this.fail('exception', t.id, `a thread yielded ${call}(...) without \`yield*\`, so it would get the raw answer back`, report.bareYield(t.name, call));
        return true;
      }
      if (ghost) {
        const gh = o as GhostRecord;
        if (gh.k === 'probe') { t.pending = gh; this.outcome = 'op'; return true; }
        if (!feeding) {
          this.ghostLog?.push(gh);
          gh.g(this, t.id);
          if (this.halted) { t.pending = null; this.outcome = 'other'; return true; }
        }
        input = undefined;
        continue;
      }
      let checked: Op | null;
      try { checked = validateOp(o); } catch { checked = null; }
      if (checked === null) {
        t.done = true; t.pending = null;
        if (feeding) return false;
        this.fail('exception', t.id, 'a thread yielded something that is not a kernel operation: use `yield*` with an API call',
          report.badYield(t.name, o));
        return true;
      }
      t.pending = checked;
      this.outcome = 'op';
      return true;
    }
  }

  private threadExit(t: ThreadState): void {
    const held = this.locks.heldAtReturn(t.id);
    if (held.length > 0) {
      this.fail('lock-held-at-return', t.id, `${t.name} returned still holding a lock that nobody will release`, () => report.heldAtReturn(this, t, held), Math.max(0, this.now - 1));
    }
    if (this.rcu.depth(t.id) > 0) {
      this.fail('rcu-imbalance', t.id, `${t.name} returned inside an RCU read-side section: rcu_read_lock() without rcu_read_unlock()`,
        report.rcuImbalance(t.name, this.rcu.depth(t.id)), Math.max(0, this.now - 1));
    }
  }

  /** True when no thread can run; a hang when some non-system thread has not finished. */
  checkEnd(): boolean {
    if (this.halted) return true;
    for (let i = 0; i < this.threads.length; i++) if (this.isEnabled(i)) return false;
    const stuck = this.threads.filter((t) => !t.done && !t.system);
    if (stuck.length > 0) {
      this.fail('hang', -1, 'every live thread waits for something that will never happen', () => report.hang(this, stuck));
    }
    return true;
  }

  /** The failure to lead with (see failure.ts), or undefined. */
  primaryFailure(): Failure | undefined { return primary(this.failures); }

  threadName(tid: number): string { return tid >= 0 && tid < this.threads.length ? this.threads[tid].name : `T${tid}`; }

  private recordEvent(t: ThreadState, o: Op, res: OpResult, changedFreed: StepEvent['changedFreed']): void {
    const asObject = o.k === 'alloc' || o.k === 'free' || o.k === 'call_rcu' || o.k === 'rcu_callbacks';
    const d = o.k === 'alloc' ? (typeof res === 'number' && res !== 0 ? this.mem.describe(res) : '')
      : o.a === 0 ? '' : asObject ? this.mem.describe(o.a) : sleepLockName(o.k, this.mem.describeField(o.a));
    const ev: StepEvent = {
      i: this.now, tid: t.id, k: o.k, name: o.n ?? o.k, obj: d,
      ...(o.k === 'write' || o.k === 'list_add' || o.k === 'list_del' ? { value: this.mem.describeStored(o) } : {}),
      ...(res === undefined ? {} : { result: Array.isArray(res) ? `[${res.map((x) => this.mem.describe(x)).join(', ')}]` : this.mem.describeValue(o, res as number) }),
      ...(o.loc ? { loc: o.loc } : {}),
      ...(o.from ? { from: o.from } : {}),
      ...(changedFreed !== undefined ? { changedFreed } : {}),
    };
    this.events.push(ev);
  }
}

/** Did op `o`, answered `res`, change a memory word (not a lock: locking a freed object's lock
 *  to re-check it is the type-safe pattern itself)? */
function changesWord(o: Op, res: OpResult): boolean {
  switch (o.k) {
    case 'write': case 'atomic_add': case 'atomic_dec_and_test': case 'list_add': case 'list_del': return true;
    case 'atomic_inc_not_zero': return res === 1;
    default: return false;
  }
}

/** "anon_vma@0x40 #1 .lock" as the call names the word (layout.ts lockFieldName). */
function sleepLockName(k: Op['k'], obj: string): string {
  return obj.endsWith(' .lock') ? `${obj.slice(0, -4)}${lockFieldName('lock', k)}` : obj;
}

const KINDS = new Set(['read', 'write', 'atomic_inc_not_zero', 'atomic_dec_and_test', 'atomic_add', 'rcu_read_lock', 'rcu_read_unlock',
  'gp_start', 'gp_wait', 'call_rcu', 'spin_lock', 'spin_trylock', 'spin_unlock', 'lock_page', 'trylock_page', 'unlock_page',
  'mutex_lock', 'mutex_trylock', 'mutex_unlock', 'down_read', 'down_read_trylock', 'up_read', 'down_write', 'up_write',
  'alloc', 'free', 'list_add', 'list_del', 'list_read', 'rcu_callbacks']);

/** Text from possibly untrusted code, with no control characters (a newline in an op's name
 *  would break a report's one-line messages; a bidirectional override would reorder it). */
export function printable(s: string): string {
  // (every step of a submission comes here: most names need no copy)
  return CONTROL.test(s) ? s.replace(CONTROLS, ' ') : s;
}
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/, CONTROLS = new RegExp(CONTROL.source, 'g');

/** A location kept to its end (the file's name, the line), '…' where its start was cut. */
function lastChars(s: string, n: number): string {
  return s.length <= n ? s : `…${s.slice(-(n - 1))}`;
}

/** This simulator's folder as stack traces name it (a class folder may have a sim/ of its own;
 *  a sandbox shows its files under a name of its own, grader/sandbox/compile.ts). */
const SIM_DIR = ((): string => {
  const m = /\(?([^()\s]*[\\/])machine\.[jt]s:\d+:\d+\)?\s*$/m.exec(new Error().stack ?? '');
  return m !== null ? m[1] : `${__dirname}${__dirname.includes('\\') ? '\\' : '/'}`;
})();

/** Where an error was thrown: the first frame of its stack outside the simulator, as
 *  `file:line`, or undefined. Recorded runs only: reading a realm error's stack runs the
 *  realm's formatter, which a submission may have replaced (it can only lie about its line). */
function thrownAt(e: unknown): string | undefined {
  let stack: unknown;
  try { stack = typeof e === 'object' && e !== null ? (e as { stack?: unknown }).stack : undefined; } catch { return undefined; }
  if (typeof stack !== 'string') return undefined;
  for (const l of stack.split('\n').slice(1, 60)) {
    if (l.includes(SIM_DIR) || /node:internal|^\s*at Generator\.next/.test(l)) continue;
    const m = /\(?([^()\s]+):(\d+):\d+\)?\s*$/.exec(l);
    if (m) return lastChars(printable(`${m[1]}:${m[2]}`), 300);
  }
  return undefined;
}

/** Copy an op from possibly untrusted code into a fresh plain object of primitives, or null. */
function validateOp(o: unknown): Op | null {
  if (o === null || typeof o !== 'object') return null;
  const x = o as Record<string, unknown>;
  const k = x.k, a = x.a, v = x.v, n = x.n, loc = x.loc, from = x.from;
  if (typeof k !== 'string' || !KINDS.has(k) || typeof a !== 'number' || typeof v !== 'number' || !Number.isFinite(a) || !Number.isFinite(v)) return null;
  const out: { k: Op['k']; a: number; v: number; n?: string; loc?: string; from?: string } = { k: k as Op['k'], a, v };
  if (typeof n === 'string') out.n = printable(n).slice(0, 60);
  if (typeof loc === 'string') out.loc = lastChars(printable(loc), 300);
  if (typeof from === 'string') out.from = lastChars(printable(from), 300);
  return out;
}
