// Linux 3.8: the anon_vma lock became an rw-semaphore and the walker takes it for reading:
// page_lock_anon_vma_read() under RCU reads ->root once, tries down_read_trylock() (which does
// not sleep, so it may run inside RCU) and re-checks page_mapped(); otherwise it pins with a
// reference, leaves RCU and sleeps in down_read(). Today's folio_lock_anon_vma_read() keeps
// the shape. Expected: passes the 3.8 seeds.
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, ACCESS_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, down_read_trylock, down_read, up_read, atomic_inc_not_zero, atomic_dec_and_test } from '../../../sim/api';

export function* page_lock_anon_vma_read(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping) || !(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  const root = yield* ACCESS_ONCE(anon_vma.root);
  if (yield* down_read_trylock(root.rwsem)) {
    if (!(yield* page_mapped(page))) { yield* up_read(root.rwsem); yield* rcu_read_unlock(); return null; }
    yield* rcu_read_unlock();
    return anon_vma;
  }
  if (!(yield* atomic_inc_not_zero(anon_vma.refcount))) { yield* rcu_read_unlock(); return null; }
  if (!(yield* page_mapped(page))) {
    yield* rcu_read_unlock();
    yield* atomic_dec_and_test(anon_vma.refcount);
    return null;
  }
  yield* rcu_read_unlock();
  yield* down_read((yield* READ_ONCE(anon_vma.root)).rwsem);
  if (yield* atomic_dec_and_test(anon_vma.refcount)) {
    yield* up_read((yield* READ_ONCE(anon_vma.root)).rwsem);
    return null;
  }
  return anon_vma;
}

export function* page_unlock_anon_vma_read(anon_vma: AnonVma): Kernel<void> {
  yield* up_read((yield* READ_ONCE(anon_vma.root)).rwsem);
}
