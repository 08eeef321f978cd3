// Lesson 7 demos (sleeping locks: the 3.0 mutex, the 3.8 rwsem).
//  mutex-in-rcu:        Hugh's fix with a mutex: "sleeping function called from invalid context",
//                       on the very first run, with nothing racing.
//  lock-read-slow-path: the trylock fails (a fork holds the rwsem for write); the reader pins,
//                       leaves RCU, sleeps in down_read(), drops its pin.
//  lock-read-verdicts:  the checker on three wrong versions: sleeping in RCU, a lost
//                       reference, the old hang.
import type { DemoOptions } from '../demoKit';
import { BUDGET, blockedSteps, factoryOf, fitWidth, page, phases, recordRun, verdictLine, wrap } from '../demoKit';
import { stay } from '../../explorer/run';
import { explore } from '../../explorer/explore';
import type { Verdict } from '../../explorer/verdict';
import { timeline } from '../../trace/timeline';
import { scenariosFor } from '../../scenarios/registry';
import * as lockRead from '../../scenarios/lockRead';
import { mutexUnderRcu, lockRead as lockReadSubject } from '../../scenarios/demos/sleeping';

function mutexInRcu(o: DemoOptions): string {
  const sc = scenariosFor('page-lock', 'quiet-3.0')!;
  const r = recordRun(sc.name, factoryOf(sc, mutexUnderRcu), (_m, en, _i, last) => stay(en, last));
  const f = r.trace.failure;
  const upTo = f?.step ?? Infinity;
  return page(o,
    `${f?.kind === 'sleep-in-atomic' ? 'BUG: sleeping function called from invalid context' : `Unexpected: ${f?.kind ?? 'no failure'}`}, `
    + 'on the first run, with no other thread: the call itself is the bug.',
    [timeline({ ...r.trace, events: r.trace.events.filter((e) => e.i <= upTo) }, o), fitWidth(f?.report ?? '', o.width)],
    'This is Hugh\'s 2.6.36 page_lock_anon_vma() with 3.0\'s mutex where the spinlock was. A mutex that is taken sleeps until it is free, and '
    + 'a reader may not sleep inside rcu_read_lock(): a grace period could then last as long as the sleep (with classic RCU, the section is '
    + 'not even preemptible). The kernel\'s might_sleep() check reports the call whether or not it would have slept; so does this checker.');
}

function lockReadSlowPath(o: DemoOptions): string {
  const sc = lockRead.contended();
  const subject = lockReadSubject();
  // fork: reads the parent's anon_vma and chain, then ->root and down_write (4 steps); the
  // walker runs until it must sleep; the fork finishes; the walker finishes.
  const r = recordRun(sc.name, factoryOf(sc, subject), phases([{ tid: 1, n: 4 }, { tid: 0, n: 1000 }, { tid: 1, n: 1000 }, { tid: 0, n: 1000 }]));
  const waited = blockedSteps(r, 0);
  const slept = waited.length > 0 ? `it could not run at ${waited.length} of the steps from ${waited[0]} to ${waited[waited.length - 1]}, while the fork held the rwsem for write` : 'it never waited (unexpected)';
  const walkerEnd = Math.max(...r.trace.events.filter((e) => e.tid === 0 && e.name !== 'check: finished').map((e) => e.i));
  const wakes = r.trace.events.find((e) => e.tid === 0 && e.name === 'down_read')?.i ?? Infinity;
  // the fork's first write lock, and the release that let the reader in
  const firstWrite = r.trace.events.find((e) => e.tid === 1 && e.name === 'down_write')?.i;
  const lastRelease = Math.max(...r.trace.events.filter((e) => e.tid === 1 && e.name === 'up_write' && e.i < wakes).map((e) => e.i));
  const shown = r.trace.events.filter((e) => e.i <= walkerEnd && (e.tid === 0 ? !/^check: (page|at)/.test(e.name) : e.i === firstWrite || e.i === lastRelease));
  const v = explore(factoryOf(sc, subject), BUDGET);
  return page(o,
    `The trylock failed, so the reader pinned the anon_vma with a reference, left RCU, and slept in down_read() `
    + `(${slept}). ${verdictLine(v)}.`,
    [timeline({ ...r.trace, events: shown }, { ...o, fold: false })],
    'The fork held the root\'s rwsem for write (anon_vma_fork links the new vma under it). The reader could not wait inside RCU, so it took a '
    + 'reference (atomic_inc_not_zero), re-checked page_mapped(), and only then slept. Once it had the read lock, the lock kept the anon_vma and it '
    + 'dropped its pin (atomic_dec_and_test → false: not the last). Had it been the last, it would have had to unlock and free it.');
}

function lockReadVerdicts(o: DemoOptions): string {
  const rows: [string, string, Verdict][] = [
    ['slow path sleeps inside RCU', 'last-put', explore(factoryOf(lockRead.lastPut(), lockReadSubject({ sleepInRcu: true })), BUDGET)],
    ['slow path keeps its reference', 'last-put', explore(factoryOf(lockRead.lastPut(), lockReadSubject({ keepRef: true })), BUDGET)],
    ['fast path trusts the refcount', 'seed', explore(factoryOf(lockRead.seed(), lockReadSubject({ trustRefcount: true })), BUDGET)],
    ['the lesson\'s version', 'last-put', explore(factoryOf(lockRead.lastPut(), lockReadSubject()), BUDGET)],
    ['the lesson\'s version', 'seed', explore(factoryOf(lockRead.seed(), lockReadSubject()), BUDGET)],
  ];
  const short = (v: Verdict): string => (v.kind === 'BUG' ? `BUG: ${v.failure.kind}` : v.kind === 'VERIFIED' ? 'VERIFIED' : 'NO BUG WITHIN budget');
  const w1 = Math.max(...rows.map((r) => r[0].length)) + 2, w2 = Math.max(...rows.map((r) => r[1].length)) + 2;
  const table = [`${'page_lock_anon_vma_read()'.padEnd(w1)}${'scenario'.padEnd(w2)}verdict`, ...rows.map(([a, b, v]) => `${a.padEnd(w1)}${b.padEnd(w2)}${short(v)}`)].join('\n');
  const whys = rows.filter((r) => r[2].kind === 'BUG').map(([a, , v]) => wrap(`${a}: ${v.kind === 'BUG' ? v.failure.why : ''}.`, o.width));
  return page(o,
    'Three ways to get the 3.8 reader wrong, three different reports: sleeping in RCU, a lost reference, and the 2010 bad unlock.',
    [table, ...whys],
    'The machine flags a sleeping lock inside rcu_read_lock() on the step that takes it. A reference that is never dropped shows when every thread '
    + 'has finished and the counts do not add up (the kernel would simply never free that anon_vma). Trusting a refcount after the trylock is '
    + 'May 2011 again: the slot was reused with another ->root, and the unlock released a lock nobody held.');
}

export const SLEEPING_DEMOS: Readonly<Record<string, (o: DemoOptions) => string>> = {
  'mutex-in-rcu': mutexInRcu,
  'lock-read-slow-path': lockReadSlowPath,
  'lock-read-verdicts': lockReadVerdicts,
};
