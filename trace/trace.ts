// A trace is plain, JSON-safe data: the threads, the steps, the failures and the schedule
// string that replays it. Renderers (text timeline, lock table, HTML) read only this.
import type { StepEvent } from '../sim/events';
import type { Failure } from '../sim/failure';

export interface Trace {
  readonly scenario: string;
  readonly threads: readonly string[];
  readonly events: readonly StepEvent[];
  /** The failure to lead with, if any. */
  readonly failure?: Failure;
  readonly failures: readonly Failure[];
  readonly schedule: string;
  readonly preemptions: number;
}

/** Source text for `file:line` locations, supplied by the caller (the renderers do no I/O). */
export type SourceLookup = (file: string, line: number) => string | undefined;

export interface RenderOptions {
  readonly width?: number;
  readonly color?: boolean;
  readonly source?: SourceLookup;
  /** Files whose lines are the student's own (their steps show the source line). */
  readonly studentFiles?: readonly string[];
}
