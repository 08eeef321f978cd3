// RCU: per-thread read-side nesting, grace periods and callbacks. synchronize_rcu() is two
// steps: gp_start snapshots the readers inside a section now; gp_wait is enabled once each has
// left that section. kfree_rcu/call_rcu queue a free that the RCU thread may run once every
// reader present at queueing time has left. A section's start step lets memory.ts decide
// whether a freed SLAB_TYPESAFE_BY_RCU object is still of its type for this reader.
import type { Machine } from './machine';
import { report } from './reports';

interface Snapshot { readonly tid: number; readonly exits: number }
interface Callback { readonly addr: number; readonly by: number; readonly snap: readonly Snapshot[] }

export class Rcu {
  private readonly nest: number[] = [];
  private readonly begin: number[] = [];
  private readonly exits: number[] = [];
  private readonly gp = new Map<number, readonly Snapshot[]>();
  readonly callbacks: Callback[] = [];

  constructor(private readonly m: Machine) {}

  depth(tid: number): number { return this.nest[tid] ?? 0; }
  /** Step at which the thread's current outermost section began (Infinity when outside). */
  sectionBegan(tid: number): number { return (this.nest[tid] ?? 0) > 0 ? this.begin[tid] : Infinity; }
  readers(): number[] { const r: number[] = []; this.nest.forEach((n, t) => { if (n > 0) r.push(t); }); return r; }

  lock(tid: number): void {
    const n = this.nest[tid] ?? 0;
    const j = this.m.journal;
    if (n === 0) { j?.elem(this.begin, tid); this.begin[tid] = this.m.now; }
    j?.elem(this.nest, tid);
    this.nest[tid] = n + 1;
  }
  unlock(tid: number): void {
    const n = this.nest[tid] ?? 0;
    if (n === 0) {
      this.m.fail('rcu-imbalance', tid, 'rcu_read_unlock() without a matching rcu_read_lock()', report.rcuUnderflow(this.m.threadName(tid)));
      return;
    }
    const j = this.m.journal;
    j?.elem(this.nest, tid);
    this.nest[tid] = n - 1;
    if (n === 1) { j?.elem(this.exits, tid); this.exits[tid] = (this.exits[tid] ?? 0) + 1; }
  }

  private snapshot(): Snapshot[] {
    const s: Snapshot[] = [];
    for (let t = 0; t < this.nest.length; t++) if ((this.nest[t] ?? 0) > 0) s.push({ tid: t, exits: this.exits[t] ?? 0 });
    return s;
  }
  private passed(snap: readonly Snapshot[]): boolean {
    for (const s of snap) if ((this.exits[s.tid] ?? 0) === s.exits) return false;
    return true;
  }

  gpStart(tid: number): void { this.m.journal?.map(this.gp, tid); this.gp.set(tid, this.snapshot()); }
  gpDone(tid: number): boolean { const s = this.gp.get(tid); return s === undefined || this.passed(s); }
  /** Readers a grace period started by `tid` still waits for. */
  gpWaitsFor(tid: number): number[] {
    const s = this.gp.get(tid) ?? [];
    return s.filter((x) => (this.exits[x.tid] ?? 0) === x.exits).map((x) => x.tid);
  }

  callRcu(tid: number, addr: number): void {
    this.m.mem.read(tid, addr, 'kfree_rcu');
    if (!this.m.halted) { this.callbacks.push({ addr, by: tid, snap: this.snapshot() }); this.m.journal?.pushed(this.callbacks); }
  }
  callbackReady(): boolean { return this.callbacks.length > 0 && this.passed(this.callbacks[0].snap); }
  runCallback(tid: number): void {
    const cb = this.callbacks.shift();
    if (cb !== undefined) { this.m.journal?.shifted(this.callbacks, cb); this.m.mem.free(tid, cb.addr); }
  }
}
