// Platform outputs and class grading for `npm run grade` (Gradescope, JUnit, --all): the
// printing, file writing and exit codes around grader/batch.ts and grader/reporters/*.
import * as fs from 'fs';
import * as path from 'path';
import { SingleBar } from 'cli-progress';
import stringWidth from 'string-width';
import type { ExerciseEntry } from '../exercises/index';
import type { GradeResult, ScenarioResult } from '../grader/result';
import { renderGradescope } from '../grader/reporters/gradescope';
import { renderJunit } from '../grader/reporters/junit';
import { renderCsv } from '../grader/reporters/csv';
import { renderSummary } from '../grader/reporters/summary';
import { earned, shortfall } from '../grader/reporters/earned';
import { oneLine } from '../trace/style';
import { gradeAll, listSubmissions, BatchInputError, BatchProgress, journalDir } from '../grader/batch';
import type { SourceLookup } from '../trace/trace';
import { userCwd, type Args } from './args';
import { gradeHtml } from './gradeHtml';

/** A path or schedule as one shell word: bare when no shell would change it (a `*` would glob), else quoted. */
export function shellWord(s: string): string { return /^[\w./:,+@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`; }

/** The command that replays a failing scenario of FILE: `npm run grade -- ID FILE --replay S
 *  --scenario N`, or for a schedule exercise `npm run play N -- --moves S`. */
export function replayCommandFor(ex: ExerciseEntry, file: string): (s: Pick<ScenarioResult, 'name'> & { failure?: { schedule: string } }) => string {
  // Relative to where the user ran the command when the file is below it; otherwise its full path
  // (a "../../tmp/x.ts" is correct but hard to read).
  const rel = shownPath(file);
  return (s) => ex.kind === 'schedule'
    ? `npm run play ${Number(ex.id.slice(0, 2))} -- --moves ${shellWord(s.failure?.schedule ?? '')}`
    : `npm run grade -- ${ex.id} ${shellWord(rel)} --replay ${shellWord(s.failure?.schedule ?? '')} --scenario ${s.name}`;
}

/** A path as the user can type it where they ran the command: relative when below that folder,
 *  else whole. */
function shownPath(p: string): string {
  const rel = path.relative(userCwd(), path.resolve(p));
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(p) : rel;
}

/** The submission's own lines, for the timelines in reports. */
export function sourceLookup(file: string): SourceLookup {
  let lines: string[] | undefined;
  return (f, line) => {
    if (path.resolve(f) !== path.resolve(file)) return undefined;
    try { lines ??= fs.readFileSync(file, 'utf8').split(/\r?\n/); } catch { lines = []; }
    return lines[line - 1];
  };
}

/** An output file the user named could not be written: their input, not the grader's fault. */
export class OutputError extends Error {}

/** Why one of the output files named by `names` could not be written, checked before any
 *  grading (its folder is made, as write() would; a folder or a file in the way is refused),
 *  or undefined. */
export function outputProblem(a: Args, names: readonly string[]): string | undefined {
  for (const n of names) {
    const file = a.options.get(n);
    if (file === undefined) continue;
    try {
      const dir = path.dirname(path.resolve(file));
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) return `cannot write ${file}: EISDIR`;
    } catch (e) {
      return `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    }
  }
  return undefined;
}

function write(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new OutputError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // (on stderr: stdout is the report, or with --json the result alone)
  process.stderr.write(`wrote ${shownPath(file)}\n`);
}

/** --gradescope PATH, --junit PATH and --html PATH: written in addition to the normal output. */
export async function extraOutputs(ex: ExerciseEntry, r: GradeResult, a: Args): Promise<void> {
  const o = { source: sourceLookup(r.submission), replayCommand: replayCommandFor(ex, r.submission) };
  const html = a.options.get('html');
  if (html !== undefined) write(html, gradeHtml(ex, r, o));
  const gs = a.options.get('gradescope');
  if (gs !== undefined) write(gs, renderGradescope(r, o));
  const ju = a.options.get('junit');
  if (ju !== undefined) write(ju, renderJunit(r, o));
}

function err(msg: string): number { process.stderr.write(`grade: ${msg}\n`); return 2; }

/** `--scenario A,B`: the names, or a one-line error naming the exercise's scenarios. */
export function scenarioList(ex: ExerciseEntry, text: string | undefined): { only?: string[]; error?: string } {
  const only = text?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = only?.filter((n) => !ex.scenarios.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) return { error: `no scenario ${unknown.join(', ')} in ${ex.id}; scenarios: ${ex.scenarios.map((s) => s.name).join(', ')}` };
  if (only !== undefined && only.length === 0) return { error: `--scenario names no scenario; scenarios: ${ex.scenarios.map((s) => s.name).join(', ')}` };
  return only === undefined ? {} : { only };
}

/** One class-run progress line (stderr, when it is not a terminal): the submission's name in
 *  `nameWidth` columns (a longer one cut, with `…`), its score, verdict and first scenario that
 *  missed its points. The name is the student's, so it is shown escaped. */
export function progressLine(p: BatchProgress, nameWidth: number): string {
  const r = p.result;
  const width = String(p.total).length;
  const s = r.scenarios.find((x) => !earned(x));
  const first = r.verdict === 'error' ? `${r.error_kind ?? 'error'}` : s === undefined ? '' : `${s.name}: ${shortfall(s)}`;
  const when = p.reused ? 'reused' : `${(p.ms / 1000).toFixed(1)} s`;
  return `[${String(p.done).padStart(width)}/${p.total}] ${fitColumns(oneLine(p.name), nameWidth)} ${`${r.score}/${r.max_score}`.padStart(5)} ${r.verdict.padEnd(5)} ${first.padEnd(28)} ${when}`;
}

/** The name column of a class's progress lines: its longest name, from 20 to 40 columns. */
export function nameColumn(names: readonly string[]): number {
  return Math.min(40, Math.max(20, ...names.map((n) => stringWidth(oneLine(n)))));
}

/** `s` in exactly `w` terminal columns (a wide character takes two): padded, or cut with …. */
function fitColumns(s: string, w: number): string {
  if (stringWidth(s) <= w) return s + ' '.repeat(w - stringWidth(s));
  let out = '';
  for (const ch of s) { if (stringWidth(out + ch) > w - 1) break; out += ch; }
  return `${out}…${' '.repeat(Math.max(0, w - 1 - stringWidth(out)))}`;
}

/** `grade ID DIR --all [--jobs N] [--scenario A,B] [--json] [--junit PATH] [--csv PATH]`. */
export async function runAll(ex: ExerciseEntry, dir: string, a: Args, o: { color: boolean; typeCheck: boolean }): Promise<number> {
  for (const bad of ['gradescope', 'replay', 'html']) if (a.options.has(bad)) return err(`--${bad} grades one submission: it does not go with --all`);
  const jobsText = a.options.get('jobs') ?? '2';
  const jobs = Number(jobsText);
  if (!/^\d+$/.test(jobsText) || jobs < 1 || jobs > 64) return err(`--jobs takes a number from 1 to 64, not "${jobsText}"`);
  const { only, error } = scenarioList(ex, a.options.get('scenario'));
  if (error !== undefined) return err(error);
  const unwritable = outputProblem(a, ['junit', 'csv']);
  if (unwritable !== undefined) return err(unwritable);

  let total: number, nameWidth: number;
  try {
    const subs = listSubmissions(ex, dir);
    total = subs.length;
    nameWidth = nameColumn(subs.map((x) => x.name));
  } catch (e) {
    if (e instanceof BatchInputError) return err(e.message);
    throw e;
  }
  const ext = path.extname(ex.stub);
  if (total === 0) return err(`${dir} holds no submissions (${ext} files, or folders holding one)`);
  // A progress bar on a terminal; one plain line per submission otherwise (logs, CI).
  let bar: SingleBar | undefined;
  if (process.stderr.isTTY === true) {
    bar = new SingleBar({ format: 'grading {bar} {value}/{total} | {duration_formatted} | {last}', barsize: 30, hideCursor: false,
      barCompleteChar: '█', barIncompleteChar: '░', stream: process.stderr });
    bar.start(total, 0, { last: '' });
  }
  let done = 0;
  // Ctrl-C: what is journaled stays; say so, and how to go on (130: killed by SIGINT).
  const onInt = (): void => {
    bar?.stop();
    process.stderr.write(`grade: interrupted after ${done} of ${total}; their results are kept in ${journalDir(dir, only !== undefined ? { only } : {})}: run the same command again to go on\n`);
    process.exit(130);
  };
  process.on('SIGINT', onInt);
  const progress = (p: BatchProgress): void => {
    done = p.done;
    if (bar !== undefined) bar.update(p.done, { last: `${oneLine(p.name)} ${p.result.score}/${p.result.max_score}${p.reused ? ' (reused)' : ''}` });
    else process.stderr.write(`${progressLine(p, nameWidth)}\n`);
  };
  let out;
  try {
    out = await gradeAll(ex, dir, { jobs, grade: { typeCheck: o.typeCheck, ...(only !== undefined ? { only } : {}) } }, progress);
  } catch (e) {
    bar?.stop();
    process.off('SIGINT', onInt);
    if (e instanceof BatchInputError) return err(e.message);
    throw e;
  }
  bar?.stop();
  process.off('SIGINT', onInt);
  const ju = a.options.get('junit');
  if (ju !== undefined) write(ju, renderJunit(out.entries.map((e) => e.result)));
  const csv = a.options.get('csv');
  if (csv !== undefined) write(csv, renderCsv(out.entries, ex.scenarios.filter((s) => only === undefined || only.includes(s.name)).map((s) => s.name)));
  // These add up to the submissions. The summary below counts outcomes instead: a submission
  // that does not compile was graded here, and is one that "could not be graded" there.
  process.stderr.write(`graded ${out.graded}, reused ${out.reused}${out.unreadable > 0 ? `, ${out.unreadable} with no file to grade` : ''}`
    + `${out.failed > 0 ? `, ${out.failed} the grader failed on (not journaled: run again to retry)` : ''}`
    + ` · journal ${shownPath(out.journal)}${out.unjournaled !== undefined ? ` (some results could not be written there: ${oneLine(out.unjournaled)}; the next run grades them again)` : ''}\n`);
  if (a.flags.has('json')) process.stdout.write(`${JSON.stringify(out.summary, null, 2)}\n`);
  else {
    const byName = new Map(out.entries.map((e) => [e.name, e.result.submission]));
    process.stdout.write(`${renderSummary(out.summary, {
      color: o.color, wrap: process.stdout.isTTY === true,
      replayCommand: (c) => replayCommandFor(ex, byName.get(c.submissions[0]) ?? c.submissions[0])({ name: c.scenario, failure: { schedule: c.schedule } }),
    })}\n`);
  }
  return 0;
}
