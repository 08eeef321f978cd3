// Lesson 6 demos: subjects for pin-with-a-reference, written against the 3.0 refcount. They are
// the lesson's code (and the history variants' shapes) with the mistakes as switches, so a demo
// can run the right one and the wrong one on the same scenario (course/ may not import
// solutions/, so the demos carry their own copies).
//  getter({...})      page_get_anon_vma + put_anon_vma (exercise 06's subject)
//  lockAnonVma30(...) 3.0's page_lock_anon_vma: mutex_trylock fast path, refcount slow path;
//                     trustRefcount = the 3.0-rc code Hugh Dickins fixed in eee0f252c653
import * as k from '../../sim/api';
import type { AnonVma, Kernel, Page } from '../../sim/api';
import type { PageGetSubject } from '../pageGetHarness';
import type { PageLockSubject } from '../pageLockHarness';

function* anon_vma_free(av: AnonVma): Kernel<void> {
  const root = yield* k.READ_ONCE(av.root);
  yield* k.mutex_lock(root.mutex);
  yield* k.mutex_unlock(root.mutex);
  yield* k.kmem_cache_free(k.anon_vma_cachep, av);
}

export interface GetterFaults {
  /** atomic_inc() instead of atomic_inc_not_zero() */
  readonly plainInc?: boolean;
  /** no page_mapped() re-check under the pin (the Jan 2011 migration shape, with plainInc) */
  readonly noRecheck?: boolean;
  /** the last put frees the root before the child (3.0's __put_anon_vma, fixed 624483f3ea82) */
  readonly rootFirst?: boolean;
}

export function getter(f: GetterFaults = {}): PageGetSubject {
  function* put_anon_vma(av: AnonVma): Kernel<void> {
    if (!(yield* k.atomic_dec_and_test(av.refcount))) return;
    const root = yield* k.READ_ONCE(av.root);
    const dropRoot = function* (): Kernel<void> {
      if (root.addr !== av.addr && (yield* k.atomic_dec_and_test(root.refcount))) yield* anon_vma_free(root);
    };
    if (f.rootFirst) { yield* dropRoot(); yield* anon_vma_free(av); } else { yield* anon_vma_free(av); yield* dropRoot(); }
  }
  function* page_get_anon_vma(page: Page): Kernel<AnonVma | null> {
    yield* k.rcu_read_lock();
    const mapping = yield* k.READ_ONCE(page.mapping);
    if (!k.PageAnon(mapping) || !(yield* k.page_mapped(page))) { yield* k.rcu_read_unlock(); return null; }
    const av = k.anon_vma_from_mapping(mapping);
    if (f.plainInc) yield* k.atomic_inc(av.refcount);
    else if (!(yield* k.atomic_inc_not_zero(av.refcount))) { yield* k.rcu_read_unlock(); return null; }
    if (!f.noRecheck && !(yield* k.page_mapped(page))) {
      yield* k.rcu_read_unlock();
      yield* put_anon_vma(av);
      return null;
    }
    yield* k.rcu_read_unlock();
    return av;
  }
  return { page_get_anon_vma, put_anon_vma };
}

/** Linux 3.0's page_lock_anon_vma(); with trustRefcount, the 3.0-rc fast path. */
export function lockAnonVma30(trustRefcount: boolean): PageLockSubject {
  function* page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
    yield* k.rcu_read_lock();
    const mapping = yield* k.READ_ONCE(page.mapping);
    if (!k.PageAnon(mapping) || !(yield* k.page_mapped(page))) { yield* k.rcu_read_unlock(); return null; }
    const av = k.anon_vma_from_mapping(mapping);
    const root = yield* k.ACCESS_ONCE(av.root);
    if (yield* k.mutex_trylock(root.mutex)) {
      const gone = trustRefcount ? (yield* k.atomic_read(av.refcount)) === 0 : !(yield* k.page_mapped(page));
      if (gone) {
        yield* k.mutex_unlock(trustRefcount ? (yield* k.READ_ONCE(av.root)).mutex : root.mutex);
        yield* k.rcu_read_unlock();
        return null;
      }
      yield* k.rcu_read_unlock();
      return av;
    }
    if (!(yield* k.atomic_inc_not_zero(av.refcount))) { yield* k.rcu_read_unlock(); return null; }
    if (!(yield* k.page_mapped(page))) { yield* k.rcu_read_unlock(); yield* k.atomic_dec_and_test(av.refcount); return null; }
    yield* k.rcu_read_unlock();
    yield* k.mutex_lock((yield* k.READ_ONCE(av.root)).mutex);
    if (yield* k.atomic_dec_and_test(av.refcount)) { yield* k.mutex_unlock((yield* k.READ_ONCE(av.root)).mutex); return null; }
    return av;
  }
  function* page_unlock_anon_vma(av: AnonVma): Kernel<void> {
    yield* k.mutex_unlock((yield* k.READ_ONCE(av.root)).mutex);
  }
  return { page_lock_anon_vma, page_unlock_anon_vma };
}
