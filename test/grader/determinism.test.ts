// The same submission gets the same grade and the same report bytes: grading a file twice
// gives byte-identical JSON once the wall-clock fields (stats.ms) are set aside, and the same
// text report — the counterexample, its schedule and its timeline included.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { gradeFile } from '../../grader/grade';
import { renderText } from '../../grader/reporters/text';
import { renderJson } from '../../grader/reporters/json';
import { EX05, HOSTILE, SOLUTIONS, withoutMs } from './helpers';

const source = (file: string) => {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  return (f: string, line: number): string | undefined => (path.resolve(f) === path.resolve(file) ? lines[line - 1] : undefined);
};

test.each([
  ['2.6.36-rc2.ts (a bug with a counterexample)', path.join(SOLUTIONS, 'history', '2.6.36-rc2.ts')],
  ['the reference (verified)', path.join(SOLUTIONS, 'page_lock_anon_vma.ts')],
  ['a hostile nondeterministic one', path.join(HOSTILE, 'math-random.ts')],
])('%s: twice, the same JSON bytes (less stats.ms) and the same text report', async (_name, file) => {
  const o = { only: ['quiet', 'seed'], typeCheck: false };
  const [a, b] = [await gradeFile(EX05, file, o), await gradeFile(EX05, file, o)];
  expect(renderJson(withoutMs(b))).toBe(renderJson(withoutMs(a)));
  const text = (r: typeof a): string => renderText(r, { source: source(file), replayCommand: (s) => `replay ${s.failure?.schedule ?? ''}` });
  expect(text(b)).toBe(text(a));
}, 60_000);
