// THE student API. Names deliberately follow the kernel's (spin_lock, rcu_read_lock, READ_ONCE,
// page_mapped, atomic_inc_not_zero, ...) so a C function translates line by line; everything
// else in the project uses ordinary TypeScript naming. Each call is used with `yield*`: it
// yields exactly one Op (one atomic step, a point where another CPU may run) — except those that
// say otherwise — and returns the typed result. No state lives here: the machine performs the ops.
// A submission may import this module and nothing else of the project.
import { op, Kernel, Op } from './op';
import { decode, Field, FieldKind, Atomic, SpinLock, SleepLock, ListHead, handleAt, Page, AnonVma, Obj, Handle } from './handles';
import { CACHE_ID, StructName } from './layout';

export type { Kernel, Op } from './op';
export type { Page, AnonVma, AnonVmaChain, Vma, Mm, Obj, Task, Sighand, Field, Atomic, SpinLock, SleepLock, ListHead, Handle } from './handles';

/** The low bit of page->mapping that says "this is an anon_vma, not an address_space". */
export const PAGE_MAPPING_ANON = 1;

let captureLoc = false;
/** Recording only (replay): attach the caller's source line to each op. Off while exploring. */
export function __setCaptureLocations(on: boolean): void { captureLoc = on === true; }

/** Attach the caller's source line while recording. The call runs in the caller's frame (it
 *  is not a generator), so the first frame outside the simulator is the caller's line. */
function at<T>(o: Kernel<T>): Kernel<T> {
  if (captureLoc) callerLines(new Error().stack ?? '', o as unknown as Op);
  return o;
}

/** The caller's `file:line` into op.loc; and when the next frame out is in the same file (the
 *  caller is a helper of the same code), that frame's into op.from. */
function callerLines(stack: string, op: Op): void {
  const lines = stack.split('\n');
  let file = '';
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (/[/\\]sim[/\\](api|op)\.[tj]s|[/\\]sim[/\\]kernel[/\\]|node:internal|^\s*at Generator\.next|<anonymous>\)?$/.test(l)) continue;
    const m = /\(?([^()\s]+):(\d+):\d+\)?\s*$/.exec(l);
    if (!m) continue;
    if (file === '') { op.loc = `${m[1]}:${m[2]}`; file = m[1]; continue; }
    if (m[1] === file) op.from = `${m[1]}:${m[2]}`;
    return;
  }
  if (file === '') op.loc = '';
}

// How each call turns the machine's answer into its result (see op() in op.ts).
const asField = (r: number, kind: FieldKind): unknown => decode(kind, r);
const asNumber = (r: number): number => r;
const isOne = (r: number): boolean => r === 1;
const isNonNegative = (r: number): boolean => r >= 0;
const asEntries = (r: readonly number[], elem: StructName): Handle[] => r.map((x) => handleAt(elem, x));
const isEmptyList = (r: readonly number[]): boolean => r.length === 0;

// Every call below (but synchronize_rcu) is one op: `yield*` runs it as one step and returns
// its result.

// ---- plain memory -------------------------------------------------------------------------
/** `READ_ONCE(x)`: one load the compiler may not merge or repeat. */
export function READ_ONCE<T>(f: Field<T>): Kernel<T> { return at(op('read', f.addr, 0, 'READ_ONCE', asField, f.kind)); }
/** `ACCESS_ONCE(x)` (2.6.36's name for READ_ONCE). */
export function ACCESS_ONCE<T>(f: Field<T>): Kernel<T> { return at(op('read', f.addr, 0, 'ACCESS_ONCE', asField, f.kind)); }
/** `WRITE_ONCE(x, v)`: one store. Pointers are stored as their address (null as 0). */
export function WRITE_ONCE<T>(f: Field<T>, v: T): Kernel<void> {
  const raw = typeof v === 'number' ? v : v === null ? 0 : (v as unknown as Handle).addr;
  return at(op('write', f.addr, raw, 'WRITE_ONCE'));
}
/** `rcu_dereference(p)`: a READ_ONCE that documents the RCU protection. */
export function rcu_dereference<T>(f: Field<T>): Kernel<T> { return at(op('read', f.addr, 0, 'rcu_dereference', asField, f.kind)); }

// ---- atomics ------------------------------------------------------------------------------
export function atomic_read(a: Atomic): Kernel<number> { return at(op('read', a.addr, 0, 'atomic_read', asNumber)); }
export function atomic_set(a: Atomic, v: number): Kernel<void> { return at(op('write', a.addr, v, 'atomic_set')); }
export function atomic_inc(a: Atomic): Kernel<void> { return at(op('atomic_add', a.addr, 1, 'atomic_inc')); }
export function atomic_dec(a: Atomic): Kernel<void> { return at(op('atomic_add', a.addr, -1, 'atomic_dec')); }
/** Increment unless the count is zero; true when it incremented (the object was live). */
export function atomic_inc_not_zero(a: Atomic): Kernel<boolean> { return at(op('atomic_inc_not_zero', a.addr, 0, 'atomic_inc_not_zero', isOne)); }
/** Decrement; true when the count reached zero (the caller dropped the last reference). */
export function atomic_dec_and_test(a: Atomic): Kernel<boolean> { return at(op('atomic_dec_and_test', a.addr, 0, 'atomic_dec_and_test', isOne)); }

// ---- pages --------------------------------------------------------------------------------
/** `page_mapped(page)`: `atomic_read(&page->_mapcount) >= 0`. One load. */
export function page_mapped(page: Page): Kernel<boolean> { return at(op('read', page._mapcount.addr, 0, 'page_mapped', isNonNegative)); }
/** `PageAnon` on a mapping word already read: is the PAGE_MAPPING_ANON bit set? No memory access. */
export function PageAnon(mapping: number): boolean { return (mapping & PAGE_MAPPING_ANON) !== 0; }
/** `(struct anon_vma *)(mapping - PAGE_MAPPING_ANON)`: pointer arithmetic, no memory access. */
export function anon_vma_from_mapping(mapping: number): AnonVma { return handleAt('anon_vma', mapping & ~PAGE_MAPPING_ANON); }
export function lock_page(page: Page): Kernel<void> { return at(op('lock_page', page.flags.addr, 0, 'lock_page')); }
export function trylock_page(page: Page): Kernel<boolean> { return at(op('trylock_page', page.flags.addr, 0, 'trylock_page', isOne)); }
export function unlock_page(page: Page): Kernel<void> { return at(op('unlock_page', page.flags.addr, 0, 'unlock_page')); }

// ---- RCU ----------------------------------------------------------------------------------
export function rcu_read_lock(): Kernel<void> { return at(op('rcu_read_lock', 0, 0, 'rcu_read_lock')); }
export function rcu_read_unlock(): Kernel<void> { return at(op('rcu_read_unlock', 0, 0, 'rcu_read_unlock')); }
/** Wait for every reader that is inside a read-side section now to leave it (two steps). */
export function* synchronize_rcu(): Kernel<void> {
  yield* at(op('gp_start', 0, 0, 'synchronize_rcu'));
  yield* at(op('gp_wait', 0, 0, 'synchronize_rcu'));
}
/** Free `obj` after a grace period (the RCU callback runs later, on the RCU thread). */
export function kfree_rcu(obj: Handle): Kernel<void> { return at(op('call_rcu', obj.addr, 0, 'kfree_rcu')); }
/** `call_rcu(head, free)`: in this model the only callback is freeing the object. */
export const call_rcu = kfree_rcu;

// ---- spinlocks ----------------------------------------------------------------------------
export function spin_lock(l: SpinLock): Kernel<void> { return at(op('spin_lock', l.addr, 0, 'spin_lock')); }
export function spin_trylock(l: SpinLock): Kernel<boolean> { return at(op('spin_trylock', l.addr, 0, 'spin_trylock', isOne)); }
export function spin_unlock(l: SpinLock): Kernel<void> { return at(op('spin_unlock', l.addr, 0, 'spin_unlock')); }

// ---- sleeping locks (3.0 mutex, 3.8 rwsem) ------------------------------------------------
export function mutex_lock(m: SleepLock): Kernel<void> { return at(op('mutex_lock', m.addr, 0, 'mutex_lock')); }
export function mutex_trylock(m: SleepLock): Kernel<boolean> { return at(op('mutex_trylock', m.addr, 0, 'mutex_trylock', isOne)); }
export function mutex_unlock(m: SleepLock): Kernel<void> { return at(op('mutex_unlock', m.addr, 0, 'mutex_unlock')); }
export function down_read(s: SleepLock): Kernel<void> { return at(op('down_read', s.addr, 0, 'down_read')); }
export function down_read_trylock(s: SleepLock): Kernel<boolean> { return at(op('down_read_trylock', s.addr, 0, 'down_read_trylock', isOne)); }
export function up_read(s: SleepLock): Kernel<void> { return at(op('up_read', s.addr, 0, 'up_read')); }
export function down_write(s: SleepLock): Kernel<void> { return at(op('down_write', s.addr, 0, 'down_write')); }
export function up_write(s: SleepLock): Kernel<void> { return at(op('up_write', s.addr, 0, 'up_write')); }

// ---- slab ---------------------------------------------------------------------------------
export interface KmemCache<H> { readonly id: number; readonly name: string; readonly __h?: H }
export const anon_vma_cachep: KmemCache<AnonVma> = Object.freeze({ id: CACHE_ID.anon_vma_cachep, name: 'anon_vma_cachep' });
export const obj_cachep: KmemCache<Obj> = Object.freeze({ id: CACHE_ID.obj_cachep, name: 'obj_cachep' });
export const obj_typesafe_cachep: KmemCache<Obj> = Object.freeze({ id: CACHE_ID.obj_typesafe_cachep, name: 'obj_typesafe_cachep' });
/** Allocate an object; fields keep what the slab left there (the constructor ran once). */
export function kmem_cache_alloc<H extends Handle>(c: KmemCache<H>): Kernel<H> {
  return at(op('alloc', c.id, 0, 'kmem_cache_alloc', asField, STRUCT_KIND[c.name] ?? 'obj'));
}
export function kmem_cache_free(_c: KmemCache<Handle>, obj: Handle): Kernel<void> { return at(op('free', obj.addr, 0, 'kmem_cache_free')); }
export function kfree(obj: Handle): Kernel<void> { return at(op('free', obj.addr, 0, 'kfree')); }
const STRUCT_KIND: Record<string, 'anon_vma' | 'obj' | 'vma' | 'mm' | 'sighand'> = {
  anon_vma_cachep: 'anon_vma', obj_cachep: 'obj', obj_typesafe_cachep: 'obj', vm_area_cachep: 'vma', mm_cachep: 'mm', sighand_cachep: 'sighand',
};

// ---- lists (a list head is one word holding the whole list; each op is one step) ----------
export function list_add<T extends Handle>(entry: T, head: ListHead<T>): Kernel<void> { return at(op('list_add', head.addr, entry.addr, 'list_add')); }
export function list_del<T extends Handle>(entry: T, head: ListHead<T>): Kernel<void> { return at(op('list_del', head.addr, entry.addr, 'list_del')); }
/** Read the whole list in one step (as a walker holding the list's lock would see it). */
export function list_entries<T extends Handle>(head: ListHead<T>): Kernel<T[]> { return at(op('list_read', head.addr, 0, 'list_for_each_entry', asEntries, head.elem)); }
export function list_empty<T>(head: ListHead<T>): Kernel<boolean> { return at(op('list_read', head.addr, 0, 'list_empty', isEmptyList)); }
export { handleAt } from './handles';
