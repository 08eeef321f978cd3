// Inside Gradescope's container (the bundle's run_autograder calls this): find the student's
// file in /autograder/submission, grade it, and write /autograder/results/results.json per
// Gradescope's specification (grader/reporters/gradescope.ts: one test per scenario, hidden ones
// after publication). Always writes a results file, even when the submission cannot be found or
// the grader fails, so the student sees why instead of "the autograder failed".
//   node_modules/.bin/ts-node -T cli/gradescopeRun.ts EXERCISE_ID
//   AUTOGRADER_ROOT   the /autograder folder (default /autograder; tests point it elsewhere)
import * as fs from 'fs';
import * as path from 'path';
import { findExercise, type ExerciseEntry } from '../exercises/index';
import { gradeFile } from '../grader/grade';
import { renderGradescope, type GradescopeResults } from '../grader/reporters/gradescope';
import type { ScenarioResult } from '../grader/result';

const SKIP = new Set(['node_modules', '.git', '__MACOSX']);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** The student's file: one named like the exercise's stub (anywhere, e.g. a whole repository
 *  uploaded from GitHub), else the only file with the stub's extension. */
function findSubmission(ex: ExerciseEntry, dir: string): string {
  if (!fs.existsSync(dir)) throw new Error(`no submission folder ${dir}`);
  const all = files(dir);
  const base = path.basename(ex.stub);
  const named = all.filter((f) => path.basename(f) === base);
  const atStub = named.find((f) => f.endsWith(ex.stub));
  if (atStub !== undefined) return atStub;
  if (named.length === 1) return named[0];
  if (named.length > 1) throw new Error(`${named.length} files are named ${base}: submit one (found ${named.map((f) => path.relative(dir, f)).join(', ')})`);
  const ext = path.extname(base);
  const same = all.filter((f) => path.extname(f) === ext && !f.endsWith('.d.ts'));
  if (same.length === 1) return same[0];
  throw new Error(same.length === 0
    ? `no ${base} in the submission: upload your ${ex.stub}`
    : `the submission holds ${same.length} ${ext} files and none is named ${base}: upload your ${ex.stub}`);
}

function failed(ex: ExerciseEntry, message: string): GradescopeResults {
  const max = ex.scenarios.reduce((a, s) => a + s.points, 0);
  return {
    score: 0, max_score: max, visibility: 'visible', stdout_visibility: 'hidden', output: `The submission could not be graded.\n${message}`,
    tests: [{ name: 'submission', score: 0, max_score: max, status: 'failed', output: message, visibility: 'visible' }],
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const root = path.resolve(process.env.AUTOGRADER_ROOT || '/autograder');
  const resultsFile = path.join(root, 'results', 'results.json');
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  const ex = findExercise(argv[0] ?? '');
  if (ex === undefined) {
    fs.writeFileSync(resultsFile, `${JSON.stringify({ score: 0, output: `run_autograder: unknown exercise "${argv[0] ?? ''}"` }, null, 2)}\n`);
    return 2;
  }
  let text: string;
  try {
    const file = findSubmission(ex, path.join(root, 'submission'));
    const r = await gradeFile(ex, file);
    let lines: string[] | undefined;
    text = renderGradescope(r, {
      source: (f, line) => {
        if (path.resolve(f) !== path.resolve(file)) return undefined;
        lines ??= fs.readFileSync(file, 'utf8').split(/\r?\n/);
        return lines[line - 1];
      },
      // Reproduce it at home, on the same file in the course repository.
      replayCommand: (s: ScenarioResult) => `npm run grade -- ${ex.id} ${ex.stub} --replay '${s.failure?.schedule ?? ''}' --scenario ${s.name}`,
    });
    process.stdout.write(`graded ${path.relative(root, file)}: ${r.verdict} ${r.score}/${r.max_score}\n`);
  } catch (e) {
    text = `${JSON.stringify(failed(ex, e instanceof Error ? e.message : String(e)), null, 2)}\n`;
  }
  fs.writeFileSync(resultsFile, text);
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`run_autograder: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
