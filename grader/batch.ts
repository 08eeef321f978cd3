// Grading a class folder: every entry of DIR is one submission (a file of the stub's kind, .ts
// or the bug hunt's .txt, or a folder holding exactly one such file or one with the stub's
// name). Submissions are graded a few at a time; each result goes to a journal
// (DIR/.anon-vma-lab-results/NAME.json, written atomically) the moment it is known, so a run
// that is interrupted resumes where it stopped: a journaled result for the same file bytes,
// graded by the same grader with the same options, is reused, never regraded. A run of some
// scenarios only (--scenario) keeps a journal of its own in a subfolder, so it never
// overwrites the whole suite's. Returns data and reports progress through callbacks; never
// prints.
import * as fs from 'fs';
import * as path from 'path';
import type { ExerciseEntry } from '../exercises/index';
import type { GradeResult } from './result';
import { gradeFile, GradeOptions, sha256 } from './grade';
import { sandboxVersion } from './sandbox/compile';
import { summarize, ClassSummary, ClassEntry } from './reporters/summary';

export const JOURNAL_DIR = '.anon-vma-lab-results';
const JOURNAL_FORMAT = 1;

export interface Submission {
  /** The entry's name without .ts: the journal's file name and the summary's row. */
  readonly name: string;
  /** The file to grade, as DIR joined with the entry (undefined when there is none). */
  readonly file?: string;
  /** Why the entry has no single file to grade. */
  readonly problem?: string;
}

export class BatchInputError extends Error {}

/** Is `name` a submission file for an exercise whose stub ends in `ext` (.ts or .txt)? */
function isSubmission(name: string, ext: string): boolean {
  return name.endsWith(ext) && !name.endsWith('.d.ts');
}

function submissionFiles(dir: string, ext: string, depth: number): string[] {
  if (depth > 4) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...submissionFiles(p, ext, depth + 1));
    else if (e.isFile() && isSubmission(e.name, ext)) out.push(p);
  }
  return out;
}

/** Why an entry that is not a plain submission file looks like one all the same (else
 *  undefined: a README, the TA's own outputs). */
function notGradable(e: fs.Dirent, ext: string): string | undefined {
  if (e.isSymbolicLink()) return 'a symbolic link (not followed: copy the file in)';
  const lower = e.name.toLowerCase();
  if (e.isFile() && lower.endsWith(ext) && !lower.endsWith('.d.ts')) return `named ${path.extname(e.name)}, not ${ext}`;
  if (/\.(zip|tar|tgz|gz)$/.test(lower)) return 'an archive: unpack it into a folder first';
  if (ext === '.ts' && /\.(js|mjs|cjs|tsx)$/.test(lower)) return `a ${path.extname(lower)} file: a submission is a ${ext} file`;
  return undefined;
}

/** The submissions in DIR, sorted by name. Throws BatchInputError when DIR is not a folder. */
export function listSubmissions(ex: ExerciseEntry, dir: string): Submission[] {
  let entries: fs.Dirent[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new BatchInputError(`${dir} is not a directory`);
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (e instanceof BatchInputError) throw e;
    throw new BatchInputError(`cannot read ${dir}: no such directory`);
  }
  const stub = path.basename(ex.stub);
  const ext = path.extname(stub);
  const out: Submission[] = [];
  const taken = new Set<string>();
  // Folders first, so a folder `alice` keeps the name when a file `alice.ts` sits beside it.
  const sorted = [...entries].sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || (a.name < b.name ? -1 : 1));
  for (const e of sorted) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const files = submissionFiles(p, ext, 0);
      const named = files.filter((f) => path.basename(f) === stub);
      const pick = named.length === 1 ? named[0] : named.length === 0 && files.length === 1 ? files[0] : undefined;
      taken.add(e.name);
      if (pick !== undefined) out.push({ name: e.name, file: pick });
      else out.push({ name: e.name, problem: files.length === 0 ? `the folder ${e.name} holds no ${ext} file`
        : `the folder ${e.name} holds ${files.length} ${ext} files: expected one, or one named ${stub}` });
    } else if (e.isFile() && isSubmission(e.name, ext)) {
      const base = e.name.slice(0, -ext.length);
      const name = taken.has(base) ? e.name : base;
      taken.add(name);
      out.push({ name, file: p });
    } else {
      // what looks like a student's work but cannot be graded is listed, not dropped
      const problem = notGradable(e, ext);
      if (problem !== undefined) { taken.add(e.name); out.push({ name: e.name, problem }); }
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface BatchOptions {
  /** How many submissions are graded at once (each in its own sandbox process). */
  readonly jobs: number;
  readonly grade: GradeOptions;
}

export interface BatchProgress {
  readonly name: string;
  readonly result: GradeResult;
  /** Taken from the journal of an earlier run. */
  readonly reused: boolean;
  readonly ms: number;
  readonly done: number;
  readonly total: number;
}

export interface BatchOutcome {
  readonly entries: readonly ClassEntry[];
  readonly summary: ClassSummary;
  readonly graded: number;
  readonly reused: number;
  /** Entries with no single file to grade, or a file that could not be read. */
  readonly unreadable: number;
  /** Entries the grader itself failed on (not journaled: a rerun tries them again). */
  readonly failed: number;
  readonly journal: string;
  /** Why a result could not be journaled (the first such), if one could not. */
  readonly unjournaled?: string;
}

/** Where the results of a run with these options are journaled: DIR's journal folder, or for
 *  some scenarios only a subfolder named after them. */
export function journalDir(dir: string, o: GradeOptions): string {
  const base = path.join(dir, JOURNAL_DIR);
  return o.only === undefined ? base : path.join(base, `only-${[...o.only].sort().join(',').replace(/[^\w,.-]/g, '_')}`);
}

interface JournalRecord { readonly format: number; readonly key: string; readonly sha256: string; readonly result: GradeResult }

/** What makes two gradings of the same bytes comparable: the exercise, its suite and stub (a
 *  result says whether it is the stub), the options, the grader's own code and a bug hunt's
 *  target code (exported for tests). */
export function gradingKey(ex: ExerciseEntry, o: GradeOptions): string {
  // a bug hunt is graded in this process, against the course's own target code
  const files = ['grade.ts', 'load.ts', 'scheduleGrade.ts'].map((f) => path.join(__dirname, f));
  if (ex.target !== undefined) files.push(path.join(__dirname, '..', ex.target.code));
  const own = files.map((f) => sha256(fs.readFileSync(f, 'utf8')));
  return sha256(JSON.stringify({ id: ex.id, kind: ex.kind, exports: ex.exports, scenarios: ex.scenarios, stub: ex.stubSha256, target: ex.target ?? null, o, sandbox: sandboxVersion(), own }));
}

/** The journal file of a submission (`summary.json` is the class summary's). */
export function journalFile(journal: string, name: string): string {
  return path.join(journal, name === 'summary' ? 'summary.submission.json' : `${name}.json`);
}

function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function readJournal(file: string): JournalRecord | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as JournalRecord;
    return j.format === JOURNAL_FORMAT && typeof j.key === 'string' && typeof j.sha256 === 'string' && typeof j.result === 'object' ? j : undefined;
  } catch {
    return undefined;
  }
}

function problemResult(ex: ExerciseEntry, s: Submission, dir: string, o: GradeOptions): GradeResult {
  const suite = ex.scenarios.filter((x) => !(o.skipHidden && x.hidden) && (o.only === undefined || o.only.includes(x.name)));
  return { exercise: ex.id, submission: path.join(dir, s.name), verdict: 'error', score: 0, max_score: suite.reduce((a, x) => a + x.points, 0),
    scenarios: [], error: s.problem ?? 'no submission', error_kind: 'invalid-submission' };
}

/** Grade every submission in DIR, journaling as results come in; then summarize the class. */
export async function gradeAll(ex: ExerciseEntry, dir: string, o: BatchOptions, onProgress?: (p: BatchProgress) => void): Promise<BatchOutcome> {
  const subs = listSubmissions(ex, dir);
  const journal = journalDir(dir, o.grade);
  fs.mkdirSync(journal, { recursive: true });
  for (const f of fs.readdirSync(journal)) if (f.endsWith('.tmp')) fs.rmSync(path.join(journal, f), { force: true });
  const key = gradingKey(ex, o.grade);
  const results = new Map<string, GradeResult>();
  let graded = 0, reused = 0, unreadable = 0, failed = 0, done = 0;
  let unjournaled: string | undefined;
  const queue = [...subs];

  const one = async (s: Submission): Promise<void> => {
    const t0 = Date.now();
    let result: GradeResult;
    let wasReused = false;
    let bytes: Buffer | undefined;
    try { bytes = s.file === undefined ? undefined : fs.readFileSync(s.file); } catch { bytes = undefined; }
    if (s.file === undefined || bytes === undefined) {
      result = problemResult(ex, s.file === undefined ? s : { ...s, problem: `cannot read ${s.file}` }, dir, o.grade);
      unreadable++;
    } else {
      const hash = sha256(bytes);
      const jfile = journalFile(journal, s.name);
      const old = readJournal(jfile);
      if (old !== undefined && old.key === key && old.sha256 === hash) {
        result = { ...old.result, submission: s.file };
        wasReused = true;
        reused++;
      } else {
        let ok = false;
        try {
          result = await gradeFile(ex, s.file, o.grade);
          ok = true;
          graded++;
        } catch (e) {
          // The grader's own failure, not the submission's: reported, not journaled, so a rerun
          // tries again.
          result = { ...problemResult(ex, { ...s, problem: `internal error while grading: ${e instanceof Error ? e.message : String(e)}` }, dir, o.grade),
            submission: s.file, error_kind: 'exception' };
          failed++;
        }
        // a search the clock stopped is the machine's word, not the code's: graded again next time
        if (ok && !result.scenarios.some((x) => x.timed_out === true)) {
          const rec: JournalRecord = { format: JOURNAL_FORMAT, key, sha256: hash, result };
          // a journal that cannot be written costs the next run a regrade, not this result
          try { writeAtomically(jfile, `${JSON.stringify(rec)}\n`); } catch (e) { unjournaled ??= e instanceof Error ? e.message : String(e); }
        }
      }
    }
    results.set(s.name, result);
    done++;
    onProgress?.({ name: s.name, result, reused: wasReused, ms: Date.now() - t0, done, total: subs.length });
  };

  const lane = async (): Promise<void> => { for (let s = queue.shift(); s !== undefined; s = queue.shift()) await one(s); };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, subs.length)) }, lane));

  const entries = subs.map((s) => ({ name: s.name, result: results.get(s.name)! }));
  const summary = summarize(ex.id, entries);
  writeAtomically(path.join(journal, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { entries, summary, graded, reused, unreadable, failed, journal, ...(unjournaled === undefined ? {} : { unjournaled }) };
}
