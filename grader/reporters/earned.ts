// When a reporter calls a scenario passed: every reporter says it the same way.
import type { ScenarioResult } from '../result';

/** Did the scenario earn its points? A bug hunt earns them with a BUG, code without one (a
 *  search the clock stopped earns none); a scenario worth nothing passes when no bug was found. */
export function earned(s: ScenarioResult): boolean {
  return s.max_points > 0 ? s.points === s.max_points : s.verdict === 'VERIFIED' || s.verdict === 'NO_BUG_WITHIN';
}

/** What a scenario that did not earn its points is counted under: its failure's kind, else
 *  'no-bug-within' (a bug hunt that found none, a search the clock stopped) or 'error'. */
export function shortfall(s: ScenarioResult): string {
  return s.failure?.kind ?? (s.verdict === 'NO_BUG_WITHIN' ? 'no-bug-within' : 'error');
}
