// Small helpers the exercise harnesses share: reading what (untrusted) student code returned,
// and running a thread to its end while a scenario is being built (history that happened
// before the interesting part: "the process exited long ago").
// Must never: trust a value returned by a submission (it may come from another realm).
import type { Machine } from '../sim/machine';

/** The address inside a value returned by student code: 0 for null, -1 if not a handle. */
export function addrOf(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v !== 'object') return -1;
  try {
    const a = (v as { addr?: unknown }).addr;
    return typeof a === 'number' && Number.isInteger(a) && a > 0 ? a : -1;
  } catch {
    return -1;
  }
}

/** Step thread `tid` until it finishes or cannot run (setup only: before any choice is made). */
export function runToEnd(m: Machine, tid: number): void {
  while (m.isEnabled(tid)) m.step(tid);
}

/** If thread `tid` (a harness's, which writes no struct page or task_struct itself) changed a
 *  field of either during the call (Memory.wroteWatched), a contract failure's why and lines:
 *  the function under test must only read them. Else undefined. `fn` is the function, `may`
 *  what its giving up must rest on instead. */
export function wroteWatched(m: Machine, tid: number, fn: string, may: string): [string, string[]] | undefined {
  const w = m.mem.wroteWatched[tid];
  if (w === undefined) return undefined;
  const what = m.mem.describeField(w);
  return [`it changed ${what.startsWith('task') ? 'the task_struct' : 'the struct page'} itself: ${fn} only reads it, and ${may}`,
    [`${m.threadName(tid)} wrote ${what} during the call`]];
}

/** Describe a returned value for a contract message. */
export function shown(m: Machine, v: unknown): string {
  const a = addrOf(v);
  if (a === 0) return 'NULL';
  if (a < 0) return typeof v === 'object' ? 'an object that is not a kernel handle' : `${String(v)} (${typeof v})`;
  return m.mem.describe(a);
}
