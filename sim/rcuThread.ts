// The RCU callback thread: runs queued call_rcu()/kfree_rcu() callbacks once their grace period
// has passed (the kernel's rcu_do_batch, in softirq or an rcuo kthread). A scenario that frees
// with kfree_rcu spawns it as a system thread: it is runnable only when a callback is ready, and
// it never counts as an unfinished thread (so it cannot turn the end of a run into a "hang").
// Must never: do anything but run callbacks.
import type { Kernel, Op } from './op';
import type { Machine } from './machine';

/** One callback per step, forever; enabled only when the oldest callback's grace period is over. */
export function* rcuThread(): Kernel<void> {
  for (;;) {
    const o: Op = { k: 'rcu_callbacks', a: 0, v: 0, n: 'rcu callback: kfree' };
    yield o;
  }
}

/** Spawn the RCU thread on `m` as a system thread; returns its thread id. */
export function spawnRcuThread(m: Machine, name = 'rcu'): number {
  return m.spawn(name, rcuThread, true);
}
