// Watching what a submission does to reference counts while it runs: the harness drives the
// submission's generator itself, forwards each operation to the machine unchanged in meaning,
// and notes the net change it made to each refcount word. A contract can then say "you kept a
// reference on anon_vma@0x80" instead of waiting for a leak to show up somewhere else.
// Each yielded operation is copied (its primitive fields read once) before anyone looks at it,
// so what is counted is exactly what the machine performs.
// Must never: change what the submission's operation does, or trust a field read twice.
import type { Kernel, Op } from '../sim/api';

/** Net references taken (+) or dropped (-) per address, and addresses written directly. */
export interface RefLedger {
  readonly net: Map<number, number>;
  readonly set: Set<number>;
}

export function newLedger(): RefLedger { return { net: new Map(), set: new Set() }; }

/** A plain copy of an operation yielded by untrusted code; anything else passes unchanged so the
 *  machine reports it. */
function copyOp(o: unknown): unknown {
  if (o === null || typeof o !== 'object') return o;
  try {
    const x = o as Record<string, unknown>;
    const k = x.k, a = x.a, v = x.v, n = x.n, loc = x.loc, from = x.from;
    const out: Record<string, unknown> = { k, a, v };
    if (typeof n === 'string') out.n = n;
    if (typeof loc === 'string') out.loc = loc;
    if (typeof from === 'string') out.from = from; // a helper's caller (sim/api.ts callerLines)
    return out;
  } catch {
    return null;
  }
}

/** Run `g` as part of the current thread, noting in `ledger` its net changes to any word that
 *  `isCount` accepts. Returns what `g` returns. */
export function* counted<T>(g: Kernel<T>, isCount: (a: number) => boolean, ledger: RefLedger): Kernel<T> {
  let input: unknown;
  for (;;) {
    const r = g.next(input);
    if (r.done === true) return r.value;
    const o = copyOp(r.value);
    const res: unknown = yield o as Op;
    if (o !== null && typeof o === 'object') {
      const { k, a, v } = o as { k: unknown; a: unknown; v: unknown };
      if (typeof a === 'number' && isCount(a)) {
        const d = k === 'atomic_inc_not_zero' ? (res === 1 ? 1 : 0)
          : k === 'atomic_dec_and_test' ? -1
          : k === 'atomic_add' && typeof v === 'number' ? v : 0;
        if (d !== 0) ledger.net.set(a, (ledger.net.get(a) ?? 0) + d);
        if (k === 'write') ledger.set.add(a);
      }
    }
    input = res;
  }
}
