// `npm run bench`: measures the explorer on the seed scenario (2.6.36-rc2 and Hugh's fix), with
// K extra fork/exit pairs, and on small synthetic programs; prints one table, or with --json the
// same figures as JSON. The only file of bench/ that reads argv or writes to stdout/stderr.
//   --json          JSON instead of the table
//   --quick         a short suite for tests: 1 run, no churn 2–3, smaller caps
//   --runs N        timed repetitions per scenario, medians reported (default 5)
//   --budget-ms N   wall-time budget per scenario (default 60000; --quick: 5000)
//   --naive-cap N   naive enumeration gives up after N executions (default 100000; --quick: 5000)
//   --only TEXT     only scenarios whose name contains TEXT
//   --one-process   measure every scenario in this process (default: each in its own, one.ts)
import '../cli/pipe';
import { performance } from 'perf_hooks';
import { runBench, BenchOptions } from './report';
import { table } from './table';
import { suite } from './suite';

const USAGE = 'usage: npm run bench -- [--json] [--quick] [--runs N] [--budget-ms N] [--naive-cap N] [--only TEXT] [--one-process]';

function parse(argv: readonly string[]): { json: boolean; o: Omit<BenchOptions, 'now'> } | string {
  let json = false, quick = false, oneProcess = false, only: string | undefined;
  const nums: Record<string, number | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--quick') quick = true;
    else if (a === '--one-process') oneProcess = true;
    else if (a === '--only') { only = argv[++i]; if (only === undefined) return '--only needs a text'; }
    else if (a === '--runs' || a === '--budget-ms' || a === '--naive-cap') {
      const text = argv[++i], least = a === '--runs' ? 1 : 0, n = Number(text);
      if (text === undefined || !/^\d+$/.test(text) || n < least) return `${a} needs a whole number from ${least}${text === undefined ? '' : `, not "${text}"`}`;
      nums[a] = n;
    } else if (a === '--help' || a === '-h') return USAGE;
    else return `unknown option ${a}\n${USAGE}`;
  }
  if (only !== undefined) {
    const names = suite(quick).map((sc) => sc.name);
    if (!names.some((x) => x.includes(only!))) return `no bench scenario's name contains "${only}"${quick ? ' in the --quick suite' : ''}; the names are ${names.join(', ')}`;
  }
  return {
    json,
    o: {
      quick, only, isolate: !oneProcess,
      runs: nums['--runs'] ?? (quick ? 1 : 5),
      budgetMs: nums['--budget-ms'] ?? (quick ? 5000 : 60000),
      naiveCap: nums['--naive-cap'] ?? (quick ? 5000 : 100000),
    },
  };
}

function main(): void {
  const p = parse(process.argv.slice(2));
  if (typeof p === 'string') { process.stderr.write(p + '\n'); process.exitCode = p === USAGE ? 0 : 2; return; }
  const progress = process.stderr.isTTY
    ? (name: string, i: number, n: number) => process.stderr.write(`\r\x1b[K[${i + 1}/${n}] ${name}…`)
    : undefined;
  let rep;
  try {
    rep = runBench({ ...p.o, now: () => performance.now(), onScenario: progress }, process.version, new Date());
  } catch (e) {
    if (progress) process.stderr.write('\r\x1b[K');
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 1; return;
  }
  if (progress) process.stderr.write('\r\x1b[K');
  process.stdout.write(p.json ? JSON.stringify(rep, null, 2) + '\n' : table(rep).join('\n') + '\n');
}

main();
