// GitHub Classroom's autograding workflow (.github/workflows/classroom.yml): well-formed YAML, one
// command-grader test per exercise of exercises/index.ts with its points, every test reported,
// and the committed file what `npm run classroom-workflow` generates from the index.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseDocument } from 'yaml';
import { EXERCISES, type ExerciseEntry } from '../../exercises/index';
import { classroomWorkflow, exercisePoints, stepId, WORKFLOW_FILE } from '../../cli/classroomWorkflow';

const REPO = path.resolve(__dirname, '..', '..');
const text = fs.readFileSync(path.join(REPO, WORKFLOW_FILE), 'utf8');

interface Step { name?: string; id?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }

function parse(): { on: unknown; jobs: Record<string, { 'runs-on': string; steps: Step[] }>; permissions: Record<string, string> } {
  const doc = parseDocument(text, { strict: true, uniqueKeys: true, prettyErrors: true });
  expect(doc.errors.map(String)).toEqual([]);
  expect(doc.warnings.map(String)).toEqual([]);
  return doc.toJS();
}

test('the committed workflow is the one generated from the exercise index (else: npm run classroom-workflow)', () => {
  expect(text === classroomWorkflow() ? 'up to date' : `${WORKFLOW_FILE} is stale: run npm run classroom-workflow`).toBe('up to date');
});

test('well-formed: runs on push, may write checks, one job on ubuntu with Node 20 and the grader installed', () => {
  const wf = parse();
  expect(wf.on).toEqual(expect.arrayContaining(['push']));
  expect(wf.permissions).toMatchObject({ checks: 'write', contents: 'read' });
  const jobs = Object.values(wf.jobs);
  expect(jobs).toHaveLength(1);
  expect(jobs[0]['runs-on']).toBe('ubuntu-latest');
  const steps = jobs[0].steps;
  expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({ 'node-version': '20' });
  expect(steps.find((s) => s.run?.startsWith('npm ci'))).toBeDefined();
});

test('one test per exercise in the index, grading the student\'s own file, worth the exercise\'s points', () => {
  const steps = Object.values(parse().jobs)[0].steps;
  const graders = steps.filter((s) => s.uses === 'classroom-resources/autograding-command-grader@v1');
  const list: readonly ExerciseEntry[] = EXERCISES;
  expect(graders.map((s) => s.with?.['test-name'])).toEqual(list.map((e) => e.id));
  for (const ex of list) {
    const s = graders.find((g) => g.id === stepId(ex))!;
    expect(s.with).toEqual({ 'test-name': ex.id, command: `npm run grade -- ${ex.id} ${ex.stub}`, timeout: 10, 'max-score': exercisePoints(ex) });
    expect(fs.existsSync(path.join(REPO, ex.stub))).toBe(true);
  }
  expect(graders.reduce((a, s) => a + Number(s.with?.['max-score']), 0)).toBe(list.reduce((a, e) => a + e.scenarios.reduce((b, s) => b + s.points, 0), 0));
});

test('the reporter collects every test\'s result', () => {
  const steps = Object.values(parse().jobs)[0].steps;
  const reporter = steps[steps.length - 1];
  expect(reporter.uses).toBe('classroom-resources/autograding-grading-reporter@v1');
  expect(String(reporter.with?.runners).split(',')).toEqual(EXERCISES.map((e) => stepId(e)));
  for (const ex of EXERCISES) expect(reporter.env?.[`${stepId(ex).toUpperCase()}_RESULTS`]).toBe(`\${{steps.${stepId(ex)}.outputs.result}}`);
});

test('a mistyped argument is refused (exit 2), and the workflow file is left alone', () => {
  const before = fs.readFileSync(path.join(REPO, WORKFLOW_FILE), 'utf8');
  const r = spawnSync(path.join(REPO, 'node_modules', '.bin', 'ts-node'), ['-T', 'cli/classroomWorkflow.ts', '--chek'], { cwd: REPO, encoding: 'utf8' });
  expect([r.status, r.stdout, r.stderr.split('\n')[0]]).toEqual([2, '', 'classroom-workflow: unknown argument --chek']);
  expect(fs.readFileSync(path.join(REPO, WORKFLOW_FILE), 'utf8')).toBe(before);
}, 30_000);
