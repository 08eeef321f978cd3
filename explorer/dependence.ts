// Footprints and the dependence relation DPOR uses. Two steps of different threads are
// dependent when they touch the same resource and one writes it. Resources: memory words and
// list heads (by address), a slab slot's liveness (allocation and free against any access to
// the slot), a cache's free list (allocations against each other and against frees), each
// thread's RCU read-side state (inside a section or not), and the global RCU state (grace
// periods and callbacks, which depend on who is inside a read-side section), and each thread's
// spinlocks as far as another thread can change them (see footprint). Lock operations
// on one address are all dependent; see dpor.ts for how an acquire that waited on a release is
// raced against the matching acquire.
// Two kinds of pair are ordered only when a later step observes their order (after Aronis et
// al., "Optimal DPOR with observers", TACAS 2018): two frees on one cache (by the allocation
// that pops one above the other: isPopKey), and a type-safe free with a reader's
// rcu_read_lock (by the reader's access to the slot: typesafeAccess). A footprint says what it
// observes; dpor.ts and hb.ts add those edges.
import type { Machine } from '../sim/machine';
import { mayBlockSleeping, Op } from '../sim/op';
import { CACHES, cacheOf, slotBase } from '../sim/layout';

const SLOT = 0x1000000, POP = 0x2000000, RCU_T = 0x3000000, RCU_ALL = 0x3ffffff, CBQ = 0x4000000, ATOMIC_T = 0x5000000;
/** Footprint.sk bits: the pairs sleep sets keep dependent although the race analysis orders
 *  them only when observed. */
const SK_LOCK = 1, SK_FREE = 2;

/** Resources read and written by one step; small arrays (usually 1–3 entries). `fl` marks a
 *  slab free-list operation on cache c: c + 1 for a free (a push), -(c + 1) for an allocation
 *  (a pop), 0 otherwise. `sk`: rcu_read_lock (1) or the free of a type-safe slot (2). `ob`: for
 *  an access to a freed type-safe slot inside an RCU section, the steps (indices in the
 *  execution) of the section's start and of the slot's free, earlier first: the access observes
 *  their order. */
export interface Footprint {
  readonly r: readonly number[]; readonly w: readonly number[]; readonly lock: number; readonly acquire: boolean; readonly release: boolean;
  readonly fl: number; readonly sk: number; readonly ob: readonly [number, number] | null;
  /** A type-safe slot's base: the one a free frees (tl = -1), or one a reader inside an RCU
   *  section touches while it is live (tl = the step its section began at). Else -1. */
  readonly ts: number; readonly tl: number;
}

/** The footprint of a step that touches nothing (a ghost). */
export const NONE: Footprint = { r: [], w: [], lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob: null, ts: -1, tl: -1 };

/** A cache's free list is a stack (SLUB hands out the most recently freed slot). An allocation
 *  writes the resource POP + c; a free reads it. So allocations are ordered among themselves and
 *  against frees, but two frees are not: their order only matters if an allocation later pops
 *  one of them while the other is still below it. dpor.ts and hb.ts order such a pair when that
 *  pop happens (the pop observes it), and never race an allocation against the frees it did not
 *  pop (those orders are the observed pairs'). Sleep sets keep every pair of frees dependent
 *  (sleepDependent). */
export function isPopKey(k: number): boolean { return k >= POP && k < POP + 0x1000000; }

function slotKey(a: number): number { const c = cacheOf(a); return c < 0 ? -1 : SLOT + slotBase(a, c); }

/** The footprint of `tid`'s pending op if it ran now in `m` (alloc: the slot it would get).
 *  The global RCU resource is expanded into every thread's RCU resource, so that dependence
 *  is plain key equality (dpor.ts keeps per-key access tables). */
export function footprint(m: Machine, tid: number, o: Op): Footprint {
  let f = rawFootprint(m, tid, o);
  // A thread's spinlocks (its atomic context) are its own, but for one thing: a spin_unlock of
  // a lock another thread holds takes it from that thread, and writes them. A sleeping call
  // reads them (in atomic context it fails, and runs even when its lock is held), whether the
  // thread holds one now or not: after such an unlock it no longer does, yet the two steps do
  // not commute.
  if (mayBlockSleeping(o.k)) f = { ...f, r: [...f.r, ATOMIC_T + tid] };
  else if (o.k === 'spin_unlock') { const h = otherHolder(m, tid, o); if (h >= 0) f = { ...f, w: [...f.w, ATOMIC_T + h] }; }
  if (o.k !== 'gp_start' && o.k !== 'gp_wait' && o.k !== 'call_rcu' && o.k !== 'rcu_callbacks') return f; // no RCU_ALL
  const n = m.threads.length;
  return { r: expandRcu(f.r, n), w: expandRcu(f.w, n), lock: f.lock, acquire: f.acquire, release: f.release, fl: f.fl, sk: f.sk, ob: f.ob, ts: f.ts, tl: f.tl };
}

function hasAll(a: readonly number[]): boolean { return a.includes(RCU_ALL); }

function expandRcu(a: readonly number[], n: number): readonly number[] {
  if (!hasAll(a)) return a;
  const out: number[] = [];
  for (const x of a) {
    if (x === RCU_ALL) for (let t = 0; t < n; t++) out.push(RCU_T + t);
    else out.push(x);
  }
  return out;
}

/** Is the footprint of `tid`'s pending op the same whatever other threads do meanwhile? Not
 *  for an allocation (the slot it gets), an RCU callback (which free), an access to a
 *  type-safe slot from inside an RCU section (see typesafeAccess; outside one it is a plain
 *  access, and only the thread's own steps change its RCU state), or a spin_unlock of a lock
 *  another thread holds (whose spinlocks it writes: see footprint). */
export function footprintIsStable(m: Machine, tid: number, o: Op): boolean {
  if (o.k === 'alloc' || o.k === 'rcu_callbacks' || (o.k === 'spin_unlock' && otherHolder(m, tid, o) >= 0)) return false;
  const c = cacheOf(o.a);
  return c < 0 || !CACHES[c].typesafe || m.rcu.depth(tid) === 0;
}

/** What the footprint of an op that is not stable (footprintIsStable) depends on besides the
 *  op: `deps.a` by identity and `deps.b` by value. The same op with the same two has the same
 *  footprint (a spin_unlock of another thread's lock is given a new object: never the same):
 *  an allocation, the length and the top of its cache's free list; an RCU callback,
 *  the first queued (queued callbacks are never changed); an access to a type-safe slot inside
 *  an RCU section, the slot's record (memory.ts replaces it on every change, never changes it)
 *  and the step its section began at (typesafeAccess reads nothing else of the machine that
 *  changes). Written into `deps`, a holder the caller keeps: no object per call. */
export function footprintDeps(m: Machine, tid: number, o: Op, deps: { a: unknown; b: number }): void {
  if (o.k === 'spin_unlock') {
    deps.a = {}; deps.b = 0; // equal to nothing: computed again each time (a bad unlock)
  } else if (o.k === 'alloc') {
    const fl = m.mem.freelists[o.a];
    deps.a = fl === undefined ? -1 : fl.length; deps.b = fl === undefined || fl.length === 0 ? -1 : fl[fl.length - 1];
  } else if (o.k === 'rcu_callbacks') {
    deps.a = m.rcu.callbacks[0]; deps.b = 0;
  } else {
    deps.a = m.mem.slotOf(o.a); deps.b = m.rcu.sectionBegan(tid);
  }
}

/** The thread holding the lock that `tid`'s unlock `o` releases, if not `tid`; else -1. */
function otherHolder(m: Machine, tid: number, o: Op): number {
  const h = m.locks.holderOf(o.a);
  return h !== tid ? h : -1;
}

/** A number naming the footprint of an allocation, from what footprintDeps wrote into `deps`:
 *  two allocations from one cache whose free list has the same top slot (or is empty) have the
 *  same footprint, whichever thread asks and however long the list is (rawFootprint reads
 *  nothing else). -1 for any other op, or a cache with no free list. */
export function allocKey(o: Op, deps: { readonly a: unknown; readonly b: number }): number {
  if (o.k !== 'alloc' || typeof deps.a !== 'number' || deps.a < 0 || !Number.isInteger(o.a) || o.a < 0 || o.a >= 64) return -1;
  return (deps.b + 1) * 64 + o.a; // b: the top slot's base, or -1 for an empty list
}

/** Op kinds whose footprint is a function of the op's kind and address alone, unless the
 *  address is in a type-safe cache and the thread is inside an RCU section (typesafeAccess). */
const BY_ADDRESS: Readonly<Record<string, number>> = Object.assign(Object.create(null) as Record<string, number>, {
  read: 1, list_read: 2, write: 3, atomic_add: 4, atomic_inc_not_zero: 5, atomic_dec_and_test: 6, list_add: 7, list_del: 8,
  spin_lock: 9, lock_page: 10, mutex_lock: 11, down_write: 12, down_read: 13, spin_trylock: 14, trylock_page: 15,
  mutex_trylock: 16, down_read_trylock: 17, spin_unlock: 18, unlock_page: 19, mutex_unlock: 20, up_write: 21, up_read: 22, free: 23,
});

/** A number naming the footprint of `tid`'s pending op `o`, when it depends on the op's kind and
 *  address alone (so that two ops with one key have one footprint), else -1. */
export function footprintKey(m: Machine, tid: number, o: Op): number {
  const ix = BY_ADDRESS[o.k];
  // (a sleeping call's footprint names its thread: see footprint)
  if (ix === undefined || !Number.isInteger(o.a) || o.a < 0 || o.a >= 2 ** 40 || mayBlockSleeping(o.k)) return -1;
  const c = cacheOf(o.a);
  if (c >= 0 && CACHES[c].typesafe && m.rcu.depth(tid) > 0) return -1;
  return o.a * 32 + ix;
}

/** A SLAB_TYPESAFE_BY_RCU slot and a reader inside an RCU section. The reader may touch the
 *  slot while it is live, or while it is freed if the free came after its section began. So a
 *  type-safe free and an rcu_read_lock are ordered only when an access observes them:
 *  - an access to a freed slot observes the order of the section's start and the last free
 *    (`ob`): legal if the section began first, and then it commutes with the slot's free and
 *    reallocation (neither changes the contents: the constructor ran once; wherever it moves,
 *    it stays legal); a use-after-free otherwise, dependent on the slot's liveness;
 *  - an access to a live slot that was freed and reallocated after the section began observes
 *    the same pair, and commutes likewise; if the section began after that free, the access is
 *    legal only after the reallocation: dependent on the slot's liveness;
 *  - an access to a live slot never freed commutes; the slot's next free must follow the
 *    section's start (`ts`, `tl`: dpor.ts and hb.ts order them when the free runs).
 *  dpor.ts races and orders an observed pair when the access runs; hb.ts orders it too. */
interface Access { readonly commutes: boolean; readonly ob: readonly [number, number] | null; readonly ts: number; readonly tl: number }
/** `a` is an address in a type-safe cache. Steps are the execution's (the machine's less its
 *  origin): one the scenario's build ran is negative, before every step of every execution, so
 *  its order with them needs no observing. */
function typesafeAccess(m: Machine, tid: number, a: number): Access {
  if (m.rcu.depth(tid) === 0) return PLAIN;
  const slot = m.mem.slotOf(a);
  if (slot === undefined) return PLAIN;
  const began = m.rcu.sectionBegan(tid) - m.origin, freed = slot.freedAt < 0 ? -1 : slot.freedAt - m.origin;
  if (slot.live) {
    // never freed (or before the execution): only the next free matters (it must follow the
    // section's start)
    if (freed < 0) return began < 0 ? TYPESAFE_LIVE : { commutes: true, ob: null, ts: slot.base, tl: began };
    // freed and reallocated since the section began: legal wherever the access moves
    if (began < freed) return { commutes: true, ob: observed(began, freed), ts: -1, tl: -1 };
    // the section began after the last free: only legal after the reallocation
    return PLAIN;
  }
  return began < freed
    ? { commutes: true, ob: observed(began, freed), ts: -1, tl: -1 }
    : { commutes: false, ob: observed(freed, began), ts: -1, tl: -1 };
}
/** The pair an access observes, earlier first, unless the earlier was before the execution. */
function observed(x: number, y: number): readonly [number, number] | null { return x < 0 ? null : [x, y]; }
/** A live slot and a section that both began before the execution: the access commutes. */
const TYPESAFE_LIVE: Access = { commutes: true, ob: null, ts: -1, tl: -1 };
const PLAIN: Access = { commutes: false, ob: null, ts: -1, tl: -1 };

// Every footprint is a full object literal, fields in one order: this is the hot path, and a
// helper that spreads defaults made the search 10–30% slower (measured at K=1).
function rawFootprint(m: Machine, tid: number, o: Op): Footprint {
  const c = cacheOf(o.a);
  const s = c < 0 ? -1 : SLOT + slotBase(o.a, c);
  const acc = c >= 0 && CACHES[c].typesafe ? typesafeAccess(m, tid, o.a) : PLAIN;
  // arrays are made at their final size: a push would grow a literal's backing store to 17
  const slotRead = s >= 0 && !acc.commutes;
  const ob = acc.ob;
  switch (o.k) {
    case 'read': case 'list_read': return { r: slotRead ? [s, o.a] : [o.a], w: [], lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob, ts: acc.ts, tl: acc.tl };
    case 'write': case 'atomic_add': case 'atomic_inc_not_zero': case 'atomic_dec_and_test': case 'list_add': case 'list_del':
      return { r: slotRead ? [s] : [], w: [o.a], lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob, ts: acc.ts, tl: acc.tl };
    case 'spin_lock': case 'lock_page': case 'mutex_lock': case 'down_write': case 'down_read':
      return { r: slotRead ? [s] : [], w: [o.a], lock: o.a, acquire: true, release: false, fl: 0, sk: 0, ob, ts: acc.ts, tl: acc.tl };
    case 'spin_trylock': case 'trylock_page': case 'mutex_trylock': case 'down_read_trylock':
      return { r: slotRead ? [s] : [], w: [o.a], lock: o.a, acquire: false, release: false, fl: 0, sk: 0, ob, ts: acc.ts, tl: acc.tl };
    case 'spin_unlock': case 'unlock_page': case 'mutex_unlock': case 'up_write': case 'up_read':
      return { r: slotRead ? [s] : [], w: [o.a], lock: o.a, acquire: false, release: true, fl: 0, sk: 0, ob, ts: acc.ts, tl: acc.tl };
    // A thread's RCU state (inside a section or not) is what grace periods and callbacks wait
    // on: both calls write it. When a section began matters to type-safe frees only through
    // the accesses that observe it (typesafeAccess).
    case 'rcu_read_lock': return { r: [], w: [RCU_T + tid], lock: 0, acquire: false, release: false, fl: 0, sk: SK_LOCK, ob: null, ts: -1, tl: -1 };
    case 'rcu_read_unlock': return { r: [], w: [RCU_T + tid], lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob: null, ts: -1, tl: -1 };
    case 'gp_start': return { r: [], w: [RCU_ALL], lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob: null, ts: -1, tl: -1 };
    case 'gp_wait': return { r: [RCU_ALL], w: [], lock: 0, acquire: true, release: false, fl: 0, sk: 0, ob: null, ts: -1, tl: -1 };
    case 'call_rcu': return { r: slotRead ? [s, RCU_ALL] : [RCU_ALL], w: [CBQ], lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob, ts: acc.ts, tl: acc.tl };
    case 'rcu_callbacks': {
      const cb = m.rcu.callbacks[0];
      const c = cb === undefined ? -1 : cacheOf(cb.addr);
      const rr = c >= 0 ? [RCU_ALL, POP + c] : [RCU_ALL], w = c >= 0 ? [CBQ, SLOT + slotBase(cb!.addr, c)] : [CBQ];
      const tsf = c >= 0 && CACHES[c].typesafe;
      return { r: rr, w, lock: 0, acquire: true, release: false, fl: c >= 0 ? c + 1 : 0, sk: tsf ? SK_FREE : 0, ob: null, ts: tsf ? slotBase(cb!.addr, c) : -1, tl: -1 };
    }
    case 'alloc': {
      const cache = o.a; // an allocation's operand is the cache, not an address
      const fl = m.mem.freelists[cache];
      if (fl === undefined) return { r: [], w: [], lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob: null, ts: -1, tl: -1 };
      const w = fl.length > 0 ? [POP + cache, SLOT + fl[fl.length - 1]] : [POP + cache];
      return { r: [], w, lock: 0, acquire: false, release: false, fl: -(cache + 1), sk: 0, ob: null, ts: -1, tl: -1 };
    }
    case 'free': {
      if (c < 0) return { r: [], w: [], lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob: null, ts: -1, tl: -1 };
      const tsf = CACHES[c].typesafe;
      return { r: [POP + c], w: [SLOT + slotBase(o.a, c)], lock: 0, acquire: false, release: false, fl: c + 1, sk: tsf ? SK_FREE : 0, ob: null, ts: tsf ? slotBase(o.a, c) : -1, tl: -1 };
    }
    case 'ghost': return NONE;
    case 'probe': {
      const pr: number[] = [];
      for (const x of o.xs ?? []) { pr.push(x); const k = slotKey(x); if (k >= 0) pr.push(k); }
      return { r: pr, w: [], lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob: null, ts: -1, tl: -1 };
    }
  }
}

/** The dependence sleep sets use: also two frees on one cache (see isPopKey), and a type-safe
 *  free with an rcu_read_lock (see typesafeAccess). */
export function sleepDependent(a: Footprint, b: Footprint): boolean {
  return (a.fl > 0 && a.fl === b.fl) || (a.sk | b.sk) === (SK_LOCK | SK_FREE) || dependent(a, b);
}

/** Resources as a set of bits, each hashed to one of 32: if `dependent(a, b)`, then
 *  resourceMask(a.w) shares a bit with b's resources, or resourceMask(b.w) with a's. So no
 *  common bit there means independent, without dependent's loops (dpor.ts, the sleep sets: a
 *  filter that took 4–6% off the search on 2.6.36-rc2). */
export function resourceMask(keys: readonly number[]): number {
  let m = 0;
  for (const k of keys) m |= 1 << (Math.imul(k, 0x9e3779b1) >>> 27);
  return m;
}

/** Two steps are dependent when one writes a resource the other touches. */
export function dependent(a: Footprint, b: Footprint): boolean {
  for (const x of a.w) {
    for (const y of b.w) if (x === y) return true;
    for (const y of b.r) if (x === y) return true;
  }
  for (const x of a.r) for (const y of b.w) if (x === y) return true;
  return false;
}

