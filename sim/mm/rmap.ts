// Page-level rmap, modelled from mm/rmap.c (2.6.36): mapping a page adds to _mapcount (from
// -1) and, the first time, points page->mapping at the anon_vma with PAGE_MAPPING_ANON; an
// anon page keeps that mapping after it is unmapped, until it is freed. page_remove_rmap takes
// no anon_vma lock. page_move_anon_rmap (hugetlb COW reuse) rewrote page->mapping — and in
// 2.6.36 hugetlb called it without the page lock, which Hugh flagged in the seed thread.
import * as k from '../api';
import type { Page, Vma, Kernel } from '../api';
import { KernelVersion, lockFlavour } from './version';

/** A swap-in maps the page again (do_swap_page → page_add_anon_rmap). A page that is not anon
 *  yet may be mapped in other vmas of the tree too, so 2.6.36 points it at the vma's *root*
 *  anon_vma, the oldest (__page_set_anon_rmap with exclusive = 0). */
export function* page_add_anon_rmap(v: KernelVersion, page: Page, vma: Vma): Kernel<void> {
  yield* k.atomic_inc(page._mapcount);
  const mapping = yield* k.READ_ONCE(page.mapping);
  if (k.PageAnon(mapping)) return;
  const av = yield* k.READ_ONCE(vma.anon_vma);
  if (av === null) return;
  const target = lockFlavour(v) === 'own-spin' ? av : yield* k.READ_ONCE(av.root);
  yield* k.WRITE_ONCE(page.mapping, target.addr | k.PAGE_MAPPING_ANON);
}

export function* page_remove_rmap(page: Page): Kernel<void> {
  yield* k.atomic_dec(page._mapcount);
}

/** Point an exclusively owned page at this vma's anon_vma (hugetlb_cow reuse, 2.6.36). */
export function* page_move_anon_rmap(page: Page, vma: Vma): Kernel<void> {
  const av = yield* k.READ_ONCE(vma.anon_vma);
  if (av !== null) yield* k.WRITE_ONCE(page.mapping, av.addr | k.PAGE_MAPPING_ANON);
}
