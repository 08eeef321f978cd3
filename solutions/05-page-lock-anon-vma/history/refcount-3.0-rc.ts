// Linux 3.0-rc (May 2011), after Peter Zijlstra made the anon_vma lock a mutex (it cannot be
// taken inside rcu_read_lock) and page_get_anon_vma() pinned with a refcount (746b18d421da).
// The fast path tried mutex_trylock() on anon_vma->root and then trusted a nonzero refcount —
// but a racing anon_vma_alloc() may just have reallocated the object (refcount 1) and be about
// to reset ->root, so the unlock re-reads a different root. Hugh Dickins, "mm: fix
// page_lock_anon_vma leaving mutex locked", called it a replay of f18194275c39.
// Expected: fails the 3.0 seed scenario (bad unlock, then the hang in anon_vma_prepare).
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, mutex_trylock, mutex_lock, mutex_unlock, atomic_read, atomic_inc_not_zero,
  atomic_dec_and_test } from '../../../sim/api';

export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping) || !(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  const root = yield* READ_ONCE(anon_vma.root);
  if (yield* mutex_trylock(root.mutex)) {
    // "If we observe a non-zero refcount, holding the lock keeps the anon_vma" — not if it was
    // freed and reallocated in between.
    if ((yield* atomic_read(anon_vma.refcount)) === 0) {
      yield* mutex_unlock((yield* READ_ONCE(anon_vma.root)).mutex);
      yield* rcu_read_unlock();
      return null;
    }
    yield* rcu_read_unlock();
    return anon_vma;
  }
  if (!(yield* atomic_inc_not_zero(anon_vma.refcount))) { yield* rcu_read_unlock(); return null; }
  if (!(yield* page_mapped(page))) {
    yield* rcu_read_unlock();
    yield* atomic_dec_and_test(anon_vma.refcount); // the real code's put_anon_vma (a last reference leaves the slot unused here)
    return null;
  }
  yield* rcu_read_unlock();
  yield* mutex_lock((yield* READ_ONCE(anon_vma.root)).mutex);
  if (yield* atomic_dec_and_test(anon_vma.refcount)) {
    yield* mutex_unlock((yield* READ_ONCE(anon_vma.root)).mutex);
    return null;
  }
  return anon_vma;
}

export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  yield* mutex_unlock((yield* READ_ONCE(anon_vma.root)).mutex);
}
