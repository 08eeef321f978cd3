// What the sandbox worker does for one job, written as a function so it can also run in
// process (tests, and the fallback when workers are unavailable).
import type { Job, FromWorker } from './protocol';
import type { ScenarioResult } from '../result';
import { loadInRealm, RealmModule } from './realm';
import { lineMap } from '../sourcemap';
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { explore } from '../../explorer/explore';
import { record, RecordedRun } from '../../explorer/record';
import { decode } from '../../explorer/schedule';
import type { Factory } from '../../explorer/run';

export function runScenario(job: Job, post: (m: FromWorker) => void): void {
  let realm: RealmModule;
  try {
    realm = loadInRealm(job.js, job.file);
  } catch (e) {
    post({ type: 'fatal', ...classify(e, 'loading the module') });
    return;
  }
  for (const name of job.exports) {
    const f = realm.exports[name];
    if (typeof f !== 'function') { post({ type: 'fatal', kind: 'invalid-submission', message: `the submission must export a function named ${name} (found ${f === undefined ? 'nothing' : typeof f})` }); return; }
    if (f.constructor?.name !== 'GeneratorFunction') { post({ type: 'fatal', kind: 'invalid-submission', message: `${name} must be a generator function: write \`export function* ${name}(...)\`` }); return; }
  }
  const lines = lineMap(job.map);
  if (job.replay !== undefined) { replayOne(job, realm, lines, post); return; }
  for (const sc of job.scenarios) {
    post({ type: 'start', name: sc.name });
    post({ type: 'result', result: one(job, realm, sc, lines) });
  }
}

function classify(e: unknown, when: string): { kind: 'invalid-submission' | 'nondeterminism'; message: string } {
  const name = e instanceof Object && 'name' in e ? String((e as { name: unknown }).name) : '';
  const msg = e instanceof Object && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  if (name === 'NondeterminismError') return { kind: 'nondeterminism', message: msg };
  return { kind: 'invalid-submission', message: `${when} threw ${name || 'an error'}: ${msg.split('\n')[0].slice(0, 160)}` };
}

function one(job: Job, realm: RealmModule, sc: Job['scenarios'][number], lines: Map<number, number>): ScenarioResult {
  const scenario = scenariosFor(job.kind as never, sc.name);
  const base = { name: sc.name, max_points: sc.points, hidden: sc.hidden };
  if (scenario === undefined) {
    return { ...base, summary: '', verdict: 'ERROR', points: 0, stats: { executions: 0, steps: 0, ms: 0 }, reach: `unknown scenario ${sc.name}` };
  }
  const factory: Factory = (o) => instantiate(scenario, realm.exports, o);
  const v = explore(factory, { maxExecutions: job.budget.maxExecutions, maxMs: job.budget.maxMs, maxSteps: job.budget.maxSteps, proveMinimal: true, minimalBudget: job.budget.minimalBudget });
  const stats = { executions: v.stats.executions, steps: v.stats.steps, ms: v.stats.ms };
  const summary = scenario.summary;
  if (v.kind === 'VERIFIED') return { ...base, summary, verdict: 'VERIFIED', points: sc.points, reach: `${v.classes} interleaving class${v.classes === 1 ? '' : 'es'}`, stats };
  if (v.kind === 'NO_BUG_WITHIN') return { ...base, summary, verdict: 'NO_BUG_WITHIN', points: sc.points, reach: v.reason, stats };
  const schedule = decode(v.schedule);
  const t1 = fixLines(record(sc.name, factory, schedule, realm.setCapture), job.file, lines);
  const t2 = fixLines(record(sc.name, factory, schedule, realm.setCapture), job.file, lines);
  // The report of the recorded run, so its step numbers match the timeline.
  const rec = t1.failures.find((f) => f.kind === v.failure.kind) ?? v.failure;
  let kind = v.failure.kind;
  let why = rec.why;
  if (JSON.stringify(t1.events) !== JSON.stringify(t2.events)) { kind = 'nondeterminism'; why = 'the same schedule ran differently twice: the code keeps state between runs or depends on something other than what it reads'; }
  if (v.failure.report.includes('NondeterminismError')) { kind = 'nondeterminism'; why = 'the code used Math.random() or Date: a submission must behave the same on every run'; }
  return {
    ...base, summary, verdict: 'BUG', points: 0, stats, trace: t1,
    failure: { kind, message: rec.report, why, schedule: v.schedule, steps: v.steps, preemptions: v.preemptions, ...(v.minimal ? { minimal: true } : {}) },
  };
}

function replayOne(job: Job, realm: RealmModule, lines: Map<number, number>, post: (m: FromWorker) => void): void {
  const r = job.replay!;
  const scenario = scenariosFor(job.kind as never, r.scenario);
  if (scenario === undefined) { post({ type: 'fatal', kind: 'invalid-submission', message: `no scenario named ${r.scenario} for this exercise` }); return; }
  let schedule: number[];
  try { schedule = decode(r.schedule); } catch (e) { post({ type: 'fatal', kind: 'invalid-submission', message: (e as Error).message }); return; }
  try {
    const t = fixLines(record(r.scenario, (o) => instantiate(scenario, realm.exports, o), schedule, realm.setCapture), job.file, lines);
    post({ type: 'trace', trace: t, summary: scenario.summary });
  } catch (e) {
    post({ type: 'fatal', kind: 'invalid-submission', message: `the schedule does not fit scenario ${r.scenario}: ${(e as Error).message}` });
  }
}

/** Turn generated-JS line numbers in the submission's locations into its TypeScript lines. */
function fixLines(t: RecordedRun, file: string, lines: Map<number, number>): RecordedRun {
  return {
    ...t,
    events: t.events.map((e) => {
      if (e.loc === undefined) return e;
      const m = /^(.+):(\d+)$/.exec(e.loc);
      if (!m || m[1] !== file) return e.loc.includes('/sim/') || e.loc.includes('/scenarios/') ? { ...e, loc: undefined } : e;
      return { ...e, loc: `${file}:${lines.get(Number(m[2])) ?? m[2]}` };
    }),
  };
}
