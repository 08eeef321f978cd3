// Footprints and the dependence relation DPOR uses. Two steps of different threads are
// dependent when they touch the same resource and one writes it. Resources: memory words and
// list heads (by address), a slab slot's liveness (allocation and free against any access to
// the slot), a cache's free list (allocation order), each thread's RCU read-side state (inside
// a section or not; and when its section began, for type-safe frees), and the global RCU state
// (grace periods and callbacks, which depend on who is inside a read-side section, and
// type-safe frees, which depend on when each section began). Lock operations on one address
// are all dependent; see dpor.ts for how an acquire that waited on a release is raced against
// the matching acquire.
import type { Machine } from '../sim/machine';
import type { Op } from '../sim/op';
import { CACHES, cacheOf, slotBase } from '../sim/layout';

const SLOT = 0x1000000, POP = 0x2000000, RCU_T = 0x3000000, RCU_ALL = 0x3ffffff, CBQ = 0x4000000, RCU_S = 0x5000000, RCU_S_ALL = 0x5ffffff;

/** Resources read and written by one step; small arrays (usually 1–3 entries). `fl` marks a
 *  slab free-list operation on cache c: c + 1 for a free (a push), -(c + 1) for an allocation
 *  (a pop), 0 otherwise. */
export interface Footprint { readonly r: readonly number[]; readonly w: readonly number[]; readonly lock: number; readonly acquire: boolean; readonly release: boolean; readonly fl: number }

const NONE: Footprint = { r: [], w: [], lock: 0, acquire: false, release: false, fl: 0 };

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
  const f = rawFootprint(m, tid, o);
  const n = m.threads.length;
  if (!hasAll(f.r) && !hasAll(f.w)) return f;
  return { r: expandRcu(f.r, n), w: expandRcu(f.w, n), lock: f.lock, acquire: f.acquire, release: f.release, fl: f.fl };
}

function hasAll(a: readonly number[]): boolean { return a.includes(RCU_ALL) || a.includes(RCU_S_ALL); }

function expandRcu(a: readonly number[], n: number): readonly number[] {
  if (!hasAll(a)) return a;
  const out: number[] = [];
  for (const x of a) {
    if (x === RCU_ALL) for (let t = 0; t < n; t++) out.push(RCU_T + t);
    else if (x === RCU_S_ALL) for (let t = 0; t < n; t++) out.push(RCU_S + t);
    else out.push(x);
  }
  return out;
}

/** Is the footprint of a pending op the same whatever other threads do meanwhile? Not for an
 *  allocation (the slot it gets), an RCU callback (which free), or an access to a type-safe
 *  slot (see commutesWithSlotChanges). */
export function footprintIsStable(o: Op): boolean {
  if (o.k === 'alloc' || o.k === 'rcu_callbacks') return false;
  const c = cacheOf(o.a);
  return c < 0 || !CACHES[c].typesafe;
}

/** Does an access by `tid` to `a` commute with the free and the reallocation of a's slot?
 *  Yes for a reader inside an RCU section touching a SLAB_TYPESAFE_BY_RCU slot that it may
 *  touch now (live, or freed after its section began): neither a free nor an allocation changes
 *  the contents, a free cannot move before the section's start (they are dependent through
 *  RCU_S), so the access is legal and reads the same in either order. */
function commutesWithSlotChanges(m: Machine, tid: number, a: number): boolean {
  const c = cacheOf(a);
  if (c < 0 || !CACHES[c].typesafe || m.rcu.depth(tid) === 0) return false;
  const slot = m.mem.slotOf(a);
  return slot !== undefined && (slot.live || m.rcu.sectionBegan(tid) < slot.freedAt);
}

function rawFootprint(m: Machine, tid: number, o: Op): Footprint {
  const s = slotKey(o.a);
  const r: number[] = s >= 0 && !commutesWithSlotChanges(m, tid, o.a) ? [s] : [];
  switch (o.k) {
    case 'read': case 'list_read': r.push(o.a); return { r, w: [], lock: 0, acquire: false, release: false, fl: 0 };
    case 'write': case 'atomic_add': case 'atomic_inc_not_zero': case 'atomic_dec_and_test': case 'list_add': case 'list_del':
      return { r, w: [o.a], lock: 0, acquire: false, release: false, fl: 0 };
    case 'spin_lock': case 'lock_page': case 'mutex_lock': case 'down_write': case 'down_read':
      return { r, w: [o.a], lock: o.a, acquire: true, release: false, fl: 0 };
    case 'spin_trylock': case 'trylock_page': case 'mutex_trylock': case 'down_read_trylock':
      return { r, w: [o.a], lock: o.a, acquire: false, release: false, fl: 0 };
    case 'spin_unlock': case 'unlock_page': case 'mutex_unlock': case 'up_write': case 'up_read':
      return { r, w: [o.a], lock: o.a, acquire: false, release: true, fl: 0 };
    // A thread's RCU state has two parts. RCU_T (inside a section or not) is what grace periods
    // and callbacks wait on: both calls write it. RCU_S (when the outermost section began) is
    // all a type-safe free depends on: only rcu_read_lock writes it. A free and a reader's
    // rcu_read_unlock commute: a reader outside every section may not touch a freed slot, and
    // its next section begins after the free, whichever ran first.
    case 'rcu_read_lock': return { r: [], w: [RCU_T + tid, RCU_S + tid], lock: 0, acquire: false, release: false, fl: 0 };
    case 'rcu_read_unlock': return { r: [], w: [RCU_T + tid], lock: 0, acquire: false, release: false, fl: 0 };
    case 'gp_start': return { r: [], w: [RCU_ALL], lock: 0, acquire: false, release: false, fl: 0 };
    case 'gp_wait': return { r: [RCU_ALL], w: [], lock: 0, acquire: true, release: false, fl: 0 };
    case 'call_rcu': r.push(RCU_ALL); return { r, w: [CBQ], lock: 0, acquire: false, release: false, fl: 0 };
    case 'rcu_callbacks': {
      const cb = m.rcu.callbacks[0];
      const rr = [RCU_ALL], w = [CBQ];
      const c = cb === undefined ? -1 : cacheOf(cb.addr);
      if (c >= 0) { rr.push(POP + c); w.push(SLOT + slotBase(cb.addr, c)); }
      return { r: rr, w, lock: 0, acquire: true, release: false, fl: c >= 0 ? c + 1 : 0 };
    }
    case 'alloc': {
      const c = o.a;
      const fl = m.mem.freelists[c];
      if (fl === undefined) return { r: [], w: [], lock: 0, acquire: false, release: false, fl: 0 };
      const w = [POP + c];
      if (fl.length > 0) w.push(SLOT + fl[fl.length - 1]);
      return { r: [], w, lock: 0, acquire: false, release: false, fl: -(c + 1) };
    }
    case 'free': {
      const c = cacheOf(o.a);
      if (c < 0) return { r: [], w: [], lock: 0, acquire: false, release: false, fl: 0 };
      return { r: CACHES[c].typesafe ? [POP + c, RCU_S_ALL] : [POP + c], w: [SLOT + slotBase(o.a, c)], lock: 0, acquire: false, release: false, fl: c + 1 };
    }
    case 'ghost': return NONE;
    case 'probe': {
      const pr: number[] = [];
      for (const x of o.xs ?? []) { pr.push(x); const k = slotKey(x); if (k >= 0) pr.push(k); }
      return { r: pr, w: [], lock: 0, acquire: false, release: false, fl: 0 };
    }
  }
}

/** The dependence sleep sets use: also two frees on one cache (see isPopKey). */
export function sleepDependent(a: Footprint, b: Footprint): boolean {
  return (a.fl > 0 && a.fl === b.fl) || dependent(a, b);
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

