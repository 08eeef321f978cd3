// The shape lockdep prints as "possible unsafe locking scenario", filled from the real
// interleaving: one column per thread involved, one row per lock operation on the locks the
// failure is about, in the order they happened; for a hang, last, the lock each waiter waits for.
import type { Trace } from './trace';
import { clip } from './style';
import { isLockOp, RELEASE, TRY } from './lockOps';

/** The lock operations the table shows: all but the page lock's (reports name the others). */
const tableOp = (k: string): boolean => isLockOp(k) && !k.includes('page');

export function lockTable(t: Trace, width = 80): string | undefined {
  const f = t.failure;
  if (f === undefined || (f.kind !== 'hang' && f.kind !== 'bad-unlock')) return undefined;
  const locks = new Set<string>();
  // the locks the failure names, and for a hang those of the bad unlocks on its way (an
  // unlock of the wrong lock is how a lock comes to be held forever)
  const named = [f, ...(f.kind === 'hang' ? t.failures.filter((x) => x.kind === 'bad-unlock' && x.step < f.step) : [])];
  for (const x of named) for (const m of x.report.matchAll(/&([a-z_]+@0x[0-9a-f]+)->\w+/g)) locks.add(m[1]);
  const all = t.events.filter((e) => tableOp(e.k) && [...locks].some((l) => e.obj.startsWith(l)));
  // The failing thread's own lock operations, what others did meanwhile, and the last thing
  // each other thread did to each of these locks before that.
  const mine = all.filter((e) => e.tid === f.tid);
  const start = mine.length > 0 ? mine[0].i : f.step;
  // Before that, each other thread's last operation on each lock, and, when that was a
  // release, the acquire it released (an unlock alone would read as an unbalanced one).
  const lastBefore = new Map<string, number>(), lastTake = new Map<string, number>();
  for (const e of all) {
    if (e.i >= start || e.tid === f.tid) continue;
    const key = `${e.tid} ${e.obj.split(' ')[0]}`;
    lastBefore.set(key, e.i);
    if (!RELEASE.has(e.k) && (!TRY.has(e.k) || e.result === 'true')) lastTake.set(key, e.i);
  }
  const keep = new Set<number>();
  for (const [key, i] of lastBefore) {
    keep.add(i);
    const take = lastTake.get(key);
    if (take !== undefined && take < i) keep.add(take);
  }
  const rows = all.filter((e) => e.i >= start || keep.has(e.i));
  // A hang's waiters never took their last step: the report names what each waits in.
  const waits: { tid: number; verb: string; lock: string }[] = [];
  if (f.kind === 'hang') {
    for (const m of f.report.matchAll(/^\s*(\S+) (?:spins|sleeps) in (\w+)\(&([a-z_]+@0x[0-9a-f]+)->/gm)) {
      const tid = t.threads.indexOf(m[1]);
      if (tid >= 0) waits.push({ tid, verb: verbOf(m[2], undefined), lock: m[3] });
    }
  }
  if (rows.length === 0 && waits.length === 0) return undefined;
  const tids = [...new Set([...rows.map((e) => e.tid), ...waits.map((w) => w.tid)])].sort((a, b) => a - b);
  const col = Math.max(16, Math.floor((width - 2) / tids.length));
  const lines = [
    ...rows.map((e) => ({ tid: e.tid, verb: verbOf(e.k, e.result), lock: e.obj.split(' ')[0], at: `[${e.i}]` })),
    ...waits.map((w) => ({ tid: w.tid, verb: w.verb, lock: w.lock, at: `[${f.step}: waits]` })),
  ];
  // Cells too narrow for the locks' names: call the locks A, B, ... and say which is which.
  const names = [...new Set(lines.map((l) => l.lock))];
  const text = (verb: string, name: string): string => (verb.endsWith(' fails') ? `${verb.slice(0, -6)}(${name}) fails` : `${verb}(${name});`);
  const short = lines.some((l) => text(l.verb, `&${l.lock}`).length > col - 1);
  const letter = (i: number): string => String.fromCharCode(65 + i);
  const nameOf = (lock: string): string => (short ? letter(names.indexOf(lock)) : `&${lock}`);
  const cell = (s: string): string => clip(s, col - 1).padEnd(col);
  const out = [' Possible unsafe locking scenario (as it happened):', ''];
  if (short) out.push(...names.map((l, i) => `  ${letter(i)} = &${l}`), '');
  out.push(`  ${tids.map((tid) => cell(`${t.threads[tid]}`)).join('')}`.trimEnd());
  out.push(`  ${tids.map(() => cell('----')).join('')}`.trimEnd());
  for (const l of lines) out.push(`  ${tids.map((tid) => cell(tid === l.tid ? text(l.verb, nameOf(l.lock)) : '')).join('')}`.trimEnd() + `  ${l.at}`);
  if (f.kind === 'hang') out.push('', '  *** DEADLOCK ***');
  return out.join('\n');
}

/** lockdep's words: lock and rlock (shared: an rwsem's read side); a trylock that fails says so. */
function verbOf(k: string, result: string | undefined): string {
  const r = k === 'down_read' || k === 'down_read_trylock' || k === 'up_read' ? 'r' : '';
  if (RELEASE.has(k)) return `${r}unlock`;
  if (TRY.has(k)) return result === 'true' ? `${r}trylock` : `${r}trylock fails`;
  return `${r}lock`;
}
