// The sandbox's code, precompiled once per grader process. A fresh sandbox that had to compile
// the engine itself (ts-node) took ~2 s to start; given the JavaScript it starts in ~0.1 s,
// and never loads TypeScript. Runs in the grader's process only, never in a sandbox.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { transpileApi } from './realm';
import { VIRTUAL_ROOT, type WorkerInput } from './protocol';
import { ORPHAN_GUARD } from './child';

export const WORKER_ENTRY = path.join(__dirname, 'worker.ts');
const ROOT = path.resolve(__dirname, '..', '..');

const OPTIONS: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true };

/** A relative import of `from`, as the .ts file it names (undefined: a package or built-in). */
function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (f.endsWith('.ts') && fs.existsSync(f)) return f;
  }
  return undefined;
}

let memo: Pick<WorkerInput, 'engine' | 'api'> | undefined;
let version: string | undefined;
const CACHE_DIR = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'anon-vma-lab');

/** The worker entry and every project file it imports, with their sources. */
function closure(): Map<string, string> {
  const files = new Map<string, string>();
  const todo = [WORKER_ENTRY];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    const src = fs.readFileSync(file, 'utf8');
    files.set(file, src);
    for (const im of ts.preProcessFile(src, true, true).importedFiles) {
      const dep = resolveLocal(file, im.fileName);
      if (dep !== undefined && !files.has(dep)) todo.push(dep);
    }
  }
  return files;
}

/** Compile them all in one program (no type check: tsc does that), far cheaper than one
 *  transpileModule per file. */
function compileAll(files: Map<string, string>): Record<string, string> {
  const opts: ts.CompilerOptions = { ...OPTIONS, noLib: true, noResolve: true, isolatedModules: true, noCheck: true, types: [] };
  const host = ts.createCompilerHost(opts);
  const read = host.readFile.bind(host);
  host.readFile = (f) => files.get(path.resolve(f)) ?? read(f);
  const out: Record<string, string> = {};
  host.writeFile = (name, text) => { out[path.resolve(name).replace(/\.js$/, '.ts')] = text; };
  ts.createProgram([...files.keys()], opts, host).emit();
  return out;
}

/** The worker's code compiled to CommonJS, and the API for the realm; cached on disk by the
 *  sources' hash (node_modules/.cache), so a later run starts at once. */
export function compiledSandbox(): Pick<WorkerInput, 'engine' | 'api'> {
  if (memo !== undefined) return memo;
  const files = closure();
  const h = createHash('sha256').update(`${ts.version}\n${JSON.stringify(OPTIONS)}\n`);
  for (const [f, src] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) h.update(`${f}\n${src.length}\n${src}`);
  version = h.digest('hex').slice(0, 20);
  const cacheFile = path.join(CACHE_DIR, `sandbox-${version}.json`);
  try {
    memo = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as Pick<WorkerInput, 'engine' | 'api'>;
    if (files.size === Object.keys(memo.engine).length) return memo;
  } catch { /* not cached yet */ }
  memo = { engine: compileAll(files), api: transpileApi(ts) };
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    for (const old of fs.readdirSync(CACHE_DIR)) if (/^sandbox-.*\.json$/.test(old)) fs.rmSync(path.join(CACHE_DIR, old), { force: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(memo));
    fs.renameSync(tmp, cacheFile);
  } catch { /* a read-only install: compile again next time */ }
  return memo;
}

/** A hash of the sandbox's code (the engine, the scenarios, the API): a grade made by another
 *  version of it is not this grader's grade. */
export function sandboxVersion(): string {
  compiledSandbox();
  return version!;
}

/** The code a sandbox process runs first: silence its output (nothing in a sandbox may print;
 *  V8's own messages when it dies still reach the host, on stderr), end if the host dies, wait
 *  for the precompiled engine, serve .ts files from it (each compiled under its name below
 *  VIRTUAL_ROOT, which is all a stack trace shows; its imports resolve from where it is), then
 *  start the entry. Strict, so no frame of it is visible to a stack-trace hook. */
export const BOOT = `'use strict';
for (const s of [process.stdout, process.stderr]) s.write = function () { return true; };
process.emitWarning = function () {};
${ORPHAN_GUARD}
const Module = require('module');
process.once('message', function (m) {
  const engine = m.input.engine;
  const vm = require('vm'), path = require('path'), root = ${JSON.stringify(ROOT)};
  Module._extensions['.ts'] = function (module, filename) {
    const js = engine[filename];
    if (typeof js !== 'string') throw new Error('sandbox: ' + filename + ' was not precompiled');
    const shown = ${JSON.stringify(VIRTUAL_ROOT)} + '/' + path.relative(root, filename).split(path.sep).join('/');
    const f = vm.compileFunction(js, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: shown });
    f.call(module.exports, module.exports, function require(id) { return module.require(id); }, module, filename, path.dirname(filename));
  };
  require(${JSON.stringify(WORKER_ENTRY)}).start(m.input);
});
`;
