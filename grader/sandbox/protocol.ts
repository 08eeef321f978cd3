// Messages between the grader and its sandbox worker (structured-clone safe).
import type { ScenarioResult } from '../result';
import type { RecordedRun } from '../../explorer/record';

/** What a worker is started with: the engine precompiled by the host. Jobs come after, one
 *  message each (ToWorker). */
export interface WorkerInput {
  /** Absolute .ts path -> CommonJS JavaScript: the worker's own code and the engine. */
  readonly engine: Readonly<Record<string, string>>;
  /** The student API's files (relative to the repo root) compiled for the realm. */
  readonly api: Readonly<Record<string, string>>;
}

export interface Job {
  readonly kind: string;
  readonly exports: readonly string[];
  readonly scenarios: readonly { readonly name: string; readonly points: number; readonly hidden: boolean }[];
  readonly js: string;
  readonly map: string;
  readonly file: string;
  readonly budget: { readonly maxExecutions: number; readonly maxMs: number; readonly maxSteps: number; readonly minimalBudget: number };
  /** Replay one schedule of one scenario instead of exploring. */
  readonly replay?: { readonly scenario: string; readonly schedule: string };
}

export type ToWorker = { readonly type: 'job'; readonly job: Job };

export type FromWorker =
  | { readonly type: 'start'; readonly name: string }
  | { readonly type: 'result'; readonly result: ScenarioResult }
  | { readonly type: 'fatal'; readonly kind: 'invalid-submission' | 'exception' | 'nondeterminism' | 'timeout' | 'memory'; readonly message: string }
  | { readonly type: 'trace'; readonly trace: RecordedRun; readonly summary: string }
  | { readonly type: 'done' };
