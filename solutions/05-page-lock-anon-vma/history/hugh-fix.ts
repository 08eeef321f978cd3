// Linux 2.6.36: Hugh Dickins, "mm: fix hang on anon_vma->root->lock", commit f18194275c39
// (Aug 2010, reviewed by Rik van Riel). Read ->root once (ACCESS_ONCE), lock that root, then
// re-check page_mapped() under the lock: if the page is still mapped its anon_vma cannot be
// freed, so ->root cannot change before the unlock; if not, unlock the lock actually taken and
// give up. Expected: passes every page-lock scenario where callers hold the page lock.
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, ACCESS_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, spin_lock, spin_unlock } from '../../../sim/api';

export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping)) { yield* rcu_read_unlock(); return null; }
  if (!(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  const root_anon_vma = yield* ACCESS_ONCE(anon_vma.root);
  yield* spin_lock(root_anon_vma.lock);
  if (yield* page_mapped(page)) return anon_vma;
  yield* spin_unlock(root_anon_vma.lock);
  yield* rcu_read_unlock();
  return null;
}

export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_unlock(root.lock);
  yield* rcu_read_unlock();
}
