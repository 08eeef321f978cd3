// Christoph Lameter's rule from the seed thread (Aug 2010): with SLAB_DESTROY_BY_RCU you may
// rely only on the type; pin the object (here: take the lock), then re-verify everything you
// read before the pin — ->root is still the root you locked, page->mapping still names this
// anon_vma, the page is still mapped — and retry or give up otherwise. Stricter than Hugh's fix,
// and it re-checks page->mapping itself. Expected: passes every scenario where callers hold the
// page lock; like Hugh's fix it fails hugetlb-move, where the page moves after its last check.
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, spin_lock, spin_unlock } from '../../../sim/api';

export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  for (let tries = 0; tries < 8; tries++) {
    const anon_mapping = yield* READ_ONCE(page.mapping);
    if (!PageAnon(anon_mapping) || !(yield* page_mapped(page))) break;
    const anon_vma = anon_vma_from_mapping(anon_mapping);
    const root = yield* READ_ONCE(anon_vma.root);
    yield* spin_lock(root.lock);
    const still = (yield* READ_ONCE(anon_vma.root)).addr === root.addr
      && (yield* READ_ONCE(page.mapping)) === anon_mapping
      && (yield* page_mapped(page));
    if (still) return anon_vma;
    yield* spin_unlock(root.lock);
  }
  yield* rcu_read_unlock();
  return null;
}

export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_unlock(root.lock);
  yield* rcu_read_unlock();
}
