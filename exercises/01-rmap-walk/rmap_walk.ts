// Exercise 01 — decode a page's mapping and walk its anon_vma (quiet world: nothing races).
// Read README.md in this folder, then fill in the two functions. Check with: npm run check 1
// Every access to kernel state is a `yield*` of an API call (lesson 1).
import {
  Kernel, Page, AnonVma, Vma, READ_ONCE, PageAnon, page_mapped, anon_vma_from_mapping,
  spin_lock, spin_unlock, list_entries,
} from '../../sim/api';
// (The imports are the calls you will need.)

/** The page's anon_vma if it is an anonymous page that is mapped; NULL otherwise. */
export function* page_anon_vma(page: Page): Kernel<AnonVma | null> {
  // TODO: read page->mapping once, test the PAGE_MAPPING_ANON tag, check page_mapped(),
  // and decode the anon_vma from the value you read.
  return null;
}

/** Call rmap_one(vma) for each vma on the page's anon_vma list, holding the lock that
 *  anon_vma_lock() takes in 2.6.36; return how many vmas you visited (0 if none). */
export function* rmap_walk_anon(page: Page, rmap_one: (vma: Vma) => Kernel<void>): Kernel<number> {
  // TODO: find the anon_vma (page_anon_vma), lock the right lock, visit every vma on
  // anon_vma.head with `yield* rmap_one(vma)`, unlock the lock you took, return the count.
  return 0;
}
