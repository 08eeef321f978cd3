// Measures one bench scenario: the verdict (explore() with proveMinimal), DPOR's execution count
// (stopOnBug: false), naive enumeration's executions and distinct Mazurkiewicz traces where a
// cap allows, what the same schedules cost replayed in full on fresh machines with no analysis
// (the simulator alone, as a stateless search without DPOR's restore would run them), and times
// as medians over repeated runs. Counts and verdicts are deterministic;
// caps are in executions so they stay so, and a wall-time budget is only the safety net (a
// scenario it stops reports NO_BUG_WITHIN and null counts). Returns data; never prints.
import { explore } from '../explorer/explore';
import { dpor, DporResult } from '../explorer/dpor';
import { naive, NaiveResult } from '../explorer/naive';
import { HappensBefore } from '../explorer/hb';
import type { Factory } from '../explorer/run';
import type { Verdict } from '../explorer/verdict';
import type { BenchScenario } from './suite';
import { floorSample } from './floor';

export interface MeasureOptions {
  readonly runs: number;
  readonly budgetMs: number;
  /** Naive enumeration gives up after this many executions. */
  readonly naiveCap: number;
  readonly now: () => number;
  /** How long each floor sample around a timed run lasts (floor.ts floorSample); 0: none. */
  readonly floorMs?: number;
}

export interface Row {
  readonly name: string;
  readonly code: string;
  readonly naive_executions: number | null;
  readonly distinct_traces: number | null;
  /** DPOR executions that ran to the end (not sleep-set blocked); null when DPOR did not finish. */
  readonly dpor_executions: number | null;
  readonly verdict: Verdict['kind'];
  /** explore() wall time, median (includes shrinking and the minimality proof). */
  readonly ms: number;
  /** Counting DPOR's time per step of the executions it explored (dpor_steps), median. */
  readonly ns_per_step: number | null;
  /** The simulator alone: the same schedules replayed in full on fresh machines with no
   *  analysis, per step, median (null past SIM_CAP executions or when DPOR did not finish). */
  readonly sim_ns_per_step: number | null;
  /** A bare scheduler's ns/step at 3 generators deep (floor.ts), sampled in this scenario's
   *  process just before and just after each timed run of counting DPOR, median; null when not
   *  sampled. */
  readonly floor_ns: number | null;
  /** ns_per_step over that floor, run by run (each run against the mean of its two samples),
   *  median: a figure that a busy host moves far less than ns_per_step. */
  readonly floor_ratio: number | null;
  readonly first_bug_ms: number | null;
  readonly preemptions: number | null;
  readonly steps: number | null;
  // extras
  readonly failure: string | null;
  /** The failure's one-line explanation. */
  readonly failure_why: string | null;
  readonly reason: string | null;
  readonly schedule: string | null;
  readonly minimal: boolean | null;
  /** dpor_executions / distinct_traces. */
  readonly dpor_ratio: number | null;
  /** Executions DPOR abandoned because every enabled thread was in the sleep set. */
  readonly blocked: number | null;
  /** (dpor_executions + blocked) / distinct_traces: all the work. */
  readonly dpor_ratio_all: number | null;
  readonly dpor_steps: number | null;
  /** Of dpor_steps, those the machine performed (the rest DPOR restored: dpor.ts). */
  readonly dpor_performed: number | null;
  /** Answers DPOR fed to threads it started over (dpor.ts: few, with the memo). */
  readonly dpor_fed: number | null;
  readonly dpor_ms: number | null;
  /** Failing executions seen by counting DPOR. */
  readonly dpor_bugs: number | null;
  /** Every class naive enumeration found was reached by DPOR (null: not checked). */
  readonly covered: boolean | null;
  readonly naive_note: string | null;
  /** Timed runs of explore() and of counting DPOR that fitted in the budget. */
  readonly runs: number;
  readonly dpor_runs: number;
  /** Deterministic figures identical on every run. */
  readonly stable: boolean;
}

interface Counting { complete: boolean; executions: number; blocked: number; steps: number; performed: number; fed: number; bugs: number; ms: number; reason?: string;
  /** The floor around this run (0: not sampled). */
  floor: number }

class OverBudget extends Error {}

function round2(x: number): number { return Math.round(x * 100) / 100; }

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function countOf(d: DporResult, ms: number, floor: number): Counting {
  return { complete: d.complete, executions: d.executions, blocked: d.blocked, steps: d.steps, performed: d.performed, fed: d.fed, bugs: d.bugs, ms, reason: d.reason, floor };
}

/** What must not change from run to run. */
function verdictSignature(v: Verdict): string {
  return JSON.stringify(v.kind === 'BUG' ? [v.kind, v.failure.kind, v.schedule, v.preemptions, v.steps, v.minimal ?? null] : [v.kind]);
}
function countSignature(c: Counting): string {
  return JSON.stringify(c.complete ? [c.executions, c.blocked, c.steps, c.bugs] : ['incomplete']);
}

export function measure(sc: BenchScenario, o: MeasureOptions): Row {
  const { now } = o;
  const deadline = now() + o.budgetMs;
  const left = (): number => Math.max(0, deadline - now());
  const verdicts: Verdict[] = [];
  const exploreMs: number[] = [];
  const floorMs = o.floorMs ?? 0;
  /** The floor now (0 when not sampled); `around` pairs each run with the samples either side. */
  const floorNow = (): number => (floorMs > 0 ? floorSample(now, floorMs) : 0);
  const exploreFloor: number[] = [];
  let before = floorNow();
  const around = (): number => { const after = floorNow(), f = (before + after) / 2; before = after; return f; };
  let lastRun = 0;
  // Phase 1, the verdict: explore() as the grader runs it, repeated for the timings.
  for (let r = 0; r < o.runs; r++) {
    if (r > 0 && lastRun > left()) break;
    const t0 = now();
    const v = explore(sc.factory, { proveMinimal: true, maxMs: Math.floor(left()), now });
    lastRun = now() - t0;
    // A repeat that the budget cut short is a timing artefact, not a different answer.
    if (r > 0 && v.kind === 'NO_BUG_WITHIN' && verdicts[0].kind !== 'NO_BUG_WITHIN') break;
    verdicts.push(v);
    exploreMs.push(lastRun);
    exploreFloor.push(around());
  }
  // Phase 2, counting DPOR (stopOnBug: false). With no failure it would run exactly the
  // executions of a VERIFIED explore() again, so those are reused when they took long enough
  // to time. A shorter search is repeated within each timed run (see MIN_TIMED_MS).
  const counts: Counting[] = [];
  if (verdicts[0].kind === 'VERIFIED' && Math.min(...exploreMs) >= MIN_TIMED_MS) {
    verdicts.forEach((x, i) => counts.push({ complete: true, executions: x.stats.executions, blocked: x.stats.blocked, steps: x.stats.steps, performed: x.stats.performed, fed: x.stats.fed, bugs: 0, ms: exploreMs[i], floor: exploreFloor[i] }));
  } else {
    before = floorNow();
    for (let r = 0; r < o.runs; r++) {
      if (r > 0 && lastRun > left()) break;
      const t0 = now();
      let d: DporResult, reps = 0;
      do {
        d = dpor(sc.factory, { stopOnBug: false, maxMs: Math.floor(left()), now });
        reps++;
      } while (d.complete && now() - t0 < MIN_TIMED_MS);
      lastRun = now() - t0;
      if (r > 0 && !d.complete) break; // cut short by the budget: drop it
      counts.push(countOf(d, lastRun / reps, around()));
      if (!d.complete) break;
    }
  }
  const sigs = new Set(verdicts.map(verdictSignature));
  const csigs = new Set(counts.map(countSignature));
  const v = verdicts[0];
  const c = counts[0];
  const done = c.complete;
  const nv = naiveCounts(sc.factory, o.naiveCap, deadline, now);
  const covered = nv.result?.complete && done ? coverage(sc.factory, nv.result, left(), now) : null;
  const classes = nv.result?.complete ? nv.result.classes : null;
  const dporEx = done ? c.executions - c.blocked : null;
  const simNs = done && c.executions <= SIM_CAP ? simulatorNs(sc.factory, o.runs, left, now) : null;
  const timedFloor = counts.filter((x) => x.floor > 0);
  const bugMs = verdicts.map((x) => x.stats.firstBugMs).filter((x): x is number => x !== undefined);
  return {
    name: sc.name,
    code: sc.code,
    naive_executions: nv.result?.complete ? nv.result.executions : null,
    distinct_traces: classes,
    dpor_executions: dporEx,
    verdict: v.kind,
    ms: round2(median(exploreMs)),
    ns_per_step: c.steps > 0 ? Math.round(median(counts.map((x) => (x.ms * 1e6) / Math.max(1, x.steps)))) : null,
    sim_ns_per_step: simNs,
    floor_ns: timedFloor.length > 0 ? Math.round(median(timedFloor.map((x) => x.floor))) : null,
    floor_ratio: timedFloor.length > 0 && c.steps > 0 ? round2(median(timedFloor.map((x) => (x.ms * 1e6) / Math.max(1, x.steps) / x.floor))) : null,
    first_bug_ms: bugMs.length > 0 ? round2(median(bugMs)) : null,
    preemptions: v.kind === 'BUG' ? v.preemptions : null,
    steps: v.kind === 'BUG' ? v.steps : null,
    failure: v.kind === 'BUG' ? v.failure.kind : null,
    failure_why: v.kind === 'BUG' ? v.failure.why : null,
    reason: v.kind === 'NO_BUG_WITHIN' ? v.reason : !done ? 'counting DPOR (stopOnBug: false) did not finish within the budget' : null,
    schedule: v.kind === 'BUG' ? v.schedule : null,
    minimal: v.kind === 'BUG' ? v.minimal ?? null : null,
    dpor_ratio: dporEx !== null && classes ? round2(dporEx / classes) : null,
    blocked: done ? c.blocked : null,
    dpor_ratio_all: done && classes ? round2(c.executions / classes) : null,
    dpor_steps: done ? c.steps : null,
    dpor_performed: done ? c.performed : null,
    dpor_fed: done ? c.fed : null,
    dpor_ms: round2(median(counts.map((x) => x.ms))),
    dpor_bugs: done ? c.bugs : null,
    covered,
    naive_note: nv.note,
    runs: verdicts.length,
    dpor_runs: counts.length,
    stable: sigs.size === 1 && csigs.size === 1,
  };
}

/** How long each floor sample lasts: long enough for a steady figure, short beside a run. */
export function floorMsFor(quick: boolean): number { return quick ? 10 : 30; }

/** A timed run of counting DPOR (or of the simulator alone) shorter than this repeats the
 *  whole search until it has lasted this long, and counts the mean: a small scenario's search
 *  takes a tenth of a millisecond, where a single timing is mostly the clock's and the
 *  collector's noise (counter-2/racy timed alone: 1321 and 2211 ns/step in two runs; repeated,
 *  about 1000). */
export const MIN_TIMED_MS = 50;

/** Scenarios with more DPOR executions than this do not get the simulator-only figure (its
 *  schedules are kept in memory). */
const SIM_CAP = 60000;

/** DPOR's schedules (recorded in an untimed run) replayed in full on fresh machines with no
 *  analysis: what the simulator alone costs per step. Null if the budget runs out. */
function simulatorNs(f: Factory, runs: number, left: () => number, now: () => number): number | null {
  const scheds: Uint8Array[] = [];
  let total = 0;
  const d = dpor(f, {
    stopOnBug: false, maxExecutions: SIM_CAP, maxMs: Math.floor(left()), now,
    onExecution: (evs) => { scheds.push(Uint8Array.from(evs, (e) => e.tid)); total += evs.length; },
  });
  if (!d.complete || total === 0) return null;
  const ms: number[] = [];
  for (let r = 0; r < runs && left() > 0; r++) {
    const t0 = now();
    let reps = 0;
    do {
      for (const s of scheds) {
        const m = f({ haltOnFailure: false });
        m.brief = true; // as counting DPOR past its first bug: failures, but no reports built
        for (let i = 0; i < s.length; i++) m.step(s[i]);
      }
      reps++;
    } while (now() - t0 < MIN_TIMED_MS);
    ms.push((now() - t0) / reps);
  }
  return ms.length > 0 ? Math.round((median(ms) * 1e6) / total) : null;
}

/** Naive enumeration, capped in executions (deterministic); the deadline is a safety net. */
function naiveCounts(f: Factory, cap: number, deadline: number, now: () => number): { result?: NaiveResult; note: string | null } {
  const guarded: Factory = (opts) => { if (now() > deadline) throw new OverBudget(); return f(opts); };
  try {
    const r = naive(guarded, cap);
    return { result: r, note: r.complete ? null : `over ${cap} executions` };
  } catch (e) {
    if (e instanceof OverBudget) return { note: 'out of time' };
    throw e;
  }
}

/** Does DPOR reach every class naive enumeration found? (Untimed; small programs only.) */
function coverage(f: Factory, nv: NaiveResult, maxMs: number, now: () => number): boolean | null {
  const seen = new Set<string>();
  const d = dpor(f, {
    stopOnBug: false, maxMs, now,
    onExecution: (evs, n, blocked) => { if (!blocked) seen.add(new HappensBefore(evs, n).canonical()); },
  });
  if (!d.complete) return null;
  for (const key of nv.traces.keys()) if (!seen.has(key)) return false;
  return true;
}
