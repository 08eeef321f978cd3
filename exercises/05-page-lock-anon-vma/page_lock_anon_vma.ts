// Exercise 05 — page_lock_anon_vma() for the root-lock kernel (2.6.36).
// Read README.md in this folder first. Check your work with:  npm run check 5
//
// Every `yield*` is a point where another CPU may run. You may import only from the API.
import { Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, spin_lock, spin_unlock } from '../../sim/api';

/** Lock the root of the page's anon_vma and return the anon_vma — or NULL if the page is no
 *  longer mapped. On success the caller later calls page_unlock_anon_vma(anon_vma). */
export function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping)) { yield* rcu_read_unlock(); return null; }
  if (!(yield* page_mapped(page))) { yield* rcu_read_unlock(); return null; }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  // TODO: this is the 2.6.36-rc2 code, which hangs the kernel. Fix it.
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_lock(root.lock);
  return anon_vma;
}

/** Undo a successful page_lock_anon_vma(). */
export function* page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* spin_unlock(root.lock);
  yield* rcu_read_unlock();
}
