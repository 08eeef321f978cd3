// Page migration's pin before Hugh Dickins' "mm: fix migration hangs on anon_vma lock"
// (1ce82b69e96c, Jan 2011, Cc stable 2.6.36 and 2.6.37): unmap_and_move() checked page_mapped()
// under rcu_read_lock() and then took a reference with a plain increment, trusting the check.
// The anon_vma may already have been freed back to its slab by then, and even reused with
// another ->root; his changelog says the review of f18194275c39 had missed it. Written here
// against exercise 06's 3.0 refcount (the 2.6.36 code dropped its reference through the root's
// spinlock, which is where it hung). Expected: fails exercise 06 (a revived or reused anon_vma).
import {
  Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, atomic_inc, atomic_dec_and_test, mutex_lock, mutex_unlock, kmem_cache_free, anon_vma_cachep,
} from '../../../sim/api';

function* anon_vma_free(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* mutex_lock(root.mutex);
  yield* mutex_unlock(root.mutex);
  yield* kmem_cache_free(anon_vma_cachep, anon_vma);
}

export function* put_anon_vma(anon_vma: AnonVma): Kernel<void> {
  if (!(yield* atomic_dec_and_test(anon_vma.refcount))) return;
  const root = yield* READ_ONCE(anon_vma.root);
  yield* anon_vma_free(anon_vma);
  if (root.addr !== anon_vma.addr && (yield* atomic_dec_and_test(root.refcount))) yield* anon_vma_free(root);
}

export function* page_get_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  let anon_vma: AnonVma | null = null;
  if (PageAnon(anon_mapping) && (yield* page_mapped(page))) {
    // "mapped, so its anon_vma exists": true when checked, not one step later
    anon_vma = anon_vma_from_mapping(anon_mapping);
    yield* atomic_inc(anon_vma.refcount); // get_anon_vma()
  }
  yield* rcu_read_unlock();
  return anon_vma;
}
