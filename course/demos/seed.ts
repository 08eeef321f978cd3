// Demos for lessons 4 and 5 (the seed: the hang, the explorer, the argument). Registered into
// course/demos.ts. Each runs the simulator on the seed world of scenarios/pageLock.ts (or a
// hugetlb/remap world) with one of the variants of scenarios/demos/seed.ts, and prints counts
// and steps, never times: the same text on every run.
import type { StepEvent } from '../../sim/events';
import type { Failure } from '../../sim/failure';
import { seed, hugetlbMove } from '../../scenarios/pageLock';
import type { PageLockSubject } from '../../scenarios/pageLockHarness';
import { v2635, rc2, andrea, hugh, noAccessOnce, christoph, remapNoPageLock } from '../../scenarios/demos/seed';
import { explore } from '../../explorer/explore';
import { runOnce, stay, Factory } from '../../explorer/run';
import { decode, preemptions } from '../../explorer/schedule';
import { prng } from '../../explorer/pct';
import type { Verdict } from '../../explorer/verdict';
import { timeline } from '../../trace/timeline';
import { lockTable } from '../../trace/lockTable';
import type { Trace } from '../../trace/trace';
import { BUDGET, DemoOptions, Run, factoryOf, fitWidth, page, plural, recordRun, replaying, verdictLine, wrap } from '../demoKit';

/** Lesson 4's schedule, written by hand (test/sim/seed.test.ts replays the same string): the
 *  walker checks the page mapped (5 steps); the process exits and frees anon_vma@0x40 (12);
 *  the walker reads the stale ->root (1); fork reuses the slot under another root (19); the
 *  walker locks, walks and unlocks (6); then everyone runs on. */
export const HAND_SCHEDULE = 'v1:0*5,1*12,0,2*19,0*6';

// ---- shared pieces --------------------------------------------------------------------------

const WALKER = 0;

/** The object an event names, without its field: "anon_vma@0x40 #2". */
function base(e: StepEvent | undefined): string {
  return e === undefined ? '?' : e.obj.replace(/ \(free\)/, '').split(' .')[0];
}
/** Address only: "anon_vma@0x40". */
function addr(e: StepEvent | undefined): string { return base(e).split(' ')[0]; }

/** Other threads' steps worth a row: the page unmapped, anon_vmas freed and allocated, ->root written. */
function landmark(e: StepEvent): boolean {
  return e.k === 'free' || e.k === 'alloc' || (e.k === 'write' && e.obj.endsWith('.root'))
    || (e.k === 'atomic_add' && e.obj.endsWith('._mapcount')) || (e.k === 'write' && e.obj.endsWith('.mapping'));
}

/** The timeline with only the rows `keep` picks (plus failure steps); each run of hidden steps
 *  becomes one "┆" line naming whose steps they were (a single hidden step is shown instead).
 *  The harness's probes ("check: ...") are never rows unless a failure sits on them. */
function condensed(t: Trace, keep: (e: StepEvent) => boolean, o: DemoOptions, upTo = Infinity): string {
  const events = t.events.filter((e) => e.i <= upTo);
  const failAt = new Set(t.failures.map((f) => f.step));
  const visible = (e: StepEvent): boolean => e.k !== 'probe' || failAt.has(e.i);
  const shown = new Set(events.filter((e) => failAt.has(e.i) || (visible(e) && keep(e))).map((e) => e.i));
  // a gap of exactly one visible step costs a line either way: show the step itself
  const gaps = (): StepEvent[][] => {
    const out: StepEvent[][] = [];
    let cur: StepEvent[] = [];
    for (const e of events) {
      if (shown.has(e.i)) { if (cur.length > 0) out.push(cur); cur = []; } else if (visible(e)) cur.push(e);
    }
    if (cur.length > 0) out.push(cur);
    return out;
  };
  for (const g of gaps()) if (g.length === 1) shown.add(g[0].i);
  const rows = events.filter((e) => shown.has(e.i));
  // failures on shown rows, and those past the last step (the hang) when the run is shown whole
  const failures = t.failures.filter((f) => shown.has(f.step) || (upTo === Infinity && !t.events.some((e) => e.i === f.step)));
  const primary = t.failure !== undefined && failures.includes(t.failure) ? t.failure : failures[0];
  const { failure: _all, ...rest } = t;
  const lines = timeline({ ...rest, events: rows, failures, ...(primary !== undefined ? { failure: primary } : {}) }, { width: o.width, color: o.color }).split('\n');
  const dim = o.color ? (s: string): string => `\u001b[2m${s}\u001b[22m` : (s: string): string => s;
  const out = lines.slice(0, 2);
  let prev = -1;
  const gapLine = (hidden: StepEvent[]): void => {
    if (hidden.length === 0) return;
    const tids = [...new Set(hidden.map((e) => e.tid))];
    const who = tids.length === 1 ? ` of ${t.threads[tids[0]]}` : `: ${tids.map((tid) => `${t.threads[tid]} ${hidden.filter((e) => e.tid === tid).length}`).join(', ')}`;
    const lanes = tids.length === 1 ? '│  '.repeat(tids[0]) : '';
    out.push(dim(`      ${lanes}┆ ${plural(hidden.length, 'step')}${who}`));
  };
  rows.forEach((e, n) => {
    gapLine(events.filter((x) => x.i > prev && x.i < e.i && visible(x)));
    out.push(lines[2 + n]);
    prev = e.i;
  });
  out.push(...lines.slice(2 + rows.length));
  return out.join('\n');
}

function walkerSteps(r: Run): StepEvent[] { return r.trace.events.filter((e) => e.tid === WALKER); }
function lastWalkerStep(r: Run): number { return Math.max(...walkerSteps(r).map((e) => e.i)); }
function report(f: Failure | undefined, o: DemoOptions, maxLines = 99): string {
  return f === undefined ? '' : fitWidth(f.report.split('\n').slice(0, maxLines).join('\n'), o.width);
}
function failureOf(r: Run, kind: string): Failure | undefined { return r.trace.failures.find((f) => f.kind === kind); }

const seedFactory = (subject: PageLockSubject, version: '2.6.35' | '2.6.36' = '2.6.36'): Factory => factoryOf(seed(version), subject);

/** A verdict must be the expected kind; otherwise say plainly what happened instead. */
function unexpected(o: DemoOptions, v: Verdict, expected: string): string | undefined {
  if (v.kind === expected) return undefined;
  return page(o, `${verdictLine(v)} (this demo expected ${expected}: the simulator has changed under it)`, [], '');
}

// ---- lesson 4 -------------------------------------------------------------------------------

/** 2.6.35 on the 2.6.35 seed: the same race, but the lock lives in the object. */
function seed2635Demo(o: DemoOptions): string {
  const f = seedFactory(v2635, '2.6.35');
  const v = explore(f, BUDGET);
  // walker checks the page mapped (5); exit frees #1 (9); fork reuses the slot as #2 (8); walker on
  const r = recordRun('seed', f, replaying(decode('v1:0*5,1*9,2*11,0*6')));
  const w = walkerSteps(r);
  const locked = w.find((e) => e.k === 'spin_lock'), unlocked = w.find((e) => e.k === 'spin_unlock');
  const walked = w.find((e) => e.k === 'list_read')?.result ?? '?';
  const keep = (e: StepEvent): boolean => e.tid === WALKER || landmark(e)
    || (e.tid === 2 && (e.k === 'write' || (e.k === 'list_add' && e.obj.startsWith(addr(locked)))));
  return unexpected(o, v, 'VERIFIED') ?? page(o,
    `${verdictLine(v)}: no bad unlock, no hang in 2.6.35. Below, the walker locks ${base(locked)}, someone else's, `
    + `walks its list (${walked}: fork's vma) and unlocks ${unlocked !== undefined && base(unlocked) === base(locked) ? 'that same lock' : base(unlocked)}.`,
    [condensed(r.trace, keep, o, lastWalkerStep(r))],
    'Same race as 2.6.36: after the walker\'s page_mapped(), the process exited and freed anon_vma@0x40 #1, and fork got the slot back as #2. '
    + 'In 2.6.35 the lock lives inside the anon_vma, so the walker locks and unlocks the same lock word, whoever owns it now. It walks the wrong '
    + 'list, and walkers tolerate that: they check each vma and find no pte.');
}

/** 2.6.36-rc2 on lesson 4's hand-written schedule: bad unlock, then the hang. */
function seedHangByHandDemo(o: DemoOptions): string {
  const r = recordRun('seed', seedFactory(rc2), replaying(decode(HAND_SCHEDULE)));
  const w = walkerSteps(r);
  const locked = w.find((e) => e.k === 'spin_lock'), unlocked = w.find((e) => e.k === 'spin_unlock');
  const hang = failureOf(r, 'hang');
  const bad = failureOf(r, 'bad-unlock');
  if (hang === undefined || bad === undefined) return page(o, `Expected a bad unlock and a hang; got: ${r.trace.failures.map((x) => x.kind).join(', ') || 'no failure'}`, [], '');
  const keep = (e: StepEvent): boolean => (e.tid === WALKER && e.k !== 'lock_page') || landmark(e);
  return page(o,
    `BUG: bad unlock, then a hang. The walker locks ${addr(locked)}, unlocks ${addr(unlocked)} and returns; `
    + `anon_vma_prepare() spins on ${addr(locked).split('@')[1]} forever.`,
    [condensed(r.trace, keep, o), wrap(hang.report.split('\n').slice(1).join(' '), o.width)],
    `Step ${w.find((e) => e.obj.endsWith('.root'))?.i ?? '?'}: the walker reads ->root of the freed #1: itself, 0x40. Fork reuses the slot as #2, `
    + 'root 0x80. The walker locks 0x40; the unlock reads ->root again and releases 0x80, never taken. Fork frees #2; a fault\'s '
    + 'anon_vma_prepare() gets the slot as #3, root itself, and spins on the lock the walker left held.');
}

/** Random preemption, as a stress test would meet the bug: rarely. */
export const STRESS = { runs: 2000, preemptOneIn: 10, seed: 1 };

function seedStressDemo(o: DemoOptions): string {
  const f = seedFactory(rc2);
  const rnd = prng(STRESS.seed);
  let failed = 0, hung = 0, firstBad: string | undefined;
  for (let i = 0; i < STRESS.runs; i++) {
    const r = runOnce(f, (_m, en, _i, last) => (en.includes(last) && rnd() * STRESS.preemptOneIn >= 1 ? last : en[Math.floor(rnd() * en.length)]), { haltOnFailure: false });
    if (r.failures.length > 0) {
      failed++;
      firstBad ??= `#${i + 1}, ${plural(preemptions(r.schedule, r.enabledAt), 'preemption')}: ${r.failures.map((x) => x.kind).join(', ')}`;
    }
    if (r.failures.some((x) => x.kind === 'hang')) hung++;
  }
  const v = explore(f, BUDGET);
  const table = [
    `stress test      ${String(STRESS.runs).padStart(5)} random runs   ${String(failed).padStart(4)} went wrong   ${String(hung).padStart(4)} hung`,
    `explorer         ${String(v.stats.executions).padStart(5)} executions    ${v.kind === 'BUG' ? 'first bug: ' + v.failure.kind : verdictLine(v)}`,
    firstBad === undefined ? '' : wrap(`first failing run: ${firstBad}`, o.width),
  ].filter((l) => l !== '').join('\n');
  return page(o,
    `A simulated stress test: ${STRESS.runs} runs with random preemption; ${failed} went wrong and ${hung === 0 ? 'none' : hung} hung. `
    + `The explorer: ${verdictLine(v)}.`,
    [table],
    `Each step, the running CPU is preempted with probability 1 in ${STRESS.preemptOneIn}, and a random runnable thread goes next (a fixed seed: `
    + 'the same runs every time). Even in this tiny world, with four threads and no other work, the fatal order is rare. A real kernel does '
    + 'a great deal of other work between two such chances: Hugh\'s machines needed hours. The explorer does not wait for luck: it enumerates '
    + 'the orders that matter, one per class.');
}

/** The explorer on the seed: found, shrunk, shown as lockdep would; then the hang. */
function seedHangExplorerDemo(o: DemoOptions): string {
  const f = seedFactory(rc2);
  const v = explore(f, { ...BUDGET, proveMinimal: true });
  if (v.kind !== 'BUG') return page(o, `${verdictLine(v)} (expected a bug)`, [], '');
  const r = recordRun('seed', f, replaying(decode(v.schedule)));
  const hang = failureOf(r, 'hang');
  return page(o,
    `BUG: ${v.failure.kind}. The explorer ran ${plural(v.stats.executions, 'execution')}, shrank the failing one to `
    + `${plural(v.preemptions, 'preemption')} and ${v.steps} steps${v.minimal === true ? ', and showed that no schedule with fewer preemptions fails this way' : ''}. `
    + `Replayed, the run then ${hang !== undefined ? 'hangs' : 'ends'}.`,
    [`schedule: ${v.schedule}`, lockTable(r.trace, o.width - 6) ?? '', report(hang, o)],
    'Read the schedule as "thread*steps": the walker runs 6 steps (through its read of ->root), the exiting process 12 (unmap, unlink, free), '
    + 'fork 39 (reuse the slot under root 0x80, then exit and free it again), the walker 5 (lock 0x40, walk, unlock 0x80). Only the switch '
    + 'away from the walker is a preemption; every other switch happens because a thread finished. The executions count the search for '
    + 'the bug (one per class of orders of conflicting steps), then the proof that no schedule without a preemption fails.');
}

// ---- lesson 5 -------------------------------------------------------------------------------

function hughFixSeedDemo(o: DemoOptions): string {
  const f = seedFactory(hugh);
  const v = explore(f, BUDGET);
  const r = recordRun('seed', f, replaying(decode(HAND_SCHEDULE)));
  const w = walkerSteps(r);
  const checks = w.filter((e) => e.name === 'page_mapped');
  const locked = w.find((e) => e.k === 'spin_lock'), unlocked = w.find((e) => e.k === 'spin_unlock');
  const keep = (e: StepEvent): boolean => (e.tid === WALKER && e.k !== 'lock_page' && e.k !== 'unlock_page') || landmark(e);
  return unexpected(o, v, 'VERIFIED') ?? page(o,
    `${verdictLine(v)}. On lesson 4's hanging schedule the re-check under the lock sees _mapcount ${checks[1]?.result ?? '?'}: `
    + `unlock ${addr(unlocked)}${addr(unlocked) === addr(locked) ? ', the lock it took,' : ''} and return NULL.`,
    [condensed(r.trace, keep, o, lastWalkerStep(r)), r.trace.failures.length === 0 ? 'no failure: every thread ran to its end' : r.trace.failures.map((x) => x.kind).join(', ')],
    'The walker still reads a stale ->root and still locks whatever lives at 0x40: the race is not prevented, it is detected. Holding that lock, '
    + 'it asks page_mapped() again. Mapped would mean some vma still links the anon_vma, and unlinking it needs the lock held: then ->root '
    + 'cannot change before the unlock. Unmapped, as here: release the local root, the lock actually taken, and give up.');
}

function andreaDemo(o: DemoOptions): string {
  const f = seedFactory(andrea);
  const v = explore(f, BUDGET);
  if (v.kind !== 'BUG') return page(o, `${verdictLine(v)} (expected a bad unlock)`, [], '');
  const r = recordRun('seed', f, replaying(decode(v.schedule)));
  const w = walkerSteps(r);
  const check = w.find((e) => e.name === 'page_mapped');
  const kasan = r.trace.failures.some((x) => x.kind === 'use-after-free');
  const keep = (e: StepEvent): boolean => (e.tid === WALKER && e.k !== 'lock_page') || landmark(e);
  return page(o,
    `${verdictLine(v)}: one page_mapped() check (step ${check?.i ?? '?'}), inside rcu_read_lock(), did not keep ->root from changing.`,
    [condensed(r.trace, keep, o, lastWalkerStep(r)), report(failureOf(r, 'bad-unlock'), o, 5).split('\n').slice(1).join('\n')],
    `The check saw the page mapped; then, all inside the walker's RCU section, the process exited and freed #1, and fork reused the slot `
    + `(#2, root 0x80) and freed it again. ${kasan ? '' : 'No KASAN report: '}RCU kept the memory an anon_vma, as SLAB_DESTROY_BY_RCU promises, `
    + 'and nothing more. The lock went to 0x40, the unlock to 0x80: the rc2 code, unchanged, which is what "a single check is enough" means.');
}

function noAccessOnceDemo(o: DemoOptions): string {
  const f = seedFactory(noAccessOnce);
  const v = explore(f, BUDGET);
  if (v.kind !== 'BUG') return page(o, `${verdictLine(v)} (expected a bad unlock)`, [], '');
  const r = recordRun('seed', f, replaying(decode(v.schedule)));
  const w = walkerSteps(r);
  const checks = w.filter((e) => e.name === 'page_mapped');
  const locked = w.find((e) => e.k === 'spin_lock'), unlocked = w.find((e) => e.k === 'spin_unlock');
  const keep = (e: StepEvent): boolean => (e.tid === WALKER && e.k !== 'lock_page') || landmark(e);
  return page(o,
    `${verdictLine(v)}: the re-check works (_mapcount ${checks[1]?.result ?? '?'}), but the failure path loads ->root `
    + `again and releases ${addr(unlocked)}'s lock, not ${addr(locked)}'s.`,
    [condensed(r.trace, keep, o, lastWalkerStep(r)), report(failureOf(r, 'bad-unlock'), o, 5).split('\n').slice(1).join('\n')],
    'Hugh\'s fix with `root` not kept in a local: the lock and the unlock each load anon_vma->root. On the success path the page is '
    + 'mapped and ->root is stable, so the two loads agree. On the failure path the anon_vma may already be someone else\'s, and the '
    + 'second load finds another tree\'s root. ACCESS_ONCE makes the one load the only load.');
}

function christophDemo(o: DemoOptions): string {
  const f = seedFactory(christoph);
  const v = explore(f, BUDGET);
  const r = recordRun('seed', f, replaying(decode(HAND_SCHEDULE)));
  const w = walkerSteps(r);
  const roots = w.filter((e) => e.obj.endsWith('.root'));
  const locked = w.find((e) => e.k === 'spin_lock');
  const keep = (e: StepEvent): boolean => (e.tid === WALKER && e.k !== 'lock_page' && e.k !== 'unlock_page') || landmark(e);
  return unexpected(o, v, 'VERIFIED') ?? page(o,
    `${verdictLine(v)}. On the hanging schedule, the check after the lock finds ->root changed (${roots[1]?.result ?? '?'}, `
    + `not ${roots[0]?.result ?? '?'}): unlock ${addr(locked)}, look again, the page is unmapped: NULL.`,
    [condensed(r.trace, keep, o, lastWalkerStep(r))],
    'Pin, then verify everything read before the pin: ->root, page->mapping, and page_mapped(). Any difference means the lock may pin the '
    + 'wrong object: release the lock taken (the local root) and look again from page->mapping. More checks mean more steps and more '
    + 'interleaving classes than Hugh\'s fix, and the same answer on the seed.');
}

function remapDemo(o: DemoOptions): string {
  const sc = remapNoPageLock();
  const f = factoryOf(sc, hugh);
  const v = explore(f, BUDGET);
  // walker: rcu_read_lock, mapping, page_mapped; swap-in: unmap, lock, map again, unlock; walker on
  const r = recordRun(sc.name, f, replaying(decode('v1:0*4,1*7,0*20')));
  const checks = walkerSteps(r).filter((e) => e.name === 'page_mapped');
  const writes = r.trace.events.filter((e) => e.k === 'write' && e.obj.endsWith('.mapping')).length;
  return unexpected(o, v, 'VERIFIED') ?? page(o,
    `${verdictLine(v)}, with no page lock in the walker. Below, both checks see the page mapped (_mapcount `
    + `${checks.map((e) => e.result).join(' and ')}); in between it was unmapped and mapped again. page->mapping: `
    + `${writes === 0 ? 'never written' : `written ${plural(writes, 'time')}`}.`,
    [condensed(r.trace, () => true, o)],
    'Christoph\'s question: what if the page is unmapped and mapped again between the checks? Then it is mapped again through the same '
    + 'anon_vma: an anon page keeps page->mapping from its first mapping until it is freed, so the second map finds it set and leaves it. '
    + 'The anon_vma Hugh\'s fix returns is still the page\'s. What would break it is a writer that changes page->mapping: next demo.');
}

function hugetlbDemo(o: DemoOptions): string {
  const sc = hugetlbMove('2.6.36', false);
  const vh = explore(factoryOf(sc, hugh), BUDGET), vc = explore(factoryOf(sc, christoph), BUDGET);
  if (vh.kind !== 'BUG') return page(o, `${verdictLine(vh)} (expected a contract violation)`, [], '');
  const r = recordRun(sc.name, factoryOf(sc, hugh), replaying(decode(vh.schedule)));
  const contract = failureOf(r, 'contract');
  return page(o,
    `Hugh's fix: ${verdictLine(vh)}. Christoph's: ${verdictLine(vc)}. hugetlb's page_move_anon_rmap() repoints page->mapping with no page lock.`,
    [condensed(r.trace, () => true, o), report(contract, o)],
    'The walker holds the page lock; the hugetlb COW path does not take it. After every check has passed, it moves the page to the child\'s '
    + 'anon_vma (0x80). The lock the walker holds is still the right root, but the anon_vma it returns is no longer the page\'s. '
    + 'No check inside page_lock_anon_vma() helps: the change comes after the last one. Only a lock the writer also takes can keep '
    + 'page->mapping still until the unlock.');
}

function hugetlbLockedDemo(o: DemoOptions): string {
  const sc = hugetlbMove('2.6.36', true);
  const fh = factoryOf(sc, hugh);
  const vh = explore(fh, BUDGET), vc = explore(factoryOf(sc, christoph), BUDGET);
  // the walker takes the page lock first; from then on the hugetlb thread goes whenever it can
  const r = recordRun(sc.name, fh, (_m, en, i, last) => (i < 1 ? WALKER : en.includes(1) ? 1 : stay(en, last)));
  const moverDone = r.schedule.lastIndexOf(1);
  const waited = r.enabledAt.map((_en, i) => i).filter((i) => i < moverDone && !r.enabledAt[i].includes(1));
  const span = waited.length === 0 ? 'never' : `at steps ${waited[0]}-${waited[waited.length - 1]}`;
  return (unexpected(o, vh, 'VERIFIED') ?? unexpected(o, vc, 'VERIFIED')) ?? page(o,
    `Hugh's fix: ${verdictLine(vh)}. Christoph's: ${verdictLine(vc)}. With the page lock, the move waits (${span}) until the walker is done.`,
    [condensed(r.trace, () => true, o)],
    'Same world, but the hugetlb path takes the page lock around page_move_anon_rmap(), as migration and KSM do around their changes of '
    + 'page->mapping. The walker holds the page lock from before page_lock_anon_vma() until after the unlock, so the mapping it checked '
    + 'is the mapping it walks. That is the guarantee Hugh\'s fix leans on.');
}

export const SEED_DEMOS: Readonly<Record<string, (o: DemoOptions) => string>> = {
  'seed-2635-harmless': seed2635Demo,
  'seed-hang-by-hand': seedHangByHandDemo,
  'seed-stress-test': seedStressDemo,
  'seed-hang-explorer': seedHangExplorerDemo,
  'hugh-fix-seed': hughFixSeedDemo,
  'andrea-single-check': andreaDemo,
  'no-access-once': noAccessOnceDemo,
  'christoph-pin-verify': christophDemo,
  'remap-keeps-mapping': remapDemo,
  'hugetlb-move': hugetlbDemo,
  'hugetlb-move-locked': hugetlbLockedDemo,
};
