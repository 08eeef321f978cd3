// Taking a kept machine back to an earlier step of the previous execution, for the searches
// that run one execution after another from a shared prefix (dpor.ts, bounded.ts): the
// machine's journal undoes memory, locks and RCU (Machine.rewind), and only the threads that
// ran since that step are rebuilt, from the memo (Machine.startMemo) or by starting them over
// and feeding them the answers they had.
// Must never: choose threads, or know of scenarios.
import type { Machine, MachineOptions, MemoNode } from '../sim/machine';
import type { Op } from '../sim/op';
import { start, Factory } from './run';

export class NondeterministicReplay extends Error {}

/** Threads are bit masks here (and in dpor.ts): at most this many. */
export const MAX_THREADS = 30;

/** A function making new builds of the scenario (start), each with as many threads as the
 *  first; `first` sees the first build before anyone else does. */
export function builder(factory: Factory, opts: MachineOptions, first?: (m: Machine) => void): () => Machine {
  let n = -1;
  return () => {
    const b = start(factory, opts);
    if (n < 0) { first?.(b); n = b.threads.length; }
    else if (b.threads.length !== n) throw new NondeterministicReplay(`the scenario built ${b.threads.length} threads, not ${n} as before`);
    return b;
  };
}

/** The threads of `m` (just built) that ran steps in the build, as a bit mask: remade from
 *  their functions, they would lack those steps (renew takes them from a new build instead). */
function setupMask(m: Machine): number {
  let mask = 0;
  for (const t of m.threads) if (t.steps > 0) mask |= 1 << t.id;
  return mask;
}

/** Keep `m` (just built, at most MAX_THREADS threads) for rewinding: its journal on, and with
 *  `memo` its threads' states remembered, a thread started over from `build` when the memo
 *  needs its generator. Returns the threads that ran steps in the build, as a bit mask (what
 *  rebuild needs). */
export function keep(m: Machine, build: () => Machine, memo: boolean): number {
  m.startJournal();
  const setupRan = setupMask(m);
  if (memo) m.startMemo((t) => renew(m, build, setupRan, t), (why) => { throw new NondeterministicReplay(why); });
  return setupRan;
}

/** Make `m`, just rewound to step `branch`, what it was then: every thread that ran at `branch`
 *  or later (up to `len`, where the last execution stopped; `tids[d]` ran step d) is put back at
 *  its memo node then (`nodeAt`), or, with none, started over (renew) and fed the answers of its
 *  steps before `branch`, in order. Its ops must be the ones those steps performed: else the
 *  scenario does not replay. */
export function rebuild(m: Machine, build: () => Machine, setupRan: number, tids: readonly number[], branch: number, len: number,
  opAt: readonly Op[], answerAt: readonly unknown[], nodeAt: readonly (MemoNode | null)[]): void {
  let seen = 0, moved = 0;
  for (let d = branch; d < len; d++) {
    const t = tids[d], bit = 1 << t;
    if ((seen & bit) !== 0) continue;
    seen |= bit;
    // in the memo, the state it had then is the node it left at its first step since
    const n = nodeAt[d];
    if (n !== null && n !== undefined) m.place(t, n); else moved |= bit;
  }
  let fb: Machine | undefined;
  const fresh = (): Machine => (fb ??= build()); // one new build serves every thread
  for (let t = 0; t < m.threads.length; t++) if ((moved & (1 << t)) !== 0) renew(m, fresh, setupRan, t);
  for (let d = 0; d < branch; d++) {
    const t = tids[d];
    if ((moved & (1 << t)) === 0) continue;
    const was = opAt[d], now = m.threads[t].pending;
    if (now === null || now.k !== was.k || now.a !== was.a || now.v !== was.v || now.n !== was.n) {
      throw new NondeterministicReplay(`replaying step ${d}: thread ${t} ${now === null ? 'had finished' : `asked for ${now.k}`}, not ${was.k} as before`);
    }
    if (!m.feed(t, answerAt[d])) throw new NondeterministicReplay(`replaying step ${d}: thread ${t} did not go on to another step as before`);
  }
}

/** Start thread t over: from its function, unless it was not spawned from one or ran steps in
 *  the build; then from `fresh()`, a new build of the scenario. */
function renew(m: Machine, fresh: () => Machine, setupRan: number, t: number): void {
  if (m.threads[t].make === undefined || (setupRan & (1 << t)) !== 0) m.adopt(t, fresh().threads[t]);
  else if (!m.remake(t)) throw new NondeterministicReplay(`thread ${t} did not stop at its first step as before`);
}
