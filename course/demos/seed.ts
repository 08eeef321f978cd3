// Demos for lessons 4 and 5 (the seed: the hang, the explorer, the argument). Registered into course/demos.ts.
import type { DemoOptions } from '../demoKit';

export const SEED_DEMOS: Readonly<Record<string, (o: DemoOptions) => string>> = {};
