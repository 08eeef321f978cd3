// Messages between the grader and its sandbox worker (structured-clone safe).
import type { ScenarioResult } from '../result';
import type { RecordedRun } from '../../explorer/record';

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

export type FromWorker =
  | { readonly type: 'start'; readonly name: string }
  | { readonly type: 'result'; readonly result: ScenarioResult }
  | { readonly type: 'fatal'; readonly kind: 'invalid-submission' | 'exception' | 'nondeterminism'; readonly message: string }
  | { readonly type: 'trace'; readonly trace: RecordedRun; readonly summary: string }
  | { readonly type: 'done' };
