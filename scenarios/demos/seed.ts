// Lessons 4 and 5 demos: page_lock_anon_vma() as each side of the August 2010 thread wrote
// it or argued for it, on the simulator's API (the course's own rendering, not kernel source;
// solutions/05-page-lock-anon-vma/history/ holds the same variants as graded files, and
// test/scenarios/seedDemos.test.ts holds the two to the same verdicts). Plus one world the
// page-lock scenarios lack: the page unmapped and mapped again while the walker holds no page
// lock (Christoph Lameter's question to Hugh Dickins).
import * as k from '../../sim/api';
import type { AnonVma, Kernel, Page } from '../../sim/api';
import type { Machine } from '../../sim/machine';
import { World } from '../../sim/world';
import { unmap_then_swap_in } from '../../sim/mm/process';
import { PageLockSubject, rmapWalker } from '../pageLockHarness';
import type { Scenario } from '../scenario';

/** The first check every version makes: an anon page that is mapped now, else NULL. */
function* mappedAnonVma(page: Page): Kernel<AnonVma | null> {
  const mapping = yield* k.READ_ONCE(page.mapping);
  if (!k.PageAnon(mapping) || !(yield* k.page_mapped(page))) return null;
  return k.anon_vma_from_mapping(mapping);
}

/** 2.6.36's anon_vma_unlock(): reads ->root afresh, unlocks that root, leaves RCU. */
function* unlockRoot(anon_vma: AnonVma): Kernel<void> {
  const root = yield* k.READ_ONCE(anon_vma.root);
  yield* k.spin_unlock(root.lock);
  yield* k.rcu_read_unlock();
}

/** 2.6.35: each anon_vma has its own lock, inside the object itself. */
export const v2635: PageLockSubject = {
  *page_lock_anon_vma(page) {
    yield* k.rcu_read_lock();
    const anon_vma = yield* mappedAnonVma(page);
    if (anon_vma === null) { yield* k.rcu_read_unlock(); return null; }
    yield* k.spin_lock(anon_vma.lock);
    return anon_vma;
  },
  *page_unlock_anon_vma(anon_vma) {
    yield* k.spin_unlock(anon_vma.lock);
    yield* k.rcu_read_unlock();
  },
};

/** 2.6.36-rc2: anon_vma_lock() reads ->root and locks it; the unlock reads ->root again. */
export const rc2: PageLockSubject = {
  *page_lock_anon_vma(page) {
    yield* k.rcu_read_lock();
    const anon_vma = yield* mappedAnonVma(page);
    if (anon_vma === null) { yield* k.rcu_read_unlock(); return null; }
    const root = yield* k.READ_ONCE(anon_vma.root); // anon_vma_lock(anon_vma)
    yield* k.spin_lock(root.lock);
    return anon_vma;
  },
  page_unlock_anon_vma: unlockRoot,
};

/** Andrea Arcangeli's position (Aug 26, 2010): the one check after rcu_read_lock() suffices,
 *  ->root cannot change inside the RCU section, no ACCESS_ONCE needed. Written out, that is
 *  rc2's code, with the root kept in a local for the lock. */
export const andrea: PageLockSubject = {
  *page_lock_anon_vma(page) {
    yield* k.rcu_read_lock();
    const anon_vma = yield* mappedAnonVma(page); // "a single check is enough"
    if (anon_vma === null) { yield* k.rcu_read_unlock(); return null; }
    const root = yield* k.READ_ONCE(anon_vma.root); // "can't change" under RCU: it can
    yield* k.spin_lock(root.lock);
    return anon_vma;
  },
  page_unlock_anon_vma: unlockRoot,
};

/** Hugh Dickins' fix (f18194275c39): read ->root once, lock it, re-check page_mapped() under
 *  the lock; on failure unlock the lock actually taken. */
export const hugh: PageLockSubject = {
  *page_lock_anon_vma(page) {
    yield* k.rcu_read_lock();
    const anon_vma = yield* mappedAnonVma(page);
    if (anon_vma === null) { yield* k.rcu_read_unlock(); return null; }
    const root_anon_vma = yield* k.ACCESS_ONCE(anon_vma.root);
    yield* k.spin_lock(root_anon_vma.lock);
    if (yield* k.page_mapped(page)) return anon_vma;
    yield* k.spin_unlock(root_anon_vma.lock);
    yield* k.rcu_read_unlock();
    return null;
  },
  page_unlock_anon_vma: unlockRoot,
};

/** Hugh's fix without ACCESS_ONCE: the compiler may load ->root again for the failure path's
 *  unlock; this writes that second load out. */
export const noAccessOnce: PageLockSubject = {
  *page_lock_anon_vma(page) {
    yield* k.rcu_read_lock();
    const anon_vma = yield* mappedAnonVma(page);
    if (anon_vma === null) { yield* k.rcu_read_unlock(); return null; }
    yield* k.spin_lock((yield* k.READ_ONCE(anon_vma.root)).lock);
    if (yield* k.page_mapped(page)) return anon_vma;
    yield* k.spin_unlock((yield* k.READ_ONCE(anon_vma.root)).lock); // loaded again
    yield* k.rcu_read_unlock();
    return null;
  },
  page_unlock_anon_vma: unlockRoot,
};

/** Christoph Lameter's rule (Aug 27, 2010): pin (take the lock), then verify everything read
 *  before the pin — ->root, page->mapping, page_mapped() — and look again if any changed. */
export const christoph: PageLockSubject = {
  *page_lock_anon_vma(page) {
    yield* k.rcu_read_lock();
    for (let tries = 0; tries < 8; tries++) {
      const mapping = yield* k.READ_ONCE(page.mapping);
      if (!k.PageAnon(mapping) || !(yield* k.page_mapped(page))) break;
      const anon_vma = k.anon_vma_from_mapping(mapping);
      const root = yield* k.READ_ONCE(anon_vma.root);
      yield* k.spin_lock(root.lock);
      const still = (yield* k.READ_ONCE(anon_vma.root)).addr === root.addr
        && (yield* k.READ_ONCE(page.mapping)) === mapping
        && (yield* k.page_mapped(page));
      if (still) return anon_vma;
      yield* k.spin_unlock(root.lock);
    }
    yield* k.rcu_read_unlock();
    return null;
  },
  page_unlock_anon_vma: unlockRoot,
};

/** The page is unmapped and swapped back in (under the page lock, as do_swap_page does) while
 *  a walker that does NOT hold the page lock runs page_lock_anon_vma(). */
export function remapNoPageLock(): Scenario<PageLockSubject> {
  return {
    name: 'remap-no-page-lock', summary: 'unmap, then swap in again, while a walker without the page lock looks', version: '2.6.36',
    build(m: Machine, subject: PageLockSubject): void {
      const w = new World(m, '2.6.36');
      const parent = w.process();
      const child = w.fork(parent);
      const page = w.page(child);
      m.spawn('walker', rmapWalker('2.6.36', page, subject, false));
      m.spawn('swapin', unmap_then_swap_in('2.6.36', page, child));
    },
  };
}
