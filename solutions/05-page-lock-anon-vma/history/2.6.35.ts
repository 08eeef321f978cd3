// Linux 2.6.35, before root locking: each anon_vma had its own lock, taken in the object
// itself, so lock and unlock always paired even on a freed-and-reused anon_vma (a stale answer
// was known and harmless: walkers tolerate a wrong list). Expected on the root-lock kernel:
// fails wherever the page's anon_vma is not its own root — it locks the wrong lock for the
// 2.6.36 contract — and passes where anon_vma == root.
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, spin_lock, spin_unlock } from '../../../sim/api';

export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping)) { yield* rcu_read_unlock(); return null; }
  if (!(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  yield* spin_lock(anon_vma.lock);
  return anon_vma;
}

export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  yield* spin_unlock(anon_vma.lock);
  yield* rcu_read_unlock();
}
