// Replay a schedule with recording on: the steps as events, with source lines, and the
// failures the run ends with. The run goes on past a non-fatal failure, so a report shows its
// consequences (a bad unlock, then the hang it causes). Shaped as trace/trace.ts's Trace.
import type { StepEvent } from '../sim/events';
import type { Failure } from '../sim/failure';
import { Factory, replay } from './run';
import { encode, preemptions } from './schedule';

export interface RecordedRun {
  readonly scenario: string;
  readonly threads: readonly string[];
  readonly events: readonly StepEvent[];
  readonly failure?: Failure;
  readonly failures: readonly Failure[];
  readonly schedule: string;
  readonly preemptions: number;
}

/** With `stopAt`, the run stops before that step (see runOnce). */
export function record(scenario: string, factory: Factory, schedule: readonly number[], captureLocations?: (on: boolean) => void, stopAt?: number): RecordedRun {
  captureLocations?.(true);
  try {
    const r = replay(factory, schedule, { record: true, haltOnFailure: false }, stopAt);
    const failure = r.machine.primaryFailure();
    return {
      scenario,
      threads: r.machine.threads.map((t) => t.name),
      events: r.machine.events,
      ...(failure ? { failure } : {}),
      failures: r.failures,
      schedule: encode(schedule),
      preemptions: preemptions(r.schedule, r.enabledAt),
    };
  } finally {
    captureLocations?.(false);
  }
}
