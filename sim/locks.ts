// Locks by address: spinlocks, the page lock (PG_locked), mutexes and rw-semaphores. The lock
// word lives at its address and belongs to the memory slot, not to the allocation: freeing and
// reallocating an anon_vma leaves a held lock held (anon_vma_ctor initialises it once).
// A thread waiting for a lock is simply not enabled; "nobody can run" is the hang.
import type { Machine } from './machine';
import type { Op } from './op';
import { report } from './reports';

export type LockMode = 'spin' | 'page' | 'mutex' | 'read' | 'write';

export interface Holding { readonly addr: number; readonly mode: LockMode; readonly at: number; readonly loc?: string }

function modeOfOp(k: Op['k']): LockMode {
  switch (k) {
    case 'spin_lock': case 'spin_trylock': case 'spin_unlock': return 'spin';
    case 'lock_page': case 'trylock_page': case 'unlock_page': return 'page';
    case 'mutex_lock': case 'mutex_trylock': case 'mutex_unlock': return 'mutex';
    case 'down_read': case 'down_read_trylock': case 'up_read': return 'read';
    default: return 'write';
  }
}

const NOBODY: readonly number[] = Object.freeze([]);
const NOBODY_HELD: readonly Holding[] = Object.freeze([]);

export class Locks {
  /** addr -> holder thread ids (several only for rwsem readers; empty when free). Both tables'
   *  lists are replaced, never changed in place (the machine's journal notes the old list). */
  readonly holders = new Map<number, readonly number[]>();
  /** tid -> the locks it holds, oldest first */
  readonly held: (readonly Holding[])[] = [];
  /** tid -> the locks another thread's unlock took from it (release), oldest first: as far as
   *  lockdep's record of the thread goes, which only its own steps change, it still holds them
   *  when it returns (so that whether it returns before or after that unlock, which touch
   *  nothing in common, it is reported the same: explorer/dependence.ts). */
  readonly stolen: (readonly Holding[])[] = [];

  constructor(private readonly m: Machine) {}

  isFree(a: number): boolean { const h = this.holders.get(a); return h === undefined || h.length === 0; }
  canSpin(a: number, tid: number): boolean { const h = this.holders.get(a); return h === undefined || h.length === 0 || h[0] === tid; }
  canRead(a: number): boolean {
    const h = this.holders.get(a);
    if (h === undefined || h.length === 0) return true;
    return this.modeOf(a) === 'read';
  }
  modeOf(a: number): LockMode | undefined {
    const h = this.holders.get(a);
    if (h === undefined || h.length === 0) return undefined;
    return this.holding(h[0], a)?.mode;
  }
  holdsSpin(tid: number): boolean { const l = this.held[tid]; return l !== undefined && l.some((x) => x.mode === 'spin'); }
  heldBy(tid: number): readonly Holding[] { return this.held[tid] ?? []; }
  /** What `tid` returns holding, as lockdep sees it: what it holds, and what was taken from it. */
  heldAtReturn(tid: number): readonly Holding[] {
    const s = this.stolen[tid];
    return s === undefined || s.length === 0 ? this.heldBy(tid) : [...this.heldBy(tid), ...s];
  }
  holderOf(a: number): number { const h = this.holders.get(a); return h && h.length > 0 ? h[0] : -1; }
  /** Is `tid` the only holder of lock `a`? */
  soleHolder(a: number, tid: number): boolean { const h = this.holders.get(a); return h !== undefined && h.length === 1 && h[0] === tid; }
  holding(tid: number, a: number): Holding | undefined {
    const l = this.held[tid];
    if (l !== undefined) for (let i = 0; i < l.length; i++) if (l[i].addr === a) return l[i];
    return undefined;
  }

  acquire(tid: number, o: Op): void {
    this.m.mem.read(tid, o.a, o.n ?? o.k);
    if (this.m.halted) return;
    const mode = modeOfOp(o.k);
    if (mode === 'spin' && this.holderOf(o.a) === tid) {
      this.m.fail('spinlock-recursion', tid, 'the thread takes a spinlock it already holds: it will spin forever', () => report.recursion(this.m, tid, o.a));
      return;
    }
    this.take(tid, o.a, mode, o.loc);
  }
  acquireRead(tid: number, o: Op): void {
    this.m.mem.read(tid, o.a, o.n ?? o.k);
    if (!this.m.halted) this.take(tid, o.a, 'read', o.loc);
  }
  tryAcquire(tid: number, o: Op): number {
    this.m.mem.read(tid, o.a, o.n ?? o.k);
    if (this.m.halted || !this.isFree(o.a)) return 0;
    this.take(tid, o.a, modeOfOp(o.k), o.loc);
    return 1;
  }
  tryRead(tid: number, o: Op): number {
    this.m.mem.read(tid, o.a, o.n ?? o.k);
    if (this.m.halted || !this.canRead(o.a)) return 0;
    this.take(tid, o.a, 'read', o.loc);
    return 1;
  }

  private take(tid: number, a: number, mode: LockMode, loc?: string): void {
    // (a free lock's and a lockless thread's lists are often the frozen empty ones, which a
    // spread copies by the slow path)
    const h = this.holders.get(a);
    this.setHolders(a, h === undefined || h.length === 0 ? [tid] : [...h, tid]);
    const l = this.held[tid];
    const x: Holding = loc === undefined ? { addr: a, mode, at: this.m.now } : { addr: a, mode, at: this.m.now, loc };
    this.setHeld(tid, l === undefined || l.length === 0 ? [x] : [...l, x]);
  }
  private setHolders(a: number, h: readonly number[]): void { this.m.journal?.map(this.holders, a); this.holders.set(a, h); }
  private setHeld(tid: number, l: readonly Holding[]): void { this.m.journal?.elem(this.held, tid); this.held[tid] = l; }
  private setStolen(tid: number, l: readonly Holding[]): void { this.m.journal?.elem(this.stolen, tid); this.stolen[tid] = l; }

  /** Release. Like the kernel, an unlock of someone else's spinlock clears it anyway: reported. */
  release(tid: number, o: Op): void {
    this.m.mem.read(tid, o.a, o.n ?? o.k);
    if (this.m.halted) return;
    const h = this.holders.get(o.a) ?? [];
    const mine = h.indexOf(tid);
    if (mine < 0) {
      // its own unlock of a lock taken from it ends lockdep's record of it
      const st = this.stolen[tid];
      if (st !== undefined && st.some((x) => x.addr === o.a)) this.setStolen(tid, st.filter((x) => x.addr !== o.a));
      const other = h.length > 0 ? h[0] : -1;
      this.m.fail('bad-unlock', tid, other >= 0
        ? `${this.m.threadName(tid)} released a lock that ${this.m.threadName(other)} holds: it unlocked a different lock from the one it locked`
        : `${this.m.threadName(tid)} released a lock that nobody holds: it unlocked a different lock from the one it locked`,
      () => report.badUnlock(this.m, tid, o, other));
      if (other >= 0 && (o.k === 'spin_unlock' || o.k === 'unlock_page' || o.k === 'mutex_unlock')) {
        const x = this.holding(other, o.a);
        this.drop(other, o.a);
        if (x !== undefined) this.setStolen(other, [...(this.stolen[other] ?? []), x]);
      }
      return;
    }
    this.drop(tid, o.a);
  }

  /** Holder lists stay in the map when they empty (a lock is taken again and again). */
  private drop(tid: number, a: number): void {
    const h = this.holders.get(a)!;
    if (h.includes(tid)) this.setHolders(a, h.length === 1 ? NOBODY : h.filter((x) => x !== tid));
    const l = this.held[tid];
    const i = l.findIndex((x) => x.addr === a);
    if (i >= 0) this.setHeld(tid, l.length === 1 ? NOBODY_HELD : l.filter((_, y) => y !== i));
  }
}
