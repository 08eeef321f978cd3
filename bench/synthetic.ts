// Small synthetic programs for the bench: spaces small enough for naive enumeration, so the
// number of interleaving classes is known and DPOR's ratio to it can be measured. Each is a
// Factory (a fresh machine with its threads spawned) built from the student API, and BUG()
// for the programs' own assertions.
// Must never: print, or depend on the page-lock scenarios.
import * as k from '../sim/api';
import { Machine, ghostOp } from '../sim/machine';
import { handleAt } from '../sim/handles';
import type { Factory } from '../explorer/run';

function obj(m: Machine): k.Obj { return handleAt('obj', m.mem.setupAlloc('obj_cachep')); }

// Every thread's code is a generator function at module level, given what it needs as
// arguments. A generator function declared inside the factory would be a new closure on every
// build, and V8 gives each generator closure its own prototype and object shape on its first
// call: measured 4 µs per thread per build (25 µs of abba's 54 µs search, most of it GC), which
// is this file's cost, not the explorer's.

/** The kernel's BUG(): the program's own assertion failed. An Oops (failure kind 'exception',
 *  as a thrown Error gives, and fatal as it is), raised by a ghost: not a step, and not a
 *  JavaScript throw, which costs V8 2–3 µs (a message object, a stack walk). That was 40–56% of
 *  counter-3/racy's and counter-4/racy's search time, and it is the program's cost, not the
 *  explorer's. The caller returns right after. */
function* BUG(message: string): k.Kernel<void> {
  yield ghostOp((m, tid) => m.fail('exception', tid, `BUG: ${message}`, [`kernel BUG: ${message}`]));
}

function* inc(x: k.Obj, n: number, locked: boolean): k.Kernel<void> {
  if (locked) yield* k.spin_lock(x.lock);
  const v = yield* k.READ_ONCE(x.key);
  yield* k.WRITE_ONCE(x.key, v + 1);
  if (locked) yield* k.spin_unlock(x.lock);
  if (yield* k.atomic_dec_and_test(x.refcount)) {
    const total = yield* k.READ_ONCE(x.key);
    if (total !== n) { yield* BUG(`lost update: counter is ${total}, expected ${n}`); return; }
  }
}

/** N threads each add one to a shared counter (read, then write), under a lock or not. The
 *  thread that drops `left` to zero checks the total: a lost update is a BUG(). */
export function counter(n: number, locked: boolean): Factory {
  return (opts) => {
    const m = new Machine(opts);
    const x = obj(m);
    m.mem.set(x.refcount.addr, n); // threads still to finish
    for (let i = 0; i < n; i++) m.spawn(`inc${i}`, () => inc(x, n, locked));
    return m;
  };
}

function* eat(first: k.Obj, second: k.Obj): k.Kernel<void> {
  yield* k.spin_lock(first.lock);
  yield* k.spin_lock(second.lock);
  yield* k.atomic_inc(first.refcount);
  yield* k.spin_unlock(second.lock);
  yield* k.spin_unlock(first.lock);
}

/** Dining philosophers: thread i takes lock i, then lock i+1 (mod n). n = 2 is ABBA; the cycle
 *  deadlocks (a hang). `ordered` takes the lower-numbered lock first, which cannot. */
export function philosophers(n: number, ordered: boolean): Factory {
  return (opts) => {
    const m = new Machine(opts);
    const locks: k.Obj[] = [];
    for (let i = 0; i < n; i++) locks.push(obj(m));
    for (let i = 0; i < n; i++) {
      const a = i, b = (i + 1) % n, swap = ordered && b < a;
      const first = locks[swap ? b : a], second = locks[swap ? a : b];
      m.spawn(`phil${i}`, () => eat(first, second));
    }
    return m;
  };
}

function* publish(gp: k.Obj, old: k.Obj, sync: boolean): k.Kernel<void> {
  const fresh = yield* k.kmem_cache_alloc(k.obj_cachep);
  yield* k.WRITE_ONCE(fresh.key, 2);
  yield* k.WRITE_ONCE(gp.value, fresh.addr); // rcu_assign_pointer
  if (sync) yield* k.synchronize_rcu();
  yield* k.kfree(old);
}

function* subscribe(gp: k.Obj): k.Kernel<void> {
  yield* k.rcu_read_lock();
  const p = yield* k.rcu_dereference(gp.value);
  const key = yield* k.READ_ONCE(handleAt('obj', p).key);
  yield* k.rcu_read_unlock();
  if (key === 0) { yield* BUG('read an uninitialised object'); return; }
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
    m.spawn('publisher', () => publish(gp, old, sync));
    for (let i = 0; i < readers; i++) m.spawn(`reader${i}`, () => subscribe(gp));
    return m;
  };
}

function* churn(i: number, gp: k.Obj, mine: k.Obj): k.Kernel<void> {
  if (i === 0) yield* k.WRITE_ONCE(gp.value, 0);
  yield* k.kmem_cache_free(k.obj_typesafe_cachep, mine);
  const fresh = yield* k.kmem_cache_alloc(k.obj_typesafe_cachep);
  yield* k.WRITE_ONCE(fresh.key, i + 1);
}

function* lookup(gp: k.Obj): k.Kernel<void> {
  yield* k.rcu_read_lock();
  const p = yield* k.rcu_dereference(gp.value);
  if (p !== 0) yield* k.READ_ONCE(handleAt('obj', p).key);
  yield* k.rcu_read_unlock();
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
    const objs: k.Obj[] = [];
    for (let i = 0; i < n; i++) objs.push(handleAt('obj', m.mem.setupAlloc('obj_typesafe_cachep')));
    const gp = obj(m);
    m.mem.set(gp.value.addr, objs[0].addr);
    for (let i = 0; i < n; i++) m.spawn(`churn${i}`, () => churn(i, gp, objs[i]));
    m.spawn('reader', () => lookup(gp));
    return m;
  };
}
