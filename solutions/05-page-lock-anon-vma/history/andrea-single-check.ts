// Andrea Arcangeli's position in the seed thread (Aug 26, 2010): the patch is a "noop"; one
// page_mapped() check after rcu_read_lock() is enough, because ->root cannot change while
// the reader is inside RCU, so no ACCESS_ONCE and no second check. Written out, that is the
// rc2 code with the root read into a local: one check, lock, return. Hugh's answer: RCU with
// SLAB_DESTROY_BY_RCU keeps the memory an anon_vma, not the same anon_vma. Andrea agreed the
// next day. Expected: fails the seed scenario (bad-unlock or hang).
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, spin_lock, spin_unlock } from '../../../sim/api';

export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping) || !(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  const root = yield* READ_ONCE(anon_vma.root); // "can't change while we are in RCU" — it can
  yield* spin_lock(root.lock);
  return anon_vma;
}

export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_unlock(root.lock);
  yield* rcu_read_unlock();
}
