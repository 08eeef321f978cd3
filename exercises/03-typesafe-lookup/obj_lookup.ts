// Exercise 03 — a lookup on a type-safe cache: pin, then validate identity (lesson 3).
// Read README.md in this folder, then fill in obj_lookup. Check with: npm run check 3
import {
  Kernel, Field, Obj, rcu_read_lock, rcu_read_unlock, rcu_dereference, READ_ONCE,
  atomic_inc_not_zero, atomic_dec_and_test, kmem_cache_free, obj_typesafe_cachep,
} from '../../sim/api';
// (The imports are the calls you will need.)

/** Given: drop a reference; the last one frees the object (back to its cache, reusable at once). */
export function* obj_put(obj: Obj): Kernel<void> {
  if (yield* atomic_dec_and_test(obj.refcount)) yield* kmem_cache_free(obj_typesafe_cachep, obj);
}

/** The object published in `slot` if its key is `key`, returned with a reference the caller
 *  will drop with obj_put(); NULL if there is none. */
export function* obj_lookup(slot: Field<Obj | null>, key: number): Kernel<Obj | null> {
  // TODO: under rcu_read_lock(), read the slot (rcu_dereference), pin the object, check that
  // it is the one you wanted, and return it pinned, or unpin and return null. Every path out
  // must leave the RCU section.
  return null;
}
