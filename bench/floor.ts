// The reference for the table's ns/step: a bare scheduler, with no simulator and no analysis,
// resuming threads whose every step is a `yield*` of the API's own op through `depth` nested
// generators, as the kernel model's steps are (exit_mmap → unlink_anon_vmas → anon_vma_lock →
// spin_lock is three generators and the call). What the simulator and DPOR cost is the rest of
// a row's ns/step.
import { op, Kernel } from '../sim/op';

export interface Floor { readonly depth: number; readonly ns_per_step: number }

/** Steps per thread: each level calls the one below twice, the lowest makes STEPS / 2^(d-1). */
const STEPS = 32;
const THREADS = 4;

function* nest(depth: number, steps: number, addr: number): Kernel<number> {
  let s = 0;
  if (depth <= 1) for (let i = 0; i < steps; i++) { yield* op('read', addr, 0, 'READ_ONCE'); s++; }
  else for (let i = 0; i < 2; i++) s += yield* nest(depth - 1, steps / 2, addr);
  return s;
}

/** One round: THREADS threads of STEPS steps each, resumed round robin; returns the steps. */
function round(depth: number): number {
  const gs = Array.from({ length: THREADS }, (_, t) => nest(depth, STEPS, 0x40 * (t + 1)));
  const live = gs.map(() => true);
  let steps = 0, left = THREADS;
  gs.forEach((g) => g.next()); // each runs to its first op, as a spawned thread does
  while (left > 0) {
    for (let t = 0; t < THREADS; t++) {
      if (!live[t]) continue;
      steps++;
      if (gs[t].next(0).done === true) { live[t] = false; left--; }
    }
  }
  return steps;
}

/** ns per step at depths 1..maxDepth: the median of `runs` timed batches of `rounds` rounds. */
export function generatorFloor(now: () => number, runs = 5, rounds = 4000, maxDepth = 4): Floor[] {
  const out: Floor[] = [];
  for (let d = 1; d <= maxDepth; d++) {
    for (let i = 0; i < rounds / 4; i++) round(d); // warm-up
    const xs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = now();
      let steps = 0;
      for (let i = 0; i < rounds; i++) steps += round(d);
      xs.push(((now() - t0) * 1e6) / steps);
    }
    xs.sort((a, b) => a - b);
    out.push({ depth: d, ns_per_step: Math.round(xs[xs.length >> 1]) });
  }
  return out;
}

/** The depth a row's own floor is measured at (measure.ts): the kernel model's steps are 1 to
 *  4 generators deep, most of them 2 or 3. */
export const ROW_FLOOR_DEPTH = 3;
let warmed = false;

/** The floor at `depth`, timed for about `ms` now: taken just before and just after each timed
 *  run of a scenario, so that a row's ns/step can be set against the machine's speed at that
 *  moment (on a shared host the floor moved 3× between runs, and within one). */
export function floorSample(now: () => number, ms: number, depth = ROW_FLOOR_DEPTH): number {
  if (!warmed) { for (let i = 0; i < 1000; i++) round(depth); warmed = true; }
  const t0 = now();
  let steps = 0;
  do { for (let i = 0; i < 20; i++) steps += round(depth); } while (now() - t0 < ms);
  return ((now() - t0) * 1e6) / steps;
}
