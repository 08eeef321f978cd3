// What an exploration found, as plain data (the grader and renderers consume it; P5).
import type { Failure } from '../sim/failure';

export interface Stats {
  executions: number;
  /** Executions abandoned because every enabled thread was asleep (DPOR redundancy). */
  blocked: number;
  /** Steps of the executions explored (a step DPOR restored rather than ran counts too). */
  steps: number;
  /** Of those, the steps the machine performed. */
  performed: number;
  /** Answers DPOR fed to threads it started over (see DporResult.fed). */
  fed: number;
  ms: number;
  /** Time until the first bug, when one was found. */
  firstBugMs?: number;
}

export type Verdict =
  | { readonly kind: 'BUG'; readonly failure: Failure; readonly schedule: string; readonly preemptions: number; readonly steps: number; readonly stats: Stats; readonly minimal?: boolean }
  /** classes: DPOR's complete executions, at least one per interleaving class (a class may be
   *  run twice where sleep sets keep an observed pair dependent: dependence.ts). */
  | { readonly kind: 'VERIFIED'; readonly classes: number; readonly stats: Stats; readonly how: string }
  | { readonly kind: 'NO_BUG_WITHIN'; readonly reason: string; readonly stats: Stats;
    /** The search stopped at its wall-clock limit (maxMs), not at a bound in executions. */
    readonly timedOut: boolean };

export interface Budget {
  /** Stop after this many executions. */
  readonly maxExecutions?: number;
  /** Wall-clock budget in ms. */
  readonly maxMs?: number;
  /** Per-thread step bound inside one execution (livelock detector). */
  readonly maxSteps?: number;
}
