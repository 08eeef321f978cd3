// The shape lockdep prints as "possible unsafe locking scenario", filled from the real
// interleaving: one column per thread involved, one row per lock operation on the locks the
// failure is about, in the order they happened; for a hang, last, the lock each waiter waits for.
import type { Trace } from './trace';
import { clip } from './style';

const LOCK_OPS = new Set(['spin_lock', 'spin_trylock', 'spin_unlock', 'mutex_lock', 'mutex_trylock', 'mutex_unlock',
  'down_read', 'down_read_trylock', 'up_read', 'down_write', 'up_write']);

export function lockTable(t: Trace, width = 80): string | undefined {
  const f = t.failure;
  if (f === undefined || (f.kind !== 'hang' && f.kind !== 'bad-unlock')) return undefined;
  const locks = new Set<string>();
  for (const m of f.report.matchAll(/&([a-z_]+@0x[0-9a-f]+)->\w+/g)) locks.add(m[1]);
  const all = t.events.filter((e) => LOCK_OPS.has(e.k) && [...locks].some((l) => e.obj.startsWith(l)));
  // The failing thread's own lock operations, what others did meanwhile, and the last thing
  // each other thread did to each of these locks before that.
  const mine = all.filter((e) => e.tid === f.tid);
  const start = mine.length > 0 ? mine[0].i : f.step;
  const lastBefore = new Map<string, number>();
  for (const e of all) if (e.i < start && e.tid !== f.tid) lastBefore.set(`${e.tid} ${e.obj.split(' ')[0]}`, e.i);
  const keep = new Set([...lastBefore.values()]);
  const rows = all.filter((e) => e.i >= start || keep.has(e.i));
  // A hang's waiters never took their last step: the report names what each waits in.
  const waits: { tid: number; what: string }[] = [];
  if (f.kind === 'hang') {
    for (const m of f.report.matchAll(/^\s*(\S+) (?:spins|sleeps) in (\w+)\(&([a-z_]+@0x[0-9a-f]+)->/gm)) {
      const tid = t.threads.indexOf(m[1]);
      if (tid >= 0) waits.push({ tid, what: `${m[2].includes('read') ? 'lock_read' : 'lock'}(&${m[3]});` });
    }
  }
  if (rows.length === 0 && waits.length === 0) return undefined;
  const tids = [...new Set([...rows.map((e) => e.tid), ...waits.map((w) => w.tid)])].sort((a, b) => a - b);
  const col = Math.max(16, Math.floor((width - 2) / tids.length));
  const cell = (s: string): string => clip(s, col - 1).padEnd(col);
  const out = [' Possible unsafe locking scenario (as it happened):', ''];
  out.push(`  ${tids.map((tid) => cell(`${t.threads[tid]}`)).join('')}`.trimEnd());
  out.push(`  ${tids.map(() => cell('----')).join('')}`.trimEnd());
  for (const e of rows) {
    const verb = e.k.includes('unlock') || e.k.startsWith('up_') ? 'unlock' : e.k.includes('try') ? (e.result === 'true' ? 'trylock' : 'trylock failed') : 'lock';
    const what = `${verb}(&${e.obj.split(' ')[0]});`;
    out.push(`  ${tids.map((tid) => cell(tid === e.tid ? `${what}` : '')).join('')}`.trimEnd() + `  [${e.i}]`);
  }
  for (const w of waits) out.push(`  ${tids.map((tid) => cell(tid === w.tid ? w.what : '')).join('')}`.trimEnd() + `  [${f.step}: waits]`);
  if (f.kind === 'hang') out.push('', '  *** DEADLOCK ***');
  return out.join('\n');
}
