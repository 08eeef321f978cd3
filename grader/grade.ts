// Grading one submission: validate it (load.ts), run its exercise's scenarios in the sandbox,
// and score them from the index. Returns data (result.ts); never prints.
import type { ExerciseEntry } from '../exercises/index';
import type { GradeResult, ScenarioResult } from './result';
import type { Job } from './sandbox/protocol';
import { Loaded, loadSubmission, SubmissionError } from './load';
import { typeCheckIsolated } from './typecheck';
import { runJob, runReplay } from './sandbox/host';
import type { RecordedRun } from '../explorer/record';
import { subjectShape } from '../scenarios/registry';
import type { FailureKind } from '../sim/failure';
import { gradeSchedule } from './scheduleGrade';
import { createHash } from 'crypto';
import * as fs from 'fs';

export interface GradeOptions {
  /** Skip hidden scenarios (a student's local check). */
  readonly skipHidden?: boolean;
  readonly typeCheck?: boolean;
  /** The type check's limits (typecheck.ts: CHECK_MS, CHECK_HEAP_MB). */
  readonly typeCheckMs?: number;
  readonly typeCheckHeapMb?: number;
  readonly scenarioMs?: number;
  readonly heapMb?: number;
  /** How long a scenario may make no progress before it is stopped (sandbox/protocol.ts). */
  readonly stallMs?: number;
  readonly maxExecutions?: number;
  readonly maxMs?: number;
  /** Only these scenarios (replay, tests). */
  readonly only?: readonly string[];
}

function budget(o: GradeOptions): Job['budget'] {
  return { maxExecutions: o.maxExecutions ?? 100000, maxMs: o.maxMs ?? 20000, maxSteps: 400, minimalBudget: 20000 };
}

/** Replay one schedule of one scenario against a submission, in the sandbox. */
export async function replayFile(ex: ExerciseEntry, file: string, scenario: string, schedule: string, o: GradeOptions = {}):
  Promise<{ trace?: RecordedRun; summary?: string; error?: string; badSchedule?: boolean }> {
  let loaded;
  try { loaded = await loadChecked(file, o); } catch (e) {
    if (e instanceof SubmissionError) return { error: e.message };
    throw e;
  }
  const job: Job = { kind: ex.kind, exports: ex.exports, scenarios: [], js: loaded.js, map: loaded.map, file: loaded.file, budget: budget(o), replay: { scenario, schedule } };
  const r = await runReplay(job, { scenarioMs: o.scenarioMs ?? 60000, heapMb: o.heapMb ?? 256, ...(o.stallMs !== undefined ? { stallMs: o.stallMs } : {}) });
  return r.fatal !== undefined ? { error: r.fatal, ...(r.badSchedule === true ? { badSchedule: true } : {}) } : { trace: r.trace, summary: r.summary };
}

/** The submission validated and compiled (load.ts) and, unless `o.typeCheck` is false,
 *  type-checked in a worker with limits (typecheck.ts), never in this process. */
async function loadChecked(file: string, o: GradeOptions): Promise<Loaded> {
  const loaded = loadSubmission(file, { typeCheck: false });
  if (o.typeCheck !== false) {
    const err = await typeCheckIsolated(loaded.file, { ms: o.typeCheckMs, heapMb: o.typeCheckHeapMb });
    if (err !== undefined) throw new SubmissionError('invalid-submission', err);
  }
  return loaded;
}

/** The hash ExerciseEntry.stubSha256 holds: of the text with line endings as \n and no trailing
 *  white space, so that a checkout's line endings do not make a stub look changed. */
export function stubHash(text: string): string {
  return sha256(text.replace(/\r\n?/g, '\n').replace(/\s+$/, ''));
}

/** Hex sha256 (the stub's hash here, the batch journal's keys). */
export function sha256(data: string | Buffer): string { return createHash('sha256').update(data).digest('hex'); }

/** Is `file` the exercise's stub, unchanged? (False when it cannot be read: loading says why.) */
function isUnchangedStub(ex: ExerciseEntry, file: string): boolean {
  try {
    const st = fs.statSync(file);
    // a stub is a few kB: a file many times that size is not one, and is not read here
    return st.isFile() && st.size < 1 << 20 && stubHash(fs.readFileSync(file, 'utf8')) === ex.stubSha256;
  } catch { return false; }
}

export async function gradeFile(ex: ExerciseEntry, file: string, o: GradeOptions = {}): Promise<GradeResult> {
  const unchanged = isUnchangedStub(ex, file); // (before grading: a file being edited may change)
  const r = await gradeAny(ex, file, o);
  return unchanged ? { ...r, unchanged_stub: true } : r;
}

async function gradeAny(ex: ExerciseEntry, file: string, o: GradeOptions): Promise<GradeResult> {
  if (ex.kind === 'schedule') return gradeSchedule(ex, file, o);
  const suite = ex.scenarios.filter((s) => !(o.skipHidden && s.hidden) && (o.only === undefined || o.only.includes(s.name)));
  const max = suite.reduce((a, s) => a + s.points, 0);
  const skipped = ex.scenarios.length - suite.length;
  const head = { exercise: ex.id, submission: file, max_score: max, ...(o.skipHidden && skipped > 0 ? { skipped_hidden: skipped } : {}) };
  const error = (kind: FailureKind, msg: string): GradeResult => ({ ...head, verdict: 'error', score: 0, scenarios: [], error: msg, error_kind: kind });
  let loaded;
  try {
    loaded = await loadChecked(file, o);
  } catch (e) {
    if (e instanceof SubmissionError) return error(e.kind, e.message);
    throw e;
  }
  const job: Job = {
    kind: ex.kind, exports: ex.exports.length > 0 ? ex.exports : subjectShape(ex.kind),
    scenarios: suite.map((s) => ({ name: s.name, points: s.points, hidden: s.hidden === true })),
    js: loaded.js, map: loaded.map, file: loaded.file,
    budget: budget(o),
  };
  const out = await runJob(job, { scenarioMs: o.scenarioMs ?? 60000, heapMb: o.heapMb ?? 256, ...(o.stallMs === undefined ? {} : { stallMs: o.stallMs }) });
  if (out.fatal !== undefined) return error(out.fatal.kind as FailureKind, out.fatal.message);
  const order = new Map(suite.map((s, i) => [s.name, i]));
  const scenarios: ScenarioResult[] = [...out.results].sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  const score = scenarios.reduce((a, s) => a + s.points, 0);
  return { ...head, verdict: score === max ? 'pass' : 'fail', score, scenarios };
}
