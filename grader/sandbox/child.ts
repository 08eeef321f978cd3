// A child process with a heap limit, seen as the worker thread it replaces (pool.ts's sandboxes,
// typecheck.ts's checkers). Not a worker thread: V8 aborts the whole process, not just the
// isolate, when one allocation overshoots a worker's heap limit (a 50 MB string, an array's
// backing store, a type-level string TypeScript flattens: nodejs/node#47224), and a
// submission could end a class's grading so.
import { spawn, type ChildProcess } from 'child_process';
import { EventEmitter } from 'events';

/** Boot code that ends its process once the process that started it is gone: a grader killed
 *  outright leaves its children to its own parent, and one spinning in a submission's loop
 *  (or a type check) would never stop. A thread of its own, since the main one may be busy. */
export const ORPHAN_GUARD = `new (require('worker_threads').Worker)("const p = require('worker_threads').workerData; setInterval(function () { if (process.ppid !== p) process.kill(process.pid, 'SIGKILL'); }, 500);",
  { eval: true, workerData: process.ppid, env: {}, resourceLimits: { maxOldGenerationSizeMb: 16 } }).unref();`;

/** What V8 prints when a process runs out of heap. */
const OUT_OF_MEMORY = /heap out of memory|Allocation failed|Reached heap limit|invalid table size|invalid size error/i;
/** How much of a sandbox's stderr is kept (V8's messages when it dies; nothing else writes). */
const STDERR_KEEP = 8192;

/** Sandbox processes not yet exited: killed when the grader's process exits, however it does. */
const live = new Set<ChildProcess>();
process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });

/** A child process, seen as a worker thread: 'message' for each message it
 *  sends, 'error' (code ERR_WORKER_OUT_OF_MEMORY when it ran out of memory) or 'exit' when it
 *  dies on its own; `terminate` kills it. */
export class ChildSandbox extends EventEmitter {
  private readonly child: ChildProcess;
  private stderr = '';
  private killed = false;
  private readonly exited: Promise<void>;
  /** Run `boot` (which takes `init` as its first message's `input`) with a heap of `heapMb`
   *  and V8's `flags`. */
  constructor(boot: string, init: unknown, heapMb: number, flags: readonly string[] = []) {
    super();
    // a clean environment and no inherited flags; V8's heap and stack limits; stdout nowhere,
    // stderr kept to tell running out of memory from another death
    this.child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--max-semi-space-size=16', '--stack-size=3800', ...flags, '-e', boot],
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
    this.child.send({ type: 'init', input: init });
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

