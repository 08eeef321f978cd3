// Exercise 06 — page_get_anon_vma() and put_anon_vma() for the refcount kernel (Linux 3.0).
// Read README.md in this folder first. Check your work with:  npm run check 6
//
// Every `yield*` is a point where another CPU may run. You may import only from the API.
import {
  Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, atomic_inc_not_zero, atomic_dec_and_test, mutex_lock, mutex_unlock,
  kmem_cache_free, anon_vma_cachep,
} from '../../sim/api';
// (The imports are the calls you will need.)

/** Given: anon_vma_free(). Waits for anyone holding the root's mutex, then gives the anon_vma
 *  back to its SLAB_TYPESAFE_BY_RCU cache (its slot may be reallocated at once). May sleep. */
export function* anon_vma_free(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* mutex_lock(root.mutex);
  yield* mutex_unlock(root.mutex);
  yield* kmem_cache_free(anon_vma_cachep, anon_vma);
}

/** Drop a reference taken by page_get_anon_vma(). If it was the last one: free the anon_vma,
 *  and drop the reference it held on its root (unless it is its own root), freeing the root
 *  too if that was the last. */
export function* put_anon_vma(anon_vma: AnonVma): Kernel<void> {
  // TODO
}

/** The page's anon_vma, returned with a reference of its own that the caller will drop with
 *  put_anon_vma(); or NULL if the page is not (or no longer) mapped. */
export function* page_get_anon_vma(page: Page): Kernel<AnonVma | null> {
  // TODO: under rcu_read_lock(), find the anon_vma through page.mapping (only if the page is
  // mapped), pin it with a reference that cannot revive a dying object, re-check that it is
  // still the page's, and leave the read-side section on every path. A reference you give up
  // must be put, and a put may sleep.
  return null;
}
