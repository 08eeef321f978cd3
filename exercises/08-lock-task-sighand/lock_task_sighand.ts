// Exercise 08 — lock_task_sighand(): the pin-then-recheck loop outside mm.
// Read README.md in this folder first. Check your work with:  npm run check 8
//
// Every `yield*` is a point where another CPU may run. You may import only from the API.
import { Kernel, Task, Sighand, rcu_read_lock, rcu_read_unlock, rcu_dereference, READ_ONCE, spin_lock, spin_unlock } from '../../sim/api';
// (The imports are the calls you will need.)

/** The task's sighand with its siglock held, or NULL if the task has exited (no sighand). */
export function* lock_task_sighand(tsk: Task): Kernel<Sighand | null> {
  // TODO: under rcu_read_lock(), read tsk.sighand (rcu_dereference); NULL means the task has
  // exited. Otherwise pin it (its siglock), then check that it is still the task's. If it is
  // not, release what you took and look again. Leave the RCU section on every path out.
  return null;
}

/** Given, as in the kernel: undo a successful lock_task_sighand(). It reads tsk->sighand again,
 *  which is only right if the sighand you locked is still the task's. */
export function* unlock_task_sighand(tsk: Task): Kernel<void> {
  const sh = yield* READ_ONCE(tsk.sighand);
  if (sh !== null) yield* spin_unlock(sh.siglock);
}
