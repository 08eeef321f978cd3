// Demos for lessons 6 to 8 (references, sleeping locks, the pattern elsewhere). Registered into course/demos.ts.
import type { DemoOptions } from '../demoKit';

export const LATER_DEMOS: Readonly<Record<string, (o: DemoOptions) => string>> = {};
