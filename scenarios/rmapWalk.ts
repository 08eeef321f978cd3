// Exercise 01's scenarios: a reverse-mapping walk in a quiet world. Nothing races with the
// walker; what varies is the page (the root's, a child's own copy, a file page, a page whose
// process exited before the walk). Kernel 2.6.36: every anon_vma points at its tree's root,
// and the root's lock is the one to hold while walking.
import type { Machine } from '../sim/machine';
import { World } from '../sim/world';
import { handleAt } from '../sim/handles';
import { exit_mmap } from '../sim/mm/process';
import type { Scenario } from './scenario';
import { RmapWalkSubject, rmapWalkHarness } from './rmapWalkHarness';
import { runToEnd } from './util';

type S = Scenario<RmapWalkSubject>;
const V = '2.6.36';

/** A page mapped by a parent and its forked child (copy-on-write, not yet copied). */
export function quiet(): S {
  return {
    name: 'quiet', summary: 'nobody else runs: a page mapped by a parent and its child', version: V,
    build(m: Machine, subject: RmapWalkSubject): void {
      const w = new World(m, V);
      const parent = w.process();
      w.fork(parent);
      const page = w.page(parent);
      m.mem.set(page._mapcount.addr, 1); // two ptes: the parent's and the child's
      m.spawn('walker', () => rmapWalkHarness(page, subject));
    },
  };
}

/** The child's own copy: its anon_vma is not a root, so its own lock is the wrong one. */
export function childPage(): S {
  return {
    name: 'child-page', summary: 'a child\'s own copy of a page: its anon_vma is not the root of its tree', version: V,
    build(m, subject) {
      const w = new World(m, V);
      const parent = w.process();
      const child = w.fork(parent);
      w.fork(child); // a grandchild: also on the child's anon_vma list
      const page = w.page(child);
      m.spawn('walker', () => rmapWalkHarness(page, subject));
    },
  };
}

/** A page cache page: page->mapping is an address_space, the PAGE_MAPPING_ANON bit clear. */
export function filePage(): S {
  return {
    name: 'file-page', summary: 'a file page: page->mapping points at an address_space, the anon bit is clear', version: V,
    build(m, subject) {
      const w = new World(m, V);
      w.process();
      const page = handleAt('page', m.mem.setupAlloc('pages'));
      m.mem.set(page.mapping.addr, 0x9000); // a struct address_space outside the model's slabs
      m.mem.set(page._mapcount.addr, 0);
      m.spawn('walker', () => rmapWalkHarness(page, subject));
    },
  };
}

/** The child exited before the walk: its page is unmapped and its anon_vma freed, but
 *  page->mapping still names it (anon pages keep ->mapping until the page is freed). */
export function unmapped(): S {
  return {
    name: 'unmapped', summary: 'the child exited before the walk: page->mapping still names its freed anon_vma', version: V,
    notes: { 'use-after-free': 'the page is no longer mapped, yet page->mapping still names the anon_vma freed when the child exited; only page_mapped() tells whether that anon_vma is alive' },
    build(m, subject) {
      const w = new World(m, V);
      const parent = w.process();
      const child = w.fork(parent);
      const page = w.page(child);
      m.spawn('walker', () => rmapWalkHarness(page, subject));
      runToEnd(m, m.spawn('exit', exit_mmap(V, child, [page])));
    },
  };
}

export const RMAP_WALK: Readonly<Record<string, () => S>> = {
  quiet, 'child-page': childPage, 'file-page': filePage, unmapped,
};
