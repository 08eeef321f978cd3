// Building a sighand scenario's starting state directly (no threads, no steps): tasks and their
// signal handlers, as fork (copy_sighand) and clone(CLONE_SIGHAND) would have left them. The
// companion of world.ts for exercise 08; the kernel paths are in mm/sighand.ts.
import type { Machine } from './machine';
import { handleAt } from './handles';
import type { Sighand, Task } from './handles';

export class TaskWorld {
  constructor(readonly m: Machine) {}

  /** A task with no sighand yet (a fork's child before copy_sighand). */
  bareTask(): Task {
    return handleAt('task', this.m.mem.setupAlloc('task_cachep'));
  }

  /** A process `pid` with its own signal handlers (count 1). */
  task(pid: number): Task {
    const t = this.bareTask();
    const sh = handleAt('sighand', this.m.mem.setupAlloc('sighand_cachep'));
    this.m.mem.set(sh.count.addr, 1);
    this.m.mem.set(sh.owner.addr, pid);
    this.m.mem.set(t.sighand.addr, sh.addr);
    return t;
  }

  /** A process created with CLONE_SIGHAND from `of`: it shares `of`'s sighand (count + 1). */
  sharing(of: Task): Task {
    const t = this.bareTask();
    const sh = this.sighandOf(of);
    if (sh === null) throw new Error('sharing: the task has no sighand');
    this.m.mem.set(sh.count.addr, this.m.mem.get(sh.count.addr) + 1);
    this.m.mem.set(t.sighand.addr, sh.addr);
    return t;
  }

  sighandOf(t: Task): Sighand | null {
    const a = this.m.mem.get(t.sighand.addr);
    return a === 0 ? null : handleAt('sighand', a);
  }
}
