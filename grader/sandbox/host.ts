// Runs a job in a sandbox worker thread (pool.ts) with a heap limit, a clean environment and a
// watchdog; a scenario that overruns its time or memory gets that verdict, and the remaining
// scenarios go on in a fresh worker. The grader's own process never runs student code.
import * as path from 'path';
import { PROGRESS_BUILDING, PROGRESS_BYTES, PROGRESS_STEPPING, STALL_MS } from './protocol';
import type { Job, FromWorker } from './protocol';
import type { ScenarioResult } from '../result';
import { acquireWorker, releaseWorker } from './pool';
import { scenariosFor } from '../../scenarios/registry';

/** Once a scenario of a job has stalled (code that loops without a yield*), the next ones get
 *  this much quiet at most: the same loop is likely on their path too, and waiting out the
 *  full allowance for each made one such submission cost a minute. */
export const STALL_AGAIN_MS = 2000;

export interface HostLimits {
  readonly scenarioMs: number; readonly heapMb: number;
  /** How long a running scenario may go without a 'beat' (default STALL_MS). */
  readonly stallMs?: number;
}
export type HostOutcome = { readonly results: ScenarioResult[]; readonly fatal?: { kind: string; message: string } };

function runWorker(job: Job, limits: HostLimits, onMsg: (m: FromWorker) => void): Promise<{ end: 'done' | 'timeout' | 'memory' | 'crash'; detail?: string }> {
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
    // Start-up (loading the engine, the submission's module) gets its own allowance.
    let timer = setTimeout(() => finish('timeout'), limits.scenarioMs + 15000);
    // A scenario that goes quiet (no 'beat') is stuck in the submission's own code.
    let running = false, heard = Date.now();
    const stallMs = limits.stallMs ?? STALL_MS;
    const quiet = setInterval(() => { if (running && Date.now() - heard > stallMs) finish('timeout', 'stalled'); }, Math.min(500, stallMs / 4));
    const onMessage = (m: FromWorker): void => {
      heard = Date.now();
      onMsg(m);
      if (m.type === 'start') { running = true; clearTimeout(timer); timer = setTimeout(() => finish('timeout'), limits.scenarioMs); }
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
export async function runReplay(job: Job, limits: HostLimits): Promise<{ trace?: import('../../explorer/record').RecordedRun; summary?: string; fatal?: string }> {
  let out: { trace?: import('../../explorer/record').RecordedRun; summary?: string; fatal?: string } = {};
  const r = await runWorker(job, limits, (m) => {
    if (m.type === 'trace') out = { trace: m.trace, summary: m.summary };
    else if (m.type === 'fatal') out = { fatal: m.message };
  });
  if (out.trace === undefined && out.fatal === undefined) out = { fatal: r.end === 'timeout' ? 'the replay ran out of time' : r.end === 'memory' ? 'the replay ran out of memory' : `the sandbox failed: ${r.detail ?? r.end}` };
  return out;
}

/** Where a scenario that stalled (a loop without a yield*) or ran out of memory was when it
 *  did: its run without preemption, in a fresh worker that writes each step to shared memory
 *  before it runs it (runScenario.ts, diagnoseOne). The sentences to add to the report, or
 *  undefined when that run ends otherwise (the loop is on another interleaving's path) or
 *  says nothing. */
async function stuckAt(job: Job, scenario: string, limits: HostLimits, why: 'stalled' | 'memory'): Promise<string | undefined> {
  const progress = new SharedArrayBuffer(PROGRESS_BYTES);
  // a loop that stalled once will again: STALL_AGAIN_MS is enough; running out of memory may
  // take a busy machine seconds of collections, and gets the job's own allowance
  const stallMs = why === 'stalled' ? Math.min(limits.stallMs ?? STALL_MS, STALL_AGAIN_MS) : limits.stallMs ?? STALL_MS;
  const r = await runWorker({ ...job, scenarios: [], diagnose: { scenario, progress } }, { ...limits, stallMs }, () => undefined);
  if (why === 'stalled' ? r.end !== 'timeout' || r.detail !== 'stalled' : r.end !== 'memory') return undefined;
  const words = new Int32Array(progress, 0, 3);
  const state = Atomics.load(words, 0);
  if (state === PROGRESS_BUILDING) {
    return why === 'stalled' ? 'Run without preemption, it is stuck before its first step, while its threads start: is there a loop before the first yield*?'
      : 'Run without preemption, it runs out before its first step, while its threads start: is something allocating before the first yield*?';
  }
  if (state !== PROGRESS_STEPPING) return undefined;
  let s: { thread?: unknown; call?: unknown; loc?: unknown };
  try { s = JSON.parse(new TextDecoder().decode(new Uint8Array(progress, 12, Atomics.load(words, 2)))) as typeof s; } catch { return undefined; }
  if (typeof s.thread !== 'string' || typeof s.call !== 'string') return undefined;
  const step = Atomics.load(words, 1);
  if (why === 'memory') {
    const where = typeof s.loc === 'string' ? `${s.call} at ${path.basename(s.loc)}` : `"${s.call}" (the scenario's step, not yours)`;
    return `Run without preemption, it runs out at step ${step}: ${s.thread} ran ${where}, and the memory ran out before its next yield*. Is something after that allocating without bound?`;
  }
  const at = `Run without preemption, it is stuck at step ${step}`;
  return typeof s.loc === 'string'
    ? `${at}: ${s.thread} ran ${s.call} at ${path.basename(s.loc)} and never came back to a yield*. Is there a loop without a yield* after that line?`
    : `${at}: after ${s.thread}'s step "${s.call}" (the scenario's, not yours), it never came back to a yield*. Is there a loop without a yield* in your code, before its first yield* or after a call returns?`;
}

export async function runJob(job: Job, limits: HostLimits): Promise<HostOutcome> {
  const results: ScenarioResult[] = [];
  let pending = [...job.scenarios];
  let stallMs = limits.stallMs ?? STALL_MS;
  /** The first scenario that stalled, and the first that ran out of memory, once looked into
   *  (stuckAt), and whether that found the step. */
  const diagnosed: { stalled?: { readonly name: string; readonly found: boolean }; memory?: { readonly name: string; readonly found: boolean } } = {};
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
      // the first stall of a job, and its first memory overrun, are looked into (a worker more
      // each): the scenarios after them most likely fail at the same place, and point to it
      const why = kind === 'memory' ? 'memory' : r.detail === 'stalled' ? 'stalled' : undefined;
      const earlier = why === undefined ? undefined : diagnosed[why];
      const stuck = why !== undefined && earlier === undefined ? await stuckAt(job, sc.name, limits, why) : undefined;
      if (why !== undefined && earlier === undefined) diagnosed[why] = { name: sc.name, found: stuck !== undefined };
      const seeAlso = earlier?.found === true ? ` (scenario ${earlier.name} says where its run was${why === 'memory' ? ' when it ran out' : ' stuck'})` : '';
      const message = kind === 'memory' ? `the scenario used more than ${limits.heapMb} MB${stuck !== undefined ? `. ${stuck}` : `: is something allocating without bound?${seeAlso}`}`
        : kind === 'timeout' && r.detail === 'stalled' ? `the scenario stopped making progress for ${stallMs / 1000} s${stuck !== undefined ? `. ${stuck}` : `: is there a loop without a yield* in it?${seeAlso}`}`
        : kind === 'timeout' ? `the scenario ran longer than ${limits.scenarioMs / 1000} s: is there a loop without a yield* in it?`
        : `the sandbox crashed: ${(r.detail ?? '').split('\n')[0].slice(0, 160)}`;
      if (r.detail === 'stalled') stallMs = Math.min(stallMs, STALL_AGAIN_MS);
      results.push({ name: sc.name, summary: scenariosFor(job.kind as never, sc.name)?.summary ?? '', verdict: 'ERROR', points: 0, max_points: sc.points, hidden: sc.hidden,
        failure: { kind, message, why: message, schedule: '', steps: 0, preemptions: 0 }, stats: { executions: 0, steps: 0, ms: 0 } });
      doneNames.add(sc.name);
    }
    pending = pending.filter((s) => !doneNames.has(s.name));
  }
  return { results };
}
