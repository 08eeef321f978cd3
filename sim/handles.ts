// Typed handles: a handle is an address plus typed references to its fields, so that
// `yield* READ_ONCE(anon_vma.root)` has type AnonVma. Handles are immutable views, cached by
// address; they hold no state and reading one is not a memory access (the `yield*` is).
import { fieldOffset, StructName } from './layout';

/** What a field holds, so a read can hand back the right typed value. */
export type FieldKind = 'int' | 'anon_vma' | 'vma' | 'mm' | 'page' | 'obj' | 'sighand' | 'list';

export interface Field<T> { readonly addr: number; readonly kind: FieldKind; readonly __t?: T }
export interface Atomic extends Field<number> { readonly kind: 'int' }
export interface SpinLock { readonly addr: number; readonly lockKind: 'spin' }
/** The anon_vma lock in kernels where it sleeps (3.0 mutex, 3.8 rwsem): same word, other rules. */
export interface SleepLock { readonly addr: number; readonly lockKind: 'sleep' }
/** A list head; its entries are objects of struct `elem`. */
export interface ListHead<T> { readonly addr: number; readonly kind: 'list'; readonly elem: StructName; readonly __t?: T }

export interface AnonVma {
  readonly addr: number; readonly struct: 'anon_vma';
  readonly lock: SpinLock; readonly mutex: SleepLock; readonly rwsem: SleepLock;
  readonly root: Field<AnonVma>; readonly refcount: Atomic; readonly head: ListHead<Vma>;
}
export interface AnonVmaChain {
  readonly addr: number; readonly struct: 'anon_vma_chain';
  readonly vma: Field<Vma>; readonly anon_vma: Field<AnonVma>;
}
export interface Vma {
  readonly addr: number; readonly struct: 'vma';
  readonly vm_mm: Field<Mm>; readonly anon_vma: Field<AnonVma | null>; readonly anon_vma_chain: ListHead<AnonVma>;
}
export interface Mm { readonly addr: number; readonly struct: 'mm'; readonly page_table_lock: SpinLock; readonly mmap: ListHead<Vma> }
export interface Page {
  readonly addr: number; readonly struct: 'page';
  readonly flags: Field<number>; readonly mapping: Field<number>; readonly _mapcount: Atomic;
}
/** A generic object for the RCU lessons: a key, a value, a lock, a refcount. */
export interface Obj {
  readonly addr: number; readonly struct: 'obj';
  readonly key: Field<number>; readonly value: Field<number>; readonly lock: SpinLock; readonly refcount: Atomic;
}
export interface Task { readonly addr: number; readonly struct: 'task'; readonly sighand: Field<Sighand | null>; readonly alloc_lock: SpinLock }
export interface Sighand { readonly addr: number; readonly struct: 'sighand'; readonly siglock: SpinLock; readonly count: Atomic; readonly owner: Field<number> }

export type Handle = AnonVma | AnonVmaChain | Vma | Mm | Page | Obj | Task | Sighand;
type HandleOf<K extends FieldKind> = K extends 'anon_vma' ? AnonVma : K extends 'vma' ? Vma : K extends 'mm' ? Mm
  : K extends 'page' ? Page : K extends 'obj' ? Obj : K extends 'sighand' ? Sighand : never;

const cache = new Map<number, Handle>();

function f<T>(s: StructName, base: number, name: string, kind: FieldKind): Field<T> {
  return Object.freeze({ addr: base + fieldOffset(s, name), kind });
}
function list<T>(s: StructName, base: number, name: string, elem: StructName): ListHead<T> {
  return Object.freeze({ addr: base + fieldOffset(s, name), kind: 'list' as const, elem });
}
function spin(s: StructName, base: number, name: string): SpinLock {
  return Object.freeze({ addr: base + fieldOffset(s, name), lockKind: 'spin' as const });
}
function sleep(s: StructName, base: number, name: string): SleepLock {
  return Object.freeze({ addr: base + fieldOffset(s, name), lockKind: 'sleep' as const });
}

function build(s: StructName, a: number): Handle {
  switch (s) {
    case 'anon_vma': return { addr: a, struct: s, lock: spin(s, a, 'lock'), mutex: sleep(s, a, 'lock'), rwsem: sleep(s, a, 'lock'),
      root: f(s, a, 'root', 'anon_vma'), refcount: f(s, a, 'refcount', 'int') as Atomic, head: list(s, a, 'head', 'vma') };
    case 'anon_vma_chain': return { addr: a, struct: s, vma: f(s, a, 'vma', 'vma'), anon_vma: f(s, a, 'anon_vma', 'anon_vma') };
    case 'vma': return { addr: a, struct: s, vm_mm: f(s, a, 'vm_mm', 'mm'), anon_vma: f(s, a, 'anon_vma', 'anon_vma'),
      anon_vma_chain: list(s, a, 'anon_vma_chain', 'anon_vma') };
    case 'mm': return { addr: a, struct: s, page_table_lock: spin(s, a, 'page_table_lock'), mmap: list(s, a, 'mmap', 'vma') };
    case 'page': return { addr: a, struct: s, flags: f(s, a, 'flags', 'int'), mapping: f(s, a, 'mapping', 'int'), _mapcount: f(s, a, '_mapcount', 'int') as Atomic };
    case 'obj': return { addr: a, struct: s, key: f(s, a, 'key', 'int'), value: f(s, a, 'value', 'int'), lock: spin(s, a, 'lock'), refcount: f(s, a, 'refcount', 'int') as Atomic };
    case 'task': return { addr: a, struct: s, sighand: f(s, a, 'sighand', 'sighand'), alloc_lock: spin(s, a, 'alloc_lock') };
    case 'sighand': return { addr: a, struct: s, siglock: spin(s, a, 'siglock'), count: f(s, a, 'count', 'int') as Atomic, owner: f(s, a, 'owner', 'int') };
  }
}

/** The handle for the object of struct `s` at address `a` (same object every time). */
export function handleAt<S extends StructName>(s: S, a: number): Extract<Handle, { struct: S }> {
  let h = cache.get(a);
  if (h === undefined || h.struct !== s) { h = Object.freeze(build(s, a)); cache.set(a, h); }
  return h as Extract<Handle, { struct: S }>;
}

/** Turn a raw word read from a field into the typed value the field holds (0 is NULL). */
export function decode<K extends FieldKind>(kind: K, raw: number): K extends 'int' ? number : HandleOf<K> | null {
  if (kind === 'int' || kind === 'list') return raw as never;
  return (raw === 0 ? null : handleAt(kind as StructName, raw)) as never;
}
