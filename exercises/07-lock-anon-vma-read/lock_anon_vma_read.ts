// Exercise 07 — page_lock_anon_vma_read() for the rwsem kernel (Linux 3.8).
// Read README.md in this folder first. Check your work with:  npm run check 7
//
// Every `yield*` is a point where another CPU may run. You may import only from the API.
import {
  Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, ACCESS_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, atomic_inc_not_zero, atomic_dec_and_test, down_read_trylock, down_read, up_read,
  down_write, up_write, kmem_cache_free, anon_vma_cachep,
} from '../../sim/api';
// (The imports are the calls you will need.)

/** Given: anon_vma_free(). Waits for anyone holding the root's rwsem (for reading or writing),
 *  then frees. It sleeps: never call it inside RCU, nor while you hold the root's rwsem. */
export function* anon_vma_free(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* down_write(root.rwsem);
  yield* up_write(root.rwsem);
  yield* kmem_cache_free(anon_vma_cachep, anon_vma);
}

/** Given: what the last put does — free the anon_vma, then drop its pin on its root. */
export function* __put_anon_vma(anon_vma: AnonVma): Kernel<void> {
  const root = yield* READ_ONCE(anon_vma.root);
  yield* anon_vma_free(anon_vma);
  if (root.addr !== anon_vma.addr && (yield* atomic_dec_and_test(root.refcount))) yield* anon_vma_free(root);
}

/** Given: drop a reference; the last one frees (so it may sleep). */
export function* put_anon_vma(anon_vma: AnonVma): Kernel<void> {
  if (yield* atomic_dec_and_test(anon_vma.refcount)) yield* __put_anon_vma(anon_vma);
}

/** The page's anon_vma with its root's rwsem held for reading, or NULL if the page is not (or
 *  no longer) mapped. Return outside RCU, holding no reference. */
export function* page_lock_anon_vma_read(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping) || !(yield* page_mapped(page))) {
    yield* rcu_read_unlock();
    return null;
  }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  const root = yield* ACCESS_ONCE(anon_vma.root);
  // TODO: this is Hugh's 2.6.36 fix with the spinlock swapped for the 3.8 rwsem — and an rwsem
  // may sleep, inside rcu_read_lock(). Keep a path that never sleeps under RCU (a trylock), and
  // when it fails, pin the anon_vma some other way before you leave RCU and sleep.
  yield* down_read(root.rwsem);
  if (!(yield* page_mapped(page))) {
    yield* up_read(root.rwsem);
    yield* rcu_read_unlock();
    return null;
  }
  yield* rcu_read_unlock();
  return anon_vma;
}

/** Undo a successful page_lock_anon_vma_read(). */
export function* page_unlock_anon_vma_read(anon_vma: AnonVma): Kernel<void> {
  yield* up_read((yield* READ_ONCE(anon_vma.root)).rwsem);
}
