// A check that runs once, when every thread of a scenario has finished: the place to ask
// questions about the final state ("was every reference dropped?") that no single thread can
// answer while the others are still running. Each thread is wrapped so that its very last step
// is a probe; the probe of whichever thread finishes last runs the check.
// The probe's footprint is empty on purpose: it reads memory only when it is the globally last
// step, so it commutes with every other step and costs DPOR no extra interleavings.
// Must never: run the check while another (non-system) thread can still take a step.
import type { Kernel } from '../sim/api';
import { probeOp, Machine } from '../sim/machine';

export type EndCheck = (m: Machine) => void;

/** Run `g`, then a final probe that runs `check` if this is the last thread to finish and
 *  nothing has failed yet. In a trace the probe reads "check: finished" in its thread's lane:
 *  that thread is done; the others may still run. */
export function* finishing(g: Kernel<unknown>, check: EndCheck): Kernel<void> {
  yield* g;
  yield probeOp('check: finished', [], (m, tid) => {
    if (m.failures.length > 0) return;
    if (m.threads.every((t) => t.id === tid || t.done || t.system)) check(m);
  });
}
