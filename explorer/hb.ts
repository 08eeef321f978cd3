// Happens-before over one executed trace, by vector clocks: event j follows its thread's
// previous event and every earlier dependent event. Shared by DPOR's race analysis and by the
// trace-class counting of the naive enumerator.
import { dependent, Footprint } from './dependence';

export interface Ev {
  readonly tid: number; readonly fp: Footprint; /** index within its thread */ readonly ti: number;
  /** the step took the lock fp.lock (an acquire, or a trylock that succeeded) */
  readonly took?: boolean;
}

export class HappensBefore {
  readonly vc: Int32Array[] = [];
  constructor(readonly evs: readonly Ev[], readonly nThreads: number) {
    const lastOf = new Int32Array(nThreads).fill(-1);
    for (let j = 0; j < evs.length; j++) {
      const e = evs[j];
      const p = lastOf[e.tid];
      const c = p >= 0 ? new Int32Array(this.vc[p]) : new Int32Array(nThreads);
      for (let i = 0; i < j; i++) {
        const x = evs[i];
        if (x.tid === e.tid || c[x.tid] > x.ti) continue;
        if (dependent(x.fp, e.fp)) { const v = this.vc[i]; for (let t = 0; t < nThreads; t++) if (v[t] > c[t]) c[t] = v[t]; }
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
