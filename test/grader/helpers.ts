// Shared by the grader's tests: where things are, the CLI as a child process, and a result
// without its wall-clock fields (the only part of a grade that may differ between runs).
import { execFile, spawn, ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { ExerciseEntry } from '../../exercises/index';
import { findExercise } from '../../exercises/index';
import type { GradeResult } from '../../grader/result';

export const REPO = path.resolve(__dirname, '..', '..');
export const TS_NODE = path.join(REPO, 'node_modules', '.bin', 'ts-node');
export const HOSTILE = path.join(REPO, 'test', 'fixtures', 'submissions', 'hostile');
export const SOLUTIONS = path.join(REPO, 'solutions', '05-page-lock-anon-vma');
export const EX05: ExerciseEntry = findExercise('05-page-lock-anon-vma')!;

export interface CliRun { readonly code: number; readonly stdout: string; readonly stderr: string }

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
  delete env.FORCE_COLOR;
  return env;
}

/** `ts-node -T cli/grade.ts ARGS` (with `env` added), stdin closed, stdout and stderr pipes (not a TTY). */
export function runGradeCli(args: readonly string[], timeout = 120_000, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(TS_NODE, ['-T', 'cli/grade.ts', ...args], { cwd: REPO, env: { ...cleanEnv(), ...env }, timeout, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }));
    child.stdin?.end();
  });
}

/** The same, as a process the test can kill. */
export function spawnGradeCli(args: readonly string[]): ChildProcess {
  return spawn(TS_NODE, ['-T', 'cli/grade.ts', ...args], { cwd: REPO, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A result with every `stats.ms` set to 0. */
export function withoutMs(r: GradeResult): GradeResult {
  return { ...r, scenarios: r.scenarios.map((s) => ({ ...s, stats: { ...s.stats, ms: 0 } })) };
}

/** Run `f` over `xs`, at most `n` at a time, keeping the order of `xs` in the answer. */
export async function pool<T, U>(xs: readonly T[], n: number, f: (x: T) => Promise<U>): Promise<U[]> {
  const out: U[] = new Array(xs.length);
  let next = 0;
  const lane = async (): Promise<void> => { for (let i = next++; i < xs.length; i = next++) out[i] = await f(xs[i]); };
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, lane));
  return out;
}
