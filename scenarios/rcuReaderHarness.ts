// Exercise 02's caller, in lesson 2's toy world where anon_vmas are freed with kfree_rcu():
// a reader asks the subject how many places (vmas) may map a page. The subject must open an
// RCU read-side section before it follows page->mapping, check page_mapped() inside it, and
// keep the section open until its last access to the anon_vma. Breaches are the machine's own
// reports (KASAN use-after-free, unbalanced rcu_read_lock); the checks here are the contract:
//  - -1 only when the page is not anonymous, or was unmapped at some moment during the call;
//  - otherwise the length of the anon_vma's list at some moment during the call (the lists
//    in these scenarios only shrink, so: between its length now and its length at the start).
import type { Kernel, Page, Vma } from '../sim/api';
import { probe, probeOp } from '../sim/machine';
import { handleAt } from '../sim/handles';
import { report } from '../sim/reports';
import * as k from '../sim/api';
import { anon_vma_lock, anon_vma_unlock } from '../sim/mm/anonVma';
import { page_remove_rmap } from '../sim/mm/rmap';
import { wroteWatched } from './util';

export interface RcuReaderSubject {
  anon_vma_places(page: Page): Kernel<number>;
}

export function* rcuReaderHarness(page: Page, subject: RcuReaderSubject): Kernel<void> {
  const { mc0, un0, len0, anon0, head } = yield* probe('check: before the call', [page.mapping.addr, page._mapcount.addr], (m) => {
    const mapping = m.mem.get(page.mapping.addr);
    const anon = (mapping & 1) !== 0;
    const h = anon ? handleAt('anon_vma', mapping & ~1).head.addr : 0;
    return { anon0: anon, mc0: m.mem.get(page._mapcount.addr), un0: m.mem.unmaps.get(page.addr) ?? 0, head: h, len0: h === 0 ? 0 : m.mem.getList(h).length };
  });
  const n: unknown = yield* subject.anon_vma_places(page);
  yield probeOp('check: contract', head === 0 ? [page.mapping.addr, page._mapcount.addr] : [page.mapping.addr, page._mapcount.addr, head], (m, tid) => {
    const fail = (why: string, lines: string[]): void => { m.fail('contract', tid, why, report.contract('anon_vma_places()', lines)); };
    const mc = m.mem.get(page._mapcount.addr);
    const unmapped = mc0 < 0 || mc < 0 || (m.mem.unmaps.get(page.addr) ?? 0) !== un0;
    const wrote = wroteWatched(m, tid, 'anon_vma_places()', 'may return -1 only when another thread unmapped the page');
    if (wrote !== undefined) { fail(...wrote); return; }
    if (typeof n !== 'number' || !Number.isInteger(n) || n < -1) { fail('anon_vma_places() must return a count, or -1', [`returned ${String(n)}`]); return; }
    if (n === -1) {
      if (anon0 && !unmapped) fail('it returned -1 although the page stayed mapped for the whole call', [`${m.mem.describe(page.addr)} was mapped throughout (_mapcount ${mc0} → ${mc})`]);
      return;
    }
    if (!anon0) { fail('it returned a count for a page that is not anonymous: it must return -1', [`returned ${n}; page->mapping has PAGE_MAPPING_ANON clear`]); return; }
    if (mc0 < 0) { fail('it returned a count for a page that was not mapped: page->mapping is stale, it must return -1', [`returned ${n}; ${m.mem.describe(page.addr)} had _mapcount ${mc0} when the call began`]); return; }
    const lenNow = m.mem.getList(head).length;
    if (n > len0 || n < lenNow) fail('the count is not the length of the anon_vma\'s list at any moment of the call',
      [`returned ${n}; the list had ${len0} entr${len0 === 1 ? 'y' : 'ies'} at the start and has ${lenNow} now`]);
  });
}

/** Lesson 2's toy exit: unmap the page, unlink the vma from each anon_vma it is linked to (its
 *  own first), and free an anon_vma left empty with kfree_rcu(): after a grace period. */
export function* exit_kfree_rcu(vma: Vma, pages: readonly Page[]): Kernel<void> {
  for (const p of pages) yield* page_remove_rmap(p);
  const avs = yield* k.list_entries(vma.anon_vma_chain);
  for (let i = avs.length - 1; i >= 0; i--) {
    const av = avs[i];
    yield* anon_vma_lock('2.6.36', av);
    yield* k.list_del(vma, av.head);
    const empty = yield* k.list_empty(av.head);
    yield* anon_vma_unlock('2.6.36', av);
    yield* k.list_del(av, vma.anon_vma_chain);
    if (empty) yield* k.kfree_rcu(av);
  }
}

