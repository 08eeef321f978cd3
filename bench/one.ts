// One bench scenario measured in a process of its own (report.ts runs one per scenario, as JMH
// forks a JVM per benchmark): an earlier scenario's objects, garbage and compiled code do not
// slow the next one (measured: seed-churn-2/hugh at 263–317 ns/step alone, 383 after
// seed-churn-2/rc2 in the same process). Reads its settings from argv[2] as JSON and writes
// the Row as JSON to stdout; nothing else.
// A fresh process compiles the explorer's code as it goes, so an untimed warm-up comes first
// (JMH's warm-up iterations): both searches measure() times, explore() and counting DPOR, on the
// same scenario, again and again for WARMUP_MS. (Warming explore() alone left counting DPOR's
// own paths cold where explore() stops at the first bug: seed/rc2 measured 974–1016 ns/step cold,
// 365–655 warm.)
import '../cli/pipe';
import { performance } from 'perf_hooks';
import { dpor } from '../explorer/dpor';
import { explore } from '../explorer/explore';
import { floorMsFor, measure } from './measure';
import { suite } from './suite';

const WARMUP_MS = 500;

export interface OneInput { readonly name: string; readonly quick: boolean; readonly runs: number; readonly budgetMs: number; readonly naiveCap: number }

function main(): void {
  const o = JSON.parse(process.argv[2] ?? '{}') as OneInput;
  const sc = suite(o.quick).find((s) => s.name === o.name);
  if (sc === undefined) { process.stderr.write(`bench: no scenario ${String(o.name)}\n`); process.exitCode = 2; return; }
  const now = (): number => performance.now();
  const warm = o.quick ? 100 : WARMUP_MS, until = now() + warm;
  do {
    explore(sc.factory, { proveMinimal: true, maxMs: warm, now });
    dpor(sc.factory, { stopOnBug: false, maxMs: warm, now });
  } while (now() < until);
  const row = measure(sc, { runs: o.runs, budgetMs: o.budgetMs, naiveCap: o.naiveCap, now, floorMs: floorMsFor(o.quick) });
  process.stdout.write(JSON.stringify(row) + '\n');
}

main();
