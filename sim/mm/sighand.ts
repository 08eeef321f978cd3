// Signal handlers: the kernel paths that race lock_task_sighand() (exercise 08, lesson 8),
// modelled from kernel/fork.c (copy_sighand), kernel/exit.c (__exit_signal) and fs/exec.c
// (unshare_sighand: inside de_thread until 5.7, called right after it since). Since aa1757f90bea (2006) sighand_cachep is
// SLAB_DESTROY_BY_RCU (now SLAB_TYPESAFE_BY_RCU) with a constructor that initialises siglock
// once per slot: a freed sighand_struct may be handed out again at once, and its siglock word
// survives (the machine keeps lock state per address, never reset by allocation).
// `owner` is the model's stand-in for "whose handlers these are": the pid of the process that
// allocated it, so traces and contract messages can say "someone else's".
// Must never: change a task's sighand pointer except under the siglock of the sighand it names
// (as the kernel does), so that a locker's re-check under that siglock is meaningful.
import * as k from '../api';
import type { Kernel, KmemCache, Sighand, Task } from '../api';
import { CACHE_ID } from '../layout';

export const sighand_cachep: KmemCache<Sighand> = Object.freeze({ id: CACHE_ID.sighand_cachep, name: 'sighand_cachep' });

/** __cleanup_sighand(): drop a reference; the last one frees at once (a type-safe cache). */
export function* __cleanup_sighand(sh: Sighand): Kernel<void> {
  if (yield* k.atomic_dec_and_test(sh.count)) yield* k.kmem_cache_free(sighand_cachep, sh);
}

/** copy_sighand() for a fork without CLONE_SIGHAND: the child gets a private sighand_struct.
 *  The slab may hand back a slot freed a moment ago; its siglock is whatever it was. */
export function* copy_sighand(child: Task, pid: number): Kernel<Sighand> {
  const sh = yield* k.kmem_cache_alloc(sighand_cachep);
  yield* k.atomic_set(sh.count, 1);
  yield* k.WRITE_ONCE(sh.owner, pid);
  yield* k.WRITE_ONCE(child.sighand, sh); // the child is not visible to anyone yet
  return sh;
}

/** __exit_signal(): under its siglock, the exiting task lets go of its sighand
 *  (tsk->sighand = NULL), then drops its reference, freeing it if it was the last. */
export function* exit_signal(tsk: Task): Kernel<void> {
  const sh = yield* k.READ_ONCE(tsk.sighand); // in the kernel under tasklist_lock; no scenario execs and exits one task at once
  if (sh === null) return;
  yield* k.spin_lock(sh.siglock);
  yield* k.WRITE_ONCE(tsk.sighand, null);
  yield* k.spin_unlock(sh.siglock);
  yield* __cleanup_sighand(sh);
}

/** unshare_sighand(), from exec's de_thread(): a sighand shared with a CLONE_SIGHAND process is
 *  replaced by a private copy, published under the *old* siglock; then the old one is put. */
export function* unshare_sighand(tsk: Task, pid: number): Kernel<void> {
  const old = yield* k.READ_ONCE(tsk.sighand);
  if (old === null || (yield* k.atomic_read(old.count)) === 1) return;
  const sh = yield* k.kmem_cache_alloc(sighand_cachep);
  yield* k.atomic_set(sh.count, 1);
  yield* k.WRITE_ONCE(sh.owner, pid);
  yield* k.spin_lock(old.siglock);
  yield* k.WRITE_ONCE(tsk.sighand, sh); // rcu_assign_pointer() in the kernel
  yield* k.spin_unlock(old.siglock);
  yield* __cleanup_sighand(old);
}

/** A task execs: de_thread() makes its signal handlers private (the rest of exec is not
 *  modelled). */
export function* exec(tsk: Task, pid: number): Kernel<void> {
  yield* unshare_sighand(tsk, pid);
}

/** A process forks a child that does not share its handlers (fork without CLONE_SIGHAND). */
export function* fork_process(child: Task, pid: number): Kernel<void> {
  yield* copy_sighand(child, pid);
}
