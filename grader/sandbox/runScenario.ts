// What the sandbox process does for one job (worker.ts calls it with the job's messages).
import * as fs from 'fs';
import * as path from 'path';
import { BEAT_MS, PROGRESS_BUILDING, PROGRESS_BYTES, PROGRESS_ENDED, PROGRESS_SEARCHING, PROGRESS_STEPPING, PROGRESS_TEXT, TRAIL_BYTES, TRAIL_FULL } from './protocol';
import type { Job, FromWorker, Progress } from './protocol';
import type { ScenarioResult } from '../result';
import { loadInRealm, LoadError, LoadTimeout, RealmModule, REALM_FILE } from './realm';
import { lineMap } from '../sourcemap';
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { explore, ExploreOptions } from '../../explorer/explore';
import { record, RecordedRun } from '../../explorer/record';
import { decode } from '../../explorer/schedule';
import { replay, runOnce, stay, Factory, ScheduleMismatch } from '../../explorer/run';
import { NondeterministicReplay } from '../../explorer/dpor';
import { ownOp } from '../../sim/op';
import { printable } from '../../sim/machine';
import type { Failure } from '../../sim/failure';

type Fatal = Extract<FromWorker, { type: 'fatal' }>;

export function runScenario(job: Job, post: (m: FromWorker) => void): void {
  let realm: RealmModule;
  let subject: Record<string, unknown>;
  try {
    realm = loadInRealm(job.js);
    subject = subjectOf(job, realm);
  } catch (e) {
    post({ type: 'fatal', ...classify(e, 'loading the module') });
    return;
  }
  const lines = lineMap(job.map);
  if (job.replay !== undefined) { replayOne(job, realm, subject, lines, post); return; }
  if (job.diagnose !== undefined) { diagnoseOne(job, realm, subject, lines, post); return; }
  // Every execution builds a fresh machine: the factory says the search is alive (at most every
  // BEAT_MS), so the host can stop a submission stuck in a loop without a yield* long before
  // the scenario's time limit.
  for (const sc of job.scenarios) {
    post({ type: 'start', name: sc.name });
    post({ type: 'result', result: guarded(job, realm, subject, sc, lines, beater(post)) });
  }
}

/** A sign of life for the host's watchdog: call it as often as you like, it posts a 'beat' at
 *  most every BEAT_MS (counted from now). */
function beater(post: (m: FromWorker) => void): () => void {
  let last = Date.now();
  return () => { const now = Date.now(); if (now - last >= BEAT_MS) { last = now; post({ type: 'beat' }); } };
}

class BadExport extends Error {}

/** The submission's functions as the engine calls them: checked once, read once (later changes
 *  to its exports object change nothing), each behind the membrane. */
function subjectOf(job: Job, realm: RealmModule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of job.exports) {
    const f = realm.exports[name];
    if (typeof f !== 'function') throw new BadExport(`the submission must export a function named ${name} (found ${f === undefined ? 'nothing' : typeof f})`);
    if (!realm.generators.has(name)) throw new BadExport(`${name} must be a generator function: write \`export function* ${name}(...)\``);
    out[name] = realm.membrane.wrap(f as (...a: unknown[]) => unknown);
  }
  for (const name of Object.keys(realm.exports).slice(0, 50)) {
    if (name in out) continue;
    const v = realm.exports[name];
    out[name] = typeof v === 'function' ? realm.membrane.wrap(v as (...a: unknown[]) => unknown) : v;
  }
  return out;
}

function classify(e: unknown, when: string): Omit<Fatal, 'type'> {
  if (e instanceof BadExport) return { kind: 'invalid-submission', message: e.message };
  if (e instanceof LoadTimeout) return { kind: 'timeout', message: e.message };
  if (e instanceof LoadError) return thrown(e.thrownName, e.thrownMessage, when);
  if (e instanceof NondeterministicReplay || e instanceof ScheduleMismatch) {
    return { kind: 'nondeterminism', message: 'the same schedule ran differently twice: the code keeps state between runs (a module-level variable?) — a submission must behave the same on every run' };
  }
  // Realm errors are not instances of this realm's Error: read them as plain objects.
  let name = '', msg = '';
  try {
    const o = typeof e === 'object' && e !== null ? (e as { name?: unknown; message?: unknown }) : undefined;
    name = o !== undefined && typeof o.name === 'string' ? o.name.slice(0, 100) : '';
    msg = o !== undefined && o.message !== undefined ? String(o.message).slice(0, 1000) : String(e).slice(0, 1000);
  } catch { msg = 'an unprintable value'; }
  return thrown(name, msg, when);
}

/** The verdict for something the submission threw, named `name` (its first line, printable,
 *  short: it is the submission's text) with message `msg` (its first line). */
function thrown(name: string, msg: string, when: string): Omit<Fatal, 'type'> {
  const line = msg.split('\n')[0].slice(0, 160);
  if (name === 'NondeterminismError') return { kind: 'nondeterminism', message: `${when}: ${line}` };
  const shown = printable(name.split(/[\n\r\u2028\u2029]/)[0]).slice(0, 60);
  return { kind: 'invalid-submission', message: `${when} threw ${shown || 'an error'}: ${line}` };
}

/** One scenario; anything the engine did not expect from the submission is its verdict, not a
 *  crash of the sandbox. */
function guarded(job: Job, realm: RealmModule, subject: Record<string, unknown>, sc: Job['scenarios'][number], lines: Map<number, number>,
  beat: () => void): ScenarioResult {
  try {
    return one(job, realm, subject, sc, lines, beat);
  } catch (e) {
    const f = classify(e, 'the scenario');
    const message = f.kind === 'invalid-submission' ? f.message.replace(/^the scenario threw/, 'running the submission threw') : f.message;
    return { name: sc.name, summary: scenariosFor(job.kind as never, sc.name)?.summary ?? '', verdict: 'ERROR', points: 0, max_points: sc.points, hidden: sc.hidden,
      failure: { kind: f.kind === 'nondeterminism' ? 'nondeterminism' : 'exception', message, why: message, schedule: '', steps: 0, preemptions: 0 },
      stats: { executions: 0, steps: 0, ms: 0 } };
  }
}

/** What the non-preemptive run does, as data: the same before and after exploring, unless the
 *  submission keeps state between runs (module-level variables). */
function fingerprint(factory: Factory): string {
  const r = replay(factory, [], { record: true, haltOnFailure: false });
  return JSON.stringify([r.schedule, r.machine.events, r.failures.map((f) => [f.kind, f.step, f.tid])]);
}

/** How grading searches a scenario (a diagnosis searches the same way, to stall where it did). */
function searchOptions(job: Job, beat: () => void): ExploreOptions {
  return { maxExecutions: job.budget.maxExecutions, maxMs: job.budget.maxMs, maxSteps: job.budget.maxSteps, proveMinimal: true, minimalBudget: job.budget.minimalBudget, heartbeat: beat };
}

function one(job: Job, realm: RealmModule, subject: Record<string, unknown>, sc: Job['scenarios'][number], lines: Map<number, number>,
  beat: () => void): ScenarioResult {
  const scenario = scenariosFor(job.kind as never, sc.name);
  const base = { name: sc.name, max_points: sc.points, hidden: sc.hidden };
  if (scenario === undefined) {
    return { ...base, summary: '', verdict: 'ERROR', points: 0, stats: { executions: 0, steps: 0, ms: 0 }, reach: `unknown scenario ${sc.name}` };
  }
  const factory: Factory = (o) => { beat(); return instantiate(scenario, subject, o); };
  const before = fingerprint(factory);
  const v = explore(factory, searchOptions(job, beat));
  const stats = { executions: v.stats.executions, steps: v.stats.steps, ms: v.stats.ms };
  const summary = scenario.summary;
  if (fingerprint(factory) !== before) {
    const why = 'the same schedule ran differently before and after exploring: the code keeps state between runs (a module-level variable?) — a submission must behave the same on every run';
    return { ...base, summary, verdict: 'ERROR', points: 0, stats,
      failure: { kind: 'nondeterminism', message: why, why, schedule: 'v1:', steps: 0, preemptions: 0 } };
  }
  if (v.kind === 'VERIFIED') return { ...base, summary, verdict: 'VERIFIED', points: sc.points, reach: `every interleaving class explored, in ${v.classes} execution${v.classes === 1 ? '' : 's'}`, stats };
  // A search stopped by its bound in executions earns the points (the same on every machine); one
  // the clock stopped does not: how far it got depends on the machine, and code made slow on
  // purpose would hide its bugs behind the limit.
  if (v.kind === 'NO_BUG_WITHIN') {
    if (!v.timedOut) return { ...base, summary, verdict: 'NO_BUG_WITHIN', points: sc.points, reach: v.reason, stats };
    return { ...base, summary, verdict: 'NO_BUG_WITHIN', points: 0, stats, timed_out: true,
      reach: `${v.reason} (no points: the search must finish its executions within the time limit, as the reference does many times over; do less work between yield*s)` };
  }
  const schedule = decode(v.schedule);
  const t1 = fixLines(record(sc.name, factory, schedule, realm.setCapture), job.file, lines);
  const t2 = fixLines(record(sc.name, factory, schedule, realm.setCapture), job.file, lines);
  // The report of the recorded run, so its step numbers match the timeline.
  const rec = t1.failures.find((f) => f.kind === v.failure.kind) ?? v.failure;
  let kind = v.failure.kind;
  let why = rec.why;
  if (JSON.stringify(t1.events) !== JSON.stringify(t2.events)) { kind = 'nondeterminism'; why = 'the same schedule ran differently twice: the code keeps state between runs or depends on something other than what it reads'; }
  if (v.failure.report.includes('NondeterminismError')) { kind = 'nondeterminism'; why = 'the code used Math.random() or Date: a submission must behave the same on every run'; }
  const note = scenario.notes?.[kind];
  // the steps up to the failure: after a contract breach the run goes on (Machine.fail), and the
  // schedule with it
  const upTo = 'step' in rec ? t1.events.filter((e) => e.i <= rec.step).length : v.steps;
  return {
    ...base, summary, verdict: 'BUG', points: 0, stats, trace: t1,
    failure: { kind, message: rec.report, why, ...(note !== undefined ? { note } : {}), schedule: v.schedule, steps: upTo, preemptions: v.preemptions,
      ...(v.minimal ? { minimal: true } : {}) },
  };
}

function replayOne(job: Job, realm: RealmModule, subject: Record<string, unknown>, lines: Map<number, number>, post: (m: FromWorker) => void): void {
  const r = job.replay!;
  const scenario = scenariosFor(job.kind as never, r.scenario);
  if (scenario === undefined) { post({ type: 'fatal', kind: 'invalid-submission', message: `no scenario named ${r.scenario} for this exercise` }); return; }
  let schedule: number[];
  try { schedule = decode(r.schedule); } catch (e) { post({ type: 'fatal', kind: 'bad-schedule', message: (e as Error).message }); return; }
  // (the host's watchdog stops a replay that goes quiet: a loop without a yield*)
  post({ type: 'start', name: r.scenario });
  try {
    const t = fixLines(record(r.scenario, (o) => instantiate(scenario, subject, o), schedule, realm.setCapture, r.stopAt), job.file, lines);
    post({ type: 'trace', trace: t, summary: scenario.summary });
  } catch (e) {
    // a schedule that names a thread that cannot run is the user's input; anything else, the code's
    post({ type: 'fatal', kind: e instanceof ScheduleMismatch ? 'bad-schedule' : 'invalid-submission', message: `the schedule does not fit scenario ${r.scenario}: ${(e as Error).message}` });
  }
}

/** What a stalled scenario was doing (host.ts asks after a stall): its run without preemption
 *  (or along the schedule the host gives), each step written to a file before it runs.
 *  A step whose thread never comes back to a yield* leaves the worker silent, and the host
 *  reads that step there. When the run without preemption ends instead, the loop is on another
 *  interleaving's path: the search grading ran is run again, with the current execution's
 *  schedule in the trail, for the host to replay the one that stalls. Both beat like a search
 *  (BEAT_MS), so a slow run that still steps is not taken for a stalled one. */
function diagnoseOne(job: Job, realm: RealmModule, subject: Record<string, unknown>, lines: Map<number, number>, post: (m: FromWorker) => void): void {
  const d = job.diagnose!;
  const scenario = scenariosFor(job.kind as never, d.scenario);
  if (scenario === undefined) { post({ type: 'fatal', kind: 'invalid-submission', message: `no scenario named ${d.scenario} for this exercise` }); return; }
  const pfd = fs.openSync(d.progress, 'r+');
  const say = (state: number, step: number, p?: Progress): void => {
    const text = Buffer.from(p === undefined ? '' : JSON.stringify(p), 'utf8');
    const n = text.length <= PROGRESS_BYTES - PROGRESS_TEXT ? text.length : 0; // never a cut, unparsable text
    const rec = Buffer.alloc(PROGRESS_TEXT + n);
    rec.writeInt32LE(state, 0); rec.writeInt32LE(step, 4); rec.writeInt32LE(n, 8);
    text.copy(rec, PROGRESS_TEXT, 0, n);
    fs.writeSync(pfd, rec, 0, rec.length, 0);
  };
  const schedule = d.schedule;
  post({ type: 'start', name: d.scenario });
  const beat = beater(post);
  realm.setCapture(true);
  let ended = false;
  try {
    say(PROGRESS_BUILDING, 0);
    runOnce((o) => instantiate(scenario, subject, o), (m, en, i, last) => {
      beat();
      // a schedule that does not fit (the code keeps state between runs?) places nothing
      if (schedule !== undefined && i < schedule.length && !en.includes(schedule[i])) throw new ScheduleMismatch(`step ${i}`);
      const t = schedule !== undefined && i < schedule.length ? schedule[i] : stay(en, last);
      const o = m.threads[t].pending!;
      const line = o.loc === undefined || o.loc === '' ? undefined : ownLine(o.loc, job.file, lines);
      // the scenario's: an op the engine's own code made (a harness's call or check, the
      // kernel model's), never one the submission's realm made, whatever its location says
      const who = line !== undefined ? 'yours' : (o.k as string) === 'probe' || ownOp(o) !== 0 ? 'scenario' : 'unknown';
      // numbered as the timeline numbers steps (a build's own steps come first)
      say(PROGRESS_STEPPING, m.origin + i, { thread: m.threads[t].name, call: o.n ?? o.k, who, ...(line !== undefined ? { line: path.basename(line) } : {}) });
      return t;
    }, { haltOnFailure: false, maxSteps: job.budget.maxSteps });
    ended = true;
  } catch {
    // whatever else goes wrong, the run did not stall: the host has nothing to add
  } finally {
    realm.setCapture(false);
  }
  if (ended && schedule === undefined) {
    // the search grading ran, step for step (the same order, so the same execution stalls)
    say(PROGRESS_SEARCHING, 0);
    const tfd = fs.openSync(d.trail, 'r+'), word = Buffer.alloc(4), words = TRAIL_BYTES / 4;
    const put = (at: number, v: number): void => { word.writeInt32LE(v, 0); fs.writeSync(tfd, word, 0, 4, at * 4); };
    const onStep = (tid: number, i: number): void => {
      if (i + 1 < words) { put(i + 1, tid); put(0, i + 1); } else put(0, TRAIL_FULL);
    };
    try {
      // with no time limit: the same executions as grading's, in the same order, however busy
      // the machine (the stall itself, or the host's limit, ends it)
      explore((o) => { beat(); return instantiate(scenario, subject, { ...o, onStep }); }, { ...searchOptions(job, beat), maxMs: undefined });
    } catch {
      // (as above)
    } finally {
      fs.closeSync(tfd);
    }
  }
  say(PROGRESS_ENDED, 0);
  fs.closeSync(pfd);
}

/** "file:line" in the submission's TypeScript lines (`file` its path), for a location in its
 *  generated JS (realm.ts, REALM_FILE); else undefined (the kernel's code or a harness's). */
function ownLine(loc: string, file: string, lines: Map<number, number>): string | undefined {
  const m = /^(.+):(\d+)$/.exec(loc);
  return m && m[1] === REALM_FILE ? `${file}:${lines.get(Number(m[2])) ?? m[2]}` : undefined;
}

/** Turn generated-JS line numbers in the submission's locations into its TypeScript lines. */
function fixLines(t: RecordedRun, file: string, lines: Map<number, number>): RecordedRun {
  // an exception keeps where it was thrown only when that is the submission's own line
  const own = (f: Failure): Failure => {
    if (f.loc === undefined) return f;
    const loc = ownLine(f.loc, file, lines);
    const { loc: _raw, ...rest } = f;
    return loc === undefined ? rest : { ...rest, loc };
  };
  return {
    ...t,
    ...(t.failure !== undefined ? { failure: own(t.failure) } : {}),
    failures: t.failures.map(own),
    events: t.events.map((e) => {
      if (e.loc === undefined) return e;
      const loc = ownLine(e.loc, file, lines);
      if (loc === undefined) return e.loc.includes('/sim/') || e.loc.includes('/scenarios/') ? { ...e, loc: undefined, from: undefined } : e;
      const from = e.from === undefined ? undefined : ownLine(e.from, file, lines);
      const { from: _raw, ...rest } = e;
      return { ...rest, loc, ...(from !== undefined ? { from } : {}) };
    }),
  };
}
