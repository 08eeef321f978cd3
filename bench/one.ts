// One bench scenario measured in a process of its own (report.ts runs one per scenario, as JMH
// forks a JVM per benchmark): an earlier scenario's objects, garbage and compiled code do not
// slow the next one (measured: seed-churn-2/hugh at 263–317 ns/step alone, 383 after
// seed-churn-2/rc2 in the same process). Reads its settings from argv[2] as JSON and writes
// the Row as JSON to stdout; nothing else.
import '../cli/pipe';
import { performance } from 'perf_hooks';
import { measure } from './measure';
import { suite } from './suite';

export interface OneInput { readonly name: string; readonly quick: boolean; readonly runs: number; readonly budgetMs: number; readonly naiveCap: number }

function main(): void {
  const o = JSON.parse(process.argv[2] ?? '{}') as OneInput;
  const sc = suite(o.quick).find((s) => s.name === o.name);
  if (sc === undefined) { process.stderr.write(`bench: no scenario ${String(o.name)}\n`); process.exitCode = 2; return; }
  const row = measure(sc, { runs: o.runs, budgetMs: o.budgetMs, naiveCap: o.naiveCap, now: () => performance.now() });
  process.stdout.write(JSON.stringify(row) + '\n');
}

main();
