// The replay command a report prints: a path the student can paste from where they ran the
// grader, and quoting that survives the shell.
import * as path from 'node:path';
import { nameColumn, progressLine, replayCommandFor, shellWord } from '../../cli/gradeOutputs';
import { wrapCommand } from '../../trace/style';
import type { GradeResult } from '../../grader/result';
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

describe("a class run's progress lines (stderr, not a terminal)", () => {
  const result = (scenarios: { name: string; verdict: 'BUG' | 'VERIFIED' | 'NO_BUG_WITHIN'; points: number; max: number; kind?: 'hang' }[]): GradeResult => ({
    exercise: EX05.id, submission: 'x.ts', verdict: 'fail', score: scenarios.reduce((a, s) => a + s.points, 0), max_score: scenarios.reduce((a, s) => a + s.max, 0),
    scenarios: scenarios.map((s) => ({ name: s.name, summary: '', verdict: s.verdict, points: s.points, max_points: s.max, hidden: false, stats: { executions: 1, steps: 1, ms: 1 },
      ...(s.kind === undefined ? {} : { failure: { kind: s.kind, message: '', why: '', schedule: 'v1:0', steps: 1, preemptions: 0 } }) })),
  });
  const at = (name: string, r: GradeResult, width: number): string => progressLine({ name, result: r, reused: true, ms: 0, done: 3, total: 12 }, width);

  test('names longer than 20 columns keep the columns aligned, up to 40; longer ones are cut', () => {
    const names = ['al', 'a-student-with-a-long-name-2026', 'x'.repeat(60)];
    const w = nameColumn(names);
    expect(w).toBe(40);
    const r = result([{ name: 'quiet', verdict: 'VERIFIED', points: 2, max: 2 }]);
    const lines = names.map((n) => at(n, r, w));
    expect(new Set(lines.map((l) => l.indexOf('2/2'))).size).toBe(1);
    expect(lines[2]).toContain(`${'x'.repeat(39)}… `);
    expect(nameColumn(['al', 'bo'])).toBe(20);
    // a double-width name (two columns a character) keeps the columns too, cut or not
    const wide = ['学生の名前', '学'.repeat(30)];
    const w2 = nameColumn(wide);
    expect(w2).toBe(40);
    const rows = wide.map((n) => at(n, r, w2));
    expect(rows[1]).toContain('…');
    const col = (l: string): number => { const i = l.indexOf('2/2'); return [...l.slice(0, i)].reduce((a, ch) => a + (/[\u3000-\u9fff]/.test(ch) ? 2 : 1), 0); };
    expect(new Set([...rows, lines[0]].map(col)).size).toBe(1);
  });

  test('the first scenario that missed its points: a clock-stopped search too, not a bug hunt that found its bug', () => {
    const timedOut = result([{ name: 'quiet', verdict: 'VERIFIED', points: 2, max: 2 }, { name: 'seed', verdict: 'NO_BUG_WITHIN', points: 0, max: 4 }]);
    expect(at('al', timedOut, 20)).toMatch(/^\[ 3\/12\] al {19}  2\/6 fail  seed: no-bug-within {10}reused$/);
    const hunt = result([{ name: 'hunt', verdict: 'BUG', points: 3, max: 3, kind: 'hang' }]);
    expect(at('al', hunt, 20)).toMatch(/ 3\/3 fail {31}reused$/);
  });

  test("a name is the student's: its control characters are shown escaped, a newline or tab too (a fake line, a broken column)", () => {
    expect(at('a\u001b[2Jb', result([]), 20)).toContain('a\\x1b[2Jb');
    const fake = 'eve\n[ 9/12] mallory              6/6 pass\t.ts';
    const l = at(fake, result([]), nameColumn([fake]));
    expect(l.split('\n')).toHaveLength(1);
    expect(l).toContain('eve\\n[ 9/12] mallory');
    expect(l).not.toContain('\t');
  });
});

test('a replay command wrapped with backslashes reads back whole, even with a quote and spaces in the file name', () => {
  const cmd = replayCommandFor(EX05, path.join(process.cwd(), "my dir", "it's mine.ts"))(failing);
  expect(cmd).toContain(shellWord("my dir/it's mine.ts"));
  for (const width of [30, 50, 80]) {
    const lines = wrapCommand(cmd, '  ', 4, width);
    expect(lines.length).toBeGreaterThan(width < 80 ? 2 : 1);
    // what a shell reads: each backslash-newline joins the lines
    expect(lines.map((l) => l.replace(/ \\$/, '').trim()).join(' ')).toBe(cmd);
    // no line ends inside quotes: each line's unescaped quotes pair up
    for (const l of lines) expect((l.replace(/'\\''/g, '').match(/'/g) ?? []).length % 2).toBe(0);
  }
});
