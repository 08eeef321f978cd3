// Lesson 2 demos. rcu-grace-period: a writer unpublishes an object, waits in synchronize_rcu()
// for the reader already inside its section, then frees it (a plain, non-type-safe cache: the
// memory may be anything after the free). rcu-reader-no-lock: the lesson's anon_vma reader
// without rcu_read_lock(), against an exiting process that frees the anon_vma with kfree_rcu()
// (the lesson's toy world).
import * as k from '../../sim/api';
import type { Kernel, Obj, Op, Page } from '../../sim/api';
import type { Machine } from '../../sim/machine';
import { World } from '../../sim/world';
import { handleAt } from '../../sim/handles';
import { spawnRcuThread } from '../../sim/rcuThread';
import type { Scenario } from '../scenario';
import { exit_kfree_rcu } from '../rcuReaderHarness';

/** `p = rcu_dereference(gp)` on a plain word holding an Obj's address (0: NULL). */
function* deref(gp: Obj): Kernel<Obj | null> {
  const o: Op = { k: 'read', a: gp.value.addr, v: 0, n: 'rcu_dereference' };
  const p: number = yield o;
  return p === 0 ? null : handleAt('obj', p);
}

function* reader(gp: Obj): Kernel<void> {
  yield* k.rcu_read_lock();
  const p = yield* deref(gp);
  if (p !== null) yield* k.READ_ONCE(p.value); // use the object
  yield* k.rcu_read_unlock();
}

function* writer(gp: Obj, victim: Obj): Kernel<void> {
  const unpublish: Op = { k: 'write', a: gp.value.addr, v: 0, n: 'rcu_assign_pointer' };
  yield unpublish;             // 1. unpublish: new readers can't find it
  yield* k.synchronize_rcu();  // 2. wait for readers already inside
  yield* k.kfree(victim);      // 3. free
}

export function rcuGracePeriod(): Scenario<null> {
  return {
    name: 'rcu-grace-period', summary: 'a writer unpublishes, waits for a grace period, frees', version: '2.6.36',
    build(m: Machine): void {
      const gp = handleAt('obj', m.mem.setupAlloc('obj_cachep'));     // holds the published pointer
      const victim = handleAt('obj', m.mem.setupAlloc('obj_cachep')); // the published object
      m.mem.set(victim.key.addr, 7);
      m.mem.set(victim.value.addr, 42);
      m.mem.set(gp.value.addr, victim.addr);
      m.spawn('reader', reader(gp));
      m.spawn('writer', writer(gp, victim));
    },
  };
}

/** Lesson 2's anon_vma_refs(), minus its read-side section. */
function* anonVmaRefsNoRcu(page: Page): Kernel<number> {
  const mapping = yield* k.READ_ONCE(page.mapping);
  if (!k.PageAnon(mapping)) return -1;
  if (!(yield* k.page_mapped(page))) return -1;
  const anon_vma = k.anon_vma_from_mapping(mapping);
  return yield* k.atomic_read(anon_vma.refcount);
}

export function rcuReaderNoLock(): Scenario<null> {
  return {
    name: 'rcu-reader-no-lock', summary: 'the anon_vma reader without rcu_read_lock(); the process exits, kfree_rcu()', version: '2.6.36',
    build(m: Machine): void {
      const w = new World(m, '2.6.36');
      const p = w.process();
      const page = w.page(p);
      m.spawn('reader', (function* () { yield* anonVmaRefsNoRcu(page); })());
      m.spawn('exit', exit_kfree_rcu(p, [page]));
      spawnRcuThread(m);
    },
  };
}
