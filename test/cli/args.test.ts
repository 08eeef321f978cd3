// The CLIs' argument parser: flags, options with a value (`--o V` or `--o=V`), positionals, and
// what it refuses with a usage error.
import { parseArgs, UsageError } from '../../cli/args';

const spec = { flags: ['json', 'all'], options: ['csv', 'scenario'] };

test('flags, options in both forms, and positionals', () => {
  const a = parseArgs(['05', 'class/', '--all', '--csv=g.csv', '--scenario', 'quiet,seed'], spec);
  expect([a.positional, [...a.flags], [...a.options]]).toEqual([['05', 'class/'], ['all'], [['csv', 'g.csv'], ['scenario', 'quiet,seed']]]);
});

test.each([
  [['--csv'], '--csv needs a value'],
  [['--csv', '--json'], '--csv needs a value'],
  [['--json=yes'], '--json takes no value'],
  [['--nosuch'], 'unknown option --nosuch'],
  // the first would be dropped without a word: two files meant, one written
  [['--csv', 'a.csv', '--csv=b.csv'], '--csv is given twice'],
])('%j: %s', (argv, message) => {
  expect(() => parseArgs(argv, spec)).toThrow(new UsageError(message));
});
