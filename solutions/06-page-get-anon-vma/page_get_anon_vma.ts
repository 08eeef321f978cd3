// Reference for exercise 06 (lesson 6): Linux 3.0's page_get_anon_vma() and put_anon_vma(), the
// refcount pin of Peter Zijlstra's 746b18d421da ("mm: use refcounts for page_lock_anon_vma()").
// The anon_vma lock had become a mutex, which cannot be taken inside rcu_read_lock(); so the
// reader pins the anon_vma with a reference under RCU, re-checks, leaves RCU, and only then may
// sleep on the lock. The put that drops the last reference frees the anon_vma back to its
// SLAB_TYPESAFE_BY_RCU cache, so the slot may be reused at once: every pin must be able to
// fail on a dying object, and be re-checked on a live one.
import {
  Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, atomic_inc_not_zero, atomic_dec_and_test, mutex_lock, mutex_unlock,
  kmem_cache_free, anon_vma_cachep,
} from '../../sim/api';

/** Given: anon_vma_free(). Before the memory goes back to the cache, wait for anyone holding the
 *  root's mutex: a page_lock_anon_vma() may hold it without a reference (the kernel first asks
 *  mutex_is_locked(); taking and releasing it unconditionally is the same, only slower). */
export function* anon_vma_free(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* mutex_lock(root.mutex);
  yield* mutex_unlock(root.mutex);
  yield* kmem_cache_free(anon_vma_cachep, anon_vma);
}

/** Drop a reference. The last one frees the anon_vma, and then drops the reference it held on
 *  its root (every child anon_vma pins its root), freeing the root too if that was the last. */
export function* put_anon_vma(anon_vma: AnonVma): Kernel<void> {
  if (!(yield* atomic_dec_and_test(anon_vma.refcount))) return;
  // Nobody else can reach this anon_vma through a reference now; its ->root is stable.
  const root = yield* READ_ONCE(anon_vma.root);
  // Free the child *before* dropping its pin on the root: anon_vma_free() reads the root's
  // mutex. (3.0 had it the other way round; KASAN found the use-after-free in 2014, 624483f3ea82.)
  yield* anon_vma_free(anon_vma);
  if (root.addr !== anon_vma.addr && (yield* atomic_dec_and_test(root.refcount))) yield* anon_vma_free(root);
}

/** The page's anon_vma with a reference the caller drops with put_anon_vma(), or NULL if the
 *  page is not (or no longer) mapped. */
export function* page_get_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping) || !(yield* page_mapped(page))) {
    // An unmapped page's mapping may name an anon_vma freed long ago: touch nothing.
    yield* rcu_read_unlock();
    return null;
  }
  // Still an anon_vma while we are inside RCU (type-safe cache) — maybe not the page's.
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  // 1. Pin. Zero means its last reference is gone and it is being freed: never revive it.
  if (!(yield* atomic_inc_not_zero(anon_vma.refcount))) {
    yield* rcu_read_unlock();
    return null;
  }
  // 2. Re-check under the pin. Still mapped: some vma still links this anon_vma, so it is the
  //    page's (the caller holds the page lock, so the page cannot be mapped elsewhere meanwhile).
  //    Not mapped: we may have pinned someone else's (a reused slot), or a dying one: let go.
  if (!(yield* page_mapped(page))) {
    yield* rcu_read_unlock();
    yield* put_anon_vma(anon_vma); // may be the last reference: may sleep, so outside RCU
    // (3.0 put it inside; Hugh Dickins moved it out in May 2014 after Trinity hit the sleep)
    return null;
  }
  yield* rcu_read_unlock();
  return anon_vma; // the reference keeps it (and its root) alive after the section
}
