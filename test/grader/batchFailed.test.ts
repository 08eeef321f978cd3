// The grader's own failure on one submission (not the submission's fault): counted apart, shown
// as could not be graded, and never journaled, so that a rerun tries it again.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grade from '../../grader/grade';
import { gradeAll } from '../../grader/batch';
import { findExercise } from '../../exercises/index';

test('an internal error is counted as failed, reported, and not journaled', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-failed-'));
  try {
    fs.writeFileSync(path.join(dir, 'ann.ts'), '// ann\n');
    fs.writeFileSync(path.join(dir, 'ben.ts'), '// ben\n');
    fs.mkdirSync(path.join(dir, 'cat'));
    const ex = findExercise('05')!;
    const spy = jest.spyOn(grade, 'gradeFile').mockImplementation(async (e, file) => {
      if (file.endsWith('ben.ts')) throw new Error('the sandbox fell over');
      return { exercise: e.id, submission: file, max_score: 10, verdict: 'pass', score: 10, scenarios: [] };
    });
    const out = await gradeAll(ex, dir, { jobs: 1, grade: {} });
    spy.mockRestore();
    expect({ graded: out.graded, reused: out.reused, unreadable: out.unreadable, failed: out.failed }).toEqual({ graded: 1, reused: 0, unreadable: 1, failed: 1 });
    const ben = out.entries.find((e) => e.name === 'ben')!.result;
    expect(ben).toMatchObject({ verdict: 'error', error_kind: 'exception' });
    expect(ben.error).toContain('internal error while grading: the sandbox fell over');
    expect(fs.readdirSync(out.journal).sort()).toEqual(['ann.json', 'summary.json']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a result the journal cannot take is kept, counted as graded, and the run says why it was not journaled', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-unjournaled-'));
  try {
    fs.writeFileSync(path.join(dir, 'ann.ts'), '// ann\n');
    const ex = findExercise('05')!;
    // a folder where ann's journal file would go: the write fails
    fs.mkdirSync(path.join(dir, '.anon-vma-lab-results', 'ann.json', 'x'), { recursive: true });
    const spy = jest.spyOn(grade, 'gradeFile').mockImplementation(async (e, file) =>
      ({ exercise: e.id, submission: file, max_score: 10, verdict: 'pass', score: 10, scenarios: [] }));
    const out = await gradeAll(ex, dir, { jobs: 1, grade: {} });
    spy.mockRestore();
    expect({ graded: out.graded, failed: out.failed }).toEqual({ graded: 1, failed: 0 });
    expect(out.entries[0].result).toMatchObject({ verdict: 'pass', score: 10 });
    expect(out.unjournaled).toEqual(expect.any(String));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
