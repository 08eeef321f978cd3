// Lesson 3 demos.
// typesafe-reuse: the lesson's picture. A reader finds a child's anon_vma@0x40 #1 (root
// @0x80) under rcu_read_lock(); the child exits and frees it; a page fault's anon_vma_prepare()
// gets the same slot back as #2, a root of its own; the reader reads ->root of #2: @0x40.
// typesafe-no-recheck / typesafe-pin-recheck: 2.6.35's lookup (each anon_vma has its own lock),
// with and without the re-check, while the page's process exits and a fault reuses the slot.
import * as k from '../../sim/api';
import type { AnonVma, Kernel, Page } from '../../sim/api';
import { probe, probeOp, Machine } from '../../sim/machine';
import { World } from '../../sim/world';
import { CACHE_ID } from '../../sim/layout';
import { report } from '../../sim/reports';
import { exit_mmap, first_fault } from '../../sim/mm/process';
import type { Scenario } from '../scenario';
import { addrOf } from '../util';

function* peekRoot(page: Page): Kernel<void> {
  yield* k.rcu_read_lock();
  const mapping = yield* k.READ_ONCE(page.mapping);
  if (k.PageAnon(mapping) && (yield* k.page_mapped(page))) {
    const anon_vma = k.anon_vma_from_mapping(mapping);
    yield* k.READ_ONCE(anon_vma.root);
  }
  yield* k.rcu_read_unlock();
}

export function typesafeReuse(): Scenario<null> {
  return {
    name: 'typesafe-reuse', summary: 'an anon_vma freed and reallocated under a reader', version: '2.6.36',
    build(m: Machine): void {
      // SLUB's free-list order is arbitrary; pick it so the addresses match the lesson's picture
      // (the parent's root at 0x80, the child's anon_vma at 0x40).
      const fl = m.mem.freelist(CACHE_ID.anon_vma_cachep);
      [fl[fl.length - 1], fl[fl.length - 2]] = [fl[fl.length - 2], fl[fl.length - 1]];
      const w = new World(m, '2.6.36');
      const parent = w.process();
      const child = w.fork(parent);
      const page = w.page(child);
      const fresh = w.vma();
      m.spawn('reader', peekRoot(page));
      m.spawn('exit', exit_mmap('2.6.36', child, [page]));
      m.spawn('fault', first_fault('2.6.36', fresh));
    },
  };
}

export interface LookupSubject { lookup(page: Page): Kernel<AnonVma | null> }

/** The lesson's lock_anon_vma_naive(): 2.6.35, lock the anon_vma itself, no re-check. */
export function* lock_anon_vma_naive(page: Page): Kernel<AnonVma | null> {
  yield* k.rcu_read_lock();
  const mapping = yield* k.READ_ONCE(page.mapping);
  if (!k.PageAnon(mapping) || !(yield* k.page_mapped(page))) {
    yield* k.rcu_read_unlock();
    return null;
  }
  const anon_vma = k.anon_vma_from_mapping(mapping);
  yield* k.spin_lock(anon_vma.lock);
  return anon_vma;
}

/** The lesson's lock_anon_vma_checked(): check, pin (its lock), re-check page_mapped(). */
export function* lock_anon_vma_checked(page: Page): Kernel<AnonVma | null> {
  yield* k.rcu_read_lock();
  const mapping = yield* k.READ_ONCE(page.mapping);
  if (!k.PageAnon(mapping) || !(yield* k.page_mapped(page))) {
    yield* k.rcu_read_unlock();
    return null;
  }
  const anon_vma = k.anon_vma_from_mapping(mapping);
  yield* k.spin_lock(anon_vma.lock);
  if (yield* k.page_mapped(page)) return anon_vma;
  yield* k.spin_unlock(anon_vma.lock);
  yield* k.rcu_read_unlock();
  return null;
}

/** The walker: calls the lookup, checks it returned the page's own anon_vma — the incarnation
 *  page->mapping named when the call began — locked; walks its list; unlocks (2.6.35). */
function* walker(page: Page, subject: LookupSubject): Kernel<void> {
  const mappingAddr = page.mapping.addr;
  const inc0 = yield* probe('check: before the call', [mappingAddr], (m) => m.mem.slotOf(m.mem.get(mappingAddr) & ~1)?.inc ?? 0);
  const av = yield* subject.lookup(page);
  const a = addrOf(av);
  yield probeOp('check: contract', a > 0 ? [a, mappingAddr] : [mappingAddr], (m, tid) => {
    if (a <= 0) return;
    const s = m.mem.slotOf(a);
    const lines: string[] = [];
    if (s === undefined || s.inc !== inc0 || (m.mem.get(mappingAddr) & ~1) !== a) {
      lines.push(`returned ${m.mem.describe(a)}, but the page's anon_vma was #${inc0}: freed and reused since`);
      if (s !== undefined) lines.push(`${m.mem.describe(a)} was allocated by ${s.allocBy < 0 ? 'setup' : m.threadName(s.allocBy)} at step ${s.allocAt}: someone else's`);
    } else if (m.locks.holding(tid, a) === undefined) lines.push(`returned ${m.mem.describe(a)} without holding its lock`);
    if (lines.length > 0) m.fail('contract', tid, 'the lookup returned an anon_vma that is not the page\'s own: it locked, but did not re-check', report.contract('lookup()', lines));
  });
  if (av === null || a <= 0) return;
  yield* k.list_entries(av.head);
  yield* k.spin_unlock(av.lock);
  yield* k.rcu_read_unlock();
}

export function typesafeLookup(): Scenario<LookupSubject> {
  return {
    name: 'typesafe-lookup', summary: 'a 2.6.35 lookup while the page\'s process exits and a fault reuses the anon_vma', version: '2.6.35',
    build(m, subject) {
      const w = new World(m, '2.6.35');
      const p = w.process();
      const page = w.page(p);
      const fresh = w.vma();
      m.spawn('walker', walker(page, subject));
      m.spawn('exit', exit_mmap('2.6.35', p, [page]));
      m.spawn('fault', first_fault('2.6.35', fresh));
    },
  };
}
