// The scenarios for page_lock_anon_vma()-like functions (exercise 05 and the history variants).
// Each builds a world with World and spawns an rmap walker plus the adversary's threads.
import type { Machine } from '../sim/machine';
import { World } from '../sim/world';
import { exit_mmap, unmap_then_swap_in, hugetlb_cow_reuse } from '../sim/mm/process';
import type { KernelVersion } from '../sim/mm/version';
import type { Scenario } from './scenario';
import { seedWorld } from './worlds';
import { PageLockSubject, rmapWalker } from './pageLockHarness';

type S = Scenario<PageLockSubject>;

/** The seed (Hugh Dickins, Aug 2010): the page's anon_vma is freed by an exiting process and
 *  its slot reused by anon_vma_fork (root = another tree's root), then by anon_vma_prepare
 *  (root = itself), while the walker is inside page_lock_anon_vma. K extra fork/exit pairs
 *  on unrelated processes scale the state space (churn). */
export function seed(version: KernelVersion = '2.6.36', extra = 0): S {
  return {
    name: extra === 0 ? 'seed' : `seed-churn-${extra}`,
    summary: extra === 0
      ? 'an exiting process frees the page\'s anon_vma; anon_vma_fork, then anon_vma_prepare, reuse its slot'
      : `the seed, plus ${extra} unrelated fork/exit pair${extra > 1 ? 's' : ''}`,
    version,
    build(m: Machine, subject: PageLockSubject): void {
      const { page, adversaries } = seedWorld(m, version, extra);
      m.spawn('walker', () => rmapWalker(version, page, subject, true));
      for (const [name, g] of adversaries) m.spawn(name, g);
    },
  };
}

/** No interference: the page stays mapped; a do-nothing or always-NULL answer fails here. */
export function quiet(version: KernelVersion = '2.6.36'): S {
  return {
    name: 'quiet', summary: 'nobody else runs: the page stays mapped in a forked child', version,
    build(m, subject) {
      const w = new World(m, version);
      const parent = w.process();
      const child = w.fork(parent);
      const page = w.page(child);
      m.spawn('walker', () => rmapWalker(version, page, subject, true));
    },
  };
}

/** Exit races the walker: the page is unmapped and its anon_vma unlinked and freed; no reuse. */
export function exitVsWalk(version: KernelVersion = '2.6.36'): S {
  return {
    name: 'exit-vs-walk', summary: 'the child process exits while the walker locks: unmap, unlink, free', version,
    build(m, subject) {
      const w = new World(m, version);
      const parent = w.process();
      const child = w.fork(parent);
      const page = w.page(child);
      m.spawn('walker', () => rmapWalker(version, page, subject, true));
      m.spawn('exit', () => exit_mmap(version, child, [page]));
    },
  };
}

/** The page is unmapped and swapped back in (under the page lock, as do_swap_page does). */
export function remap(version: KernelVersion = '2.6.36'): S {
  return {
    name: 'remap', summary: 'the page is unmapped and mapped again by a swap-in that takes the page lock', version,
    build(m, subject) {
      const w = new World(m, version);
      const parent = w.process();
      const child = w.fork(parent);
      const page = w.page(child);
      m.spawn('walker', () => rmapWalker(version, page, subject, true));
      m.spawn('swapin', () => unmap_then_swap_in(version, page, child));
    },
  };
}

/** hugetlb's page_move_anon_rmap without the page lock (the bug Hugh found while auditing). */
export function hugetlbMove(version: KernelVersion = '2.6.36', withPageLock = false): S {
  return {
    name: withPageLock ? 'hugetlb-move-locked' : 'hugetlb-move',
    summary: `hugetlb COW reuse moves the page to another anon_vma ${withPageLock ? 'under' : 'without'} the page lock`, version,
    build(m, subject) {
      const w = new World(m, version);
      const parent = w.process();
      const child = w.fork(parent);
      const page = w.page(parent);
      m.spawn('walker', () => rmapWalker(version, page, subject, true));
      m.spawn('hugetlb', () => hugetlb_cow_reuse(page, child, withPageLock));
    },
  };
}
