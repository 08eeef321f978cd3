// The boundary between the engine's realm and the submission's (inside the sandbox process).
// Nothing the engine owns may reach student code: one engine object in the student's hands
// gives `x.constructor.constructor('return process')()` — code generation in the engine's
// realm, then the worker's `process` and the file system — and the engine's prototypes and
// memory to tamper with. So every value handed in is copied into the submission's realm
// first: handles are rebuilt by address with the realm's own API, arrays element by element,
// functions (callbacks such as rmap_one) become realm generators that yield opaque tokens,
// anything else is copied as JSON. What comes out is untrusted: ops are data the engine
// validates; a return value or a callback's argument becomes an engine value at once
// (fromRealmValue); a token yielded back is swapped for the engine's own op.
// Must never: pass an engine object, function or error into the realm.
import * as vm from 'vm';
import { handleAt as engineHandle } from '../../sim/handles';
import { printable } from '../../sim/machine';
import { STRUCTS, type StructName } from '../../sim/layout';

type Gen = Iterator<unknown, unknown, unknown>;
type AnyFn = (...args: unknown[]) => unknown;

/** Realm-side helpers, made inside the realm before the submission runs (so it cannot have
 *  tampered with the built-ins they captured). */
const HELPERS = `(function () {
  'use strict';
  const freeze = Object.freeze, create = Object.create, parse = JSON.parse, RError = Error;
  return freeze({
    list: function () { const a = []; for (let i = 0; i < arguments.length; i++) a.push(arguments[i]); return a; },
    json: function (s) { return parse(s); },
    token: function () { return freeze(create(null)); },
    error: function (m) { return new RError(m); },
    step: function (done, value, error) { return freeze({ done: done, value: value, error: error }); },
    callback: function (start, next) {
      return function* () {
        const args = [];
        for (let i = 0; i < arguments.length; i++) args.push(arguments[i]);
        const id = start(args);
        let r = next(id, undefined);
        for (;;) {
          if (r.error !== undefined) throw r.error;
          if (r.done) return r.value;
          r = next(id, yield r.value);
        }
      };
    },
  });
})()`;

interface Helpers {
  list(...xs: unknown[]): unknown[];
  json(s: string): unknown;
  token(): object;
  error(m: string): unknown;
  step(done: boolean, value: unknown, error: unknown): unknown;
  callback(start: (args: unknown[]) => number, next: (id: number, input: unknown) => unknown): AnyFn;
}

export interface Membrane {
  /** A copy of an engine value made of the realm's own objects. */
  toRealm(x: unknown): unknown;
  /** An engine-side generator function that runs the submission's `fn`, feeding it only realm
   *  values and handing the engine back its own ops for tokens. */
  wrap(fn: AnyFn): (...args: unknown[]) => Generator<unknown, unknown, unknown>;
}

function messageOf(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`.split('\n')[0].slice(0, 200);
    return String(e).slice(0, 200);
  } catch {
    return 'an exception';
  }
}

/** An op result going back to engine code (a callback's generator): numbers only. */
function fromRealm(x: unknown): unknown {
  if (typeof x === 'number' || typeof x === 'boolean' || x === undefined || x === null) return x;
  if (Array.isArray(x)) {
    const out: number[] = [];
    const n = Math.min(Number(x.length) || 0, 100000);
    for (let i = 0; i < n; i++) { const v = x[i]; if (typeof v === 'number') out.push(v); }
    return out;
  }
  return undefined;
}

/** What a returned value that is not a handle becomes: an engine object that says so. */
const NOT_A_HANDLE: object = Object.freeze({ toString: () => 'an object that is not a kernel handle' });

/** A value the submission hands the engine (a return value, a callback's argument) as the
 *  engine's own: a number, boolean, null or undefined as it is; a string made printable and
 *  short; a handle as the engine's handle for the same struct and address, read once (a getter
 *  could answer each read differently, and the object could carry a lock of its own choosing to
 *  its unlock); anything else as NOT_A_HANDLE. So no realm code runs when a harness reads or
 *  prints the value. */
export function fromRealmValue(x: unknown): unknown {
  if (x === null || x === undefined || typeof x === 'number' || typeof x === 'boolean') return x;
  if (typeof x === 'string') return printable(x.slice(0, 80));
  if (typeof x !== 'object' && typeof x !== 'function') return NOT_A_HANDLE;
  let addr: unknown, struct: unknown;
  try {
    const o = x as { addr?: unknown; struct?: unknown };
    addr = o.addr; struct = o.struct;
  } catch { return NOT_A_HANDLE; }
  if (typeof addr !== 'number' || !Number.isSafeInteger(addr) || typeof struct !== 'string' || !Object.hasOwn(STRUCTS, struct)) return NOT_A_HANDLE;
  return engineHandle(struct as StructName, addr);
}

export function makeMembrane(ctx: vm.Context, handleAt: unknown): Membrane {
  const h = vm.runInContext(HELPERS, ctx) as Helpers;
  const { list, json, token, error, step, callback } = h;
  const realmHandle = typeof handleAt === 'function' ? (handleAt as (s: string, a: number) => unknown) : undefined;
  const tokens = new WeakMap<object, unknown>();

  const toRealm = (x: unknown, depth = 0): unknown => {
    if (x === null || (typeof x !== 'object' && typeof x !== 'function')) return x;
    // Not an engine object: a realm value coming back in, which only the realm's own helpers
    // hand over (a return value or a callback's argument became an engine value on its way
    // out: fromRealmValue).
    if (!(x instanceof Object)) return x;
    if (depth > 8) return undefined;
    if (typeof x === 'function') return callbackOf(x as AnyFn);
    if (Array.isArray(x)) return list(...x.map((v) => toRealm(v, depth + 1)));
    const o = x as { addr?: unknown; struct?: unknown };
    if (realmHandle !== undefined && typeof o.addr === 'number' && typeof o.struct === 'string') {
      try { return realmHandle(o.struct, o.addr); } catch { /* fall through to a copy */ }
    }
    try { return json(JSON.stringify(x) ?? 'null'); } catch { return undefined; }
  };

  /** An engine generator function (a harness callback) as a realm generator function. */
  const callbackOf = (fn: AnyFn): unknown => {
    const gens = new Map<number, Gen>();
    let ids = 0;
    const start = (args: unknown[]): number => {
      try {
        const copy: unknown[] = [];
        const n = Math.min(Number(args.length) || 0, 64);
        for (let i = 0; i < n; i++) copy.push(fromRealmValue(args[i]));
        const g = fn(...copy) as Gen;
        gens.set(++ids, g);
        return ids;
      } catch (e) {
        gens.set(++ids, { next: () => { throw e; } });
        return ids;
      }
    };
    const next = (id: number, input: unknown): unknown => {
      const g = gens.get(id);
      if (g === undefined) return step(true, undefined, error('this callback has already finished'));
      try {
        const r = g.next(fromRealm(input));
        if (r.done) { gens.delete(id); return step(true, toRealm(r.value), undefined); }
        const t = token();
        tokens.set(t, r.value);
        return step(false, t, undefined);
      } catch (e) {
        gens.delete(id);
        return step(true, undefined, error(messageOf(e)));
      }
    };
    return callback(start, next);
  };

  const wrap = (fn: AnyFn) => function* (...args: unknown[]): Generator<unknown, unknown, unknown> {
    const g = Reflect.apply(fn, undefined, args.map((a) => toRealm(a))) as Gen;
    let input: unknown;
    for (;;) {
      const r = g.next(toRealm(input));
      if (r.done) return fromRealmValue(r.value);
      let v = r.value;
      if (typeof v === 'object' && v !== null) { const t = tokens.get(v); if (t !== undefined) v = t; }
      input = yield v;
    }
  };

  return { toRealm: (x) => toRealm(x), wrap };
}
