// Happens-before over one executed trace, by vector clocks: event j follows its thread's
// previous event and every earlier dependent event. Shared by DPOR's race analysis and by the
// trace-class counting of the naive enumerator. Two frees on one cache are ordered only when
// a later allocation observes their order (dependence.ts, isPopKey), and a type-safe free and
// an rcu_read_lock only when the reader touches the slot (dependence.ts, typesafeAccess).
import { dependent, Footprint } from './dependence';
import type { Machine } from '../sim/machine';

export interface Ev {
  readonly tid: number; readonly fp: Footprint; /** index within its thread */ readonly ti: number;
  /** the step took the lock fp.lock (an acquire, or a trylock that succeeded) */
  readonly took?: boolean;
  /** A free-list step (fp.fl ≠ 0): the slot it pushed or popped, or -1 (a failed free, an
   *  empty free list). */
  readonly slot?: number;
}

/** The free list of the cache of a free-list step, before it runs (see slabSlot). */
export function slabBefore(m: Machine, fp: Footprint): readonly number[] | undefined {
  return fp.fl === 0 ? undefined : m.mem.freelists[Math.abs(fp.fl) - 1];
}

/** After the step: the slot it pushed (a free) or popped (an allocation), or -1. `fl` is the
 *  free list slabBefore returned (changed in place by the step) and `len` its length then. */
export function slabSlot(fp: Footprint, fl: readonly number[], len: number, topBefore: number): number {
  if (fp.fl > 0) return fl.length === len + 1 ? fl[len] : -1;
  return fl.length === len - 1 ? topBefore : -1;
}

/** Per type-safe slot, the section starts of readers that touched it while live since it was
 *  last freed: its next free must follow them (dependence.ts, typesafeAccess). */
export class LiveAccesses {
  private readonly by = new Map<number, number[]>();
  reset(): void { if (this.by.size > 0) this.by.clear(); } // (clear() makes a new table even when empty)
  /** Account for event j; for the free of a type-safe slot, return the section starts it
   *  must follow (valid until the next call), else undefined. */
  step(evs: readonly Ev[], j: number): readonly number[] | undefined {
    const fp = evs[j].fp;
    if (fp.ts < 0) return undefined;
    let l = this.by.get(fp.ts);
    if (fp.tl >= 0) { if (l === undefined) this.by.set(fp.ts, l = []); l.push(fp.tl); return undefined; }
    if (evs[j].slot !== fp.ts || l === undefined || l.length === 0) return undefined;
    this.by.set(fp.ts, []);
    return l;
  }
}

/** Per cache, the frees of this execution whose slots are on the free list, oldest first.
 *  An allocation that pops one of them observes that it was freed after every other one still
 *  on the list: those pairs of frees are ordered (dependence.ts, isPopKey). */
export class FreeStacks {
  private readonly st: number[][] = [];
  reset(): void { for (let c = 0; c < this.st.length; c++) if (this.st[c] !== undefined && this.st[c].length > 0) this.st[c] = []; }
  /** Account for event j; for a pop of a slot freed in this execution, return the events still
   *  below it (the free it popped is `popped()`), else undefined. */
  step(evs: readonly Ev[], j: number): readonly number[] | undefined {
    const e = evs[j], fl = e.fp.fl;
    if (fl === 0 || e.slot === undefined || e.slot < 0) return undefined;
    const c = Math.abs(fl) - 1;
    const s = this.st[c] ?? (this.st[c] = []);
    if (fl > 0) { s.push(j); return undefined; }
    if (s.length === 0) return undefined; // a slot free since before the execution began
    const top = s.pop()!;
    if (evs[top].slot !== e.slot) throw new Error(`free list out of step: popped slot ${e.slot}, expected ${evs[top].slot}`);
    this.top = top;
    return s;
  }
  private top = -1;
  /** The free whose slot the last observing pop took. */
  popped(): number { return this.top; }
}

export class HappensBefore {
  readonly vc: Int32Array[] = [];
  constructor(readonly evs: readonly Ev[], readonly nThreads: number) {
    const lastOf = new Int32Array(nThreads).fill(-1);
    // pairs ordered by a later observer (a pop, a reader's access to a freed type-safe slot):
    // observed[j] lists the events that must precede event j
    const observed: number[][] = [];
    const fs = new FreeStacks();
    const live = new LiveAccesses();
    for (let j = 0; j < evs.length; j++) {
      const before = live.step(evs, j);
      if (before !== undefined) (observed[j] ??= []).push(...before);
      const below = fs.step(evs, j);
      if (below !== undefined && below.length > 0) (observed[fs.popped()] ??= []).push(...below);
      const ob = evs[j].fp.ob;
      if (ob !== null && ob[1] < j) (observed[ob[1]] ??= []).push(ob[0]);
    }
    for (let j = 0; j < evs.length; j++) {
      const e = evs[j];
      const p = lastOf[e.tid];
      const c = p >= 0 ? new Int32Array(this.vc[p]) : new Int32Array(nThreads);
      for (let i = 0; i < j; i++) {
        const x = evs[i];
        if (x.tid === e.tid || c[x.tid] > x.ti) continue;
        if (dependent(x.fp, e.fp) || (observed[j]?.includes(i) ?? false)) { const v = this.vc[i]; for (let t = 0; t < nThreads; t++) if (v[t] > c[t]) c[t] = v[t]; }
      }
      c[e.tid] = e.ti + 1;
      this.vc.push(c);
      lastOf[e.tid] = j;
    }
  }
  /** Does event i happen before event j (or is it j)? */
  before(i: number, j: number): boolean { return this.vc[j][this.evs[i].tid] > this.evs[i].ti; }

  /** Lexicographic normal form: the canonical linearisation, one key per Mazurkiewicz trace. */
  canonical(): string {
    const n = this.evs.length;
    const emitted = new Uint8Array(n);
    const out: number[] = [];
    const next = new Int32Array(this.nThreads); // next unemitted index-in-thread
    const byThread: number[][] = Array.from({ length: this.nThreads }, () => []);
    this.evs.forEach((e, i) => byThread[e.tid].push(i));
    for (let k = 0; k < n; k++) {
      for (let t = 0; t < this.nThreads; t++) {
        const i = byThread[t][next[t]];
        if (i === undefined) continue;
        let ready = true;
        for (let u = 0; u < this.nThreads && ready; u++) if (u !== t && this.vc[i][u] > next[u]) ready = false;
        if (ready) { emitted[i] = 1; out.push(t); next[t]++; break; }
      }
    }
    return out.join('');
  }
}
