// The type check of a submission, in a child process (sandbox/child.ts) with a heap limit and
// a time limit.
// TypeScript's checker does whatever work the types ask for: a dozen lines of type-level code
// (a type of all the permutations of eight names, compared with another) took 4 GB and 90 s,
// and then killed the grader's process, and with it a whole class's run; in a worker thread,
// a type-level string of 400 M characters still did (one allocation past its limit aborts the
// process). So the check runs there, with the code of load.ts, and the grader's process only
// waits. A checker is kept for the next check (it keeps TypeScript's parsed libraries: a check
// then costs the submission's own parse and check); one stopped for its limits is never reused.
import { ChildSandbox, ORPHAN_GUARD } from './sandbox/child';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

const LOAD = path.join(__dirname, 'load.ts');
/** The limits of one check. A submission's check takes well under a second. */
export const CHECK_MS = 30_000;
export const CHECK_HEAP_MB = 1024;
const MAX_IDLE = 2;

/** The checker: load.ts compiled (its first message), and a check per message after, answered
 *  with its result. */
const BOOT = `'use strict';
for (const s of [process.stdout, process.stderr]) s.write = function () { return true; };
process.emitWarning = function () {};
${ORPHAN_GUARD}
const Module = require('module');
process.once('message', function (init) {
  const wd = init.input;
  Module._extensions['.ts'] = function (module, filename) {
    if (filename !== wd.file) throw new Error('typecheck: ' + filename + ' was not compiled');
    module._compile(wd.js, filename);
  };
  const load = require(wd.file);
  process.on('message', (file) => {
    let r;
    try { r = { ok: true, error: load.typeCheck(file) }; }
    catch (e) { r = { ok: false, deep: e instanceof RangeError && /call stack/i.test(String(e.message)), message: String(e && e.message).slice(0, 200) }; }
    process.send(r);
  });
});
`;

let compiled: string | undefined;
interface Checker { readonly worker: ChildSandbox; readonly heapMb: number }
const idle: Checker[] = [];

function acquire(heapMb: number): Checker {
  const i = idle.findIndex((c) => c.heapMb === heapMb);
  if (i >= 0) { const c = idle.splice(i, 1)[0]; c.worker.ref(); return c; }
  compiled ??= ts.transpileModule(fs.readFileSync(LOAD, 'utf8'), {
    fileName: LOAD, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
  }).outputText;
  const worker = new ChildSandbox(BOOT, { file: LOAD, js: compiled }, heapMb);
  worker.on('error', () => { /* the check's own listener reports what matters */ });
  return { worker, heapMb };
}

function release(c: Checker): void {
  if (idle.length >= MAX_IDLE) { void c.worker.terminate(); return; }
  c.worker.unref();
  idle.push(c);
}

interface Answer { readonly ok: boolean; readonly error?: string; readonly deep?: boolean; readonly message?: string }

/** Type-check `file` (an absolute path) as load.ts typeCheck does, within the limits: its first
 *  error as one line, or undefined. Running out of time or memory, or of stack (code nested
 *  thousands deep), is such an error too. */
export function typeCheckIsolated(file: string, o: { readonly ms?: number; readonly heapMb?: number } = {}): Promise<string | undefined> {
  const ms = o.ms ?? CHECK_MS, heapMb = o.heapMb ?? CHECK_HEAP_MB;
  const name = path.basename(file);
  const c = acquire(heapMb);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (healthy: boolean, f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      c.worker.off('message', onMessage); c.worker.off('error', onError); c.worker.off('exit', onExit);
      if (healthy) release(c); else void c.worker.terminate();
      f();
    };
    const onMessage = (a: Answer): void => settle(true, () => {
      if (a.ok) resolve(a.error);
      else if (a.deep === true) resolve(`${name}: the code is nested too deeply for the grader to read (an expression or block thousands of levels deep)`);
      else if (/^Invalid string length/.test(a.message ?? '')) resolve(`${name}: the type check built a string longer than JavaScript allows: simplify the file's types`);
      else reject(new Error(`the type check failed: ${a.message ?? 'no reason given'}`));
    });
    const onError = (e: Error & { code?: string }): void => settle(false, () => resolve(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? `${name}: the type check needed more than ${heapMb} MB: simplify the file's types`
      : `${name}: the type check stopped (${e.message.slice(0, 120)}): simplify the file's types`));
    const onExit = (): void => settle(false, () => resolve(`${name}: the type check stopped before it finished: simplify the file's types`));
    // (the answer may be waiting behind a busy moment of this thread: let it in first)
    const timer = setTimeout(() => setImmediate(() => settle(false, () => resolve(`${name}: the type check took more than ${ms / 1000} s: simplify the file's types`))), ms);
    c.worker.on('message', onMessage); c.worker.on('error', onError); c.worker.on('exit', onExit);
    c.worker.postMessage(file);
  });
}
