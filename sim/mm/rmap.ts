// Page-level rmap, modelled from mm/rmap.c (2.6.36): mapping a page adds to _mapcount (from
// -1) and, the first time, points page->mapping at the anon_vma with PAGE_MAPPING_ANON; an
// anon page keeps that mapping after it is unmapped, until it is freed. page_remove_rmap takes
// no anon_vma lock. page_move_anon_rmap (hugetlb COW reuse) rewrote page->mapping — and in
// 2.6.36 hugetlb called it without the page lock, which Hugh flagged in the seed thread.
import * as k from '../api';
import type { Page, Vma, Kernel } from '../api';

export function* page_add_anon_rmap(page: Page, vma: Vma): Kernel<void> {
  yield* k.atomic_inc(page._mapcount);
  const mapping = yield* k.READ_ONCE(page.mapping);
  if (k.PageAnon(mapping)) return;
  const av = yield* k.READ_ONCE(vma.anon_vma);
  if (av !== null) yield* k.WRITE_ONCE(page.mapping, av.addr | k.PAGE_MAPPING_ANON);
}

export function* page_remove_rmap(page: Page): Kernel<void> {
  yield* k.atomic_dec(page._mapcount);
}

/** Point an exclusively owned page at this vma's anon_vma (hugetlb_cow reuse, 2.6.36). */
export function* page_move_anon_rmap(page: Page, vma: Vma): Kernel<void> {
  const av = yield* k.READ_ONCE(vma.anon_vma);
  if (av !== null) yield* k.WRITE_ONCE(page.mapping, av.addr | k.PAGE_MAPPING_ANON);
}
