// Sandbox processes, kept for reuse. A sandbox loads the engine once and then grades one job
// after another, each submission in a fresh realm of its own (realm.ts, membrane.ts: nothing
// of the engine or of an earlier submission is reachable from it), so the engine's code stays
// compiled and warm: a fresh sandbox per submission spent ~0.15 s starting and ran its first
// explorations cold. A sandbox that timed out, ran out of memory or crashed is never reused;
// one that has served MAX_JOBS jobs retires. Idle sandboxes do not keep the process alive.
// A sandbox is a child process (child.ts), run without optimizing compilers: they compile on
// background threads, so when a function's frames shrink depends on the machine's timing, and
// code that measured how deep it could recurse got 3/10 on some runs and 5/10 on others.
// Searches take about 1.5× as long (seed-churn-1: 115 → 174 ms).
import { ChildSandbox } from './child';
import { BOOT, compiledSandbox } from './compile';

export interface SandboxWorker { readonly worker: ChildSandbox; readonly heapMb: number; jobs: number }

const MAX_JOBS = 25;
const MAX_IDLE = 8;
const idle: SandboxWorker[] = [];

/** An idle sandbox with this heap limit, or a new one. */
export function acquireWorker(heapMb: number): SandboxWorker {
  const i = idle.findIndex((w) => w.heapMb === heapMb);
  if (i >= 0) {
    const w = idle.splice(i, 1)[0];
    w.worker.ref();
    return w;
  }
  const worker = new ChildSandbox(BOOT, compiledSandbox(), heapMb, ['--no-opt', '--no-maglev']);
  // A sandbox may still fail after its job was settled: with no listener that 'error' would be
  // thrown in the grader's process.
  worker.on('error', () => { /* the job's own listener reported what mattered */ });
  return { worker, heapMb, jobs: 0 };
}

/** Give back a sandbox that finished its job cleanly (`healthy`), or end it. */
export function releaseWorker(w: SandboxWorker, healthy: boolean): void {
  w.jobs++;
  if (!healthy || w.jobs >= MAX_JOBS || idle.length >= MAX_IDLE) { void w.worker.terminate(); return; }
  w.worker.unref();
  idle.push(w);
}

/** End every idle sandbox (tests, and a long-lived process that is done grading). */
export async function closeSandboxPool(): Promise<void> {
  await Promise.all(idle.splice(0).map((w) => w.worker.terminate()));
}
