// Reference for exercise 05: page_lock_anon_vma() for the root-lock kernel (2.6.36), as Hugh
// Dickins fixed it in f18194275c39 (Aug 2010). Graded like any submission.
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, ACCESS_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, spin_lock, spin_unlock } from '../../sim/api';

export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  // RCU keeps whatever page->mapping points at an anon_vma (SLAB_TYPESAFE_BY_RCU)...
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping)) { yield* rcu_read_unlock(); return null; }
  // ...but only if it was live during this read-side section: a mapped page proves that.
  if (!(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  // Read ->root exactly once: anon_vma_fork or anon_vma_prepare may rewrite it on reuse.
  const root = yield* ACCESS_ONCE(anon_vma.root);
  yield* spin_lock(root.lock);
  // Pinned by the root lock; now re-check. Still mapped: the anon_vma cannot be freed (unlink
  // needs this lock), so ->root cannot change before page_unlock_anon_vma reads it again.
  if (yield* page_mapped(page)) return anon_vma;
  // Unmapped meanwhile: the anon_vma may be someone else's now. Unlock the lock we took.
  yield* spin_unlock(root.lock);
  yield* rcu_read_unlock();
  return null;
}

export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_unlock(root.lock);
  yield* rcu_read_unlock();
}
