// Exercise 03's world: a one-slot lookup table over a SLAB_TYPESAFE_BY_RCU cache of objects
// (obj_typesafe_cachep: a key, a value, a lock, a refcount), like the kernel's RCU socket
// lookups. The table holds one reference on the object it publishes; removing it unpublishes
// the object, then drops that reference, and the last put frees it — at once: the cache lets
// the slot be reallocated straight away as another object of the same type.
//
// The caller (lookupHarness) asks the subject for the object with a key, uses it and drops the
// reference it was given. The contract, checked atomically right after the call:
//  - non-NULL: a live object of the cache, whose key is the one asked for, on which the caller
//    holds exactly one reference of its own;
//  - NULL: only if no object with that key stayed published in the slot for the whole call,
//    and without keeping any reference;
//  - either way, no object the table still holds a reference on was freed (a reference of
//    one's own is dropped with obj_put, which frees only on the last).
// And once every thread has finished (atEnd.ts): each live object's refcount is the table's
// references on it, so no reference was lost or dropped twice, and no count reached zero
// without a free.
import * as k from '../sim/api';
import type { Field, Kernel, Obj } from '../sim/api';
import { ghostOp, probe, Machine } from '../sim/machine';
import { handleAt } from '../sim/handles';
import { CACHES, STRIDE } from '../sim/layout';
import { report } from '../sim/reports';
import { addrOf, shown } from './util';

export interface TypesafeLookupSubject {
  obj_lookup(slot: Field<Obj | null>, key: number): Kernel<Obj | null>;
}

/** The table's bucket. The adversary's bookkeeping is kept in ghost steps (never a scheduling
 *  point) as the machine's ghost state, which every thread sees: CHANGES, the writes to the slot
 *  so far, and at refKey(addr), the table's own references on each object. */
export interface Table {
  readonly slot: Field<Obj | null>;
}
const CHANGES = 0x50000000;
const refKey = (a: number): number => 0x60000000 + a;

const TYPESAFE = CACHES.find((c) => c.name === 'obj_typesafe_cachep')!;
const OBJS = Array.from({ length: TYPESAFE.slots }, (_, i) => handleAt('obj', TYPESAFE.base + i * STRIDE));
/** Everything a check may read: the slot, and each object's key and refcount. */
function footprint(t: Table): number[] { return [t.slot.addr, ...OBJS.flatMap((o) => [o.key.addr, o.refcount.addr])]; }

/** Build the table: a bucket word (in a plain, never-freed object) publishing one object. */
export function makeTable(m: Machine, key: number): Table {
  const bucket = handleAt('obj', m.mem.setupAlloc('obj_cachep'));
  const slot: Field<Obj | null> = Object.freeze({ addr: bucket.value.addr, kind: 'obj' as const });
  const o = handleAt('obj', m.mem.setupAlloc('obj_typesafe_cachep'));
  m.mem.set(o.key.addr, key);
  m.mem.set(o.value.addr, key * 10);
  m.mem.set(o.refcount.addr, 1);
  m.mem.set(slot.addr, o.addr);
  m.ghostSet(refKey(o.addr), 1);
  return { slot };
}

/** Remove the published object: unpublish it, drop the table's reference, free it if last. */
export function* tableRemove(t: Table): Kernel<void> {
  const o = yield* k.rcu_dereference(t.slot);
  if (o === null) return;
  yield* k.WRITE_ONCE(t.slot, null);
  yield ghostOp((m) => { m.ghostSet(CHANGES, m.ghostGet(CHANGES) + 1); });
  const last = yield* k.atomic_dec_and_test(o.refcount);
  yield ghostOp((m) => { m.ghostSet(refKey(o.addr), 0); });
  if (last) yield* k.kmem_cache_free(k.obj_typesafe_cachep, o);
}

/** Allocate a new object (the slab may hand back the slot just freed), fill it, publish it. */
export function* tableInsert(t: Table, key: number): Kernel<void> {
  const o = yield* k.kmem_cache_alloc(k.obj_typesafe_cachep);
  yield* k.WRITE_ONCE(o.key, key);
  yield* k.WRITE_ONCE(o.value, key * 10);
  yield* k.atomic_set(o.refcount, 1);
  yield ghostOp((m) => { m.ghostSet(refKey(o.addr), 1); });
  yield* k.WRITE_ONCE(t.slot, o);
  yield ghostOp((m) => { m.ghostSet(CHANGES, m.ghostGet(CHANGES) + 1); });
}

export function* lookupHarness(t: Table, key: number, subject: TypesafeLookupSubject): Kernel<void> {
  const xs = footprint(t);
  const [changes0, had] = yield* probe('check: slot', xs, (m) => {
    const p = m.mem.get(t.slot.addr);
    return [m.ghostGet(CHANGES), p !== 0 && m.mem.get(handleAt('obj', p).key.addr) === key] as const;
  });
  const r: unknown = yield* subject.obj_lookup(t.slot, key);
  const ok = yield* probe('check: contract', xs, (m, tid) => checkLookup(m, tid, t, key, r, had && m.ghostGet(CHANGES) === changes0));
  const a = addrOf(r);
  if (!ok || a <= 0) return;
  // Use the object, then drop the reference the lookup gave us (the last put frees).
  const obj = handleAt('obj', a);
  yield* k.READ_ONCE(obj.value);
  if (yield* k.atomic_dec_and_test(obj.refcount)) yield* k.kmem_cache_free(k.obj_typesafe_cachep, obj);
}

function checkLookup(m: Machine, tid: number, t: Table, key: number, r: unknown, stayed: boolean): boolean {
  const fail = (why: string, lines: string[]): boolean => { m.fail('contract', tid, why, report.contract('obj_lookup()', lines)); return false; };
  const a = addrOf(r);
  if (a < 0) return fail('obj_lookup() must return an Obj handle or null', [`returned ${shown(m, r)}`]);
  const extra = (x: number): number => m.mem.get(handleAt('obj', x).refcount.addr) - m.ghostGet(refKey(x));
  const dangling = tableRefsFreed(m);
  if (dangling.length > 0) {
    return fail('it freed an object the table still holds a reference on: drop your own reference with obj_put(), which frees only when the count reaches zero', dangling);
  }
  const leaked = OBJS.filter((o) => o.addr !== a && m.mem.slotOf(o.addr)?.live === true && extra(o.addr) > 0);
  if (a === 0) {
    if (stayed) return fail(`it returned NULL although an object with key ${key} stayed published for the whole call`, [`${m.mem.describe(m.mem.get(t.slot.addr))} (key ${key}) was in the slot throughout`]);
  } else {
    const s = m.mem.slotOf(a);
    if (s === undefined || s.base !== a || CACHES[s.cache] !== TYPESAFE) return fail('it returned something that is not an object of the cache', [`returned ${shown(m, r)}`]);
    if (!s.live) {
      return fail('it returned an object that has been freed: a count of zero means "being freed", and must not be revived (atomic_inc_not_zero, not atomic_inc)',
        [`returned ${m.mem.describe(a)}, freed by ${m.threadName(s.freedBy)} at step ${s.freedAt}`]);
    }
    const got = m.mem.get(handleAt('obj', a).key.addr);
    if (got !== key) {
      return fail(`it returned someone else's object: its key is ${got}, not ${key}. The object was freed and reused after it was looked up: check the key after pinning it`,
        [`returned ${m.mem.describe(a)} (allocated by ${s.allocBy < 0 ? 'setup' : m.threadName(s.allocBy)} at step ${s.allocAt}) with key ${got}; looked up key ${key}`]);
    }
    const mine = extra(a);
    if (mine < 1) return fail('it returned an object without holding a reference on it: pin it (atomic_inc_not_zero) before you trust or return it', [`${m.mem.describe(a)} has refcount ${m.mem.get(handleAt('obj', a).refcount.addr)}: the table's reference${mine < 0 ? ', less one' : ''} only`]);
    if (mine > 1) return fail(`it returned an object holding ${mine} references on it: one is enough, the rest leak`, [`${m.mem.describe(a)} has refcount ${m.mem.get(handleAt('obj', a).refcount.addr)}`]);
  }
  if (leaked.length > 0) {
    return fail('it kept a reference on an object it did not return: drop it (obj_put) on every path that gives up',
      leaked.map((o) => `${m.mem.describe(o.addr)}: refcount ${m.mem.get(o.refcount.addr)}, of which ${extra(o.addr)} not accounted for`));
  }
  return true;
}

/** Objects freed while the table still holds a reference on them, one line each. */
function tableRefsFreed(m: Machine): string[] {
  return OBJS.filter((o) => m.ghostGet(refKey(o.addr)) > 0 && m.mem.slotOf(o.addr)?.live === false)
    .map((o) => { const s = m.mem.slotOf(o.addr)!; return `${m.mem.describe(o.addr)} was freed by ${m.threadName(s.freedBy)} at step ${s.freedAt}, and the table still holds its reference`; });
}

/** The end-of-scenario check (every thread has finished): each live object holds exactly the
 *  table's references, and none the table holds was freed. Blamed on the lookup, thread `tid`. */
export function checkObjRefs(tid: number): (m: Machine) => void {
  return (m) => {
    const lines = tableRefsFreed(m);
    for (const o of OBJS) {
      if (m.mem.slotOf(o.addr)?.live !== true) continue;
      const count = m.mem.get(o.refcount.addr), table = m.ghostGet(refKey(o.addr));
      if (count === 0 && table === 0) lines.push(`${m.mem.describe(o.addr)}: refcount 0, yet it was never freed: the last put must free it (obj_put, not a bare atomic_dec)`);
      else if (count > table) lines.push(`${m.mem.describe(o.addr)}: refcount ${count}, but the table holds ${table}: ${count - table} never dropped`);
      else if (count < table) lines.push(`${m.mem.describe(o.addr)}: refcount ${count}, but the table holds ${table}: a reference was dropped twice`);
    }
    if (lines.length === 0) return;
    m.fail('contract', tid, 'when everything had finished, the objects\' references did not add up: a reference was lost (taken and never put, or the last put did not free) or dropped twice',
      report.contract('obj_lookup()', ['every thread has finished, and:', ...lines]));
  };
}
