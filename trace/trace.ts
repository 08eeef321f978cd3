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

/** Step `e` changed a word of a freed object (StepEvent.changedFreed), in words: the report's
 *  "Where it began" and the drawn trace's step panel. */
export function changedFreedWords(t: Pick<Trace, 'threads'>, e: StepEvent): string {
  const who = t.threads[e.tid] ?? `T${e.tid}`;
  // "anon_vma@0x40 #1 (free) .refcount": the object, and the field
  const m = /^(.*?) \(free\)(?: \.(\S+))?$/.exec(e.obj);
  const obj = m?.[1] ?? e.obj, field = m?.[2] !== undefined ? `the ${m[2]} of ` : '';
  return e.changedFreed === 'revived'
    ? `${who}'s ${e.name} raised ${field}${obj}, already freed, from 0 to ${e.result ?? 'more'}: a count of 0 means the object is dying, and nothing may bring it back (atomic_inc_not_zero() refuses to)`
    : `${who}'s ${e.name} changed ${field}${obj}, already freed: a reader may look at a freed object of a type-safe cache, never change it`;
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
