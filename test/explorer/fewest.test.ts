// explore() proves a counterexample's preemption count minimal by bounded search raised from
// 0 (explorer/bounded.ts, fewest), for the failure it reports: where the shrinker stops above
// the fewest, the first bound that fails that way gives the counterexample instead, and where
// the budget runs out first the verdict says nothing about minimality.
import { EXERCISES } from '../../exercises/index';
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { explore } from '../../explorer/explore';
import { dpor } from '../../explorer/dpor';
import { shrink } from '../../explorer/shrink';
import { bounded } from '../../explorer/bounded';
import { decode } from '../../explorer/schedule';
import { replay, Factory } from '../../explorer/run';
import * as putInRcu from '../fixtures/submissions/07-lock-anon-vma-read/put-in-rcu';

// Exercise 07, a put_anon_vma() inside the RCU read-side section (it may sleep), on the
// scenario where the walker's reference may be the last.
const EX07 = EXERCISES.find((e) => e.id === '07-lock-anon-vma-read')!;
const f: Factory = (o) => instantiate(scenariosFor(EX07.kind, 'last-put')!, putInRcu, o);
const MAX_STEPS = 400;

test('where shrinking stops above the fewest preemptions, explore() reports a schedule with the fewest, proven', () => {
  const d = dpor(f, { maxSteps: MAX_STEPS });
  const kind = d.bug!.failure.kind;
  expect(kind).toBe('sleep-in-atomic');
  // the shrinker alone keeps more preemptions than needed here: the case this test is about
  const shrunk = shrink(f, d.bug!.schedule, kind, 3000, MAX_STEPS);
  const v = explore(f, { maxSteps: MAX_STEPS, proveMinimal: true });
  if (v.kind !== 'BUG') throw new Error(`expected a BUG, got ${v.kind}`);
  expect(v.failure.kind).toBe(kind);
  expect(v.preemptions).toBeLessThan(shrunk.preemptions);
  expect(v.minimal).toBe(true);
  // the proof, checked on its own: one bound below finds no such failure, and the schedule
  // replays to that failure with that many preemptions
  const below = bounded(f, v.preemptions - 1, { kind, maxSteps: MAX_STEPS });
  expect([below.complete, below.bug]).toEqual([true, undefined]);
  const r = replay(f, decode(v.schedule), { haltOnFailure: true, maxSteps: MAX_STEPS });
  expect(r.failure?.kind).toBe(kind);
});

test('a minimality budget too small to finish leaves the count unproven', () => {
  const v = explore(f, { maxSteps: MAX_STEPS, proveMinimal: true, minimalBudget: 5 });
  if (v.kind !== 'BUG') throw new Error(`expected a BUG, got ${v.kind}`);
  expect(v.minimal).toBeUndefined();
});

test('the proof runs within what is left of the search\'s time, and beats the heartbeat once per execution', () => {
  // a clock that moves 1 ms each time it is read: the same run every time
  let t = 0, beats = 0;
  const o = { maxSteps: MAX_STEPS, proveMinimal: true, minimalBudget: 1_000_000, now: () => t++, heartbeat: () => { beats++; } };
  const full = explore(f, { ...o });
  t = 0; beats = 0;
  const cut = explore(f, { ...o, maxMs: 300 });
  if (full.kind !== 'BUG' || cut.kind !== 'BUG') throw new Error(`expected BUGs, got ${full.kind} and ${cut.kind}`);
  expect(full.minimal).toBe(true);
  expect(cut.minimal).toBeUndefined();
  expect(cut.stats.executions).toBeLessThan(400);
  expect(beats).toBe(cut.stats.executions);
});
