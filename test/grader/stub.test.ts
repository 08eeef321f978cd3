// A submission that is the exercise's stub, unchanged, is graded like any other (the starting
// code earns what it earns: exercise 01's returns NULL, right for a file page and an unmapped
// one) and says so: in its result, in the student's report, in the class summary and in the
// gradebook's CSV, so that a TA can tell "passed two scenarios" from "did nothing". A stub
// with other line endings is still the stub; a stub with one line changed is work.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXERCISES, findExercise, type ExerciseEntry } from '../../exercises/index';
import { gradeFile, stubHash } from '../../grader/grade';
import type { GradeResult } from '../../grader/result';
import { renderText } from '../../grader/reporters/text';
import { gradescopeResults } from '../../grader/reporters/gradescope';
import { renderSummary, summarize } from '../../grader/reporters/summary';
import { renderCsv } from '../../grader/reporters/csv';
import { REPO } from './helpers';

const EX01: ExerciseEntry = findExercise('01-rmap-walk')!;
const ONLY = { only: ['unmapped', 'quiet'] };
let dir: string;
const results: Record<string, GradeResult> = {};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-stub-'));
  const stub = fs.readFileSync(path.join(REPO, EX01.stub), 'utf8');
  expect(stub).toContain('return null;');
  const files: Record<string, string> = {
    same: stub,
    crlf: stub.replace(/\n/g, '\r\n'),
    edited: stub.replace('return null;', 'return null; // first try'),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.ts`), text);
  const runs: [string, string][] = [...Object.keys(files).map((n): [string, string] => [n, path.join(dir, `${n}.ts`)]),
    ['shipped', path.join(REPO, EX01.stub)], ['solution', path.join(REPO, EX01.solution)]];
  for (const [name, file] of runs) results[name] = await gradeFile(EX01, file, ONLY);
}, 120000);

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

test('the index holds each exercise\'s stub to its file as shipped', () => {
  for (const e of EXERCISES) {
    expect({ id: e.id, hash: stubHash(fs.readFileSync(path.join(REPO, e.stub), 'utf8')) }).toEqual({ id: e.id, hash: e.stubSha256 });
  }
});

test('the stub, wherever it sits and whatever its line endings, is flagged; edited code and the solution are not', () => {
  const flags = Object.fromEntries(Object.entries(results).map(([n, r]) => [n, r.unchanged_stub ?? false]));
  expect(flags).toEqual({ same: true, crlf: true, edited: false, shipped: true, solution: false });
  // the flag changes no grade: the stub and the edited stub score the same
  expect(results.same.score).toBe(results.edited.score);
  expect(results.same.scenarios.map((s) => [s.name, s.points])).toEqual(results.edited.scenarios.map((s) => [s.name, s.points]));
  expect(results.same.score).toBeGreaterThan(0); // unmapped: NULL is right
  expect(results.same.score).toBeLessThan(results.same.max_score);
});

test('the student\'s report says it under the verdict line', () => {
  const lines = renderText(results.same).split('\n');
  expect(lines[1]).toBe(`(This file is the exercise's stub as the course ships it, unchanged: its ${results.same.score} point${results.same.score === 1 ? ' is' : 's are'} what the starting code earns.)`);
  expect(renderText(results.edited)).not.toContain('stub as the course ships it');
  const none: GradeResult = { ...results.same, score: 0, scenarios: results.same.scenarios.map((s) => ({ ...s, points: 0 })) };
  expect(renderText(none).split('\n')[1]).toBe('(This file is the exercise\'s stub as the course ships it, unchanged: the starting code earns nothing.)');
});

test('on Gradescope, the always-visible output says it first', () => {
  const out = gradescopeResults(results.same).output.split('\n');
  expect(out[0]).toBe(`This file is the exercise's stub as the course ships it, unchanged: its ${results.same.score} point${results.same.score === 1 ? ' is' : 's are'} what the starting code earns.`);
  expect(gradescopeResults(results.edited).output).not.toContain('stub as the course ships it');
});

test('the class summary names the unchanged stubs, and the CSV marks their rows', () => {
  const entries = ['same', 'crlf', 'edited', 'solution'].map((name) => ({ name, result: results[name] }));
  const s = summarize(EX01.id, entries);
  expect(s.unchanged_stubs).toEqual(['crlf', 'same']);
  expect(s.results.filter((r) => r.unchanged_stub === true).map((r) => r.name)).toEqual(['crlf', 'same']);
  expect(renderSummary(s).split('\n')).toContain('Submitted the stub unchanged (scored as the starting code): crlf, same');
  expect(renderSummary(summarize(EX01.id, entries.slice(2)))).not.toContain('Submitted the stub');
  const rows = renderCsv(entries, ['unmapped', 'quiet']).split('\r\n');
  expect(rows[0].split(',').pop()).toBe('stub unchanged');
  expect(rows.slice(1, 5).map((r) => `${r.split(',')[0]} ${r.split(',').pop()}`)).toEqual(['same yes', 'crlf yes', 'edited ', 'solution ']);
});
