// Hugh's fix without ACCESS_ONCE: nothing then stops the compiler from loading anon_vma->root
// again for the unlock on the failure path — exactly the case where the anon_vma may have been
// freed and reused. This file writes out that second load. Expected: fails the seed scenario
// with a bad unlock (the failure path releases another tree's root lock).
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, spin_lock, spin_unlock } from '../../../sim/api';

export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping)) { yield* rcu_read_unlock(); return null; }
  if (!(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  yield* spin_lock((yield* READ_ONCE(anon_vma.root)).lock);
  if (yield* page_mapped(page)) return anon_vma;
  yield* spin_unlock((yield* READ_ONCE(anon_vma.root)).lock); // the compiler re-read ->root
  yield* rcu_read_unlock();
  return null;
}

export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_unlock(root.lock);
  yield* rcu_read_unlock();
}
