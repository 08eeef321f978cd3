// PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): random thread priorities and
// d-1 random priority-change points per run, from a fixed seed, so runs are reproducible. For
// scenarios too large to exhaust; a clean PCT run proves nothing and says so.
import type { Failure } from '../sim/failure';
import { Factory, runOnce } from './run';

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PctResult { readonly runs: number; readonly steps: number; readonly bug?: { failure: Failure; schedule: number[]; run: number } }

export function pct(factory: Factory, o: { seed: number; runs: number; depth: number; maxMs?: number; maxSteps?: number; now?: () => number }): PctResult {
  const rnd = prng(o.seed);
  const now = o.now ?? Date.now;
  const t0 = now();
  let estimate = 100, steps = 0;
  for (let run = 0; run < o.runs; run++) {
    if (o.maxMs !== undefined && now() - t0 > o.maxMs) return { runs: run, steps };
    const prio = new Map<number, number>();
    const changes = new Set<number>();
    for (let i = 0; i < o.depth - 1; i++) changes.add(Math.floor(rnd() * estimate));
    let low = 0;
    const r = runOnce(factory, (_m, en, i, last) => {
      if (changes.has(i) && last >= 0) prio.set(last, --low);
      let best = en[0], bp = -Infinity;
      for (const t of en) {
        if (!prio.has(t)) prio.set(t, 1 + rnd() * 1000);
        const p = prio.get(t)!;
        if (p > bp) { bp = p; best = t; }
      }
      return best;
    }, { haltOnFailure: true, maxSteps: o.maxSteps });
    steps += r.schedule.length;
    estimate = Math.max(estimate, r.schedule.length);
    if (r.failure) return { runs: run + 1, steps, bug: { failure: r.failure, schedule: r.schedule, run } };
  }
  return { runs: o.runs, steps };
}
