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
    for (let i = 0; i < n; i++) m.spawn(`inc${i}`, inc());
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
    for (let i = 0; i < n; i++) m.spawn(`phil${i}`, eat(i));
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
    m.spawn('publisher', publish());
    for (let i = 0; i < readers; i++) m.spawn(`reader${i}`, read());
    return m;
  };
}
