// Test helpers: run one schedule to its end (no halting on failures) and return its
// interleaving class (the canonical linearisation of its happens-before) and its failure kinds,
// as naive enumeration computes them; compare the search's clocks with hb.ts's; run bounded
// search with a log of its executions.
import { HappensBefore, Ev } from '../../explorer/hb';
import { bounded, BoundedOptions, BoundedResult } from '../../explorer/bounded';
import { stepRecorded } from '../../explorer/naive';
import type { Factory } from '../../explorer/run';
import type { Machine } from '../../sim/machine';
import type { ClockOf } from '../../explorer/dpor';

export function classOf(f: Factory, schedule: readonly number[]): { key: string; kinds: string; machine: Machine } {
  const m = f({ haltOnFailure: false });
  const evs: Ev[] = [];
  const per: number[] = [];
  for (const t of schedule) {
    if (!m.isEnabled(t)) throw new Error(`thread ${t} cannot run at step ${evs.length} of ${schedule.join('')}`);
    const ti = per[t] ?? 0; per[t] = ti + 1;
    evs.push(stepRecorded(m, t, ti));
  }
  if (!m.checkEnd()) throw new Error(`the schedule ${schedule.join('')} stops before the end`);
  return { key: new HappensBefore(evs, m.threads.length).canonical(), kinds: m.failures.map((x) => x.kind).sort().join(' '), machine: m };
}

/** The search's incremental happens-before (tables, late edges from observations, undone on
 *  backtracking) equals hb.ts's, computed from the whole execution at once. */
export function sameClocks(hb: HappensBefore, clock: ClockOf): void {
  const evs = hb.evs, n = hb.nThreads;
  for (let j = 0; j < evs.length; j++) {
    const mine = Array.from({ length: n }, (_, t) => clock(j, t));
    const want = Array.from(hb.vc[j]);
    if (mine.join() !== want.join()) throw new Error(`step ${j} of ${evs.map((e) => e.tid).join('')}: the search's clock is [${mine}], hb.ts says [${want}]`);
  }
}

/** bounded(), and a line per execution: its schedule, then each failure's kind and report. */
export function boundedLogged(f: Factory, bound: number, o: BoundedOptions): { b: BoundedResult; log: string[] } {
  const log: string[] = [];
  const b = bounded(f, bound, { ...o, onExecution: (s, n, fs) => log.push(`${s.slice(0, n).join(',')} ${fs.map((x) => `${x.kind}: ${x.report}`).join(' | ')}`) });
  return { b, log };
}
