// The whole bench run as data: where it ran, with which settings, and one row per scenario.
// The table and the JSON are two views of this object.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { host, Host } from './host';
import { floorMsFor, measure, Row } from './measure';
import type { OneInput } from './one';
import { suite } from './suite';
import { generatorFloor, Floor } from './floor';
import { targets, Target } from './targets';

export interface BenchOptions {
  readonly quick: boolean;
  readonly runs: number;
  readonly budgetMs: number;
  readonly naiveCap: number;
  /** Only scenarios whose name contains this. */
  readonly only?: string;
  readonly now: () => number;
  /** Called before each scenario (progress on a terminal). */
  readonly onScenario?: (name: string, i: number, n: number) => void;
  /** Measure each scenario in a process of its own (one.ts); else all in this one. */
  readonly isolate?: boolean;
}

export interface Report {
  readonly machine: Host;
  readonly node: string;
  readonly date: string;
  readonly quick: boolean;
  readonly runs: number;
  readonly budget_ms: number;
  readonly naive_cap: number;
  /** Each scenario was measured in a process of its own (one.ts). */
  readonly isolated: boolean;
  readonly scenarios: Row[];
  /** A bare scheduler's ns/step by generator depth (floor.ts): what a step costs before the
   *  simulator and the analysis. */
  readonly floor: Floor[];
  /** Issue 3's targets, checked against these rows (targets.ts). */
  readonly targets: Target[];
}

export function runBench(o: BenchOptions, nodeVersion: string, date: Date): Report {
  const list = suite(o.quick).filter((s) => o.only === undefined || s.name.includes(o.only));
  const scenarios: Row[] = [];
  list.forEach((s, i) => {
    o.onScenario?.(s.name, i, list.length);
    scenarios.push(o.isolate === true ? measureApart({ name: s.name, quick: o.quick, runs: o.runs, budgetMs: o.budgetMs, naiveCap: o.naiveCap })
      : measure(s, { runs: o.runs, budgetMs: o.budgetMs, naiveCap: o.naiveCap, now: o.now, floorMs: floorMsFor(o.quick) }));
  });
  const floor = generatorFloor(o.now, o.quick ? 1 : 5, o.quick ? 500 : 4000);
  return {
    machine: host(), node: nodeVersion, date: date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    quick: o.quick, runs: o.runs, budget_ms: o.budgetMs, naive_cap: o.naiveCap, isolated: o.isolate === true, scenarios, floor, targets: targets(scenarios),
  };
}

/** One scenario measured by one.ts in a child process (node with ts-node's transpile-only hook,
 *  as `npm run bench` runs). Throws with the child's own message if it fails. */
function measureApart(input: OneInput): Row {
  const r = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), path.join(__dirname, 'one.ts'), JSON.stringify(input)],
    { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0 || r.error !== undefined) {
    const why = r.error?.message ?? r.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${String(r.status)}`;
    throw new Error(`measuring ${input.name} in its own process failed: ${why}`);
  }
  return JSON.parse(r.stdout) as Row;
}
