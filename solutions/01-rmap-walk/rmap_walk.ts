// Reference for exercise 01: decode a page's mapping and walk its anon_vma, Linux 2.6.36
// style (page_anon_vma(), which in 2.6.36 tests only the tag: here it also checks
// page_mapped(); and mm/rmap.c's rmap_walk_anon()), in a quiet world where nothing
// races with us. Lesson 1 explains each step.
import {
  Kernel, Page, AnonVma, Vma, READ_ONCE, PageAnon, page_mapped, anon_vma_from_mapping,
  spin_lock, spin_unlock, list_entries,
} from '../../sim/api';

/** The page's anon_vma if it is an anonymous page that is mapped; NULL otherwise. */
export function* page_anon_vma(page: Page): Kernel<AnonVma | null> {
  // One load of page->mapping; decode it from this value only.
  const mapping = yield* READ_ONCE(page.mapping);
  // Low bit clear: a file page (an address_space) or NULL, not an anon_vma.
  if (!PageAnon(mapping)) return null;
  // An unmapped anon page keeps its old ->mapping, which may name a freed anon_vma:
  // only "mapped" proves that the anon_vma is still alive.
  if (!(yield* page_mapped(page))) return null;
  // Strip the PAGE_MAPPING_ANON tag: plain arithmetic, no memory access, no yield.
  return anon_vma_from_mapping(mapping);
}

/** Call rmap_one(vma) for each vma on the page's anon_vma list, under the tree's root lock;
 *  return how many vmas were visited (0 when the page has no anon_vma to walk). */
export function* rmap_walk_anon(page: Page, rmap_one: (vma: Vma) => Kernel<void>): Kernel<number> {
  const anon_vma = yield* page_anon_vma(page);
  if (anon_vma === null) return 0;
  // 2.6.36: the whole fork tree shares its root's lock (Rik van Riel, "mm: always lock the
  // root (oldest) anon_vma"). Read ->root once and keep it, so that the unlock releases the
  // very lock we took (harmless here, essential in lesson 4).
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_lock(root.lock);
  const vmas = yield* list_entries(anon_vma.head);
  // Each vma is a place where the page *may* be mapped; rmap_one checks and tolerates misses.
  for (const vma of vmas) yield* rmap_one(vma);
  yield* spin_unlock(root.lock);
  return vmas.length;
}
