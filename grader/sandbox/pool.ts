// Sandbox processes, kept for reuse. A sandbox loads the engine once and then grades one job
// after another, each submission in a fresh realm of its own (realm.ts, membrane.ts: nothing
// of the engine or of an earlier submission is reachable from it), so the engine's code stays
// compiled and warm: a fresh sandbox per submission spent ~0.15 s starting and ran its first
// explorations cold. A sandbox that timed out, ran out of memory or crashed is never reused;
// one that has served MAX_JOBS jobs retires. Idle sandboxes do not keep the process alive.
// A sandbox is a child process, not a worker thread: V8 aborts the whole process, not just
// the isolate, when one allocation overshoots a worker's heap limit (a 50 MB string, an array's
// backing store: nodejs/node#47224), and a submission could end a class's grading so.
import { spawn, type ChildProcess } from 'child_process';
import { EventEmitter } from 'events';
import type { WorkerInput } from './protocol';
import { BOOT, compiledSandbox } from './compile';

/** What V8 prints when a process runs out of heap. */
const OUT_OF_MEMORY = /heap out of memory|Allocation failed|Reached heap limit|invalid table size|invalid size error/i;
/** How much of a sandbox's stderr is kept (V8's messages when it dies; nothing else writes). */
const STDERR_KEEP = 8192;

/** Sandbox processes not yet exited: killed when the grader's process exits, however it does. */
const live = new Set<ChildProcess>();
process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });

/** A sandbox process, seen as the worker thread it replaced: 'message' for each message it
 *  sends, 'error' (code ERR_WORKER_OUT_OF_MEMORY when it ran out of memory) or 'exit' when it
 *  dies on its own; `terminate` kills it. */
export class SandboxProcess extends EventEmitter {
  private readonly child: ChildProcess;
  private stderr = '';
  private killed = false;
  private readonly exited: Promise<void>;
  constructor(input: WorkerInput, heapMb: number) {
    super();
    // a clean environment and no inherited flags; V8's heap and stack limits; stdout nowhere,
    // stderr kept to tell running out of memory from another death. No optimizing compilers:
    // they compile on background threads, so when a function's frames shrink depends on the
    // machine's timing, and code that measures how deep it can recurse got 3/10 on some runs
    // and 5/10 on others. Searches take about 1.5× as long (seed-churn-1: 115 → 174 ms).
    this.child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--max-semi-space-size=16', '--stack-size=3800', '--no-opt', '--no-maglev', '-e', BOOT],
      { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', env: {} });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (d: string) => { this.stderr = (this.stderr + d).slice(-STDERR_KEEP); });
    this.child.on('message', (m) => this.emit('message', m));
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => { if (!this.killed) this.emit('error', e); resolve(); });
      this.child.on('exit', (code, signal) => {
        // (stderr may still be arriving: wait for its end before telling why)
        const tell = (): void => {
          resolve();
          if (this.killed) return;
          if (OUT_OF_MEMORY.test(this.stderr)) this.emit('error', Object.assign(new Error('the sandbox ran out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }));
          else this.emit('exit', code ?? signal);
        };
        if (this.child.stderr!.readableEnded) tell(); else { this.child.stderr!.once('end', tell); this.child.stderr!.once('error', tell); }
      });
    });
    this.child.send({ type: 'init', input });
    live.add(this.child);
    void this.exited.then(() => live.delete(this.child));
  }
  postMessage(m: unknown): void { if (this.child.connected) this.child.send(m as never); }
  ref(): void { this.child.ref(); this.child.channel?.ref(); (this.child.stderr as unknown as { ref(): void }).ref(); }
  unref(): void { this.child.unref(); this.child.channel?.unref(); (this.child.stderr as unknown as { unref(): void }).unref(); }
  /** Kill it (no 'error' or 'exit' follows). */
  terminate(): Promise<void> {
    this.killed = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }
}

export interface SandboxWorker { readonly worker: SandboxProcess; readonly heapMb: number; jobs: number }

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
  const worker = new SandboxProcess(compiledSandbox(), heapMb);
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
