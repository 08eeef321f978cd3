// The operation descriptors a thread yields. Every `yield*` in student or kernel code ends in
// exactly one `yield` of an Op: a point where another CPU may run. Ops are plain data (the
// explorer compares them to decide dependence); the machine performs them.
// Must never: hold state, import anything outside sim/.

export type OpKind =
  | 'read' | 'write'
  | 'atomic_inc_not_zero' | 'atomic_dec_and_test' | 'atomic_add'
  | 'rcu_read_lock' | 'rcu_read_unlock' | 'gp_start' | 'gp_wait' | 'call_rcu' | 'rcu_callbacks'
  | 'spin_lock' | 'spin_trylock' | 'spin_unlock'
  | 'lock_page' | 'trylock_page' | 'unlock_page'
  | 'mutex_lock' | 'mutex_trylock' | 'mutex_unlock'
  | 'down_read' | 'down_read_trylock' | 'up_read' | 'down_write' | 'up_write'
  | 'alloc' | 'free'
  | 'list_add' | 'list_del' | 'list_read'
  | 'ghost' | 'probe';

/** One atomic step. `a` is an address (or cache id for alloc); `v` an operand. */
export interface Op {
  readonly k: OpKind;
  readonly a: number;
  readonly v: number;
  /** Source location of the yield, filled only while recording (replay). */
  loc?: string;
  /** Where the function holding that yield was called from, when the caller is in the same
   *  file (a helper of the student's own: obj_put called from obj_lookup). */
  from?: string;
  /** Name of the kernel routine or API call, for traces. */
  readonly n?: string;
  /** probe only: the addresses a harness check reads in this one step. */
  readonly xs?: readonly number[];
}

/** A value a thread receives back from an op: a number, or a list snapshot. */
export type OpResult = number | readonly number[] | undefined;

/**
 * A generator of kernel work returning T. `yield*` one to run it on the current CPU.
 * The third parameter is what the machine sends back after each op.
 */
export type Kernel<T> = Generator<Op, T, any>;

/** How a one-step call turns the machine's answer `r` into its result (`x`: the call's extra). */
export type Decode = (r: any, x: any) => unknown;

/** Ops made by this module's op(): one shape, so the machine's hot path stays monomorphic.
 *  Another realm's copy of this module (the grader's sandbox) has its own class, so the
 *  machine can tell the ops of the code it loaded itself from a submission's. What an op does
 *  (`k`, `a`, `v`) never changes once made (only `loc`, set by `at()` before the yield, and the
 *  iterator state below): the explorer caches its footprint while it is pending.
 *  An op is also the API call's iterator: `yield* READ_ONCE(f)` delegates to it, it yields
 *  itself once and returns the decoded answer. This is one generator level fewer per step
 *  than a generator function per call (measured ~40 ns of ~180 at the model's nesting). `st`
 *  tells an op delegated to with `yield*` (1) from one yielded bare (0), which is a mistake:
 *  the caller would get the raw answer. */
class OpRecord implements Op {
  loc?: string = undefined;
  from?: string = undefined;
  readonly xs?: readonly number[] = undefined;
  /** 0: made; 1: yielded through `yield*`; 2: answered (or closed). */
  st = 0;
  // The op is also its own iterator result (`yield*` reads these two at once and passes the
  // object up unchanged), which saves two allocations per step: first { value: the op, done:
  // false }, then { value: the decoded answer, done: true }.
  value: unknown = undefined;
  done = false;
  constructor(readonly k: OpKind, readonly a: number, readonly v: number, readonly n: string | undefined,
    private readonly dec: Decode | undefined, private readonly x: unknown) {}
  next(r?: unknown): IteratorResult<Op, unknown> {
    if (this.st === 0) { this.st = 1; this.value = this; this.done = false; return this as IteratorResult<Op, unknown>; }
    const answered = this.st === 1;
    this.st = 2;
    this.value = answered && this.dec !== undefined ? this.dec(r, this.x) : undefined;
    this.done = true;
    return this as IteratorResult<Op, unknown>;
  }
  return(v?: unknown): IteratorResult<Op, unknown> { this.st = 2; return { value: v, done: true }; }
  throw(e?: unknown): IteratorResult<Op, unknown> { this.st = 2; throw e; }
  [Symbol.iterator](): this { return this; }
}

/** An op for one kernel operation, usable as `yield* op(...)`: the delegating code receives
 *  `dec(answer, x)`, or undefined without `dec`. */
export function op<T = void>(k: OpKind, a: number, v = 0, n?: string, dec?: Decode, x?: unknown): Kernel<T> {
  if (k === 'ghost' || k === 'probe') throw new Error(`op(): '${k}' ops are made by the machine's ghostOp/probeOp`);
  return new OpRecord(k, a, v, n, dec, x) as unknown as Kernel<T>;
}

/** 1: an op this realm's op() made for a real kernel operation (never a ghost or probe),
 *  delegated to with `yield*`; 2: such an op yielded bare, without `yield*`; 0: anything else. */
export function ownOp(o: unknown): 0 | 1 | 2 {
  return o instanceof OpRecord ? (o.st === 0 ? 2 : 1) : 0;
}

/** Ops that may sleep: illegal under a spinlock or inside an RCU read-side section. */
export function mayBlockSleeping(k: OpKind): boolean {
  return k === 'mutex_lock' || k === 'down_read' || k === 'down_write' || k === 'lock_page' || k === 'gp_start';
}
