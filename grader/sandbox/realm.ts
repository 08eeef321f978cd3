// A separate V8 realm for student code (inside the sandbox process): its own globals and
// built-ins, its own frozen copy of the student API, no require, no process, no I/O, no eval,
// no microtasks outside its own evaluation, Math.random/Date/Intl/WeakRef that throw or are
// absent, locale-sensitive built-ins that ignore the locale, and no typed arrays or
// WebAssembly (memory outside the heap limit). Every object student code can reach is the realm's own: the API's modules and the
// submission's module objects are made inside the realm, and what the engine hands in passes
// through membrane.ts. Tampering with the API or prototypes there changes only the realm; the
// engine reads what the realm yields as plain validated data.
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import type TS from 'typescript';
import { makeMembrane, Membrane } from './membrane';
import { VIRTUAL_ROOT } from './protocol';

const ROOT = path.resolve(__dirname, '..', '..');
/** The API and what it imports, evaluated inside the realm (paths relative to ROOT). */
export const API_FILES = ['sim/layout.ts', 'sim/op.ts', 'sim/handles.ts', 'sim/api.ts'];
/** The file name the API's code runs under: sim/api.ts skips its own frames by this name. */
const API_FILENAME = `${VIRTUAL_ROOT}/sim/api.ts`;
/** The file name every submission runs under in its realm, whatever its path: its own stack
 *  traces must not tell it where it sits (a grade that hung on that differed between two
 *  folders). Locations in it are the submission's own (runScenario.ts, ownLine). */
export const REALM_FILE = 'submission.ts';
/** Globals that allocate memory outside the V8 heap, removed once the API has loaded. */
const OFF_HEAP = ['ArrayBuffer', 'DataView', 'WebAssembly', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];
/** How long the submission's top-level code may run when its module loads. */
const LOAD_MS = 5000;

const PRELUDE = `
'use strict';
(function (g) {
  class NondeterminismError extends Error { constructor(what) { super(what + ' is not allowed: a submission must behave the same on every run'); this.name = 'NondeterminismError'; } }
  const M = g.Math;
  Object.defineProperty(M, 'random', { value: function () { throw new NondeterminismError('Math.random()'); } });
  const D = function () { throw new NondeterminismError('Date'); };
  D.now = function () { throw new NondeterminismError('Date.now()'); };
  Object.defineProperty(g, 'Date', { value: D });
  // Clocks and the garbage collector by other doors.
  for (const k of ['Intl', 'WeakRef', 'FinalizationRegistry', 'SharedArrayBuffer', 'Atomics']) delete g[k];
  // The process's locale (LANG), by the locale-sensitive built-ins: the same text and order
  // everywhere instead.
  const def = function (o, k, f) { Object.defineProperty(o, k, { value: f, writable: true, configurable: true, enumerable: false }); };
  const numStr = Number.prototype.toString, bigStr = BigInt.prototype.toString, join = Array.prototype.join;
  const upper = String.prototype.toUpperCase, lower = String.prototype.toLowerCase;
  def(Number.prototype, 'toLocaleString', function () { return numStr.call(this); });
  def(BigInt.prototype, 'toLocaleString', function () { return bigStr.call(this); });
  def(Array.prototype, 'toLocaleString', function () { return join.call(this, ','); });
  def(String.prototype, 'toLocaleUpperCase', function () { return upper.call(this); });
  def(String.prototype, 'toLocaleLowerCase', function () { return lower.call(this); });
  def(String.prototype, 'localeCompare', function (that) { const a = '' + this, b = '' + that; return a < b ? -1 : a > b ? 1 : 0; });
  const noop = function () {};
  Object.defineProperty(g, 'console', { value: Object.freeze({ log: noop, error: noop, warn: noop, info: noop, debug: noop }) });
  // The realm formats its own stack traces, raw (V8's format, generated lines). Without one,
  // Node hands the realm's errors to the host's formatter, and a host that compiled the same
  // file itself (jest, ts-node) rewrites its lines to its own map: a step's source line would
  // hang on what else the process had loaded. A submission may replace it: that changes only
  // the lines of its own steps.
  const rawStack = function (e, sites) {
    let s;
    try { s = String(e); } catch (x) { s = 'Error'; }
    for (let i = 0; i < sites.length; i++) s += '\\n    at ' + sites[i];
    return s;
  };
  g.Error.prepareStackTrace = rawStack;
})(globalThis);
`;

/** Transpile the API files for the realm (the host does this once and hands the result to
 *  each sandbox, so a sandbox never loads TypeScript). */
export function transpileApi(ts: typeof TS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of API_FILES) {
    const src = fs.readFileSync(path.join(ROOT, f), 'utf8');
    out[f] = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
  }
  return out;
}

let apiJs: Record<string, string> | undefined;
/** The worker passes the host's precompiled API here; in process it is compiled on demand. */
export function provideApiSources(js: Record<string, string>): void { apiJs = js; }
function apiSources(): Record<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  apiJs ??= transpileApi(require('typescript') as typeof TS);
  return apiJs;
}

/** One script that defines the API's modules inside the realm, links them, freezes their
 *  exports and returns the API's. */
function apiBundle(src: Record<string, string>): string {
  const defs = API_FILES.map((f) => `${JSON.stringify(f)}: function (exports, require, module) {${src[f]}\n}`).join(',\n');
  return `(function () {
'use strict';
const defs = {
${defs}
};
const cache = Object.create(null);
function resolve(from, spec) {
  const parts = from.split('/'); parts.pop();
  for (const p of spec.split('/')) { if (p === '.') continue; if (p === '..') parts.pop(); else parts.push(p); }
  return parts.join('/') + '.ts';
}
function load(rel) {
  const hit = cache[rel];
  if (hit !== undefined) return hit.exports;
  const def = defs[rel];
  if (def === undefined) throw new Error('the API may not import ' + rel);
  const module = { exports: {} };
  cache[rel] = module;
  def(module.exports, function (spec) { return load(resolve(rel, spec)); }, module);
  return module.exports;
}
const api = load('sim/api.ts');
for (const k of Object.keys(cache)) Object.freeze(cache[k].exports);
return api;
})()`;
}

export interface RealmModule {
  /** The submission's exports, as it left them after loading, read inside the realm under the
   *  load's time limit (a getter or a Proxy there could loop): a null-prototype object of
   *  their first 50 own data values (realm values). */
  readonly exports: Record<string, unknown>;
  /** Of those, the ones that are generator functions (checked in the realm likewise). */
  readonly generators: ReadonlySet<string>;
  readonly setCapture: (on: boolean) => void;
  readonly membrane: Membrane;
}

/** Thrown when the submission's top-level code runs past LOAD_MS. */
export class LoadTimeout extends Error {}

/** What the submission's top-level code threw, as the realm described it under the load's time
 *  limit: its name and message, cut short (strings of the engine's, with no realm code left to
 *  run when they are read). */
export class LoadError extends Error {
  constructor(readonly thrownName: string, readonly thrownMessage: string) { super(thrownMessage); }
}

/** Evaluate the submission (CommonJS JS) in a fresh realm, as REALM_FILE; its only import is
 *  the API. */
export function loadInRealm(js: string): RealmModule {
  const sandbox: Record<string, unknown> = {};
  const ctx = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false }, name: 'submission', microtaskMode: 'afterEvaluate' });
  vm.runInContext(PRELUDE, ctx, { filename: 'prelude.js', timeout: 1000 });
  const api = vm.runInContext(apiBundle(apiSources()), ctx, { filename: API_FILENAME, timeout: 5000 }) as Record<string, unknown>;
  // Read what the engine needs from the realm's API before the submission can touch anything.
  const setCapture = api.__setCaptureLocations as (on: boolean) => void;
  const membrane = makeMembrane(ctx, api.handleAt);
  // Memory outside the heap, which the sandbox's heap limit does not count (the API's layout
  // made its one typed array already, and hands none out).
  vm.runInContext(`for (const k of ${JSON.stringify(OFF_HEAP)}) delete globalThis[k];`, ctx, { timeout: 1000 });
  const boot = vm.runInContext(`(function (api) {
    'use strict';
    const module = { exports: {} };
    // (the built-ins these use, taken now: the submission may replace them before they run)
    const Gen = Object.getPrototypeOf(function* () {}), proto = Object.getPrototypeOf, keys = Object.keys, create = Object.create;
    const str = String, apply = Reflect.apply, slice = String.prototype.slice;
    const text = function (f, n) {
      try { const v = f(); return apply(slice, typeof v === 'string' ? v : v === undefined ? '' : str(v), [0, n]); } catch (x) { return 'an unprintable value'; }
    };
    return {
      module: module, require: function require() { return api; },
      thrown: function (e) {
        const o = typeof e === 'object' && e !== null;
        return { name: o ? text(function () { return typeof e.name === 'string' ? e.name : ''; }, 100) : '',
          message: text(function () { return o && 'message' in e ? e.message : e; }, 1000) };
      },
      exported: function (m) {
        // (null-prototype objects: an array's elements may run setters on its prototype)
        const out = create(null), gens = create(null);
        const ex = m.exports;
        if ((typeof ex === 'object' && ex !== null) || typeof ex === 'function') {
          const ks = keys(ex);
          for (let i = 0; i < ks.length && i < 50; i++) {
            const k = ks[i], v = ex[k];
            out[k] = v;
            if (typeof v === 'function' && proto(v) === Gen) gens[k] = true;
          }
        }
        return { thrown: null, exports: out, generators: gens };
      },
    };
  })`, ctx) as (api: unknown) => { module: { exports: Record<string, unknown> }; require: unknown };
  const submission = boot(api);
  sandbox.__submission = submission;
  let loaded: { thrown: { name: string; message: string } | null; exports: Record<string, unknown>; generators: Record<string, true> };
  try {
    // The wrapper keeps the submission's first line on line 1, so source-map lines hold. It
    // reads what the engine needs of the module inside the realm, under the time limit: what
    // it threw, or its exports and which are generator functions.
    loaded = vm.runInContext(`(function (s) { 'use strict'; try { (function (exports, require, module) {${js}\n})(s.module.exports, s.require, s.module); } catch (e) { return { thrown: s.thrown(e) }; } return s.exported(s.module); })(__submission)`, ctx,
      { filename: REALM_FILE, timeout: LOAD_MS }) as typeof loaded;
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new LoadTimeout(`the module's top-level code ran longer than ${LOAD_MS / 1000} s: is there a loop outside the functions?`);
    }
    throw e;
  }
  delete sandbox.__submission;
  // (what the realm made is read as own data only: its prototypes are the submission's)
  const own = (x: unknown, n: number): string => (typeof x === 'string' ? x.slice(0, n) : '');
  if (loaded.thrown !== null) throw new LoadError(own(loaded.thrown.name, 100), own(loaded.thrown.message, 1000));
  const generators = new Set(Object.keys(loaded.generators).slice(0, 50));
  return { exports: loaded.exports, generators, setCapture: (on) => setCapture(on), membrane };
}
