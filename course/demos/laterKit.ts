// Small helpers shared by the lesson 6–8 demos.
import type { StepEvent } from '../../sim/events';

const SLEEPS = new Set(['mutex_lock', 'down_read', 'down_write', 'lock_page']);

/** Sleeping locks return nothing worth showing. atomic_inc_not_zero and atomic_dec_and_test return a truth value: show it as one, so that
 *  "→ 1" is not read as "the count is now 1". */
export function readable(events: readonly StepEvent[]): StepEvent[] {
  return events.map((e) => {
    if (SLEEPS.has(e.name) && e.result !== undefined) { const { result: _r, ...rest } = e; return rest; }
    if ((e.name === 'atomic_inc_not_zero' || e.name === 'atomic_dec_and_test' || /trylock/.test(e.name)) && (e.result === '0' || e.result === '1')) {
      return { ...e, result: e.result === '1' ? 'true' : 'false' };
    }
    return e;
  });
}
