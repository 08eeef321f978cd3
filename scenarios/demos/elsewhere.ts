// Lesson 8 demos: lock_task_sighand() with and without its re-check, and the 2.6.36-rc2
// page_lock_anon_vma() for the tour of the kernel's checkers (course/ may not import
// solutions/, so the demos carry their own copies).
import * as k from '../../sim/api';
import type { AnonVma, Kernel, Page, Sighand, Task } from '../../sim/api';
import type { SighandSubject } from '../sighandHarness';
import type { PageLockSubject } from '../pageLockHarness';

/** lock_task_sighand() as in the lesson; recheck = false locks whatever it read. */
export function sighandLocker(recheck: boolean): SighandSubject {
  return {
    *lock_task_sighand(tsk: Task): Kernel<Sighand | null> {
      yield* k.rcu_read_lock();
      for (;;) {
        const sh = yield* k.rcu_dereference(tsk.sighand);
        if (sh === null) { yield* k.rcu_read_unlock(); return null; }
        yield* k.spin_lock(sh.siglock);
        if (!recheck) { yield* k.rcu_read_unlock(); return sh; }
        const now = yield* k.READ_ONCE(tsk.sighand);
        if (now !== null && now.addr === sh.addr) { yield* k.rcu_read_unlock(); return sh; }
        yield* k.spin_unlock(sh.siglock);
      }
    },
    *unlock_task_sighand(tsk: Task): Kernel<void> {
      const sh = yield* k.READ_ONCE(tsk.sighand);
      if (sh !== null) yield* k.spin_unlock(sh.siglock);
    },
  };
}

/** Linux 2.6.36-rc2's page_lock_anon_vma(): ->root read once to lock, again to unlock. */
export const rc2: PageLockSubject = {
  *page_lock_anon_vma(page: Page): Kernel<AnonVma | null> {
    yield* k.rcu_read_lock();
    const mapping = yield* k.ACCESS_ONCE(page.mapping);
    if (!k.PageAnon(mapping) || !(yield* k.page_mapped(page))) { yield* k.rcu_read_unlock(); return null; }
    const av = k.anon_vma_from_mapping(mapping);
    yield* k.spin_lock((yield* k.READ_ONCE(av.root)).lock);
    return av;
  },
  *page_unlock_anon_vma(av: AnonVma): Kernel<void> {
    yield* k.spin_unlock((yield* k.READ_ONCE(av.root)).lock);
    yield* k.rcu_read_unlock();
  },
};
