// `npm run check N`: grade your own work on exercise N (exercises/<id>/), hidden scenarios
// skipped. `--hint` reveals the next hint; `--watch` re-runs on every save (Enter re-runs by
// hand, q quits; polling where file watching fails); `--reset` restores the stub after a
// confirmation. The reference solution is shown only once your own passes.
// Exit: 0 pass, 1 fail, 2 bad input.
import './pipe';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { EXERCISES, findExercise, ExerciseEntry } from '../exercises/index';
import { gradeFile } from '../grader/grade';
import { renderText } from '../grader/reporters/text';
import { getState, loadStates, saveStates, stateFile, withState } from '../course/exerciseState';
import { parseArgs, UsageError } from './args';
import { replayCommandFor, sourceLookup } from './gradeOutputs';
import { wrapWords } from '../trace/style';

const ROOT = path.resolve(__dirname, '..');
const home = path.resolve(process.env.ANON_VMA_LAB_HOME || process.cwd());
const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const USAGE = `usage: npm run check            list the exercises and your status
       npm run check N          grade your exercises/ work on exercise N
       npm run check N -- --hint     show the next hint
       npm run check N -- --watch    re-run on every save
       npm run check N -- --reset    restore the original stub (asks first; --yes to skip)`;

function out(s: string): void { process.stdout.write(s.endsWith('\n') ? s : `${s}\n`); }
function die(msg: string, code = 2): never { process.stderr.write(`check: ${msg}\n`); process.exit(code); }

function list(): number {
  const states = loadStates(stateFile(home));
  out('Exercises (npm run check N):');
  for (let n = 1; n <= 8; n++) {
    const ex = EXERCISES.find((e) => e.id.startsWith(`${String(n).padStart(2, '0')}-`)) as ExerciseEntry | undefined;
    if (ex === undefined) { out(`  ${n}  (coming with lesson ${n})`); continue; }
    const st = getState(states, ex.id);
    out(`  ${n}  ${ex.id.padEnd(24)} ${st.passed ? 'passed' : st.bestScore > 0 ? `best ${st.bestScore} pts` : 'not passed yet'}${st.hints > 0 ? ` · ${st.hints}/${ex.hints.length} hints` : ''}`);
  }
  return 0;
}

/** A line of prose, wrapped at 80 columns on a terminal (as the report is), else one line. */
function prose(s: string, indent = 2): void {
  out(process.stdout.isTTY === true ? wrapWords(s, 80, indent).join('\n') : s);
}

/** The hints seen so far (with `reveal`, one more first); `brief`: only how many, in a line
 *  (under a submission that could not be graded, they would bury its one-line error). */
function showHints(ex: ExerciseEntry, reveal: boolean, brief = false): void {
  const file = stateFile(home);
  const states = loadStates(file);
  const st = getState(states, ex.id);
  const n = reveal ? Math.min(ex.hints.length, st.hints + 1) : st.hints;
  if (reveal) saveStates(file, withState(states, ex.id, { ...st, hints: n }));
  const cmd = `npm run check ${Number(ex.id.slice(0, 2))} -- --hint`;
  if (n === 0) { prose(`Stuck? ${cmd} shows hint 1 of ${ex.hints.length}.`); return; }
  if (brief) { prose(`(${n} of ${ex.hints.length} hints seen: ${cmd} shows them${n < ex.hints.length ? ', and the next' : ''})`); return; }
  for (let i = 0; i < n; i++) prose(`Hint ${i + 1}/${ex.hints.length}: ${ex.hints[i]}`);
  if (n < ex.hints.length) prose(`(${cmd} for the next one)`);
}

async function checkOnce(ex: ExerciseEntry, stub: string): Promise<number> {
  const r = await gradeFile(ex, stub, { skipHidden: true });
  out(renderText(r, { color, wrap: process.stdout.isTTY === true, source: sourceLookup(stub), replayCommand: replayCommandFor(ex, stub) }));
  const file = stateFile(home);
  const states = loadStates(file);
  const st = getState(states, ex.id);
  const passed = r.verdict === 'pass';
  saveStates(file, withState(states, ex.id, { ...st, passed: st.passed || passed, bestScore: Math.max(st.bestScore, r.score) }));
  out('');
  if (passed) {
    // A course's template repository may ship without solutions/ (docs/grading.md).
    let reference: string | undefined;
    try { reference = fs.readFileSync(path.join(ROOT, ex.solution), 'utf8'); } catch { reference = undefined; }
    if (reference === undefined) out('Passed. (The reference solution is not in this copy of the course: your course staff keep it.)');
    else { out(`Passed. Now compare with the reference, ${ex.solution}:\n`); out(reference); }
    return 0;
  }
  showHints(ex, false, r.verdict === 'error');
  return 1;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { confirm: ask } = await import('@inquirer/prompts');
  return ask({ message: question, default: false });
}

function reset(ex: ExerciseEntry, stub: string): void {
  let original: string;
  try {
    original = execFileSync('git', ['show', `HEAD:${ex.stub}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    die('--reset needs the course\'s git history (git show HEAD:' + ex.stub + ' failed)');
  }
  fs.writeFileSync(stub, original);
  out(`Restored ${ex.stub} to the original stub.`);
}

function watch(ex: ExerciseEntry, stub: string): void {
  let running = false, again = false;
  const run = async (): Promise<void> => {
    if (running) { again = true; return; }
    running = true;
    if (process.stdout.isTTY) process.stdout.write('\u001b[2J\u001b[H');
    await checkOnce(ex, stub);
    out('');
    prose(`Watching ${path.relative(process.cwd(), stub)} — save to re-run${process.stdin.isTTY ? ', Enter to re-run now, q to quit' : ''}.`);
    running = false;
    if (again) { again = false; void run(); }
  };
  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => { clearTimeout(timer); timer = setTimeout(() => void run(), 150); };
  try {
    if (process.env.ANON_VMA_LAB_POLL) throw new Error('polling requested');
    fs.watch(stub, changed);
  } catch {
    fs.watchFile(stub, { interval: 700 }, changed);
  }
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on('data', (d) => {
      const s = d.toString();
      if (s === 'q' || s === '\u0003') { process.stdin.setRawMode(false); process.exit(0); }
      if (s === '\r' || s === '\n') void run();
    });
  }
  void run();
}

async function main(argv: readonly string[]): Promise<number> {
  let a;
  try { a = parseArgs(argv, { flags: ['hint', 'watch', 'reset', 'yes', 'help'], options: [] }); } catch (e) {
    if (e instanceof UsageError) die(`${e.message}\n${USAGE}`);
    throw e;
  }
  if (a.flags.has('help')) { out(USAGE); return 0; }
  if (a.positional.length === 0) return list();
  const ex = findExercise(a.positional[0]);
  if (ex === undefined || a.positional.length > 1) {
    die(`no exercise "${a.positional.join(' ')}"; exercises: ${EXERCISES.map((e) => Number(e.id.slice(0, 2))).join(', ')}`);
  }
  const stub = path.join(ROOT, ex.stub);
  if (a.flags.has('hint')) { showHints(ex, true); return 0; }
  if (a.flags.has('reset')) {
    if (!a.flags.has('yes') && !(await confirm(`Throw away your work in ${ex.stub} and restore the stub?`))) {
      out('Not reset.' + (process.stdin.isTTY ? '' : ' (Not a terminal: pass --yes to reset.)'));
      return 1;
    }
    reset(ex, stub);
    return 0;
  }
  if (!fs.existsSync(stub)) die(`${ex.stub} is missing: npm run check ${a.positional[0]} -- --reset --yes restores it`);
  if (a.flags.has('watch')) { watch(ex, stub); return -1; }
  return checkOnce(ex, stub);
}

main(process.argv.slice(2)).then((code) => { if (code >= 0) process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`check: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
