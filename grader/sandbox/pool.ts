// Sandbox workers, kept for reuse. A worker loads the engine once and then grades one job
// after another, each submission in a fresh realm of its own (realm.ts, membrane.ts: nothing
// of the engine or of an earlier submission is reachable from it), so the engine's code stays
// compiled and warm: a fresh worker per submission spent ~0.15 s starting and ran its first
// explorations cold. A worker that timed out, ran out of memory or crashed is never reused;
// one that has served MAX_JOBS jobs retires. Idle workers do not keep the process alive.
import { Worker } from 'worker_threads';
import type { WorkerInput } from './protocol';
import { BOOT, compiledSandbox } from './compile';

export interface SandboxWorker { readonly worker: Worker; readonly heapMb: number; jobs: number }

const MAX_JOBS = 25;
const MAX_IDLE = 8;
const idle: SandboxWorker[] = [];

/** An idle worker with this heap limit, or a new one. */
export function acquireWorker(heapMb: number): SandboxWorker {
  const i = idle.findIndex((w) => w.heapMb === heapMb);
  if (i >= 0) {
    const w = idle.splice(i, 1)[0];
    w.worker.ref();
    return w;
  }
  const input: WorkerInput = compiledSandbox();
  const worker = new Worker(BOOT, {
    // No stdio pipes (a flowing pipe would keep the process alive under an idle worker): the
    // boot code silences the worker's own stdout and stderr instead.
    eval: true, workerData: input, env: {}, execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
  });
  // A worker may still fail after its job was settled (out of memory while being terminated
  // after a timeout): with no listener that 'error' would be thrown in the grader's process.
  worker.on('error', () => { /* the job's own listener reported what mattered */ });
  return { worker, heapMb, jobs: 0 };
}

/** Give back a worker that finished its job cleanly (`healthy`), or end it. */
export function releaseWorker(w: SandboxWorker, healthy: boolean): void {
  w.jobs++;
  if (!healthy || w.jobs >= MAX_JOBS || idle.length >= MAX_IDLE) { void w.worker.terminate(); return; }
  w.worker.unref();
  idle.push(w);
}

/** End every idle worker (tests, and a long-lived process that is done grading). */
export async function closeSandboxPool(): Promise<void> {
  await Promise.all(idle.splice(0).map((w) => w.worker.terminate()));
}
