// `npm run grade -- ID FILE`: grade one submission for exercise ID (e.g. 05-page-lock-anon-vma).
//   --json                 print the JSON result (grader/result.ts) instead of text
//   --scenario A,B         grade only these scenarios
//   --replay S --scenario N   replay schedule S of scenario N and print its trace
//   --full                 show every step of the interleaving (no folding)
//   --html PATH            also write the counterexample as a drawn, self-contained page
//   --gradescope PATH / --junit PATH / --all DIR: see cli/gradeOutputs.ts
// Exit: 0 pass, 1 fail (or an error verdict), 2 bad input. Only this file reads argv and env,
// prints, and picks the exit code.
import './pipe';
import * as fs from 'fs';
import { EXERCISES, findExercise } from '../exercises/index';
import { gradeFile, replayFile } from '../grader/grade';
import { renderText } from '../grader/reporters/text';
import { timeline } from '../trace/timeline';
import { lockTable } from '../trace/lockTable';
import { harmless, harmlessData, harmlessLines } from '../trace/style';
import { parseArgs, UsageError, userPath, userPaths } from './args';
import { extraOutputs, outputProblem, OutputError, replayCommandFor, runAll, scenarioList, sourceLookup } from './gradeOutputs';
import { decode, BadSchedule } from '../explorer/schedule';

const USAGE = `usage: npm run grade -- ID FILE [--scenario A,B] [--json] [--full] [--html PATH] [--gradescope PATH] [--junit PATH]
       npm run grade -- ID FILE --replay SCHEDULE --scenario NAME
       npm run grade -- ID DIR --all [--jobs N] [--scenario A,B] [--json] [--junit PATH] [--csv PATH]
ID is an exercise id or number: ${EXERCISES.map((e) => e.id).join(', ')}
--no-typecheck (any form): skip TypeScript's type check (a type error then fails only where it breaks a run)`;

function out(s: string): void { process.stdout.write(s.endsWith('\n') ? s : `${s}\n`); }
function die(msg: string, code = 2): never { process.stderr.write(`grade: ${msg}\n`); process.exit(code); }

async function main(argv: readonly string[]): Promise<number> {
  let a;
  try {
    a = parseArgs(argv, { flags: ['json', 'full', 'all', 'help', 'no-typecheck'], options: ['replay', 'scenario', 'gradescope', 'junit', 'html', 'jobs', 'csv'] });
  } catch (e) {
    if (e instanceof UsageError) die(`${e.message}\n${USAGE}`);
    throw e;
  }
  if (a.flags.has('help')) { out(USAGE); return 0; }
  if (a.positional.length !== 2) die(`expected an exercise ID and a FILE\n${USAGE}`);
  const [id, typed] = a.positional;
  const file = userPath(typed);
  const outputs = ['html', 'gradescope', 'junit', 'csv'];
  for (const n of outputs) if (a.options.get(n) === '') die(`--${n} needs a file name`);
  userPaths(a, outputs);
  const ex = findExercise(id);
  if (ex === undefined) die(`unknown exercise "${id}"; exercises: ${EXERCISES.map((e) => e.id).join(', ')}`);
  if (!fs.existsSync(file)) die(`${typed}: no such file or directory`);
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const typeCheck = !a.flags.has('no-typecheck');
  if (a.flags.has('all')) return runAll(ex, file, a, { color, typeCheck });
  for (const classOnly of ['jobs', 'csv']) if (a.options.has(classOnly)) die(`--${classOnly} goes with --all (a class folder)`);
  // an output that cannot be written is found before the search, not after it
  const unwritable = outputProblem(a, outputs);
  if (unwritable !== undefined) die(unwritable);
  if (fs.statSync(file).isDirectory()) die(`${file} is a directory: grade one file, or a class folder with --all`);

  if (a.options.has('replay')) {
    const scenario = a.options.get('scenario');
    if (ex.kind === 'schedule') die(`${ex.id} grades a schedule file; replay one with npm run play ${Number.parseInt(ex.id, 10)} -- --moves SCHEDULE`);
    if (scenario === undefined) die('--replay needs --scenario NAME');
    if (!ex.scenarios.some((s) => s.name === scenario)) die(`no scenario ${scenario} in ${ex.id}; scenarios: ${ex.scenarios.map((s) => s.name).join(', ')}`);
    try { decode(a.options.get('replay')!); } catch (e) { if (e instanceof BadSchedule) die(`--replay: ${e.message}`); throw e; }
    const r = await replayFile(ex, file, scenario, a.options.get('replay')!, { typeCheck });
    // a schedule that does not fit the run is bad input (2), as one that does not parse
    if (r.error !== undefined || r.trace === undefined) die(harmless(r.error ?? 'replay failed'), r.badSchedule === true ? 2 : 1);
    // what the submission wrote is shown, never obeyed (as in renderText)
    const t = harmlessData(r.trace);
    const source = harmlessLines(sourceLookup(file));
    out(`${t.failure ? `BUG ${t.failure.kind}` : 'no failure'} — scenario ${scenario}: ${r.summary ?? ''}`);
    // The grade counts the steps up to the failure; a replay records the run on past it.
    const upTo = t.failure !== undefined ? Math.min(t.events.length, t.failure.step + 1) : t.events.length;
    const steps = upTo < t.events.length ? `${upTo} steps to the failure, ${t.events.length} recorded` : `${t.events.length} steps`;
    out(`schedule ${t.schedule} (${t.preemptions} preemption${t.preemptions === 1 ? '' : 's'}, ${steps})`);
    for (const f of t.failures) out(`\n${f.report}\nWhy this is wrong: ${f.why}.`);
    const table = lockTable(t, 74);
    if (table) out(`\n${table}`);
    out(`\n${timeline(t, { color, source, fold: !a.flags.has('full'), focus: 0 })}`);
    return t.failure ? 1 : 0;
  }

  const { only, error } = scenarioList(ex, a.options.get('scenario'));
  if (error !== undefined) die(error);
  const result = await gradeFile(ex, file, { typeCheck, ...(only === undefined ? {} : { only }) });
  await extraOutputs(ex, result, a);
  if (a.flags.has('json')) out(JSON.stringify(result, null, 2));
  else {
    out(renderText(result, { color, wrap: process.stdout.isTTY === true, source: sourceLookup(file), full: a.flags.has('full'), replayCommand: replayCommandFor(ex, file) }));
  }
  return result.verdict === 'pass' ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(e instanceof OutputError ? `grade: ${e.message}\n` : `grade: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
