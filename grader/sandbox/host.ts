// Runs a job in a sandbox process (pool.ts) with a heap limit, a clean environment and a
// watchdog; a scenario that overruns its time or memory gets that verdict, and the remaining
// scenarios go on in a fresh worker. The grader's own process never runs student code.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROGRESS_BUILDING, PROGRESS_BYTES, PROGRESS_SEARCHING, PROGRESS_STEPPING, PROGRESS_TEXT, STALL_MS, TRAIL_BYTES } from './protocol';
import { decode, encode } from '../../explorer/schedule';
import type { Job, FromWorker, Progress } from './protocol';
import type { ScenarioResult } from '../result';
import type { Failure } from '../../sim/failure';
import type { RecordedRun } from '../../explorer/record';

/** A replay's outcome: the recorded run and the scenario's summary, or why there is none. */
type ReplayOut = { trace?: RecordedRun; summary?: string; fatal?: string;
  /** The fatal message is about the schedule given (it does not parse, or does not fit the run). */
  badSchedule?: boolean };
import { acquireWorker, releaseWorker } from './pool';
import { scenariosFor } from '../../scenarios/registry';

/** Once a scenario of a job has stalled (code that loops without a yield*), the next ones get
 *  this much quiet at most: the same loop is likely on their path too, and waiting out the
 *  full allowance for each made one such submission cost a minute. */
export const STALL_AGAIN_MS = 2000;

/** How many scenarios of a job are run again to place a stall (or an overrun of memory) until
 *  one is placed: the loop may be on a path the run without preemption does not take. */
const DIAGNOSES = 2;

export interface HostLimits {
  readonly scenarioMs: number; readonly heapMb: number;
  /** How long a running scenario may go without a 'beat' (default STALL_MS). */
  readonly stallMs?: number;
}
export type HostOutcome = { readonly results: ScenarioResult[]; readonly fatal?: { kind: string; message: string } };

/** One worker runs the job's scenarios (exported for the tests of its limits). */
export function runWorker(job: Job, limits: HostLimits, onMsg: (m: FromWorker) => void): Promise<{ end: 'done' | 'timeout' | 'memory' | 'crash'; detail?: string }> {
  return new Promise((resolve) => {
    const sw = acquireWorker(limits.heapMb);
    const w = sw.worker;
    let settled = false;
    const finish = (end: 'done' | 'timeout' | 'memory' | 'crash', detail?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer); clearInterval(quiet);
      w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit);
      releaseWorker(sw, end === 'done');
      resolve({ end, ...(detail ? { detail } : {}) });
    };
    // A limit that runs out is acted on after the worker's messages already waiting: when this
    // thread was busy meanwhile (another lane type-checking a submission), the timer fires
    // before the queued 'done' of a scenario that ended in time. `armed` tells a limit replaced
    // since (a new allowance at 'start') from the one that ran out.
    let armed = 0;
    const limit = (ms: number): NodeJS.Timeout => {
      const mine = ++armed;
      return setTimeout(() => setImmediate(() => { if (mine === armed) finish('timeout'); }), ms);
    };
    // Start-up (loading the engine, the submission's module) gets its own allowance.
    let timer = limit(limits.scenarioMs + 15000);
    // A scenario that goes quiet (no 'beat') is stuck in the submission's own code.
    let running = false, heard = Date.now();
    const stallMs = limits.stallMs ?? STALL_MS;
    const silent = (): boolean => running && Date.now() - heard > stallMs;
    const quiet = setInterval(() => { if (silent()) setImmediate(() => { if (silent()) finish('timeout', 'stalled'); }); }, Math.min(500, stallMs / 4));
    const onMessage = (m: FromWorker): void => {
      heard = Date.now();
      onMsg(m);
      if (m.type === 'start') { running = true; clearTimeout(timer); timer = limit(limits.scenarioMs); }
      if (m.type === 'result') running = false;
      // The worker ends every job with 'done' (after a fatal or a trace too).
      if (m.type === 'done') finish('done');
    };
    const onError = (e: Error & { code?: string }): void => finish(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', e.message);
    const onExit = (): void => finish('crash', 'the sandbox exited');
    w.on('message', onMessage); w.on('error', onError); w.on('exit', onExit);
    w.postMessage({ type: 'job', job });
  });
}

/** Replay one schedule in the sandbox and return the recorded run (or a fatal message). */
export async function runReplay(job: Job, limits: HostLimits): Promise<ReplayOut> {
  let out: ReplayOut = {};
  let started = false;
  const r = await runWorker(job, limits, (m) => {
    if (m.type === 'start') started = true;
    else if (m.type === 'trace') out = { trace: m.trace, summary: m.summary };
    else if (m.type === 'fatal') out = m.kind === 'bad-schedule' ? { fatal: m.message, badSchedule: true } : { fatal: m.message };
  });
  if (out.trace === undefined && out.fatal === undefined) {
    // a replay that stalls (or runs out of memory) is run again step by step, to say where
    const why = r.end === 'memory' ? 'memory' : r.end === 'timeout' && r.detail === 'stalled' ? 'stalled' : undefined;
    let schedule: number[] | undefined;
    try { schedule = job.replay === undefined ? undefined : decode(job.replay.schedule); } catch { schedule = undefined; }
    const d = why === undefined || !started || schedule === undefined ? undefined : await diagnoseRun(job, job.replay!.scenario, limits, why, schedule);
    const placed = why !== undefined && d?.failed === true && d.read?.state === PROGRESS_STEPPING && d.read.p !== undefined ? d.read : undefined;
    const at = placed !== undefined ? `: ${atStep(placed.step, placed.p!, why!)}` : '';
    out = { fatal: why === 'stalled' ? `the replay stopped making progress for ${(limits.stallMs ?? STALL_MS) / 1000} s${at}`
      : r.end === 'timeout' ? 'the replay ran out of time' : why === 'memory' ? `the replay used more than ${limits.heapMb} MB${at}` : `the sandbox failed: ${r.detail ?? r.end}` };
    // placed: the steps that led there, replayed up to that one, with the stall as the failure
    const upTo = placed === undefined ? undefined : await replayUpTo(job, limits, placed.step, placed.p!.thread, why!, out.fatal!);
    if (upTo !== undefined) out = upTo;
  }
  return out;
}

/** The run of a replay that stalled (or ran out of memory) at step `step`, in `thread`,
 *  recorded up to the step before it in a fresh worker; its failure is the stall, `message` its
 *  report. Undefined if that run does not come back with a trace. */
async function replayUpTo(job: Job, limits: HostLimits, step: number, thread: string, why: 'stalled' | 'memory', message: string):
  Promise<{ trace: RecordedRun; summary?: string } | undefined> {
  let got: { trace: RecordedRun; summary?: string } | undefined;
  await runWorker({ ...job, replay: { ...job.replay!, stopAt: step } }, limits, (m) => {
    if (m.type === 'trace') got = { trace: m.trace, summary: m.summary };
  });
  if (got === undefined) return undefined;
  const tid = got.trace.threads.indexOf(thread);
  const failure: Failure = {
    kind: why === 'stalled' ? 'timeout' : 'memory', tid, step,
    why: why === 'stalled' ? 'the code did not reach another yield*, so no other thread could run again' : `the code used more than ${limits.heapMb} MB`,
    report: message.charAt(0).toUpperCase() + message.slice(1) + (/[.?!]$/.test(message) ? '' : '.'),
  };
  // (a failure on the way, a bad unlock say, still leads; the stall follows it)
  return { trace: { ...got.trace, failure: got.trace.failure ?? failure, failures: [...got.trace.failures, failure] }, summary: got.summary };
}

/** Where a scenario that stalled (a loop without a yield*) or ran out of memory was when it
 *  did (runScenario.ts, diagnoseOne): its run without preemption, in a fresh worker that writes
 *  each step to a file before it runs it; when that run ends, the search grading ran,
 *  keeping the current execution's schedule in a file, and then, in another worker, that
 *  schedule, step by step. The sentences to add to the report, whether they name the step, and
 *  the schedule that reached it (encoded) when it took one; undefined when the runs end
 *  otherwise or say nothing. */
async function stuckAt(job: Job, scenario: string, limits: HostLimits, why: 'stalled' | 'memory'):
  Promise<{ readonly text: string; readonly placed: boolean; readonly schedule?: string } | undefined> {
  const diagnose = (schedule?: readonly number[]): ReturnType<typeof diagnoseRun> => diagnoseRun(job, scenario, limits, why, schedule);
  const run = 'When the grader ran it again one thread at a time, without preemption';
  const first = await diagnose();
  if (!first.failed || first.read === undefined) return undefined;
  if (first.read.state === PROGRESS_BUILDING) {
    return { placed: true, text: why === 'stalled' ? `${run}, it stalled before the first step, while the threads ran to their first yield*: is there a loop in your code before its first yield*?`
      : `${run}, it ran out before the first step, while the threads ran to their first yield*: is something in your code allocating before its first yield*?` };
  }
  if (first.read.state === PROGRESS_STEPPING) return first.read.p === undefined ? undefined : { placed: true, text: `${run}, ${atStep(first.read.step, first.read.p, why)}` };
  if (first.read.state !== PROGRESS_SEARCHING) return undefined;
  // that run went to its end, and the search stalled again, in the execution the trail holds
  const did = why === 'stalled' ? 'stall' : 'run out';
  const schedule = first.trail.length > 0 ? Array.from(first.trail) : undefined;
  const again = schedule === undefined ? undefined : await diagnose(schedule);
  if (schedule === undefined || again === undefined || !again.failed || again.read?.state !== PROGRESS_STEPPING || again.read.p === undefined) {
    // the search's schedule, run again, does not: the code behaves differently from run to run
    return { placed: false, text: schedule === undefined ? `${run}, it did not ${did}; the search did, on a path where another thread ran in between.`
      : `${run}, it did not ${did}, and neither did the schedule on which the search did: does your code keep state from one run to the next (a module-level variable)?` };
  }
  const hint = why === 'stalled' ? ' Between two yield*s no other thread runs: a loop without one cannot wait for another thread\'s change.' : '';
  return { placed: true, schedule: encode(schedule),
    text: `${run}, it did not ${did}; the search did, on a path where another thread ran in between. Along that schedule, ${atStep(again.read.step, again.read.p, why)}${hint}` };
}

// a loop that stalled once will again: STALL_AGAIN_MS is enough; running out of memory may
// take a busy machine seconds of collections, and gets the job's own allowance
function diagnosisStallMs(limits: HostLimits, why: 'stalled' | 'memory'): number {
  return why === 'stalled' ? Math.min(limits.stallMs ?? STALL_MS, STALL_AGAIN_MS) : limits.stallMs ?? STALL_MS;
}

/** One diagnosis run in a fresh worker (runScenario.ts, diagnoseOne): did it stall (or run out)
 *  again, and what it left in its files. */
async function diagnoseRun(job: Job, scenario: string, limits: HostLimits, why: 'stalled' | 'memory', schedule?: readonly number[]):
  Promise<{ failed: boolean; read?: ReturnType<typeof readProgress>; trail: Int32Array }> {
  const stallMs = diagnosisStallMs(limits, why);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-'));
  diagnosisDirs.add(dir);
  try {
    const progress = path.join(dir, 'progress'), trail = path.join(dir, 'trail');
    fs.writeFileSync(progress, Buffer.alloc(PROGRESS_BYTES)); fs.writeFileSync(trail, Buffer.alloc(TRAIL_BYTES));
    const r = await runWorker({ ...job, scenarios: [], replay: undefined, diagnose: { scenario, progress, trail, ...(schedule !== undefined ? { schedule } : {}) } },
      { ...limits, stallMs, scenarioMs: Math.max(limits.scenarioMs, stallMs + 1000) }, () => undefined);
    const failed = why === 'stalled' ? r.end === 'timeout' && r.detail === 'stalled' : r.end === 'memory';
    // the trail's steps (the sandbox has stopped); none when it holds none
    const t = fs.readFileSync(trail), words = Math.floor(t.length / 4), len = words > 0 ? t.readInt32LE(0) : 0;
    const steps = new Int32Array(len > 0 && len < words ? len : 0);
    for (let i = 0; i < steps.length; i++) steps[i] = t.readInt32LE(4 * (i + 1));
    return { failed, read: readProgress(fs.readFileSync(progress)), trail: steps };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    diagnosisDirs.delete(dir);
  }
}

/** Diagnoses' folders not yet removed: removed when the grader's process exits (a class run
 *  stopped by Ctrl-C exits at once, past the `finally` that would). */
const diagnosisDirs = new Set<string>();
process.on('exit', () => { for (const d of diagnosisDirs) fs.rmSync(d, { recursive: true, force: true }); });

/** "at step 2, walker called rcu_read_lock() at x.ts:6, and its code did not reach another
 *  yield*. Is there a loop without a yield* after that line?" */
function atStep(step: number, p: Progress, why: 'stalled' | 'memory'): string {
  const { thread, who, line } = p;
  // the op's name is the student's own text when it forged the op: shown quoted, one line
  const call = /^[A-Za-z_]\w*$/.test(p.call) ? `${p.call}()` : `"${p.call}"`;
  const did = who === 'yours' ? `${thread} called ${call} at ${line}` : who === 'scenario' ? `the scenario's step ${call} in ${thread} ran` : `${thread} ran ${call}`;
  const yieldAgain = `${who === 'yours' ? 'another' : 'a'} yield*`;
  const code = who === 'yours' ? 'its code' : `${thread}'s code`;
  const end = why === 'stalled' ? `${code} did not reach ${yieldAgain}` : `the memory ran out before ${code} reached ${yieldAgain}`;
  const when = who === 'scenario' ? ', before its first yield* or after a call returns' : '';
  const ask = who === 'yours' ? (why === 'stalled' ? 'Is there a loop without a yield* after that line?' : 'Is something after that line allocating without bound?')
    : why === 'stalled' ? `Is there a loop without a yield* in your code${when}?` : `Does your code allocate without bound${when}?`;
  return `at step ${step}, ${did}, and ${end}. ${ask}`;
}

/** What the diagnosis wrote (protocol.ts, Progress), read once the sandbox has stopped. */
function readProgress(b: Buffer): { state: number; step: number; p?: Progress } | undefined {
  if (b.length < PROGRESS_TEXT) return undefined;
  const state = b.readInt32LE(0), step = b.readInt32LE(4), n = b.readInt32LE(8);
  if (state !== PROGRESS_STEPPING) return { state, step };
  if (n < 0 || PROGRESS_TEXT + n > b.length) return undefined;
  try {
    const p = JSON.parse(b.toString('utf8', PROGRESS_TEXT, PROGRESS_TEXT + n)) as Partial<Progress>;
    if (typeof p.thread !== 'string' || typeof p.call !== 'string' || !['yours', 'scenario', 'unknown'].includes(p.who as string)) return undefined;
    if (p.who === 'yours' && typeof p.line !== 'string') return undefined;
    return { state, step, p: p as Progress };
  } catch { return undefined; }
}

export async function runJob(job: Job, limits: HostLimits): Promise<HostOutcome> {
  const results: ScenarioResult[] = [];
  let pending = [...job.scenarios];
  let stallMs = limits.stallMs ?? STALL_MS;
  /** The scenario whose stall, and whose running out of memory, stuckAt placed; and how many
   *  scenarios it was tried on for each (at most DIAGNOSES: each try costs a sandbox and up to
   *  the quiet allowance). */
  type Placed = { readonly name: string; readonly hidden: boolean; readonly where: boolean };
  const placed: { stalled?: Placed; memory?: Placed } = {};
  const tries = { stalled: 0, memory: 0 };
  while (pending.length > 0) {
    let current: string | undefined;
    let started = false;
    let fatal: HostOutcome['fatal'];
    const r = await runWorker({ ...job, scenarios: pending }, { ...limits, stallMs }, (m) => {
      if (m.type === 'start') { current = m.name; started = true; }
      else if (m.type === 'result') { results.push(m.result); current = undefined; }
      else if (m.type === 'fatal') fatal = { kind: m.kind, message: m.message };
    });
    if (fatal !== undefined) return { results, fatal };
    const doneNames = new Set(results.map((x) => x.name));
    if (r.end !== 'done' || current !== undefined) {
      const kind = r.end === 'memory' ? 'memory' : r.end === 'timeout' ? 'timeout' : 'exception';
      // Loading the module is the same for every scenario: if that fails, the submission does.
      if (!started) {
        const message = kind === 'memory' ? `loading the module used more than ${limits.heapMb} MB: is something at its top level allocating without bound?`
          : kind === 'timeout' ? 'loading the module took too long: is there a loop at its top level?'
          : `the sandbox failed before running any scenario: ${(r.detail ?? r.end).split('\n')[0].slice(0, 160)}`;
        return { results, fatal: { kind, message } };
      }
      const name = current ?? pending.find((s) => !doneNames.has(s.name))?.name;
      const sc = pending.find((s) => s.name === name);
      if (sc === undefined) return { results, fatal: { kind: 'exception', message: `the sandbox failed: ${(r.detail ?? r.end).split('\n')[0].slice(0, 160)}` } };
      // a job's stalls, and its memory overruns, are looked into (a sandbox more each) until one
      // is placed: the scenarios after it most likely fail at the same place, and point to it
      const why = kind === 'memory' ? 'memory' : r.detail === 'stalled' ? 'stalled' : undefined;
      const earlier = why === undefined ? undefined : placed[why];
      let stuck: string | undefined, schedule = '';
      if (why !== undefined && earlier === undefined && tries[why] < DIAGNOSES) {
        tries[why]++;
        const found = await stuckAt(job, sc.name, limits, why);
        stuck = found?.text;
        schedule = found?.schedule ?? '';
        if (found !== undefined) placed[why] = { name: sc.name, hidden: sc.hidden, where: found.placed };
      }
      // (a hidden scenario's name is not shown from a visible one's report)
      const seeAlso = earlier === undefined || (earlier.hidden && !sc.hidden) ? ''
        : ` (scenario ${earlier.name} says ${!earlier.where ? 'more' : `where its run was${why === 'memory' ? ' when it ran out' : ' stuck'}`})`;
      const message = kind === 'memory' ? `the scenario used more than ${limits.heapMb} MB${stuck !== undefined ? `. ${stuck}` : `: is something allocating without bound?${seeAlso}`}`
        : kind === 'timeout' && r.detail === 'stalled' ? `the scenario stopped making progress for ${stallMs / 1000} s${stuck !== undefined ? `. ${stuck}` : `: is there a loop without a yield* in it?${seeAlso}`}`
        : kind === 'timeout' ? `the scenario ran longer than ${limits.scenarioMs / 1000} s: is there a loop without a yield* in it?`
        : `the sandbox crashed: ${(r.detail ?? '').split('\n')[0].slice(0, 160)}`;
      if (r.detail === 'stalled') stallMs = Math.min(stallMs, STALL_AGAIN_MS);
      results.push({ name: sc.name, summary: scenariosFor(job.kind as never, sc.name)?.summary ?? '', verdict: 'ERROR', points: 0, max_points: sc.points, hidden: sc.hidden,
        failure: { kind, message, why: message, schedule, steps: 0, preemptions: 0 }, stats: { executions: 0, steps: 0, ms: 0 } });
      doneNames.add(sc.name);
    }
    pending = pending.filter((s) => !doneNames.has(s.name));
  }
  return { results };
}
