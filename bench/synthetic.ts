// Small synthetic programs for the bench: spaces small enough for naive enumeration, so the
// number of interleaving classes is known and DPOR's ratio to it can be measured. Each is a
// Factory (a fresh machine with its threads spawned) built from the student API alone.
// Must never: print, or depend on the page-lock scenarios.
import * as k from '../sim/api';
import { Machine } from '../sim/machine';
import { handleAt } from '../sim/handles';
import type { Factory } from '../explorer/run';

function obj(m: Machine): k.Obj { return handleAt('obj', m.mem.setupAlloc('obj_cachep')); }

/** N threads each add one to a shared counter (read, then write), under a lock or not. The
 *  thread that drops `left` to zero checks the total: a lost update throws. */
export function counter(n: number, locked: boolean): Factory {
  return (opts) => {
    const m = new Machine(opts);
    const x = obj(m);
    m.mem.set(x.refcount.addr, n); // threads still to finish
    function* inc(): k.Kernel<void> {
      if (locked) yield* k.spin_lock(x.lock);
      const v = yield* k.READ_ONCE(x.key);
      yield* k.WRITE_ONCE(x.key, v + 1);
      if (locked) yield* k.spin_unlock(x.lock);
      if (yield* k.atomic_dec_and_test(x.refcount)) {
        const total = yield* k.READ_ONCE(x.key);
        if (total !== n) throw new Error(`lost update: counter is ${total}, expected ${n}`);
      }
    }
    for (let i = 0; i < n; i++) m.spawn(`inc${i}`, () => inc());
    return m;
  };
}

/** Dining philosophers: thread i takes lock i, then lock i+1 (mod n). n = 2 is ABBA; the cycle
 *  deadlocks (a hang). `ordered` takes the lower-numbered lock first, which cannot. */
export function philosophers(n: number, ordered: boolean): Factory {
  return (opts) => {
    const m = new Machine(opts);
    const locks = Array.from({ length: n }, () => obj(m));
    function* eat(i: number): k.Kernel<void> {
      const a = i, b = (i + 1) % n;
      const [first, second] = ordered && b < a ? [b, a] : [a, b];
      yield* k.spin_lock(locks[first].lock);
      yield* k.spin_lock(locks[second].lock);
      yield* k.atomic_inc(locks[first].refcount);
      yield* k.spin_unlock(locks[second].lock);
      yield* k.spin_unlock(locks[first].lock);
    }
    for (let i = 0; i < n; i++) m.spawn(`phil${i}`, () => eat(i));
    return m;
  };
}

/** RCU publish/subscribe: a publisher replaces the published object (initialise, then
 *  rcu_assign_pointer), waits for a grace period and frees the old one; `readers` readers look
 *  up the current object inside rcu_read_lock() and read its key. Without synchronize_rcu() a
 *  reader may touch the freed object (KASAN: use-after-free). */
export function rcuPubSub(readers: number, sync: boolean): Factory {
  return (opts) => {
    const m = new Machine(opts);
    const gp = obj(m);             // gp.value is the published pointer
    const old = obj(m);
    m.mem.set(old.key.addr, 1);
    m.mem.set(gp.value.addr, old.addr);
    function* publish(): k.Kernel<void> {
      const fresh = yield* k.kmem_cache_alloc(k.obj_cachep);
      yield* k.WRITE_ONCE(fresh.key, 2);
      yield* k.WRITE_ONCE(gp.value, fresh.addr); // rcu_assign_pointer
      if (sync) yield* k.synchronize_rcu();
      yield* k.kfree(old);
    }
    function* read(): k.Kernel<void> {
      yield* k.rcu_read_lock();
      const p = yield* k.rcu_dereference(gp.value);
      const key = yield* k.READ_ONCE(handleAt('obj', p).key);
      yield* k.rcu_read_unlock();
      if (key === 0) throw new Error('read an uninitialised object');
    }
    m.spawn('publisher', () => publish());
    for (let i = 0; i < readers; i++) m.spawn(`reader${i}`, () => read());
    return m;
  };
}

/** Slab reuse on a SLAB_TYPESAFE_BY_RCU cache: n threads each free their object and allocate
 *  another (the free list hands back the most recently freed slot), and write it; thread 0
 *  first unpublishes its object. A reader looks the published object up inside
 *  rcu_read_lock(): legal even if the object is freed meanwhile, since its section began
 *  before the free. Frees are ordered only when an allocation observes it, and the reader's
 *  section against a free only when it touches the slot (explorer/dependence.ts). */
export function slabReuse(n: number): Factory {
  return (opts) => {
    const m = new Machine(opts);
    const objs = Array.from({ length: n }, () => handleAt('obj', m.mem.setupAlloc('obj_typesafe_cachep')));
    const gp = obj(m);
    m.mem.set(gp.value.addr, objs[0].addr);
    function* churn(i: number): k.Kernel<void> {
      if (i === 0) yield* k.WRITE_ONCE(gp.value, 0);
      yield* k.kmem_cache_free(k.obj_typesafe_cachep, objs[i]);
      const fresh = yield* k.kmem_cache_alloc(k.obj_typesafe_cachep);
      yield* k.WRITE_ONCE(fresh.key, i + 1);
    }
    function* read(): k.Kernel<void> {
      yield* k.rcu_read_lock();
      const p = yield* k.rcu_dereference(gp.value);
      if (p !== 0) yield* k.READ_ONCE(handleAt('obj', p).key);
      yield* k.rcu_read_unlock();
    }
    for (let i = 0; i < n; i++) m.spawn(`churn${i}`, () => churn(i));
    m.spawn('reader', () => read());
    return m;
  };
}
