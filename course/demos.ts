// Live demos named by lessons' ```demo NAME``` blocks. Each builds a small scenario
// (scenarios/demos/), runs it — a fixed schedule chosen to show one thing, or the explorer to
// find a bug or prove there is none — and returns text: a one-line headline (what you see, with
// the verdict), the timeline, the kernel's report if any, and a short explanation. Same output
// on every run: no timings, no randomness. Returns strings; never prints.
import type { AnonVma } from '../sim/api';
import { explore } from '../explorer/explore';
import { stay, Factory } from '../explorer/run';
import { decode } from '../explorer/schedule';
import type { Verdict } from '../explorer/verdict';
import { timeline } from '../trace/timeline';
import { rmapWalkQuiet } from '../scenarios/demos/rmapWalkQuiet';
import { forkTree, drawTree } from '../scenarios/demos/forkTree';
import { rcuGracePeriod, rcuReaderNoLock } from '../scenarios/demos/rcu';
import { typesafeReuse, typesafeLookup, lock_anon_vma_naive, lock_anon_vma_checked, LookupSubject } from '../scenarios/demos/typesafe';
import { SEED_DEMOS } from './demos/seed';
import { LATER_DEMOS } from './demos/later';

import { BUDGET, blockedSteps, factoryOf, fitWidth, kindWords, page, phases, plural, recordRun, renameGp, replaying, verdictLine, DemoOptions } from './demoKit';

export class UnknownDemo extends Error {}

type Demo = (o: DemoOptions) => string;
export type { DemoOptions };

const DEMOS: Readonly<Record<string, Demo>> = {
  'rmap-walk-quiet': rmapWalkQuietDemo,
  'fork-tree': forkTreeDemo,
  'rcu-grace-period': rcuGracePeriodDemo,
  'rcu-reader-no-lock': rcuReaderNoLockDemo,
  'typesafe-reuse': typesafeReuseDemo,
  'typesafe-no-recheck': typesafeNoRecheckDemo,
  'typesafe-pin-recheck': typesafePinRecheckDemo,
  ...SEED_DEMOS,
  ...LATER_DEMOS,
};

export function demoNames(): string[] { return Object.keys(DEMOS); }

export function runDemo(name: string, opts: DemoOptions = { color: false, width: 80 }): string {
  const d = Object.prototype.hasOwnProperty.call(DEMOS, name) ? DEMOS[name] : undefined;
  if (d === undefined) throw new UnknownDemo(`unknown demo: ${name}`);
  return d({ color: opts.color, width: Math.max(60, opts.width) });
}

function rmapWalkQuietDemo(o: DemoOptions): string {
  const sc = rmapWalkQuiet();
  const f = factoryOf(sc, null);
  const v = explore(f, BUDGET);
  const r = recordRun(sc.name, f, (_m, en, _i, last) => stay(en, last));
  const visits = r.trace.events.filter((e) => e.name === 'rmap_one').length;
  const held = r.machine.locks.heldBy(0).length;
  return page(o,
    `${verdictLine(v)} (one thread, nothing races): the walk visits ${plural(visits, 'vma')} under the root's lock${held === 0 ? ' and releases it' : ''}.`,
    [timeline(r.trace, o)],
    'Each row is one yield*, one atomic step. page->mapping names anon_vma@0x40 with the ANON tag; _mapcount 1 means two ptes map the page. '
    + 'The walker reads ->root (here the anon_vma is its own root), locks it, visits each vma on the list (the parent\'s and the child\'s: '
    + 'places where the page may be mapped), then unlocks the same root.');
}

function forkTreeDemo(o: DemoOptions): string {
  const sc = forkTree();
  const r = recordRun(sc.name, factoryOf(sc, null), (_m, en, _i, last) => stay(en, last));
  const shown = r.trace.events.filter((e) => e.k === 'alloc' || (e.k === 'write' && /\.(root|anon_vma)$/.test(e.obj)));
  const tree = drawTree(r.machine, sc.names);
  const roots = new Set(tree.map((l) => /root=(\S+)/.exec(l)?.[1]));
  return page(o,
    `${plural(tree.length, 'anon_vma')}, one tree: every ->root points at the oldest, ${[...roots].join(', ')} (${r.trace.events.length} steps; allocations and pointer writes shown).`,
    [timeline({ ...r.trace, events: shown }, o), tree.join('\n')],
    'P\'s first fault runs anon_vma_prepare(): a new anon_vma whose root is itself. Each fork runs anon_vma_fork(): the child\'s vma is linked '
    + 'to every anon_vma of its parent, then gets one of its own, whose ->root is copied from the parent\'s: always the oldest. '
    + 'In 2.6.36 all three share the root\'s lock.');
}

// ---- lesson 2 -----------------------------------------------------------------------------

function rcuGracePeriodDemo(o: DemoOptions): string {
  const sc = rcuGracePeriod();
  const f = factoryOf(sc, null);
  const v = explore(f, BUDGET);
  // The reader enters and picks up the pointer; from then on the writer goes first whenever it can.
  const r = recordRun(sc.name, f, (_m, en, i, last) => (i < 2 ? 0 : en.includes(1) ? 1 : stay(en, last)));
  const waited = blockedSteps(r, 1);
  const trace = { ...r.trace, events: renameGp(r.trace.events) };
  return page(o,
    `${verdictLine(v)}, no use-after-free. Below, the writer runs whenever it can, yet cannot run at ${waited.length === 1 ? 'step' : 'steps'} ${waited.join(', ')}: synchronize_rcu() waits for the reader.`,
    [timeline(trace, o)],
    'The writer unpublishes the object (new readers find NULL), then waits for a grace period: every reader that was inside a read-side '
    + 'section when it started must leave. The reader was inside, so the writer waits until its rcu_read_unlock(); only then may it free.');
}

function rcuReaderNoLockDemo(o: DemoOptions): string {
  const sc = rcuReaderNoLock();
  // A fixed schedule: the reader checks page_mapped(); the process exits (unmap, unlink,
  // kfree_rcu); the RCU thread runs the free; the reader reads the anon_vma.
  const r = recordRun(sc.name, factoryOf(sc, null), phases([{ tid: 0, n: 2 }, { tid: 1, n: 1000 }, { tid: 2, n: 1 }, { tid: 0, n: 1000 }]));
  const f = r.trace.failure;
  return page(o,
    `${f === undefined ? 'No failure (expected a use-after-free)' : `BUG: ${kindWords(f.kind)}`}: the reader without rcu_read_lock() reads the anon_vma after kfree_rcu() freed it.`,
    [timeline(r.trace, o), fitWidth(f?.report ?? '', o.width)],
    'The reader saw the page mapped, then the process exited: unmap, unlink, kfree_rcu(). No reader was inside a read-side section, so the '
    + 'grace period was over at once and the RCU thread freed the anon_vma. With rcu_read_lock() before the first read, the free would have waited.');
}

// ---- lesson 3 -----------------------------------------------------------------------------

function typesafeReuseDemo(o: DemoOptions): string {
  const sc = typesafeReuse();
  // reader: rcu_read_lock, page->mapping, page_mapped; the child exits; the fault allocates
  // and sets ->root; the reader reads ->root.
  const r = recordRun(sc.name, factoryOf(sc, null), phases([{ tid: 0, n: 3 }, { tid: 1, n: 1000 }, { tid: 2, n: 3 }, { tid: 0, n: 1000 }]));
  const ev = r.trace.events;
  const lastReader = Math.max(...ev.filter((e) => e.tid === 0).map((e) => e.i));
  const found = ev.find((e) => e.tid === 0 && e.obj.includes('.mapping'))?.result ?? '?';
  const readRoot = ev.find((e) => e.tid === 0 && e.obj.endsWith('.root'));
  const oldRoot = ev.find((e) => e.obj.endsWith('#1 .root') && e.obj.startsWith(found.split(' ')[0]))?.result ?? '?';
  const clean = r.trace.failures.length === 0;
  const cut = { ...r.trace, events: ev.filter((e) => e.i <= lastReader) };
  return page(o,
    `${clean ? 'No KASAN report, no lock broken' : 'Unexpected failure'}: the reader found ${found.replace(' | ANON', '')} #1 (root ${oldRoot}), `
    + `then read ${readRoot?.obj ?? '?'} → ${readRoot?.result ?? '?'}.`,
    [timeline(cut, { ...o, fold: true, focus: 0 })],
    'Same address, another object: the cache is SLAB_DESTROY_BY_RCU, so the exit\'s kmem_cache_free() made slot 0x40 available at once, and '
    + 'anon_vma_prepare() got it back as incarnation #2, a root of its own. RCU kept the memory an anon_vma, as promised; it never promised '
    + 'the same one.');
}

function lookupVerdict(subject: LookupSubject): { v: Verdict; f: Factory; name: string } {
  const sc = typesafeLookup();
  const f = factoryOf(sc, subject);
  return { v: explore(f, BUDGET), f, name: sc.name };
}

function typesafeNoRecheckDemo(o: DemoOptions): string {
  const { v, f, name } = lookupVerdict({ lookup: lock_anon_vma_naive });
  if (v.kind !== 'BUG') return page(o, `${verdictLine(v)} (expected a contract violation)`, [], '');
  const r = recordRun(name, f, replaying(decode(v.schedule)));
  const ret = /returned (anon_vma@0x[0-9a-f]+ #\d+)/.exec(r.trace.failure?.report ?? '')?.[1] ?? 'another anon_vma';
  const upTo = r.trace.failure?.step ?? Infinity;
  return page(o,
    `${verdictLine(v)}: the lookup locked and returned ${ret}, someone else's.`,
    [timeline({ ...r.trace, events: r.trace.events.filter((e) => e.i <= upTo) }, { ...o, fold: true, focus: 0 }), fitWidth(r.trace.failure?.report ?? '', o.width)],
    'After the lookup\'s page_mapped(), the process exited and freed the page\'s anon_vma, and a page fault reallocated its slot as #2. '
    + 'The lock pinned whatever lived at that address; nothing checked, after the pin, that it still was the page\'s.');
}

function typesafePinRecheckDemo(o: DemoOptions): string {
  const bad = lookupVerdict({ lookup: lock_anon_vma_naive });
  let returned: AnonVma | null | undefined;
  const good = lookupVerdict({ lookup: function* (pg) { const av = yield* lock_anon_vma_checked(pg); returned = av; return av; } });
  const schedule = bad.v.kind === 'BUG' ? decode(bad.v.schedule) : [];
  const r = recordRun(good.name, good.f, replaying(schedule));
  const ret = returned === null ? 'NULL' : 'the page\'s anon_vma';
  const walkerEnd = Math.max(...r.trace.events.filter((e) => e.tid === 0).map((e) => e.i));
  return page(o,
    `${verdictLine(good.v)}: every run ends with the page's own anon_vma, locked, or an honest NULL. Below, the run that broke the unchecked lookup: this one returns ${ret}.`,
    [timeline({ ...r.trace, events: r.trace.events.filter((e) => e.i <= walkerEnd) }, { ...o, fold: true, focus: 0 })],
    'Check, pin, re-check: after spin_lock() the lookup asks page_mapped() again. Mapped, and we hold the lock that unlinking needs: the '
    + 'anon_vma cannot be freed under us, so it is the page\'s. Not mapped: unlock the lock we took, leave the section, give up.');
}
