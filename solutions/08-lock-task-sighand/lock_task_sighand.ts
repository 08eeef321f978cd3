// Reference for exercise 08 (lesson 8): lock_task_sighand() — the anon_vma pattern, in the
// signal code. Since aa1757f90bea (2006) sighand_cachep is SLAB_DESTROY_BY_RCU (today
// SLAB_TYPESAFE_BY_RCU) and its constructor initialises ->siglock once per slot; the commit says
// it borrows Hugh's anon_vma trick. Without tasklist_lock, tsk->sighand can change at any moment
// (exec replaces a shared sighand, exit sets it to NULL and frees it, and the slot may come back
// as another process's sighand), so: read it under RCU, pin it by taking the siglock inside it,
// then re-check that it is still the task's; if not, unlock and try again.
import { Kernel, Task, Sighand, rcu_read_lock, rcu_read_unlock, rcu_dereference, READ_ONCE, spin_lock, spin_unlock } from '../../sim/api';

/** The task's sighand with its siglock held, or NULL if the task has exited (no sighand). */
export function* lock_task_sighand(tsk: Task): Kernel<Sighand | null> {
  // Inside the section a sighand read from tsk->sighand stays a sighand_struct — maybe not the
  // task's any more, but its siglock is a real lock (the constructor's, never reset).
  yield* rcu_read_lock();
  for (;;) {
    const sh = yield* rcu_dereference(tsk.sighand);
    if (sh === null) {
      // The task has exited: a NULL sighand is an answer, not a race.
      yield* rcu_read_unlock();
      return null;
    }
    yield* spin_lock(sh.siglock); // pin: nobody can change tsk->sighand away from sh now...
    const now = yield* READ_ONCE(tsk.sighand);
    if (now !== null && now.addr === sh.addr) {
      // ...so if it still names sh, sh is the task's, and stays so until we unlock.
      yield* rcu_read_unlock();
      return sh;
    }
    // Exec or exit changed it before we locked (sh may be someone else's now): the task has
    // another sighand, or none. Let go of the lock we took, and look again.
    yield* spin_unlock(sh.siglock);
  }
}

/** Undo a successful lock_task_sighand(). Reading tsk->sighand again is safe here: it can only
 *  change under the siglock we hold (Hugh's 2010 argument, in another subsystem). */
export function* unlock_task_sighand(tsk: Task): Kernel<void> {
  const sh = yield* READ_ONCE(tsk.sighand);
  if (sh !== null) yield* spin_unlock(sh.siglock);
}
