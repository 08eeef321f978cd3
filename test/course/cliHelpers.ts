// Shared by the end-to-end tests of `npm run lesson`: run the real CLI as a child process.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const TS_NODE = path.join(REPO, 'node_modules', '.bin', 'ts-node');
export const FIXTURE_LESSONS = path.join(REPO, 'test', 'fixtures', 'lessons');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `ts-node -T cli/lesson.ts ARGS` with stdin from /dev/null and stdout a pipe. */
export function runLessonCli(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  return new Promise((resolve) => {
    const child = execFile(
      TS_NODE,
      ['-T', 'cli/lesson.ts', ...args],
      // generous: six of these start at once beside the other jest worker on two cores (a
      // loaded machine took over 20 s); the limit only catches a hang
      { cwd: REPO, env: { ...base, ...env }, timeout: 240_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}
