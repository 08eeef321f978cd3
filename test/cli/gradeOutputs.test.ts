// The replay command a report prints: a path the student can paste from where they ran the
// grader, and quoting that survives the shell.
import * as path from 'node:path';
import { replayCommandFor, shellWord } from '../../cli/gradeOutputs';
import { findExercise } from '../../exercises/index';

const EX05 = findExercise('05-page-lock-anon-vma')!;
const EX04 = findExercise('04-bug-hunt')!;
const failing = { name: 'seed', failure: { schedule: 'v1:0*6,1*12,2*39,0*5' } };

test('a file below the working directory is named relative to it', () => {
  const file = path.join(process.cwd(), 'solutions', '05-page-lock-anon-vma', 'history', '2.6.36-rc2.ts');
  expect(replayCommandFor(EX05, file)(failing)).toBe(
    "npm run grade -- 05-page-lock-anon-vma solutions/05-page-lock-anon-vma/history/2.6.36-rc2.ts --replay 'v1:0*6,1*12,2*39,0*5' --scenario seed");
});

test('a file outside it is named by its full path, not by ../..', () => {
  const file = path.resolve(process.cwd(), '..', 'elsewhere', 'my answer.ts');
  const cmd = replayCommandFor(EX05, file)(failing);
  expect(cmd).toContain(shellWord(file));
  expect(cmd).not.toContain('..');
  expect(shellWord('my answer.ts')).toBe("'my answer.ts'");
});

test('the bug-hunt exercise replays in play, by number', () => {
  expect(replayCommandFor(EX04, 'x.txt')(failing)).toBe("npm run play 4 -- --moves 'v1:0*6,1*12,2*39,0*5'");
});
