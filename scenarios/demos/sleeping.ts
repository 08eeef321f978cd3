// Lesson 7 demos: subjects for the sleeping-lock kernels, with the lesson's mistakes as
// switches (course/ may not import solutions/, so the demos carry their own copies).
//  mutexUnderRcu:  Hugh's 2.6.36 fix with the spinlock swapped for 3.0's mutex (sleeps in RCU)
//  lockRead({...}): 3.8's page_lock_anon_vma_read and its wrong versions
import * as k from '../../sim/api';
import type { AnonVma, Kernel, Page } from '../../sim/api';
import type { PageLockSubject } from '../pageLockHarness';

/** 2.6.36's page_lock_anon_vma() (Hugh's fix) with mutex_lock() where spin_lock() was. */
export const mutexUnderRcu: PageLockSubject = {
  *page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
    yield* k.rcu_read_lock();
    const mapping = yield* k.READ_ONCE(page.mapping);
    if (!k.PageAnon(mapping) || !(yield* k.page_mapped(page))) { yield* k.rcu_read_unlock(); return null; }
    const av = k.anon_vma_from_mapping(mapping);
    const root = yield* k.ACCESS_ONCE(av.root);
    yield* k.mutex_lock(root.mutex); // a mutex may sleep: not inside rcu_read_lock()
    if (yield* k.page_mapped(page)) return av;
    yield* k.mutex_unlock(root.mutex);
    yield* k.rcu_read_unlock();
    return null;
  },
  *page_unlock_anon_vma(av: AnonVma): Kernel<void> {
    yield* k.mutex_unlock((yield* k.READ_ONCE(av.root)).mutex);
    yield* k.rcu_read_unlock();
  },
};

export interface LockReadFaults {
  /** the slow path sleeps in down_read() before rcu_read_unlock() */
  readonly sleepInRcu?: boolean;
  /** the slow path never drops its reference */
  readonly keepRef?: boolean;
  /** the fast path trusts a nonzero refcount instead of re-checking page_mapped() (3.0-rc) */
  readonly trustRefcount?: boolean;
}

function* anon_vma_free(av: AnonVma): Kernel<void> {
  const root = yield* k.READ_ONCE(av.root);
  yield* k.down_write(root.rwsem);
  yield* k.up_write(root.rwsem);
  yield* k.kmem_cache_free(k.anon_vma_cachep, av);
}
function* __put_anon_vma(av: AnonVma): Kernel<void> {
  const root = yield* k.READ_ONCE(av.root);
  yield* anon_vma_free(av);
  if (root.addr !== av.addr && (yield* k.atomic_dec_and_test(root.refcount))) yield* anon_vma_free(root);
}
function* put_anon_vma(av: AnonVma): Kernel<void> {
  if (yield* k.atomic_dec_and_test(av.refcount)) yield* __put_anon_vma(av);
}

/** page_lock_anon_vma_read() as in the lesson (3.8), or with one of its mistakes. */
export function lockRead(f: LockReadFaults = {}): PageLockSubject {
  function* page_lock_anon_vma_read(page: Page): Kernel<AnonVma | null> {
    yield* k.rcu_read_lock();
    const mapping = yield* k.READ_ONCE(page.mapping);
    if (!k.PageAnon(mapping) || !(yield* k.page_mapped(page))) { yield* k.rcu_read_unlock(); return null; }
    const av = k.anon_vma_from_mapping(mapping);
    const root = yield* k.ACCESS_ONCE(av.root);
    if (yield* k.down_read_trylock(root.rwsem)) {
      const gone = f.trustRefcount ? (yield* k.atomic_read(av.refcount)) === 0 : !(yield* k.page_mapped(page));
      if (gone) {
        yield* k.up_read(f.trustRefcount ? (yield* k.READ_ONCE(av.root)).rwsem : root.rwsem);
        yield* k.rcu_read_unlock();
        return null;
      }
      yield* k.rcu_read_unlock();
      return av;
    }
    if (!(yield* k.atomic_inc_not_zero(av.refcount))) { yield* k.rcu_read_unlock(); return null; }
    if (!(yield* k.page_mapped(page))) { yield* k.rcu_read_unlock(); yield* put_anon_vma(av); return null; }
    if (f.sleepInRcu) { yield* k.down_read((yield* k.READ_ONCE(av.root)).rwsem); yield* k.rcu_read_unlock(); }
    else { yield* k.rcu_read_unlock(); yield* k.down_read((yield* k.READ_ONCE(av.root)).rwsem); }
    if (f.keepRef) return av;
    if (yield* k.atomic_dec_and_test(av.refcount)) {
      yield* k.up_read((yield* k.READ_ONCE(av.root)).rwsem);
      yield* __put_anon_vma(av);
      return null;
    }
    return av;
  }
  function* page_unlock_anon_vma_read(av: AnonVma): Kernel<void> {
    yield* k.up_read((yield* k.READ_ONCE(av.root)).rwsem);
  }
  return { page_lock_anon_vma_read, page_unlock_anon_vma_read } as unknown as PageLockSubject;
}
