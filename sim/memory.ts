// Memory as addresses: words, list heads, and slab caches whose slots keep their address across
// free and reallocation, with an incarnation count. Access checks model KASAN and
// SLAB_TYPESAFE_BY_RCU: a freed slot of a type-safe cache stays that type only for readers whose
// RCU read-side section began before the free; any other access to a freed slot is a
// use-after-free. The cache's constructor runs once per slot (the lock word is never reset at
// allocation — anon_vma_ctor, 2.6.36): allocation touches no field.
import type { Machine } from './machine';
import type { Op } from './op';
import { CACHES, STRIDE, cacheOf, describeAddr, hex, slotBase, fieldOffset } from './layout';
import { report } from './reports';

/** A slab slot's history. Replaced, never changed in place (the machine's journal notes the
 *  old object): a Slot read before a step still says what it said. */
export interface Slot {
  readonly cache: number;
  readonly base: number;
  readonly inc: number;
  readonly live: boolean;
  readonly allocBy: number;
  readonly allocAt: number;
  readonly freedBy: number;
  readonly freedAt: number;
}

export class Memory {
  readonly words = new Map<number, number>();
  readonly lists = new Map<number, readonly number[]>();
  readonly slots = new Map<number, Slot>();
  /** Per cache, free slots, most recently freed last (SLUB hands out the hottest first). A
   *  cache nobody allocated from or freed to yet shares the starting list (FREELISTS), copied
   *  at its first change (`freelist`): copying all nine was half of a new machine's cost. */
  readonly freelists: (readonly number[])[] = FREELISTS.slice();
  /** Cache `ci`'s free list, to change (the journal notes its changes). */
  freelist(ci: number): number[] {
    const fl = this.freelists[ci];
    return (fl === FREELISTS[ci] ? (this.freelists[ci] = fl.slice()) : fl) as number[];
  }

  constructor(private readonly m: Machine) {}

  // ---- setup (outside any thread) ----
  /** Allocate at setup time, outside any thread. */
  setupAlloc(cacheName: string): number {
    const ci = CACHES.findIndex((c) => c.name === cacheName);
    if (ci < 0) throw new Error(`unknown cache ${cacheName}`);
    if (this.freelists[ci].length === 0) throw new Error(`scenario setup needs more ${cacheName} slots than the model has (${CACHES[ci].slots})`);
    return this.allocIn(-1, ci);
  }
  set(addr: number, v: number): void { this.put(addr, v); }
  setList(addr: number, v: readonly number[]): void { this.m.journal?.map(this.lists, addr); this.lists.set(addr, v); }
  private put(a: number, v: number): void { this.m.journal?.map(this.words, a); this.words.set(a, v); }
  get(addr: number): number { return this.words.get(addr) ?? 0; }
  getList(addr: number): readonly number[] { return this.lists.get(addr) ?? EMPTY; }
  slotOf(addr: number): Slot | undefined {
    const ci = cacheOf(addr);
    return ci < 0 ? undefined : this.slots.get(slotBase(addr, ci));
  }

  /** How many times each page's _mapcount has dropped below zero (the page became unmapped). */
  readonly unmaps = new Map<number, number>();
  /** Per thread, the last word of a struct page or a task_struct it changed (undefined: none).
   *  The exercises' callers, whose threads never write either, check that the student's function
   *  changed none: one that unmapped the page itself could otherwise give up "because the page
   *  was unmapped" (scenarios/*Harness.ts). */
  readonly wroteWatched: (number | undefined)[] = [];
  /** Thread `tid` changed the word at `a` to `v`. */
  private noteWrite(tid: number, a: number, v: number): void {
    if (a >= PAGES.base && a < PAGES.base + PAGES.slots * STRIDE) {
      this.noteWatched(tid, a);
      if (v < 0 && (a & (STRIDE - 1)) === MAPCOUNT) {
        const p = a - MAPCOUNT;
        this.m.journal?.map(this.unmaps, p);
        this.unmaps.set(p, (this.unmaps.get(p) ?? 0) + 1);
      }
    } else if (a >= TASKS.base && a < TASKS.base + TASKS.slots * STRIDE) this.noteWatched(tid, a);
  }
  private noteWatched(tid: number, a: number): void {
    if (tid < 0) return;
    this.m.journal?.elem(this.wroteWatched, tid);
    this.wroteWatched[tid] = a;
  }

  // ---- thread operations ----
  read(tid: number, a: number, what: string): number { this.check(tid, a, what); return this.words.get(a) ?? 0; }
  write(tid: number, a: number, v: number, what: string): void { if (this.check(tid, a, what)) { this.put(a, v); this.noteWrite(tid, a, v); } }
  /** Atomically add `d` to the word; the new value (NaN if the access check failed: a refused
   *  access has no result, and the machine's trace shows none). */
  add(tid: number, a: number, d: number, what: string): number {
    if (!this.check(tid, a, what, d < 0 && isRefcount(a))) return NaN;
    const old = this.words.get(a) ?? 0, r = old + d;
    this.put(a, r);
    this.noteWrite(tid, a, r);
    // refcount_t's check (Linux 4.11; the model's atomic_t counts had none): a reference count
    // never goes below zero, unless something dropped a reference it never took
    if (r < 0 && d < 0 && isRefcount(a)) {
      this.m.fail('use-after-free', tid, 'a reference count went below zero: something dropped a reference it never took (a put without its get)',
        () => report.refcountUnderflow(this.m, tid, a, what, old, r));
    }
    return r;
  }
  /** atomic_inc_not_zero: 1 if the word was not zero (and is now one more), else 0. */
  incNotZero(tid: number, a: number, what: string): number {
    if (!this.check(tid, a, what)) return 0;
    const old = this.words.get(a) ?? 0;
    if (old === 0) return 0;
    this.put(a, old + 1);
    this.noteWrite(tid, a, old + 1);
    return 1;
  }
  /** Lists are copied on change: a list handed to a reader never changes under it. */
  listUpdate(tid: number, head: number, entry: number, add: boolean): void {
    if (!this.check(tid, head, add ? 'list_add' : 'list_del')) return;
    const cur = this.lists.get(head) ?? EMPTY;
    const next: number[] = [];
    for (let i = 0; i < cur.length; i++) if (add || cur[i] !== entry) next.push(cur[i]);
    if (add) next.push(entry);
    this.setList(head, next);
  }
  listRead(tid: number, head: number): readonly number[] { this.check(tid, head, 'list walk'); return this.lists.get(head) ?? EMPTY; }

  alloc(tid: number, cache: number): number {
    if (cache < 0 || cache >= CACHES.length || !Number.isInteger(cache)) {
      this.m.fail('exception', tid, 'kmem_cache_alloc was given something that is not a cache', [`BUG: kmem_cache_alloc on unknown cache ${cache}`]);
      return 0;
    }
    return this.allocIn(tid, cache);
  }

  private allocIn(tid: number, ci: number): number {
    const fl = this.freelist(ci);
    const base = fl.pop();
    if (base === undefined) {
      this.m.fail('memory', tid, `the ${CACHES[ci].name} cache ran out of slots in this scenario`, [`page allocation failure: ${CACHES[ci].name} exhausted`]);
      return 0;
    }
    this.m.journal?.popped(fl, base);
    const s = this.slots.get(base);
    this.m.journal?.map(this.slots, base);
    this.slots.set(base, s === undefined
      ? { cache: ci, base, inc: 1, live: true, allocBy: tid, allocAt: this.m.now, freedBy: -1, freedAt: -1 }
      : { cache: ci, base, inc: s.inc + 1, live: true, allocBy: tid, allocAt: this.m.now, freedBy: s.freedBy, freedAt: s.freedAt });
    return base;
  }

  free(tid: number, a: number): void {
    const s = this.slotOf(a);
    if (s === undefined || s.base !== a) {
      this.m.fail('exception', tid, 'kfree() of an address that is not the start of a slab object', [`BUG: kfree of bad address ${hex(a)}`]);
      return;
    }
    if (!s.live) {
      this.m.fail('use-after-free', tid, 'the object was freed twice', () => report.doubleFree(this.m, tid, s, this.describe(a)));
      return;
    }
    this.m.journal?.map(this.slots, s.base);
    this.slots.set(s.base, { cache: s.cache, base: s.base, inc: s.inc, live: false, allocBy: s.allocBy, allocAt: s.allocAt, freedBy: tid, freedAt: this.m.now });
    const fl = this.freelist(s.cache);
    fl.push(s.base);
    this.m.journal?.pushed(fl);
  }

  /** KASAN and SLAB_TYPESAFE_BY_RCU: may thread `tid` touch address `a` now? `put`: the access
   *  drops a reference (its why then says so). */
  private check(tid: number, a: number, what: string, put = false): boolean {
    const ci = cacheOf(a);
    if (ci < 0) {
      this.m.fail('exception', tid, 'the code dereferenced an address that holds no kernel object (a NULL or garbage pointer?)',
        [`BUG: unable to handle kernel paging request at ${hex(a)}`, `${what} by ${this.m.threadName(tid)}`]);
      return false;
    }
    const s = this.slots.get(slotBase(a, ci));
    if (s !== undefined && s.live) return true;
    if (s !== undefined && CACHES[ci].typesafe && this.m.rcu.sectionBegan(tid) < s.freedAt && this.m.rcu.depth(tid) > 0) return true;
    const why = s === undefined
      ? 'the address was never allocated'
      : put
        ? 'it dropped a reference on an object already freed: that reference was never taken (a failed atomic_inc_not_zero() takes none) or was dropped already'
      : CACHES[ci].typesafe
        ? (this.m.rcu.depth(tid) > 0
          ? 'the object was freed before this RCU read-side section began, so its slab page may already have left the cache'
          : 'the object had been freed, and outside rcu_read_lock() its memory may have left the cache: the code used a pointer to it after its last reference was gone')
        : 'the object was freed and its cache is not SLAB_TYPESAFE_BY_RCU: the memory may be anything now';
    this.m.fail('use-after-free', tid, why, () => report.uaf(this.m, tid, a, what, s));
    return false;
  }

  // ---- names for traces ----
  describe(a: number): string {
    const d = describeAddr(a);
    if (d.cache < 0) return d.obj;
    const s = this.slots.get(d.base);
    const inc = s ? ` #${s.inc}${s.live ? '' : ' (free)'}` : ' (never allocated)';
    return `${d.obj}${inc}${a !== d.base ? ` .${d.field}` : ''}`;
  }
  /** The address as a field of its object, even at offset 0: "obj@0x6000 #1 .key". */
  describeField(a: number): string {
    const d = describeAddr(a);
    if (d.cache < 0 || a !== d.base) return this.describe(a);
    return `${this.describe(a)} .${d.field}`;
  }
  /** A read result as a person would want it: pointers by object, ints as numbers. */
  describeValue(o: Op, v: number): string {
    // A truth value reads as one: "refcount → 1" would say the count is 1.
    if (o.k === 'atomic_inc_not_zero' || o.k === 'atomic_dec_and_test') return `${v === 1} (now ${this.get(o.a)})`;
    if (TRY_OPS.has(o.k)) return String(v === 1);
    if (o.k !== 'read' && o.k !== 'alloc') return String(v);
    const d = describeAddr(o.a);
    const field = d.cache >= 0 ? d.field : '';
    if (o.k === 'alloc' || POINTER_FIELDS.has(field)) return v === 0 ? 'NULL' : this.describePtr(v);
    if (field === 'mapping') return v === 0 ? 'NULL' : `${this.describePtr(v & ~1)}${v & 1 ? ' | ANON' : ''}`;
    return this.maybePtr(field, v);
  }
  /** A word in a generic field that holds exactly an object's address reads as that object. */
  private maybePtr(field: string, v: number): string {
    if (INT_FIELDS.has(field)) return String(v);
    const d = describeAddr(v);
    return d.cache >= 0 && d.base === v ? d.obj : String(v);
  }
  /** A stored value (write, list add/del) as a person would want it. */
  describeStored(o: Op): string {
    if (o.k !== 'write') return this.describePtr(o.v);
    const d = describeAddr(o.a);
    const field = d.cache >= 0 ? d.field : '';
    if (POINTER_FIELDS.has(field)) return o.v === 0 ? 'NULL' : this.describePtr(o.v);
    if (field === 'mapping') return o.v === 0 ? 'NULL' : `${this.describePtr(o.v & ~1)}${o.v & 1 ? ' | ANON' : ''}`;
    return this.maybePtr(field, o.v);
  }
  private describePtr(v: number): string {
    const d = describeAddr(v);
    return d.cache < 0 ? hex(v) : d.obj;
  }
}

const EMPTY: readonly number[] = Object.freeze([]);
/** Every cache's free list at the start: all slots free, the lowest address handed out first.
 *  Shared by every machine, and never changed: Memory.freelist copies one before a change. */
const FREELISTS: readonly (readonly number[])[] = CACHES.map((c) => {
  const f: number[] = [];
  for (let i = c.slots - 1; i >= 0; i--) f.push(c.base + i * STRIDE);
  return f;
});
const PAGES = CACHES.find((c) => c.name === 'pages')!;
const TASKS = CACHES.find((c) => c.name === 'task_cachep')!;
const MAPCOUNT = fieldOffset('page', '_mapcount');
const TRY_OPS: ReadonlySet<string> = new Set(['spin_trylock', 'trylock_page', 'mutex_trylock', 'down_read_trylock']);
const POINTER_FIELDS = new Set(['root', 'anon_vma', 'vma', 'vm_mm', 'sighand']);
const INT_FIELDS = new Set(['refcount', '_mapcount', 'flags', 'count', 'key', 'owner', 'lock', 'siglock']);

/** Per cache, the offset of its objects' reference count (anon_vma->refcount, obj->refcount,
 *  sighand->count), or -1: asked on every decrement, so a lookup, not a name. */
const REFCOUNT_AT: readonly number[] = CACHES.map((c) => {
  const f = ({ anon_vma: 'refcount', obj: 'refcount', sighand: 'count' } as Partial<Record<string, string>>)[c.struct];
  return f === undefined ? -1 : fieldOffset(c.struct, f);
});
/** Is `a` a reference count? */
function isRefcount(a: number): boolean {
  const ci = cacheOf(a);
  return ci >= 0 && REFCOUNT_AT[ci] >= 0 && a - slotBase(a, ci) === REFCOUNT_AT[ci];
}
