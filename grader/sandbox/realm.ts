// A separate V8 realm for student code (inside the sandbox worker): its own globals and
// built-ins, its own copy of the student API, no require, no process, no I/O, no eval, and
// Math.random/Date that throw. Tampering with the API or prototypes there changes only the
// realm; the engine reads what the realm yields as plain validated data.
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
/** The API and what it imports, evaluated inside the realm (paths relative to ROOT). */
const API_FILES = ['sim/layout.ts', 'sim/op.ts', 'sim/handles.ts', 'sim/api.ts'];

const PRELUDE = `
'use strict';
(function (g) {
  class NondeterminismError extends Error { constructor(what) { super(what + ' is not allowed: a submission must behave the same on every run'); this.name = 'NondeterminismError'; } }
  const M = g.Math;
  Object.defineProperty(M, 'random', { value: function () { throw new NondeterminismError('Math.random()'); } });
  const D = function () { throw new NondeterminismError('Date'); };
  D.now = function () { throw new NondeterminismError('Date.now()'); };
  Object.defineProperty(g, 'Date', { value: D });
  const noop = function () {};
  Object.defineProperty(g, 'console', { value: Object.freeze({ log: noop, error: noop, warn: noop, info: noop, debug: noop }) });
})(globalThis);
`;

let apiJs: Map<string, string> | undefined;
function apiSources(): Map<string, string> {
  if (apiJs !== undefined) return apiJs;
  apiJs = new Map();
  for (const f of API_FILES) {
    const src = fs.readFileSync(path.join(ROOT, f), 'utf8');
    const out = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } });
    apiJs.set(f, out.outputText);
  }
  return apiJs;
}

export interface RealmModule { readonly exports: Record<string, unknown>; readonly setCapture: (on: boolean) => void }

/** Evaluate the submission (CommonJS JS) in a fresh realm; its only import is the API. */
export function loadInRealm(js: string, file: string): RealmModule {
  const ctx = vm.createContext({}, { codeGeneration: { strings: false, wasm: false }, name: 'submission' });
  vm.runInContext(PRELUDE, ctx, { filename: 'prelude.js', timeout: 1000 });
  const cache = new Map<string, Record<string, unknown>>();
  const load = (rel: string): Record<string, unknown> => {
    const hit = cache.get(rel);
    if (hit !== undefined) return hit;
    const mod = { exports: {} as Record<string, unknown> };
    cache.set(rel, mod.exports);
    const fn = vm.runInContext(`(function (exports, require, module) {${apiSources().get(rel)}\n})`, ctx, { filename: path.join(ROOT, rel), timeout: 1000 }) as
      (e: unknown, r: unknown, m: unknown) => void;
    fn(mod.exports, (spec: string) => load(resolveApi(rel, spec)), mod);
    cache.set(rel, mod.exports);
    return mod.exports;
  };
  const api = load('sim/api.ts');
  const mod = { exports: {} as Record<string, unknown> };
  const wrapper = vm.runInContext(`(function (exports, require, module) {${js}\n})`, ctx, { filename: file, timeout: 2000 }) as
    (e: unknown, r: unknown, m: unknown) => void;
  wrapper(mod.exports, () => api, mod);
  const setCapture = api.__setCaptureLocations as (on: boolean) => void;
  return { exports: mod.exports, setCapture: (on) => setCapture(on) };
}

function resolveApi(from: string, spec: string): string {
  const r = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const f = `${r}.ts`;
  if (!API_FILES.includes(f)) throw new Error(`the API may not import ${spec}`);
  return f;
}
