// Messages between the grader and its sandbox process (structured-clone safe: the IPC channel
// uses the advanced serialization).
import type { ScenarioResult } from '../result';
import type { RecordedRun } from '../../explorer/record';

/** Where the project's files seem to be, to code in a sandbox (its stack traces): the same on
 *  every install, so that no submission can tell where the grader sits (a grade that hung on it
 *  differed between two copies of the project). */
export const VIRTUAL_ROOT = '/anon-vma-lab';

/** What a sandbox is started with (its first message): the engine precompiled by the host. Jobs come after, one
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
  /** Replay one schedule of one scenario instead of exploring; with `stopAt`, only the steps
   *  before that one (numbered as the timeline numbers them): the run up to where a replay
   *  stalled, to show how it got there. */
  readonly replay?: { readonly scenario: string; readonly schedule: string; readonly stopAt?: number };
  /** Say where a scenario that stalled (or ran out of memory) was: run it without preemption,
   *  or along `schedule` when given, writing each step into the file `progress` before it runs
   *  (see Progress). When the run without preemption ends, search as grading does, writing the
   *  current execution's schedule into the file `trail` (see TRAIL_BYTES): the host then
   *  replays the schedule that stalled. Files, since the sandbox is another process: each write
   *  is on disk before the step runs, so the host reads it after stopping the sandbox. */
  readonly diagnose?: { readonly scenario: string; readonly progress: string; readonly trail: string; readonly schedule?: readonly number[] };
}

/** The diagnosis's progress, as the sandbox leaves it in its file: the host reads it after the
 *  run stalls, when the sandbox can no longer say anything. Int32 words, little-endian: [0] the
 *  state (0: not begun; 1: building the scenario, its threads running to their first yield*;
 *  2: stepping; 3: the run ended; 4: searching, see Job.diagnose), [1] the step about to run,
 *  [2] the length of the text in bytes, [3] unused; from byte 16, the text, UTF-8: a Progress
 *  as JSON. Each write is the whole record. */
export const PROGRESS_BYTES = 1024;
export const PROGRESS_TEXT = 16;
/** The step about to run: its thread, its call as a report names it, and whose code made it. */
export interface Progress {
  readonly thread: string;
  readonly call: string;
  /** 'yours': the submission's, at `line` ("file.ts:6"); 'scenario': the scenario's or the
   *  kernel's own code; 'unknown': no line to tell. */
  readonly who: 'yours' | 'scenario' | 'unknown';
  readonly line?: string;
}
export const PROGRESS_BUILDING = 1, PROGRESS_STEPPING = 2, PROGRESS_ENDED = 3, PROGRESS_SEARCHING = 4;
/** The search's trail, Int32 words, little-endian: [0] how many steps the current execution
 *  has begun (its last one is the step running now), then each step's thread. A deeper
 *  execution stops writing at the end (its length is then TRAIL_FULL). */
export const TRAIL_BYTES = 64 * 1024;
export const TRAIL_FULL = -1;

/** How often a busy sandbox says it is still making progress, and how long the host waits without
 *  hearing it before it stops the scenario (every execution starts a fresh machine, and one
 *  execution takes microseconds, so a healthy search is never quiet for long). */
export const BEAT_MS = 250;
export const STALL_MS = 10000;

export type ToWorker = { readonly type: 'job'; readonly job: Job };

export type FromWorker =
  | { readonly type: 'start'; readonly name: string }
  /** Still making progress: sent at most every BEAT_MS while a scenario runs (host.ts stops a
   *  scenario that goes quiet: a loop without a yield* never returns to the machine). */
  | { readonly type: 'beat' }
  | { readonly type: 'result'; readonly result: ScenarioResult }
  | { readonly type: 'fatal'; readonly kind: 'invalid-submission' | 'exception' | 'nondeterminism' | 'timeout' | 'memory' | 'bad-schedule'; readonly message: string }
  | { readonly type: 'trace'; readonly trace: RecordedRun; readonly summary: string }
  | { readonly type: 'done' };
