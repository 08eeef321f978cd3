// Reference for exercise 03: a lookup on a SLAB_TYPESAFE_BY_RCU cache (lesson 3), shaped like
// the kernel's RCU socket lookups (Documentation/RCU/rculist_nulls.rst): find the object under
// rcu_read_lock(), pin it with a reference that cannot revive a dying object, then re-check
// that it is the one we wanted; if not, drop the pin and give up.
import {
  Kernel, Field, Obj, rcu_read_lock, rcu_read_unlock, rcu_dereference, READ_ONCE,
  atomic_inc_not_zero, atomic_dec_and_test, kmem_cache_free, obj_typesafe_cachep,
} from '../../sim/api';

/** Drop a reference; the last one frees the object (back to its cache, reusable at once). */
export function* obj_put(obj: Obj): Kernel<void> {
  if (yield* atomic_dec_and_test(obj.refcount)) yield* kmem_cache_free(obj_typesafe_cachep, obj);
}

/** The object published in `slot` if its key is `key`, returned with a reference the caller
 *  must drop with obj_put(); NULL if there is none. */
export function* obj_lookup(slot: Field<Obj | null>, key: number): Kernel<Obj | null> {
  // The section keeps the memory an object of this type while we look: a pointer read here
  // leads to *an* Obj, not necessarily the one that was published when we read it.
  yield* rcu_read_lock();
  const obj = yield* rcu_dereference(slot);
  if (obj === null) {
    yield* rcu_read_unlock();
    return null;
  }
  // 1. Pin. A count of zero means the object is being freed: never bring it back to life
  //    (a plain atomic_inc would). If we can't pin it, it was unpublished: give up.
  if (!(yield* atomic_inc_not_zero(obj.refcount))) {
    yield* rcu_read_unlock();
    return null;
  }
  // 2. Re-check, now that it can't be freed and reused under us: is it the one we wanted?
  //    Checking the key *before* the pin proves nothing: the object can be freed and
  //    reallocated with another key right after the check.
  if ((yield* READ_ONCE(obj.key)) !== key) {
    // Someone else's object (ours was freed and its slot reused), or the key is not here.
    // Drop our pin (maybe the last reference: obj_put frees) and give up. A hash-chain
    // lookup would retry from the start instead; with one slot, giving up is the answer.
    yield* obj_put(obj);
    yield* rcu_read_unlock();
    return null;
  }
  // Pinned and verified: our reference keeps it alive after the section ends.
  yield* rcu_read_unlock();
  return obj;
}
