// Whole kernel paths that scenarios run as threads: a process exiting, a fork whose child then
// exits, a first fault (anon_vma_prepare), a swap-in that remaps a page under the page lock, a
// hugetlb COW that moves a page's anon_vma without it, and an rmap walker (reclaim/migration)
// that holds the page lock around page_lock_anon_vma.
import * as k from '../api';
import type { Page, Vma, Kernel, AnonVma } from '../api';
import { KernelVersion } from './version';
import { anon_vma_fork, anon_vma_prepare, unlink_anon_vmas } from './anonVma';
import { page_add_anon_rmap, page_move_anon_rmap, page_remove_rmap } from './rmap';

/** exit_mmap(): zap the page (if this vma maps it), then free_pgtables → unlink_anon_vmas. */
export function* exit_mmap(v: KernelVersion, vma: Vma, pages: readonly Page[]): Kernel<void> {
  for (const p of pages) yield* page_remove_rmap(p);
  yield* unlink_anon_vmas(v, vma);
}

/** dup_mmap() for one vma, then the child exits at once (it never faults its pages). */
export function* fork_then_exit(v: KernelVersion, pvma: Vma, child: Vma): Kernel<void> {
  yield* anon_vma_fork(v, child, pvma);
  yield* unlink_anon_vmas(v, child);
}

/** do_anonymous_page()'s first step: give the faulting vma an anon_vma. */
export function* first_fault(v: KernelVersion, vma: Vma): Kernel<void> {
  yield* anon_vma_prepare(v, vma);
}

/** do_swap_page(): lock the page, map it again, unlock. */
export function* swap_in(v: KernelVersion, page: Page, vma: Vma): Kernel<void> {
  yield* k.lock_page(page);
  yield* page_add_anon_rmap(v, page, vma);
  yield* k.unlock_page(page);
}

/** Unmap the page (a racing munmap), then swap it back in under the page lock. */
export function* unmap_then_swap_in(v: KernelVersion, page: Page, vma: Vma): Kernel<void> {
  yield* page_remove_rmap(page);
  yield* swap_in(v, page, vma);
}

/** hugetlb_cow() reusing the page: 2.6.36 called page_move_anon_rmap without the page lock. */
export function* hugetlb_cow_reuse(page: Page, vma: Vma, withPageLock: boolean): Kernel<void> {
  if (withPageLock) yield* k.lock_page(page);
  yield* page_move_anon_rmap(page, vma);
  if (withPageLock) yield* k.unlock_page(page);
}

export type LockFn = (page: Page) => Kernel<AnonVma | null>;
export type UnlockFn = (av: AnonVma) => Kernel<void>;
