// One execution under a chooser: the driver loop every strategy shares. The machine only
// steps; the chooser (a strategy, a schedule, a person) picks among enabled threads.
import type { Machine, MachineOptions } from '../sim/machine';
import type { Failure } from '../sim/failure';

/** Makes a fresh machine with its threads spawned (one per execution). */
export type Factory = (opts: MachineOptions) => Machine;

/** A fresh machine from `factory`, ready to explore: whatever steps its build ran are setup,
 *  and the execution's steps are numbered after them (Machine.origin). Every explorer starts an
 *  execution here. */
export function start(factory: Factory, opts: MachineOptions): Machine {
  const m = factory(opts);
  m.endSetup();
  return m;
}

/** Picks the next thread among `enabled` (never empty); `last` is the previous step's thread or -1. */
export type Chooser = (m: Machine, enabled: readonly number[], step: number, last: number) => number;

export interface RunResult {
  readonly schedule: number[];
  readonly enabledAt: number[][];
  readonly failure: Failure | undefined;
  readonly failures: readonly Failure[];
  readonly machine: Machine;
}

/** The non-preemptive continuation: keep running `last` while it can, else the lowest id. */
export function stay(enabled: readonly number[], last: number): number {
  return enabled.includes(last) ? last : enabled[0];
}

/** One execution; with `stopAt`, it stops before the machine's step `stopAt` (the timeline's
 *  numbering: after the build's own steps), if it gets there. */
export function runOnce(factory: Factory, choose: Chooser, opts: MachineOptions = {}, stopAt?: number): RunResult {
  const m = start(factory, opts);
  const schedule: number[] = [];
  const enabledAt: number[][] = [];
  let last = -1;
  while (!(stopAt !== undefined && m.now >= stopAt) && !m.checkEnd()) {
    const en = m.enabled();
    const t = choose(m, en, schedule.length, last);
    schedule.push(t);
    enabledAt.push(en);
    m.step(t);
    last = t;
  }
  return { schedule, enabledAt, failure: m.primaryFailure(), failures: m.failures, machine: m };
}

/** Replay a schedule exactly; past its end, run on without preemption. An entry naming a thread
 *  that cannot run, or one left over when the run is over, is an error the caller reports (the
 *  schedule does not fit this scenario). */
export class ScheduleMismatch extends Error {}

export function replay(factory: Factory, schedule: readonly number[], opts: MachineOptions = {}, stopAt?: number): RunResult {
  const r = runOnce(factory, (m, en, i, last) => {
    if (i < schedule.length) {
      const t = schedule[i];
      if (!en.includes(t)) {
        const name = t < m.threads.length ? m.threads[t].name : `thread ${t}`;
        throw new ScheduleMismatch(`step ${i}: ${name} cannot run here (${t < m.threads.length && m.threads[t].done ? 'it has finished' : t < m.threads.length ? 'it is waiting' : 'no such thread'}); runnable: ${en.join(', ')}`);
      }
      return t;
    }
    return stay(en, last);
  }, opts, stopAt);
  const left = schedule.length - r.schedule.length;
  if (left > 0 && !(stopAt !== undefined && r.machine.now >= stopAt)) throw new ScheduleMismatch(`step ${r.schedule.length}: the run is already over, but the schedule has ${left} more step${left === 1 ? '' : 's'}`);
  return r;
}
