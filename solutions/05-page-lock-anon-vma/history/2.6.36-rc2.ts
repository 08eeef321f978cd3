// Linux 2.6.36-rc2, mm/rmap.c, as it stood before Hugh Dickins' f18194275c39.
// Shows the seed bug: anon_vma_lock() reads anon_vma->root to lock it, and
// anon_vma_unlock() reads it again to unlock; if the anon_vma was freed and reused in between
// (anon_vma_fork or anon_vma_prepare rewrite ->root), the walker unlocks a different lock and
// leaves the one it took held forever. Expected: bad-unlock or hang on the seed scenario.
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, spin_lock, spin_unlock } from '../../../sim/api';

export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping)) { yield* rcu_read_unlock(); return null; }
  if (!(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  // anon_vma_lock(anon_vma): spin_lock(&anon_vma->root->lock)
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_lock(root.lock);
  return anon_vma;
}

export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  // anon_vma_unlock(anon_vma): spin_unlock(&anon_vma->root->lock) — ->root read afresh
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_unlock(root.lock);
  yield* rcu_read_unlock();
}
