// Shared pieces for the lesson demos (course/demos.ts and the per-lesson demo modules):
// recording a run, choosing schedules, laying a demo out in the terminal's width.
import type { Machine } from '../sim/machine';
import type { StepEvent } from '../sim/events';
import { instantiate, Scenario } from '../scenarios/scenario';
import { runOnce, stay, Chooser, Factory } from '../explorer/run';
import { encode, preemptions } from '../explorer/schedule';
import type { Verdict } from '../explorer/verdict';
import type { Trace } from '../trace/trace';
import { namePointers } from '../scenarios/demos/format';

export interface DemoOptions { readonly color: boolean; readonly width: number }

// ---- running and recording ----------------------------------------------------------------

export const BUDGET = { maxExecutions: 20000 };

export interface Run { readonly trace: Trace; readonly machine: Machine; readonly enabledAt: readonly (readonly number[])[]; readonly schedule: readonly number[] }

let onRecorded: ((t: Trace) => void) | undefined;
/** Be told of every run a demo records (`npm run lesson N -- --html DIR` draws them); undefined stops. */
export function watchRecordedRuns(f: ((t: Trace) => void) | undefined): void { onRecorded = f; }

/** One recorded run under `choose`; every thread (the RCU thread too) gets its lane. */
export function recordRun(name: string, factory: Factory, choose: Chooser): Run {
  const r = runOnce(factory, choose, { record: true, haltOnFailure: false });
  const m = r.machine;
  const failure = m.primaryFailure();
  const trace: Trace = {
    scenario: name, threads: m.threads.map((t) => t.name), events: namePointers(m.events), failures: m.failures,
    ...(failure ? { failure } : {}), schedule: encode(r.schedule), preemptions: preemptions(r.schedule, r.enabledAt),
  };
  onRecorded?.(trace);
  return { trace, machine: m, enabledAt: r.enabledAt, schedule: r.schedule };
}

/** Replay `schedule`, then run on without preemption. */
export function replaying(schedule: readonly number[]): Chooser {
  return (_m, en, i, last) => (i < schedule.length && en.includes(schedule[i]) ? schedule[i] : stay(en, last));
}

/** Run `steps[k].n` steps of thread `steps[k].tid` in turn (fewer if it stops), then on. */
export function phases(steps: readonly { tid: number; n: number }[]): Chooser {
  let k = 0, done = 0;
  return (_m, en, _i, last) => {
    while (k < steps.length && (done >= steps[k].n || !en.includes(steps[k].tid))) { k++; done = 0; }
    if (k < steps.length) { done++; return steps[k].tid; }
    return stay(en, last);
  };
}

export function factoryOf<S>(sc: Scenario<S>, subject: S): Factory { return (o) => instantiate(sc, subject, o); }

// ---- text ---------------------------------------------------------------------------------

export function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) { out.push(line); line = word; } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out.join('\n');
}

/** Fold lines longer than `width` (kernel reports) at a space, continuing indented. */
export function fitWidth(text: string, width: number): string {
  return text.split('\n').map((line) => {
    if (line.length <= width) return line;
    const lead = /^\s*/.exec(line)?.[0] ?? '';
    const more = `${lead}    `;
    return wrap(line.trim(), width - more.length).split('\n').map((l, i) => `${i === 0 ? lead : more}${l}`).join('\n');
  }).join('\n');
}

export function page(o: DemoOptions, headline: string, body: readonly string[], explain: string): string {
  const bold = o.color ? (s: string): string => `\u001b[1m${s}\u001b[22m` : (s: string): string => s;
  return [bold(wrap(headline, o.width)), '', ...body.filter((b) => b !== ''), '', wrap(explain, o.width)].join('\n\n').replace(/\n{3,}/g, '\n\n');
}

export function plural(n: number, one: string, many = `${one}s`): string { return `${n} ${n === 1 ? one : many}`; }

export function verdictLine(v: Verdict): string {
  switch (v.kind) {
    case 'VERIFIED': return v.classes === 1 ? 'VERIFIED: its only interleaving explored' : `VERIFIED: every interleaving class explored, in ${v.classes} executions`;
    case 'BUG': return `BUG: ${kindWords(v.failure.kind)} found after ${plural(v.stats.executions, 'execution')}`;
    case 'NO_BUG_WITHIN': return `NO BUG WITHIN ${v.reason}`;
  }
}

export function kindWords(kind: string): string {
  return kind === 'use-after-free' ? 'KASAN use-after-free' : kind === 'contract' ? 'contract violation' : kind;
}

/** Steps where thread `tid` had not finished yet could not run. */
export function blockedSteps(r: Run, tid: number): number[] {
  const out: number[] = [];
  r.enabledAt.forEach((en, i) => {
    const started = r.schedule.slice(0, i).includes(tid);
    const finishedBefore = r.schedule.lastIndexOf(tid) < i;
    if (started && !finishedBefore && !en.includes(tid)) out.push(r.trace.events[i].i);
  });
  return out;
}

export function renameGp(events: readonly StepEvent[]): StepEvent[] {
  return events.map((e) => (e.k === 'gp_start' ? { ...e, name: 'synchronize_rcu: grace period starts' } : e.k === 'gp_wait' ? { ...e, name: 'synchronize_rcu returns: grace period over' } : e));
}

// ---- lesson 1 -----------------------------------------------------------------------------

