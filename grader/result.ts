// The grader's results: the JSON contract (fields may be added, never renamed).
// Producers (grade.ts) and consumers (reporters/*) meet here and nowhere else.
import type { FailureKind } from '../sim/failure';
import type { RecordedRun } from '../explorer/record';

export type ScenarioVerdict = 'VERIFIED' | 'NO_BUG_WITHIN' | 'BUG' | 'ERROR';

export interface ScenarioResult {
  readonly name: string;
  readonly summary: string;
  readonly verdict: ScenarioVerdict;
  readonly points: number;
  readonly max_points: number;
  readonly hidden: boolean;
  /** VERIFIED: "every interleaving class explored, in 812 executions"; NO_BUG_WITHIN: the bound or budget. */
  readonly reach?: string;
  readonly failure?: {
    readonly kind: FailureKind;
    readonly message: string;
    readonly why: string;
    readonly schedule: string;
    /** Steps up to the failure (the schedule may go on past it: a contract breach lets the
     *  caller run on). */
    readonly steps: number;
    readonly preemptions: number;
    /** true when bounded search showed that no schedule with fewer preemptions fails this way
     *  (with this kind of failure first). */
    readonly minimal?: boolean;
    /** What this kind of failure means in this scenario (Scenario.notes), when it says. */
    readonly note?: string;
    /** true when the schedule is the submission itself (a schedule exercise), not one that
     *  the search found. */
    readonly own?: boolean;
  };
  /** The search's work: every execution it ran, so more than the executions a VERIFIED reach
   *  counts (those that explored a class): it adds the ones sleep sets cut short as redundant
   *  and, for a BUG, the shrinking and minimality runs. */
  readonly stats: { readonly executions: number; readonly steps: number; readonly ms: number };
  /** The recorded counterexample (BUG only). */
  readonly trace?: RecordedRun;
  /** NO_BUG_WITHIN only: the search was stopped by its wall-clock limit, so it earned nothing
   *  and its reach depends on the machine (a class run does not journal it). */
  readonly timed_out?: true;
}


export interface GradeResult {
  readonly exercise: string;
  readonly submission: string;
  readonly verdict: 'pass' | 'fail' | 'error';
  readonly score: number;
  readonly max_score: number;
  readonly scenarios: readonly ScenarioResult[];
  /** Only when verdict is error: one line a student can act on. */
  readonly error?: string;
  readonly error_kind?: FailureKind;
  /** Scenarios skipped because they are hidden (local checks). */
  readonly skipped_hidden?: number;
  /** The submission is the exercise's stub as the course ships it (ExerciseEntry.stubSha256):
   *  its points are what the starting code earns, not work (a course staff's cue). */
  readonly unchanged_stub?: true;
}
