// Where kernel objects live: every struct is a slab object at a fixed address, its fields at
// 8-byte offsets. Addresses, not JavaScript objects, are what threads hold — so freeing and
// reallocating gives the same address a new incarnation (what SLAB_TYPESAFE_BY_RCU is about).
// Must never: hold per-execution state (the machine owns that).

export type StructName = 'anon_vma' | 'anon_vma_chain' | 'vma' | 'mm' | 'page' | 'obj' | 'task' | 'sighand';

/** Field names by struct, in offset order (offset = index * 8). */
export const STRUCTS: Readonly<Record<StructName, readonly string[]>> = {
  // 2.6.36: lock, root, the list of chains; refcount (KSM/migration, later the 3.0 refcount)
  anon_vma: ['lock', 'root', 'refcount', 'head'],
  anon_vma_chain: ['vma', 'anon_vma'],
  vma: ['vm_mm', 'anon_vma', 'anon_vma_chain'],
  mm: ['page_table_lock', 'mmap'],
  // flags bit 0 is PG_locked (the page lock); mapping, _mapcount (starts at -1)
  page: ['flags', 'mapping', '_mapcount'],
  // a generic object for RCU lessons: a key and a value
  obj: ['key', 'value', 'lock', 'refcount'],
  task: ['sighand', 'alloc_lock'],
  sighand: ['siglock', 'count', 'owner'],
};

export function fieldOffset(s: StructName, field: string): number {
  const i = STRUCTS[s].indexOf(field);
  if (i < 0) throw new Error(`struct ${s} has no field ${field}`);
  return i * 8;
}

export interface CacheSpec {
  readonly name: string;
  readonly struct: StructName;
  /** SLAB_TYPESAFE_BY_RCU (was SLAB_DESTROY_BY_RCU): reuse only as the same type. */
  readonly typesafe: boolean;
  readonly base: number;
  readonly slots: number;
}

/** Object stride: 0x40 bytes (8 words), so "anon_vma@0x40" reads naturally. */
export const STRIDE = 0x40;

export const CACHES: readonly CacheSpec[] = [
  { name: 'anon_vma_cachep', struct: 'anon_vma', typesafe: true, base: 0x40, slots: 12 },
  { name: 'anon_vma_chain_cachep', struct: 'anon_vma_chain', typesafe: false, base: 0x1000, slots: 24 },
  { name: 'vm_area_cachep', struct: 'vma', typesafe: false, base: 0x2000, slots: 20 },
  { name: 'mm_cachep', struct: 'mm', typesafe: false, base: 0x3000, slots: 16 },
  { name: 'pages', struct: 'page', typesafe: false, base: 0x4000, slots: 4 },
  { name: 'obj_cachep', struct: 'obj', typesafe: false, base: 0x5000, slots: 6 },
  { name: 'obj_typesafe_cachep', struct: 'obj', typesafe: true, base: 0x6000, slots: 6 },
  { name: 'task_cachep', struct: 'task', typesafe: false, base: 0x7000, slots: 4 },
  { name: 'sighand_cachep', struct: 'sighand', typesafe: true, base: 0x8000, slots: 6 },
];

export const CACHE_ID: Readonly<Record<string, number>> = Object.fromEntries(CACHES.map((c, i) => [c.name, i]));

/** Cache id by 64-byte slot index (every cache starts on a slot boundary): -1 outside any. */
const BY_SLOT: Int8Array = (() => {
  const end = Math.max(...CACHES.map((c) => c.base + c.slots * STRIDE));
  const t = new Int8Array(end / STRIDE).fill(-1);
  CACHES.forEach((c, i) => {
    if (c.base % STRIDE !== 0) throw new Error(`cache ${c.name} must start on a ${STRIDE}-byte boundary`);
    for (let s = 0; s < c.slots; s++) t[c.base / STRIDE + s] = i;
  });
  return t;
})();
const LIMIT = BY_SLOT.length * STRIDE;

/** The cache an address belongs to, or -1. */
export function cacheOf(addr: number): number {
  return addr >= 0 && addr < LIMIT ? BY_SLOT[Math.floor(addr / STRIDE)] : -1;
}

/** The start of the slab object holding `addr` (an address inside cache `cache`). */
export function slotBase(addr: number, cache: number): number {
  void cache;
  return Math.floor(addr / STRIDE) * STRIDE;
}

/** The anon_vma's `lock` word is a mutex in 3.0 and an rwsem in 3.8, and the code names it
 *  `root.mutex`, `root.rwsem`: traces and reports name it after the call (or the way it is held:
 *  'mutex', 'read', 'write'), not by the word's field name. */
export function lockFieldName(field: string, how: string | undefined): string {
  if (field !== 'lock' || how === undefined) return field;
  if (how.startsWith('mutex')) return 'mutex';
  if (how.startsWith('down_') || how.startsWith('up_') || how === 'read' || how === 'write') return 'rwsem';
  return field;
}

/** Fields whose kernel type is 4 bytes wide: an atomic_t, an int, a spinlock_t (without lock
 *  debugging). The rest are pointers, unsigned longs or a list_head's first pointer: 8. */
const FOUR_BYTES: ReadonlySet<string> = new Set(['lock', 'refcount', '_mapcount', 'page_table_lock', 'alloc_lock', 'siglock', 'count']);

/** How many bytes an access to the word at `addr` touches, as KASAN reports it. */
export function accessSize(addr: number): 4 | 8 {
  return FOUR_BYTES.has(describeAddr(addr).field) ? 4 : 8;
}

/** An address as the kernel prints one, a sign first if a forged one is negative (-0x1, not
 *  0x-1). */
export function hex(a: number): string { return a < 0 ? `-0x${(-a).toString(16)}` : `0x${a.toString(16)}`; }

/** "anon_vma@0x40" plus ".root" when the address is a field. */
export function describeAddr(addr: number): { obj: string; field: string; base: number; cache: number } {
  const ci = cacheOf(addr);
  if (ci < 0) return { obj: hex(addr), field: '', base: addr, cache: -1 };
  const base = slotBase(addr, ci);
  const s = CACHES[ci].struct;
  const idx = (addr - base) / 8;
  const field = STRUCTS[s][idx] ?? `+${addr - base}`;
  return { obj: `${s}@0x${base.toString(16)}`, field, base, cache: ci };
}
