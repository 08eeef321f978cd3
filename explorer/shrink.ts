// Shrinking a failing schedule before anyone sees it: fewer preemptions first, then fewer
// steps, always keeping the same failure kind. A candidate is replayed leniently — an entry
// whose thread cannot run is skipped, and past the end the run goes on without preemption —
// and its actual schedule (what really ran, up to the failure) is what is kept.
import type { FailureKind } from '../sim/failure';
import { Factory, runOnce, stay } from './run';
import { preemptions } from './schedule';

export interface Shrunk { readonly schedule: number[]; readonly preemptions: number; readonly steps: number; readonly tries: number }

interface Outcome { schedule: number[]; preemptions: number; kind: FailureKind | undefined }

function lenient(factory: Factory, s: readonly number[], maxSteps?: number): Outcome {
  let k = 0;
  const r = runOnce(factory, (_m, en, _i, last) => {
    while (k < s.length && !en.includes(s[k])) k++;
    if (k < s.length) return s[k++];
    return stay(en, last);
  }, { haltOnFailure: true, maxSteps });
  return { schedule: r.schedule, preemptions: preemptions(r.schedule, r.enabledAt), kind: r.failure?.kind };
}

/** Runs of the same thread: [tid, length][] */
function segments(s: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const t of s) { const l = out[out.length - 1]; if (l && l[0] === t) l[1]++; else out.push([t, 1]); }
  return out;
}
function flatten(segs: readonly (readonly [number, number])[]): number[] { return segs.flatMap(([t, n]) => Array<number>(n).fill(t)); }

function* candidates(s: readonly number[]): Generator<number[]> {
  const segs = segments(s);
  // drop a whole segment (its steps run later, where the lenient replay finds room)
  for (let i = segs.length - 1; i >= 0; i--) yield flatten([...segs.slice(0, i), ...segs.slice(i + 1)]);
  // merge a segment into the next one of the same thread
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 2; j < segs.length; j++) {
      if (segs[j][0] !== segs[i][0]) continue;
      const merged = segs.map((x) => [x[0], x[1]] as [number, number]);
      merged[i][1] += merged[j][1];
      merged.splice(j, 1);
      yield flatten(merged);
      break;
    }
  }
  // shorten a segment by one step
  for (let i = segs.length - 1; i >= 0; i--) {
    if (segs[i][1] < 2) continue;
    const c = segs.map((x) => [x[0], x[1]] as [number, number]);
    c[i][1]--;
    yield flatten(c);
  }
  // cut the tail
  if (s.length > 1) yield s.slice(0, s.length - 1);
}

function better(a: Outcome, b: { preemptions: number; schedule: readonly number[] }): boolean {
  return a.preemptions < b.preemptions || (a.preemptions === b.preemptions && a.schedule.length < b.schedule.length);
}

export function shrink(factory: Factory, schedule: readonly number[], kind: FailureKind, maxTries = 3000, maxSteps?: number): Shrunk {
  let best = lenient(factory, schedule, maxSteps);
  if (best.kind !== kind) best = { schedule: [...schedule], preemptions: best.preemptions, kind };
  let tries = 0;
  for (let improved = true; improved && tries < maxTries;) {
    improved = false;
    for (const c of candidates(best.schedule)) {
      if (++tries > maxTries) break;
      const o = lenient(factory, c, maxSteps);
      if (o.kind === kind && better(o, best)) { best = o; improved = true; break; }
    }
  }
  return { schedule: best.schedule, preemptions: best.preemptions, steps: best.schedule.length, tries };
}
