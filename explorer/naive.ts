// Naive enumeration of every schedule (no reduction): the oracle that DPOR is tested against
// and the bench's baseline. Counts executions, distinct Mazurkiewicz traces (canonical
// happens-before forms) and failures.
import type { Machine, MachineOptions } from '../sim/machine';
import { footprint } from './dependence';
import { HappensBefore, Ev, slabBefore, slabSlot } from './hb';
import { start, Factory } from './run';

export interface NaiveResult {
  readonly complete: boolean;
  readonly executions: number;
  readonly classes: number;
  /** Canonical trace key -> first failure kind seen in it ('' when none). */
  readonly traces: ReadonlyMap<string, string>;
  readonly failingSchedules: number[][];
}

/** Step thread t (its step number ti within the thread) and return the step's event: its
 *  footprint, and for a free-list step the slot it pushed or popped. */
export function stepRecorded(m: Machine, t: number, ti: number): Ev {
  const fp = footprint(m, t, m.threads[t].pending!);
  const fl = slabBefore(m, fp);
  if (fl === undefined) { m.step(t); return { tid: t, fp, ti }; }
  const len = fl.length, top = len > 0 ? fl[len - 1] : -1;
  m.step(t);
  return { tid: t, fp, ti, slot: slabSlot(fp, fl, len, top) };
}

/** `haltOnFailure: false` (the default) runs every execution to its end, as DPOR does when counting.
 *  `onExecution` sees each execution's class key and the kinds of all its failures, sorted. */
export function naive(factory: Factory, limit = 200000, maxSteps?: number, haltOnFailure = false,
  onExecution?: (key: string, kinds: string) => void): NaiveResult {
  const mopts: MachineOptions = { maxSteps, haltOnFailure };
  const choices: number[][] = []; // enabled sets along the current path
  const path: number[] = [];      // index chosen at each depth
  const traces = new Map<string, string>();
  const failing: number[][] = [];
  let executions = 0;
  for (;;) {
    if (executions >= limit) return { complete: false, executions, classes: traces.size, traces, failingSchedules: failing };
    const m = start(factory, mopts);
    const evs: Ev[] = [];
    const per: number[] = [];
    for (let d = 0; !m.checkEnd(); d++) {
      if (d >= path.length) { choices.push(m.enabled()); path.push(0); }
      const t = choices[d][path[d]];
      const ti = per[t] ?? 0; per[t] = ti + 1;
      evs.push(stepRecorded(m, t, ti));
    }
    executions++;
    const key = new HappensBefore(evs, m.threads.length).canonical();
    const f = m.primaryFailure();
    if (!traces.has(key)) traces.set(key, f ? f.kind : '');
    if (f) failing.push(evs.map((e) => e.tid));
    onExecution?.(key, m.failures.map((x) => x.kind).sort().join(' '));
    // next path: increment the deepest choice that has another option
    while (path.length > 0 && path[path.length - 1] + 1 >= choices[choices.length - 1].length) { path.pop(); choices.pop(); }
    if (path.length === 0) return { complete: true, executions, classes: traces.size, traces, failingSchedules: failing };
    path[path.length - 1]++;
  }
}
