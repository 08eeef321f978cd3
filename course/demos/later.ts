// Demos for lessons 6 to 8 (references, sleeping locks, the pattern elsewhere). Registered into
// course/demos.ts. Each returns text: a headline with the verdict, the timeline or a table, the
// kernel's report if any, and a short explanation. Deterministic: fixed schedules or the
// explorer; no timings.
import type { DemoOptions } from '../demoKit';
import { REFS_DEMOS } from './refs';
import { SLEEPING_DEMOS } from './sleeping';
import { ELSEWHERE_DEMOS } from './elsewhere';

export const LATER_DEMOS: Readonly<Record<string, (o: DemoOptions) => string>> = {
  ...REFS_DEMOS,
  ...SLEEPING_DEMOS,
  ...ELSEWHERE_DEMOS,
};
