// The whole bench run as data: where it ran, with which settings, and one row per scenario.
// The table and the JSON are two views of this object.
import { host, Host } from './host';
import { measure, Row } from './measure';
import { suite } from './suite';
import { generatorFloor, Floor } from './floor';

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
}

export interface Report {
  readonly machine: Host;
  readonly node: string;
  readonly date: string;
  readonly quick: boolean;
  readonly runs: number;
  readonly budget_ms: number;
  readonly naive_cap: number;
  readonly scenarios: Row[];
  /** A bare scheduler's ns/step by generator depth (floor.ts): what a step costs before the
   *  simulator and the analysis. */
  readonly floor: Floor[];
}

export function runBench(o: BenchOptions, nodeVersion: string, date: Date): Report {
  const list = suite(o.quick).filter((s) => o.only === undefined || s.name.includes(o.only));
  const scenarios: Row[] = [];
  list.forEach((s, i) => {
    o.onScenario?.(s.name, i, list.length);
    scenarios.push(measure(s, { runs: o.runs, budgetMs: o.budgetMs, naiveCap: o.naiveCap, now: o.now }));
  });
  const floor = generatorFloor(o.now, o.quick ? 1 : 5, o.quick ? 500 : 4000);
  return {
    machine: host(), node: nodeVersion, date: date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    quick: o.quick, runs: o.runs, budget_ms: o.budgetMs, naive_cap: o.naiveCap, scenarios, floor,
  };
}
