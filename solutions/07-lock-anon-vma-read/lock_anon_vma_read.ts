// Reference for exercise 07 (lesson 7): Linux 3.8's page_lock_anon_vma_read(). Ingo Molnar made
// the anon_vma lock an rw-semaphore (5a505085f043) and let rmap walkers take it for reading
// (4fc3f1d66b1e). A semaphore sleeps, so it cannot be *waited for* inside rcu_read_lock(); but
// down_read_trylock() never sleeps. So: a fast path that tries the lock under RCU and re-checks
// page_mapped(), as Hugh's 2010 fix did; and a slow path that pins with a reference (exercise
// 06), leaves RCU, sleeps in down_read(), then drops the reference — carefully, since it may be
// the last. Today's folio_lock_anon_vma_read() keeps this shape.
import {
  Kernel, Page, AnonVma, rcu_read_lock, rcu_read_unlock, READ_ONCE, ACCESS_ONCE, page_mapped, PageAnon,
  anon_vma_from_mapping, atomic_inc_not_zero, atomic_dec_and_test, down_read_trylock, down_read, up_read,
  down_write, up_write, kmem_cache_free, anon_vma_cachep,
} from '../../sim/api';

/** Given: anon_vma_free() (3.8). Before the memory goes back to the cache, wait for anyone who
 *  holds the root's rwsem (the kernel asks rwsem_is_locked() first, then takes it for write).
 *  May sleep: never call it inside RCU, nor while you hold the root's rwsem yourself. */
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

/** Given: drop a reference; the last one frees (may sleep). */
export function* put_anon_vma(anon_vma: AnonVma): Kernel<void> {
  if (yield* atomic_dec_and_test(anon_vma.refcount)) yield* __put_anon_vma(anon_vma);
}

/** The page's anon_vma with its root's rwsem held for reading, or NULL if the page is not (or
 *  no longer) mapped. Returns outside RCU, holding no reference. */
export function* page_lock_anon_vma_read(page: Page): Kernel<AnonVma | null> {
  yield* rcu_read_lock();
  const anon_mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(anon_mapping) || !(yield* page_mapped(page))) {
    yield* rcu_read_unlock();
    return null;
  }
  const anon_vma = anon_vma_from_mapping(anon_mapping);
  const root = yield* ACCESS_ONCE(anon_vma.root); // read once: this is the lock we may take

  // Fast path: a trylock never sleeps, so it is allowed inside RCU. Then Hugh's re-check: still
  // mapped means this anon_vma is the page's, and it cannot be freed while we hold its root's
  // lock (unlinking needs the lock for write), so ->root will not change before the unlock.
  if (yield* down_read_trylock(root.rwsem)) {
    if (!(yield* page_mapped(page))) {
      yield* up_read(root.rwsem); // the lock we took, not a re-read one
      yield* rcu_read_unlock();
      return null;
    }
    yield* rcu_read_unlock();
    return anon_vma;
  }

  // Slow path: pin with a reference (which fails on a dying anon_vma), re-check, leave RCU.
  if (!(yield* atomic_inc_not_zero(anon_vma.refcount))) {
    yield* rcu_read_unlock();
    return null;
  }
  if (!(yield* page_mapped(page))) {
    yield* rcu_read_unlock();
    yield* put_anon_vma(anon_vma); // may be the last, and freeing may sleep: outside RCU
    // (3.8 put it inside; Hugh Dickins's May 2014 fix moved it out, as in exercise 06)
    return null;
  }
  yield* rcu_read_unlock();

  // Pinned: this anon_vma, and so its ->root, cannot be freed. Now we may sleep.
  yield* down_read((yield* READ_ONCE(anon_vma.root)).rwsem);

  // Drop the pin; the read lock now keeps the anon_vma (as on the fast path). But if ours was
  // the last reference (everyone else let go while we slept), we must free it — and freeing
  // takes the root's rwsem for write: release our read lock first, or we wait for ourselves.
  if (yield* atomic_dec_and_test(anon_vma.refcount)) {
    yield* up_read((yield* READ_ONCE(anon_vma.root)).rwsem);
    yield* __put_anon_vma(anon_vma);
    return null; // its list was empty: the page was unmapped
  }
  return anon_vma;
}

/** Undo a successful page_lock_anon_vma_read(). While we hold the read lock and the page was
 *  mapped, the anon_vma cannot be freed, so reading ->root again is safe here. */
export function* page_unlock_anon_vma_read(anon_vma: AnonVma): Kernel<void> {
  yield* up_read((yield* READ_ONCE(anon_vma.root)).rwsem);
}
