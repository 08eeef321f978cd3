// Kernel-style report text for each failure: the shapes lockdep, KASAN and PROVE_RCU print,
// filled from the machine's real state. Plain strings; the trace renderers add colour.
import type { Machine, ThreadState } from './machine';
import { mayBlockSleeping, type Op } from './op';
import type { Slot } from './memory';
import type { Holding } from './locks';
import { accessSize, describeAddr, hex, lockFieldName } from './layout';
import { isFatal } from './failure';

/** `&anon_vma@0x40->lock` (`->mutex`, `->rwsem`: see lockFieldName). */
function lockName(_m: Machine, a: number, k?: Op['k'] | Holding['mode']): string {
  const d = describeAddr(a);
  if (d.cache < 0) return `&${d.obj}`;
  return `&${d.obj}->${d.field === 'flags' ? 'PG_locked' : lockFieldName(d.field, k)}`;
}

export const report = {
  badUnlock(m: Machine, tid: number, o: Op, other: number): string[] {
    const name = m.threadName(tid);
    const l = [`=====================================`, `WARNING: bad unlock balance detected!`, `-------------------------------------`,
      `${name} is trying to release lock (${lockName(m, o.a, o.k)}) at step ${m.now}:`];
    if (other >= 0) {
      const h = m.locks.holding(other, o.a);
      l.push(`but the lock is held by ${m.threadName(other)}${h ? `, taken at step ${h.at}` : ''}.`);
    } else l.push(`but there are no more locks to release!`);
    const mine = m.locks.heldBy(tid).filter((x) => x.mode === 'spin' || x.mode === 'mutex' || x.mode === 'write' || x.mode === 'read');
    if (mine.length > 0) l.push(`${name} holds: ${mine.map((x) => `${lockName(m, x.addr, x.mode)} (step ${x.at})`).join(', ')}`);
    return l;
  },
  hang(m: Machine, stuck: ThreadState[]): string[] {
    const l = [`INFO: task hung: every live thread is waiting and none can run`];
    for (const t of stuck) {
      const o = t.pending;
      if (o === null) continue;
      if (o.k === 'gp_wait') {
        l.push(`  ${t.name} waits in synchronize_rcu() for readers: ${m.rcu.gpWaitsFor(t.id).map((x) => m.threadName(x)).join(', ')}`);
        continue;
      }
      const holder = m.locks.holderOf(o.a);
      const h = holder >= 0 ? m.locks.holding(holder, o.a) : undefined;
      const ht = holder >= 0 ? m.threads[holder] : undefined;
      l.push(`  ${t.name} ${mayBlockSleeping(o.k) ? 'sleeps' : 'spins'} in ${o.n ?? o.k}(${lockName(m, o.a, o.k)})` + (ht ? `, held by ${ht.name}${h ? ` since step ${h.at}` : ''}${ht.done ? endOf(m, ht.id) : ''}` : ''));
    }
    return l;
  },
  heldAtReturn(m: Machine, t: ThreadState, held: readonly Holding[]): string[] {
    return [`================================================`, `WARNING: lock held when returning to user space!`, `------------------------------------------------`,
      `${t.name} is leaving the kernel with locks still held!`, ...held.map((h, i) => ` #${i}: (${lockName(m, h.addr, h.mode)}) ${h.mode}, taken at step ${h.at}`)];
  },
  rcuImbalance(name: string, depth: number): string[] {
    return [`================================================`, `WARNING: lock held when returning to user space!`, `------------------------------------------------`,
      `${name} is leaving the kernel with locks still held!`, ` #0: (rcu_read_lock){....}, nesting depth ${depth}`];
  },
  rcuUnderflow(name: string): string[] {
    return [`=============================`, `WARNING: suspicious RCU usage`, `-----------------------------`, `${name}: rcu_read_unlock() without rcu_read_lock() (nesting would go below 0)`];
  },
  uaf(m: Machine, tid: number, a: number, what: string, s: Slot | undefined): string[] {
    const l = [`==================================================================`, `BUG: KASAN: ${s ? 'slab-use-after-free' : 'wild-memory-access'} in ${what}`,
      `Access of size ${accessSize(a)} at addr ${hex(a)} (${m.mem.describe(a)}) by ${m.threadName(tid)} at step ${m.now}`];
    if (s) {
      l.push(`Allocated by ${s.allocBy < 0 ? 'setup' : m.threadName(s.allocBy)} at step ${s.allocAt}`);
      if (s.freedAt >= 0) l.push(`Freed by ${m.threadName(s.freedBy)} at step ${s.freedAt}`);
      const began = m.rcu.sectionBegan(tid);
      l.push(m.rcu.depth(tid) > 0 ? `${m.threadName(tid)} is in an RCU read-side section since step ${began}` : `${m.threadName(tid)} is not in an RCU read-side section`);
    }
    return l;
  },
  refcountUnderflow(m: Machine, tid: number, a: number, what: string, old: number, now: number): string[] {
    return [`------------[ cut here ]------------`, `refcount_t: underflow; use-after-free.`,
      `WARNING: in ${what} by ${m.threadName(tid)} at step ${m.now}: ${m.mem.describe(a)} ${old} → ${now}`];
  },
  doubleFree(m: Machine, tid: number, s: Slot, d: string): string[] {
    return [`BUG: KASAN: double-free in kfree`, `${m.threadName(tid)} frees ${d} at step ${m.now}`, `Freed already by ${m.threadName(s.freedBy)} at step ${s.freedAt}`];
  },
  recursion(m: Machine, tid: number, a: number): string[] {
    return [`BUG: spinlock recursion on CPU#${tid}, ${m.threadName(tid)}`, ` lock: ${lockName(m, a)}, .owner: ${m.threadName(tid)}, taken at step ${m.locks.holding(tid, a)?.at ?? '?'}`];
  },
  sleepInAtomic(m: Machine, tid: number, o: Op): string[] {
    const d = m.rcu.depth(tid);
    return [`BUG: sleeping function called from invalid context`, `in_atomic(): ${m.locks.holdsSpin(tid) ? 1 : 0}, rcu_read_lock nesting: ${d}, ${m.threadName(tid)} calls ${o.n ?? o.k}`,
      ...m.locks.heldBy(tid).filter((h) => h.mode === 'spin').map((h) => `  holding ${lockName(m, h.addr)} since step ${h.at}`),
      ...(d > 0 ? [`  inside rcu_read_lock() since step ${m.rcu.sectionBegan(tid)}`] : [])];
  },
  livelock(name: string, max: number): string[] { return [`watchdog: BUG: soft lockup — ${name} ran more than ${max} steps without finishing`]; },
  exception(name: string, e: unknown): string[] {
    // errors from the submission's realm are not `instanceof Error` here: read them as data
    let msg: string;
    try {
      const o = e as { name?: unknown; message?: unknown };
      msg = typeof e === 'object' && e !== null && typeof o.message === 'string'
        ? `${typeof o.name === 'string' ? o.name : 'Error'}: ${o.message}` : `thrown value: ${String(e)}`;
    } catch {
      msg = 'thrown value that cannot be read';
    }
    return [`Oops: exception in ${name}`, `  ${msg.split('\n')[0].slice(0, 160)}`];
  },
  badYield(name: string, o: unknown): string[] {
    let shown: string;
    try { shown = typeof o === 'object' ? String(JSON.stringify(o)).slice(0, 80) : String(o).slice(0, 80); } catch { shown = `an ${typeof o} that cannot be shown`; }
    return [`Oops: ${name} yielded ${shown}, not a kernel operation`];
  },
  bareYield(name: string, call: string): string[] {
    return [`Oops: ${name} yielded the call ${call}(...) itself: write \`yield* ${call}(...)\` to run it and get its result`];
  },
  contract(name: string, lines: string[]): string[] { return [`BUG: contract of ${name} violated`, ...lines.map((x) => `  ${x}`)]; },
};

/** How a finished lock holder ended: it returned, or a failure stopped it (a livelock's step
 *  budget, an exception) while it still held the lock. */
function endOf(m: Machine, tid: number): string {
  const f = m.failures.find((x) => x.tid === tid && isFatal(x.kind));
  return f === undefined ? ' — which has already returned' : ` — which the machine stopped at step ${f.step} (${f.kind})`;
}
