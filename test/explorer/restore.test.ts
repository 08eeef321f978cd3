// DPOR's `restore` (the default) takes the machine back to each branch point through its
// journal and rebuilds only the threads that ran after it; without it every execution re-runs
// from a fresh machine. With `memo` (the default with restore) a rebuilt thread is put back at
// its state in the machine's memo, and a step answered as before takes it to its next op with
// no generator resumed; without memo each is fed its answers. All three must explore exactly
// the same executions, in the same order, ending in the same failures, for every exercise's
// reference, stub and listed wrong answers on every scenario it is graded on. (The scenarios'
// probes and ghosts must keep what they learn in the machine or in their answers, and read
// only values fixed when they were made, for this to hold.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXERCISES, ExerciseEntry } from '../../exercises/index';
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { seed } from '../../scenarios/pageLock';
import type { PageLockSubject } from '../../scenarios/pageLockHarness';
import { dpor, DporResult, NondeterministicReplay } from '../../explorer/dpor';
import { bounded } from '../../explorer/bounded';
import { MAX_THREADS } from '../../explorer/restore';
import { boundedLogged } from './linearise';
import { replay, Factory } from '../../explorer/run';
import * as k from '../../sim/api';
import { Machine } from '../../sim/machine';
import { handleAt } from '../../sim/handles';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
function load(file: string): Record<string, unknown> { return require(path.join(ROOT, file)) as Record<string, unknown>; }

interface Run { readonly r: DporResult; readonly log: string[] }

function run(f: Factory, restore: boolean, maxExecutions: number, memo = true, maxSteps?: number): Run {
  const log: string[] = [];
  const r = dpor(f, {
    stopOnBug: false, restore, maxExecutions, memo, maxSteps,
    onExecution: (evs, _n, blocked) => log.push(`${evs.map((e) => e.tid).join(',')}${blocked ? ' blocked' : ''}`),
    onFailure: (kind, all) => log.push(`  failed: ${kind} [${all.join(' ')}]`),
  });
  return { r, log };
}

function same(f: Factory, maxExecutions: number, maxSteps?: number): DporResult {
  const a = run(f, false, maxExecutions, true, maxSteps), b = run(f, true, maxExecutions, true, maxSteps), c = run(f, true, maxExecutions, false, maxSteps);
  expect(b.log).toEqual(a.log);
  expect(c.log).toEqual(a.log);
  // the same counts, and the same first bug (found at another time: atMs)
  const strip = ({ performed: _p, fed: _f, bug, ...rest }: DporResult): unknown => ({ ...rest, bug: bug && { ...bug, atMs: 0 } });
  expect(strip(b.r)).toEqual(strip(a.r));
  expect(strip(c.r)).toEqual(strip(a.r));
  const pa = a.r.performed, pb = b.r.performed;
  expect(pa).toBe(a.r.steps);             // without restore, every step is performed
  expect(a.r.fed).toBe(0);                // and nothing is fed
  expect(c.r.performed).toBe(pb);         // the memo changes what is resumed, not what runs
  if (a.r.executions > 1) expect(pb).toBeLessThan(pa);
  return b.r;
}

const cases: [string, string, string][] = [];
for (const e of EXERCISES as readonly ExerciseEntry[]) {
  if (e.kind === 'schedule') continue; // a schedule file, not code
  for (const file of [e.solution, e.stub, ...(e.variants ?? []).map((v) => v.file)]) {
    for (const s of e.scenarios) cases.push([e.id, file, s.name]);
  }
}

// and the cheats of test/grader/cheats.test.ts, whose contract failures rest on the machine's
// note of the struct page and task_struct words each thread changed (journaled like the rest)
const CHEATS = 'test/fixtures/submissions/cheats';
for (const f of fs.readdirSync(path.join(ROOT, CHEATS))) {
  const e = (EXERCISES as readonly ExerciseEntry[]).find((x) => x.id.startsWith(`${f.slice(0, 2)}-`))!;
  for (const s of e.scenarios) cases.push([e.id, `${CHEATS}/${f}`, s.name]);
}

test('there are cases', () => { expect(cases.length).toBeGreaterThan(40); });

test.each(cases)('%s: %s on %s explores the same executions with and without restore', (id, file, name) => {
  const e = (EXERCISES as readonly ExerciseEntry[]).find((x) => x.id === id)!;
  const sc = scenariosFor(e.kind, name)!;
  const mod = load(file);
  same((o) => instantiate(sc, mod, o), 150);
});

// Bounded search (explorer/bounded.ts) restores its shared prefixes the same way: on every
// case, the same schedules within two preemptions, in the same order, each ending in the same
// failures, reports and all, and the same first failure. (A kind no case fails with runs
// every schedule.)
test.each(cases)('%s: %s on %s, bounded search explores the same schedules with and without restore', (id, file, name) => {
  const e = (EXERCISES as readonly ExerciseEntry[]).find((x) => x.id === id)!;
  const sc = scenariosFor(e.kind, name)!;
  const mod = load(file);
  const f: Factory = (o) => instantiate(sc, mod, o);
  for (const kind of [undefined, 'no such kind']) {
    const o = { kind, maxExecutions: 200, maxSteps: 400 };
    const k1 = boundedLogged(f, 2, o), k2 = boundedLogged(f, 2, { ...o, restore: false });
    expect(k1.log).toEqual(k2.log);
    const kept = k1.b, fresh = k2.b;
    const { performed: _k, ...a } = kept, { performed: _f, ...b } = fresh;
    expect(a).toEqual(b);
    expect(fresh.performed).toBe(fresh.steps);
    if (kept.executions > 1) expect(kept.performed).toBeLessThan(kept.steps);
    // the bug's schedule is the failing execution's, and replays to that failure
    if (kept.bug !== undefined) {
      const r = replay(f, kept.bug.schedule, { haltOnFailure: true, maxSteps: 400 });
      expect([r.schedule, r.failure?.kind]).toEqual([kept.bug.schedule, kept.bug.failure.kind]);
    }
  }
});

// Restore's thread sets are bit masks (MAX_THREADS): a scenario with more threads is explored
// by bounded search as before, a new machine per execution.
test('bounded search on more threads than restore handles runs each execution afresh, the same schedules', () => {
  const f: Factory = (o) => {
    const m = new Machine(o);
    const x = handleAt('obj', m.mem.setupAlloc('obj_cachep'));
    for (let i = 0; i < MAX_THREADS + 2; i++) m.spawn(`w${i}`, () => k.WRITE_ONCE(x.key, i));
    return m;
  };
  const big = bounded(f, 1, { maxExecutions: 40 }), fresh = bounded(f, 1, { maxExecutions: 40, restore: false });
  expect(big).toEqual(fresh);
  expect([big.executions, big.performed]).toEqual([40, big.steps]);
});

// A case may feed one or two answers more with the memo than without (a thread it must start
// over from its first step to reach a state it never had, where rebuilding feeds only the
// prefix), so the memo's saving is checked over all the cases together.
test('over every exercise case, the memo feeds fewer answers than rebuilding without it', () => {
  let memo = 0, without = 0;
  for (const [id, file, name] of cases) {
    const e = (EXERCISES as readonly ExerciseEntry[]).find((x) => x.id === id)!;
    const sc = scenariosFor(e.kind, name)!;
    const mod = load(file);
    const f: Factory = (o) => instantiate(sc, mod, o);
    memo += run(f, true, 150).r.fed;
    without += run(f, true, 150, false).r.fed;
  }
  expect(without).toBeGreaterThan(1000);
  expect(memo * 10).toBeLessThan(without);
});

// Every graded scenario spawns its threads from functions (Machine.spawn), so restoring never
// needs a new build of the scenario: the factory runs once per search.
const references = cases.filter(([id, file]) => file === (EXERCISES as readonly ExerciseEntry[]).find((x) => x.id === id)!.solution);

test.each(references)('%s: every thread of %s on %s that runs can be started over without a new build', (id, file, name) => {
  const e = (EXERCISES as readonly ExerciseEntry[]).find((x) => x.id === id)!;
  let builds = 0;
  const sc = scenariosFor(e.kind, name)!;
  const mod = load(file);
  const r = dpor((o) => { builds++; return instantiate(sc, mod, o); }, { stopOnBug: false, maxExecutions: 50 });
  expect(r.executions).toBeGreaterThan(0);
  expect(builds).toBe(1);
});

test('the seed with a churn pair: every execution of the fix and of rc2, restored', () => {
  for (const code of ['hugh-fix', '2.6.36-rc2']) {
    const mod = load(`solutions/05-page-lock-anon-vma/history/${code}.ts`);
    const r = same((o) => instantiate(seed('2.6.36', 1), mod as unknown as PageLockSubject, o), 100000);
    expect(r.complete).toBe(true);
    if (code === 'hugh-fix') expect(r.bugs).toBe(0); else expect(r.bugs).toBeGreaterThan(0);
  }
});

// The memo's point: a thread's states are few (measured: 178 on the seed with Hugh's fix, for
// 3683 steps performed), so after the first executions almost no generator is resumed to
// rebuild a thread. Without it, about as many answers are fed as steps are performed.
test('the memo: the seed with Hugh\'s fix feeds a small fraction of the answers fed without it', () => {
  const mod = load('solutions/05-page-lock-anon-vma/history/hugh-fix.ts') as unknown as PageLockSubject;
  const f: Factory = (o) => instantiate(seed('2.6.36', 0), mod, o);
  const on = dpor(f, { stopOnBug: false }), off = dpor(f, { stopOnBug: false, memo: false });
  expect(on.complete && off.complete).toBe(true);
  expect(off.fed).toBeGreaterThan(on.performed / 2);
  expect(on.fed * 20).toBeLessThan(off.fed);
});

// A scenario's build may run steps (a process that exits before the threads start, the RCU
// thread's callbacks). Those are setup: the execution's steps are numbered after them, and a
// thread that ran some is rebuilt from a new build, not remade (it would lack them).
test('setup steps: a thread stepped in the build, then two racing threads, explored the same with restore', () => {
  const f: Factory = (o) => {
    const m = new Machine(o);
    const x = handleAt('obj', m.mem.setupAlloc('obj_cachep'));
    const init = m.spawn('init', function* () { yield* k.WRITE_ONCE(x.value, 100); yield* k.WRITE_ONCE(x.value, 101); });
    m.step(init); // one of its two steps at setup: it runs on in the execution
    m.spawn('A', () => (function* () { yield* k.WRITE_ONCE(x.refcount, 5); yield* k.WRITE_ONCE(x.key, 1); })());
    m.spawn('B', () => (function* () {
      yield* k.READ_ONCE(x.key);
      if ((yield* k.READ_ONCE(x.refcount)) === 0 && (yield* k.READ_ONCE(x.value)) === 101) { yield* k.kfree(x); yield* k.kfree(x); }
    })());
    return m;
  };
  const r = same(f, 100000);
  expect(r.complete).toBe(true);
  expect(r.bugs).toBeGreaterThan(0);
});

test('setup steps in a graded scenario: exercise 02\'s unmapped against a submission that uses what it queued for kfree_rcu', () => {
  const wrong = {
    *anon_vma_places(): k.Kernel<number> {
      const o = yield* k.kmem_cache_alloc(k.obj_cachep);
      yield* k.kfree_rcu(o);
      yield* k.READ_ONCE(o.key);
      yield* k.READ_ONCE(o.value);
      return -1;
    },
  };
  const f: Factory = (o) => instantiate(scenariosFor('rcu-reader', 'unmapped')!, wrong, o);
  expect(f({}).now).toBeGreaterThan(0); // the build ran steps
  const r = same(f, 100000);
  expect(r.bugs).toBeGreaterThan(0);
  // the grader's search (restore, stop at the first bug) finds it, and its schedule replays
  const g = dpor(f, {});
  expect(g.bug?.failure.kind).toBe('use-after-free');
  expect(replay(f, g.bug!.schedule).failures.map((x) => x.kind)).toContain('use-after-free');
});

// A thread the memo must start over (a step answered as never before, its generator elsewhere)
// is fed the answers on the way and its ops are checked: code that keeps state between runs
// is caught there, as rebuild catches it without the memo.
test('the memo: a thread that behaves differently when started over is reported, not explored', () => {
  let calls = 0;
  const f: Factory = (o) => {
    const m = new Machine(o);
    const x = handleAt('obj', m.mem.setupAlloc('obj_cachep'));
    m.spawn('A', () => (function* () {
      if (calls++ > 0) yield* k.WRITE_ONCE(x.value, 1); // module-level state: a second run differs
      const v = yield* k.READ_ONCE(x.key);
      yield* k.WRITE_ONCE(x.value, v + 1);
    })());
    m.spawn('B', () => (function* () { yield* k.WRITE_ONCE(x.key, 7); })());
    return m;
  };
  expect(() => dpor(f, { stopOnBug: false })).toThrow(NondeterministicReplay);
  calls = 0;
  expect(() => dpor(f, { stopOnBug: false })).toThrow(/^replaying A: its first step asked for write at 0x[0-9a-f]+, not read at 0x[0-9a-f]+ as before$/);
});

// A thread's step count (its livelock bound) is the same whether its steps ran, were restored,
// or moved it on through the memo, and after its generator was started over to take an answer
// it never had: A takes a fourth step, one past its bound, only when C wrote first.
test('the memo: a thread started over for a new answer keeps its step count', () => {
  const f: Factory = (o) => {
    const m = new Machine(o);
    const x = handleAt('obj', m.mem.setupAlloc('obj_cachep'));
    m.spawn('P', () => (function* () { yield* k.WRITE_ONCE(x.refcount, 1); })()); // a prefix to restore
    m.spawn('A', () => (function* () {
      const v = yield* k.READ_ONCE(x.key);
      yield* k.READ_ONCE(x.value);
      yield* k.READ_ONCE(x.value);
      if (v === 1) yield* k.READ_ONCE(x.value);
    })());
    m.spawn('C', () => (function* () { yield* k.WRITE_ONCE(x.key, 1); })());
    return m;
  };
  const r = same(f, 100000, 3);
  expect(r.complete).toBe(true);
  expect(r.bugs).toBe(1); // the livelock (when the memo lost a step, it was missing)
});
