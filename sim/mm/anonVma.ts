// anon_vma life cycle, modelled from mm/rmap.c of each version (see version.ts): the lock,
// allocation, anon_vma_prepare, anon_vma_fork and unlink_anon_vmas. Simplification: the
// anon_vma_chain objects are folded into two lists — anon_vma->head lists the vmas that may map
// its pages, vma->anon_vma_chain lists the anon_vmas the vma is linked to — which keeps every
// list operation one step, as in the kernel (under the root lock).
import * as k from '../api';
import type { AnonVma, Vma, Kernel } from '../api';
import { KernelVersion, lockFlavour, refcounted } from './version';

/** anon_vma_lock(): in 2.6.36 and later, reads ->root afresh and locks the root. */
export function* anon_vma_lock(v: KernelVersion, av: AnonVma): Kernel<void> {
  const f = lockFlavour(v);
  if (f === 'own-spin') return yield* k.spin_lock(av.lock);
  const root = yield* k.READ_ONCE(av.root);
  if (f === 'root-spin') yield* k.spin_lock(root.lock);
  else if (f === 'root-mutex') yield* k.mutex_lock(root.mutex);
  else yield* k.down_write(root.rwsem);
}
export function* anon_vma_unlock(v: KernelVersion, av: AnonVma): Kernel<void> {
  const f = lockFlavour(v);
  if (f === 'own-spin') return yield* k.spin_unlock(av.lock);
  const root = yield* k.READ_ONCE(av.root);
  if (f === 'root-spin') yield* k.spin_unlock(root.lock);
  else if (f === 'root-mutex') yield* k.mutex_unlock(root.mutex);
  else yield* k.up_write(root.rwsem);
}

/** anon_vma_alloc(): the constructor ran once per slot, so the lock is never reset here. 3.0
 *  (Peter Zijlstra's "mm: Simplify anon_vma refcounts") also sets refcount = 1 and ->root =
 *  itself, so a fork writes ->root twice: itself, then the parent's root. */
export function* anon_vma_alloc(v: KernelVersion): Kernel<AnonVma> {
  const av = yield* k.kmem_cache_alloc(k.anon_vma_cachep);
  if (refcounted(v)) {
    yield* k.atomic_set(av.refcount, 1);
    yield* k.WRITE_ONCE(av.root, av);
  }
  return av;
}

/** Link vma and anon_vma under the anon_vma lock (anon_vma_chain_link). */
function* chain_link(v: KernelVersion, vma: Vma, av: AnonVma): Kernel<void> {
  yield* anon_vma_lock(v, av);
  yield* k.list_add(vma, av.head);
  yield* anon_vma_unlock(v, av);
  yield* k.list_add(av, vma.anon_vma_chain);
}

/** anon_vma_prepare(): give a vma its own anon_vma on first fault. 2.6.36 sets ->root = itself
 *  before taking the (root) lock — the lock Hugh saw it spin on. */
export function* anon_vma_prepare(v: KernelVersion, vma: Vma): Kernel<void> {
  const cur = yield* k.READ_ONCE(vma.anon_vma);
  if (cur !== null) return;
  const av = yield* anon_vma_alloc(v);
  if (lockFlavour(v) !== 'own-spin' && !refcounted(v)) yield* k.WRITE_ONCE(av.root, av); // 3.0: in anon_vma_alloc
  yield* anon_vma_lock(v, av);
  yield* k.WRITE_ONCE(vma.anon_vma, av);
  yield* k.list_add(vma, av.head);
  yield* anon_vma_unlock(v, av);
  yield* k.list_add(av, vma.anon_vma_chain);
}

/** anon_vma_fork(): link the child vma to the parent's anon_vmas, then give it a new anon_vma
 *  whose ->root is the parent's root (2.6.36: and take a reference on that root). */
export function* anon_vma_fork(v: KernelVersion, vma: Vma, pvma: Vma): Kernel<void> {
  const pav = yield* k.READ_ONCE(pvma.anon_vma);
  if (pav === null) return;
  for (const a of yield* k.list_entries(pvma.anon_vma_chain)) yield* chain_link(v, vma, a);
  const av = yield* anon_vma_alloc(v);
  if (lockFlavour(v) !== 'own-spin') {
    const root = yield* k.READ_ONCE(pav.root);
    yield* k.WRITE_ONCE(av.root, root);
    yield* k.atomic_inc(root.refcount);
  }
  yield* k.WRITE_ONCE(vma.anon_vma, av);
  yield* chain_link(v, vma, av);
}

/** Drop a reference on a root (2.6.36 drop_anon_vma; 3.0 put_anon_vma); free it when last.
 *  Simplified for 2.6.36: drop_anon_vma's count reaches zero under the root's lock
 *  (atomic_dec_and_lock) and tests list_empty there; this one takes no lock. No scenario drops
 *  a root's last reference while another thread can see the root (its own vma still links it
 *  when a child's unlink drops it), so no schedule differs. */
export function* put_anon_vma(v: KernelVersion, av: AnonVma): Kernel<void> {
  if (!(yield* k.atomic_dec_and_test(av.refcount))) return;
  if (!refcounted(v) && !(yield* k.list_empty(av.head))) return;
  yield* anon_vma_free_root(v, av);
}

function* anon_vma_free_root(v: KernelVersion, av: AnonVma): Kernel<void> {
  const root = lockFlavour(v) === 'own-spin' ? av : yield* k.READ_ONCE(av.root);
  if (root.addr !== av.addr) yield* put_anon_vma(v, root);
  yield* anon_vma_free(v, av);
}

/** anon_vma_free(). 3.0 and 3.8 first synchronise with a page_lock_anon_vma() that may hold
 *  the root's sleeping lock through a reference it is about to drop: if the lock is held,
 *  take it and release it (modelled as: trylock, else lock; then unlock). 3.8 asks
 *  rwsem_is_locked(), which is true for readers too, and then takes it for *write*: so the
 *  free waits for a walker that holds it for reading (a read trylock would not). */
export function* anon_vma_free(v: KernelVersion, av: AnonVma): Kernel<void> {
  const f = lockFlavour(v);
  if (f === 'root-mutex' || f === 'root-rwsem') {
    const root = yield* k.READ_ONCE(av.root);
    if (f === 'root-mutex') {
      if (!(yield* k.mutex_trylock(root.mutex))) yield* k.mutex_lock(root.mutex);
      yield* k.mutex_unlock(root.mutex);
    } else { yield* k.down_write(root.rwsem); yield* k.up_write(root.rwsem); }
  }
  yield* k.kmem_cache_free(k.anon_vma_cachep, av);
}

/** unlink_anon_vmas(): at exit (or munmap), unlink the vma from each anon_vma, freeing the empty
 *  ones, the vma's own anon_vma first and its root last. (The kernel adds a chain at the head
 *  and walks the list forwards, newest first; this model's list_add appends, like the kernel's
 *  list_add_tail, so it walks backwards: the same order.) */
export function* unlink_anon_vmas(v: KernelVersion, vma: Vma): Kernel<void> {
  const avs = yield* k.list_entries(vma.anon_vma_chain);
  for (let i = avs.length - 1; i >= 0; i--) {
    const av = avs[i];
    yield* anon_vma_lock(v, av);
    yield* k.list_del(vma, av.head);
    const empty = (yield* k.list_empty(av.head)) && (refcounted(v) || (yield* k.atomic_read(av.refcount)) === 0);
    yield* anon_vma_unlock(v, av);
    yield* k.list_del(av, vma.anon_vma_chain);
    if (!empty) continue;
    // 3.0+: drop the allocation's reference; 2.6.36: free it and drop the root's reference
    if (refcounted(v)) yield* put_anon_vma(v, av);
    else yield* anon_vma_free_root(v, av);
  }
}
