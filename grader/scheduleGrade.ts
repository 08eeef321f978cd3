// Grading a schedule (exercise kind 'schedule', the bug hunt). The submission is not code but
// an interleaving: the string `npm run play` prints, or one written by hand. It is replayed
// against the index's target — known code (2.6.36-rc2's page_lock_anon_vma) on a known
// scenario (the seed) — and scored by what the run does: the goal failure (a hang) earns the
// scenario's points, a lesser one (a bad unlock) part of them, anything else none. `play`
// steps the same machine with the same rules, so what the player saw is what the grader sees.
// The target is the course's own file, loaded as any submission is (transpiled, evaluated in a
// realm behind the membrane): the grader imports nothing from solutions/. Returns data; never
// prints. A schedule that does not fit is an error verdict with one line the student can act on.
import * as fs from 'fs';
import * as path from 'path';
import type { ExerciseEntry, ScheduleTarget } from '../exercises/index';
import type { GradeResult, ScenarioResult } from './result';
import type { GradeOptions } from './grade';
import { loadSubmission } from './load';
import { loadInRealm, REALM_FILE } from './sandbox/realm';
import { lineMap } from './sourcemap';
import { scenariosFor, subjectShape } from '../scenarios/registry';
import { instantiate, Scenario } from '../scenarios/scenario';
import type { Machine, MachineOptions } from '../sim/machine';
import { Failure, isFatal } from '../sim/failure';
import { describeAddr } from '../sim/layout';
import type { Factory } from '../explorer/run';
import type { RecordedRun } from '../explorer/record';
import { BadSchedule, decode, encode, preemptions } from '../explorer/schedule';

const ROOT = path.resolve(__dirname, '..');
const MAX_BYTES = 100_000;

// ---- the schedule file --------------------------------------------------------------------

export class ScheduleFileError extends Error {}

/** The one schedule in a file's text: lines starting with # and blank lines are skipped; quotes
 *  around the schedule (pasted from a shell command) are forgiven. */
export function parseScheduleText(text: string, name = 'the file'): number[] {
  const lines = text.split(/\r?\n/).map((l, i) => ({ n: i + 1, s: l.trim() })).filter((l) => l.s !== '' && !l.s.startsWith('#'));
  if (lines.length === 0) throw new ScheduleFileError(`${name} holds no schedule: add one line such as v1:0*5,1*12 (npm run play 4 prints one)`);
  if (lines.length > 1) throw new ScheduleFileError(`${name} has ${lines.length} schedule lines (lines ${lines.map((l) => l.n).join(', ')}): keep one, or start the others with #`);
  const line = lines[0];
  const s = line.s.replace(/^(['"])(.*)\1$/, '$2');
  try {
    return decode(s);
  } catch (e) {
    if (e instanceof BadSchedule) throw new ScheduleFileError(`${name}, line ${line.n}: ${e.message}`);
    throw e;
  }
}

export function readScheduleFile(file: string): number[] {
  let stat: fs.Stats;
  try { stat = fs.statSync(file); } catch { throw new ScheduleFileError(`cannot read ${file}: no such file`); }
  if (!stat.isFile()) throw new ScheduleFileError(`${file} is not a file`);
  if (stat.size > MAX_BYTES) throw new ScheduleFileError(`${file} is ${stat.size} bytes; a schedule file may be at most ${MAX_BYTES}`);
  return parseScheduleText(fs.readFileSync(file, 'utf8'), path.basename(file));
}

// ---- the target code ----------------------------------------------------------------------

export interface TargetCode {
  /** Absolute path of the code's file (the `file` part of its steps' locations). */
  readonly file: string;
  readonly source: string;
  readonly subject: Record<string, unknown>;
  /** Turn source locations of the code's steps on or off (on only while recording). */
  readonly setCapture: (on: boolean) => void;
  /** A location "FILE:JSLINE" as "FILE:TSLINE"; locations elsewhere unchanged. */
  readonly fixLoc: (loc: string) => string;
}

const loadedTargets = new Map<string, TargetCode>();

/** Load the target's code once per process: it keeps no state, so runs can share it. */
export function loadTargetCode(target: ScheduleTarget): TargetCode {
  const file = path.resolve(ROOT, target.code);
  const hit = loadedTargets.get(file);
  if (hit !== undefined) return hit;
  // a course template made without solutions/ must keep this one file (docs/grading.md)
  if (!fs.existsSync(file)) throw new Error(`the bug hunt replays schedules against ${target.code}, which is missing from this copy of the course: keep that file when you remove solutions/ (docs/grading.md)`);
  const loaded = loadSubmission(file, { typeCheck: false });
  const realm = loadInRealm(loaded.js);
  const subject: Record<string, unknown> = {};
  for (const name of subjectShape(target.kind)) {
    const f = realm.exports[name];
    if (typeof f !== 'function') throw new Error(`${target.code} does not export ${name}`);
    subject[name] = realm.membrane.wrap(f as (...a: unknown[]) => unknown);
  }
  const lines = lineMap(loaded.map);
  const fixLoc = (loc: string): string => {
    const m = /^(.+):(\d+)$/.exec(loc);
    return m !== null && m[1] === REALM_FILE ? `${loaded.file}:${lines.get(Number(m[2])) ?? m[2]}` : loc;
  };
  const code: TargetCode = { file: loaded.file, source: loaded.source, subject, setCapture: realm.setCapture, fixLoc };
  loadedTargets.set(file, code);
  return code;
}

export function targetScenario(target: ScheduleTarget): Scenario<unknown> {
  const sc = scenariosFor(target.kind, target.scenario);
  if (sc === undefined) throw new Error(`no scenario ${target.scenario} of kind ${target.kind}`);
  return sc;
}

/** A fresh machine of the target scenario driving the target code, per run. */
export function targetFactory(target: ScheduleTarget, code: TargetCode): Factory {
  return (o) => instantiate(targetScenario(target), code.subject, o);
}

// ---- moves: the rules `play` and the grader share -----------------------------------------

export interface Position {
  readonly machine: Machine;
  /** The moves made, and which threads could run before each. */
  readonly moves: readonly number[];
  readonly enabledAt: readonly (readonly number[])[];
  /** Why the run is over (a hang, a fatal failure, every thread finished), if it is. */
  readonly end?: string;
  /** The first move that could not be made, as one line. */
  readonly error?: string;
}

/** "&anon_vma@0x40->lock", as the kernel's reports name a lock. */
export function lockName(a: number): string {
  const d = describeAddr(a);
  return d.cache < 0 ? `&${d.obj}` : `&${d.obj}->${d.field === 'flags' ? 'PG_locked' : d.field}`;
}

/** What a thread that cannot run waits for, in words ('' if it is not waiting). */
export function waitsFor(m: Machine, tid: number): string {
  const t = m.threads[tid];
  const o = t.pending;
  if (t.done || o === null || m.isEnabled(tid)) return '';
  if (o.k === 'gp_wait') return `for RCU readers ${m.rcu.gpWaitsFor(tid).map((x) => m.threadName(x)).join(', ')} to leave`;
  if (o.k === 'rcu_callbacks') return 'for a grace period';
  const holder = m.locks.holderOf(o.a);
  const by = holder < 0 ? '' : `, held by ${m.threadName(holder)}${m.threads[holder]?.done ? ' (which has returned)' : ''}`;
  return `for ${lockName(o.a)}${by}`;
}

/** Whether the run is over, and why. Call once per state: at the end it records the hang. */
function endOf(m: Machine): string | undefined {
  const fatal = m.failures.find((f) => isFatal(f.kind));
  if (fatal !== undefined) return fatal.kind === 'hang' ? 'the machine hung' : `${fatal.kind} in ${m.threadName(fatal.tid)}`;
  if (m.enabled().length > 0) return undefined;
  m.checkEnd();
  return m.failures.some((f) => f.kind === 'hang') ? 'the machine hung' : 'every thread has finished';
}

function cannotRun(m: Machine, i: number, t: number, en: readonly number[]): string {
  const runnable = `runnable: ${en.map((x) => `${x}=${m.threadName(x)}`).join(', ')}`;
  if (t >= m.threads.length) return `step ${i}: there is no thread ${t} here (threads: ${m.threads.map((x) => `${x.id}=${x.name}`).join(', ')})`;
  const th = m.threads[t];
  const why = th.done ? 'it has finished' : `it is waiting ${waitsFor(m, t)}`.trimEnd();
  return `step ${i}: ${th.name} cannot run here (${why}); ${runnable}`;
}

/** Make `moves` on a fresh machine (going on after warnings such as a bad unlock; stopping at a
 *  hang or a fatal failure), then, if `runOn`, go on without preemption to the end. */
export function applyMoves(factory: Factory, moves: readonly number[], opts: MachineOptions = {}, runOn = false): Position {
  const m = factory({ ...opts, haltOnFailure: false });
  const made: number[] = [];
  const enabledAt: number[][] = [];
  let end: string | undefined;
  for (let i = 0; ; i++) {
    end = endOf(m);
    if (end !== undefined) {
      if (i < moves.length) {
        const more = moves.length - i;
        return { machine: m, moves: made, enabledAt, end, error: `step ${i}: the run is already over (${end}), but the schedule has ${more} more step${more === 1 ? '' : 's'}` };
      }
      return { machine: m, moves: made, enabledAt, end };
    }
    const en = m.enabled();
    let t: number;
    if (i < moves.length) {
      t = moves[i];
      if (!en.includes(t)) return { machine: m, moves: made, enabledAt, error: cannotRun(m, i, t, en) };
    } else if (runOn) {
      const last = made.length > 0 ? made[made.length - 1] : -1;
      t = en.includes(last) ? last : en[0];
    } else return { machine: m, moves: made, enabledAt };
    made.push(t);
    enabledAt.push(en);
    m.step(t);
  }
}

/** Apply moves with recording on: events carry the target's source lines. */
export function recordMoves(target: ScheduleTarget, code: TargetCode, moves: readonly number[], runOn: boolean): Position {
  code.setCapture(true);
  try {
    return applyMoves(targetFactory(target, code), moves, { record: true }, runOn);
  } finally {
    code.setCapture(false);
  }
}

/** The run as plain trace data (trace/trace.ts's shape). */
export function traceOf(name: string, p: Position, code: TargetCode, lead?: Failure): RecordedRun {
  const m = p.machine;
  const failure = lead ?? m.primaryFailure();
  return {
    scenario: name,
    threads: m.threads.filter((t) => !t.system).map((t) => t.name),
    events: m.events.map((e) => (e.loc === undefined ? e : { ...e, loc: code.fixLoc(e.loc) })),
    ...(failure ? { failure } : {}),
    failures: m.failures,
    schedule: encode(p.moves),
    preemptions: preemptions(p.moves, p.enabledAt),
  };
}

// ---- scoring ------------------------------------------------------------------------------

/** The failure that earns the most, and its points (the goal earns all of `max`). */
export function creditOf(target: ScheduleTarget, max: number, failures: readonly Failure[]): { points: number; failure?: Failure } {
  let best: { points: number; failure?: Failure } = { points: 0 };
  for (const f of failures) {
    const pts = f.kind === target.goal ? max : Math.min(max, target.partial[f.kind] ?? 0);
    if (best.failure === undefined || pts > best.points) best = { points: pts, failure: f };
  }
  return best;
}

function scenarioResult(s: ExerciseEntry['scenarios'][number], target: ScheduleTarget, p: Position, code: TargetCode, ms: number): ScenarioResult {
  const m = p.machine;
  const { points, failure } = creditOf(target, s.points, m.failures);
  const summary = `your schedule, replayed on ${path.basename(target.code, '.ts')}'s page_lock_anon_vma: ${targetScenario(target).summary}`;
  const base = { name: s.name, summary, max_points: s.points, hidden: s.hidden === true, stats: { executions: 1, steps: m.events.length, ms } };
  const trace = traceOf(s.name, p, code, failure);
  if (failure === undefined) {
    return { ...base, verdict: 'NO_BUG_WITHIN', points: 0, trace,
      reach: `your schedule (${m.events.length} steps): ${p.end ?? 'it stopped'}, and nothing broke` };
  }
  return {
    ...base, verdict: 'BUG', points, trace,
    failure: { kind: failure.kind, message: failure.report, why: failure.why, schedule: trace.schedule,
      steps: m.events.filter((e) => e.i <= failure.step).length, preemptions: trace.preemptions, own: true },
  };
}

/** Grade one schedule file for a 'schedule' exercise. */
export async function gradeSchedule(ex: ExerciseEntry, file: string, o: GradeOptions = {}): Promise<GradeResult> {
  const suite = ex.scenarios.filter((s) => !(o.skipHidden && s.hidden) && (o.only === undefined || o.only.includes(s.name)));
  const max = suite.reduce((a, s) => a + s.points, 0);
  const skipped = ex.scenarios.length - suite.length;
  const head = { exercise: ex.id, submission: file, max_score: max, ...(o.skipHidden && skipped > 0 ? { skipped_hidden: skipped } : {}) };
  const target = ex.target;
  if (target === undefined) throw new Error(`exercise ${ex.id} is a schedule exercise without a target in exercises/index.ts`);
  let moves: number[];
  try {
    moves = readScheduleFile(file);
  } catch (e) {
    if (e instanceof ScheduleFileError) return { ...head, verdict: 'error', score: 0, scenarios: [], error: e.message, error_kind: 'invalid-submission' };
    throw e;
  }
  const t0 = Date.now();
  const code = loadTargetCode(target);
  const p = recordMoves(target, code, moves, true);
  if (p.error !== undefined) return { ...head, verdict: 'error', score: 0, scenarios: [], error: p.error, error_kind: 'invalid-submission' };
  const ms = Date.now() - t0;
  const scenarios = suite.map((s) => scenarioResult(s, target, p, code, ms));
  const score = scenarios.reduce((a, s) => a + s.points, 0);
  return { ...head, verdict: score === max ? 'pass' : 'fail', score, scenarios };
}
