// The caller of lock_task_sighand()/unlock_task_sighand() (exercise 08): a signal sender, as
// kill() reaches it through do_send_sig_info(). It holds a reference on the task (the task_struct
// itself never goes away here) but nothing on the task's sighand_struct, which an exit may free
// and a fork reuse at any moment (sighand_cachep is SLAB_TYPESAFE_BY_RCU).
// The contract, checked atomically right after lock_task_sighand() returns:
//  - non-NULL: exactly the task's current sighand (tsk->sighand now), its siglock held by this
//    thread — so unlock_task_sighand(), which reads tsk->sighand again, releases that lock;
//  - NULL: only if the task has no sighand (it exited), holding no siglock;
//  - either way: outside the RCU read-side section.
// A caller cannot go on with a sighand it could not unlock, so a broken contract ends the run
// there (both while exploring and on replay), and the verdict is the contract's.
import * as k from '../sim/api';
import type { Kernel, Sighand, Task } from '../sim/api';
import { probe, Machine } from '../sim/machine';
import { report } from '../sim/reports';
import { CACHES, fieldOffset } from '../sim/layout';
import { addrOf, shown, wroteWatched } from './util';

export interface SighandSubject {
  lock_task_sighand(tsk: Task): Kernel<Sighand | null>;
  unlock_task_sighand(tsk: Task): Kernel<void>;
}

const SIGHAND = CACHES.findIndex((c) => c.name === 'sighand_cachep');
const OWNER = fieldOffset('sighand', 'owner');

export function* signalSender(tsk: Task, subject: SighandSubject): Kernel<void> {
  const sh: unknown = yield* subject.lock_task_sighand(tsk);
  const a = addrOf(sh);
  const ok = yield* probe('check: contract', a > 0 ? [tsk.sighand.addr, a] : [tsk.sighand.addr], (m, tid) => {
    const good = checkLock(m, tid, tsk, sh);
    if (!good) m.halted = true; // the caller cannot go on: see the file's comment
    return good;
  });
  if (!ok || a === 0) return;
  // With the siglock held the handlers cannot change: deliver (read them), then unlock.
  yield* k.READ_ONCE((sh as Sighand).owner);
  yield* subject.unlock_task_sighand(tsk);
}

function checkLock(m: Machine, tid: number, tsk: Task, sh: unknown): boolean {
  const name = 'lock_task_sighand()';
  const fail = (why: string, lines: string[]): boolean => { m.fail('contract', tid, why, report.contract(name, lines)); return false; };
  const depth = m.rcu.depth(tid);
  if (depth > 0) {
    m.fail('rcu-imbalance', tid, `${name} returned inside its RCU read-side section: rcu_read_lock() without rcu_read_unlock()`, report.rcuImbalance(m.threadName(tid), depth));
    return false;
  }
  const wrote = wroteWatched(m, tid, name, 'may return NULL only when the task\'s exit cleared tsk->sighand');
  if (wrote !== undefined) return fail(...wrote);
  const a = addrOf(sh);
  if (a < 0) return fail(`${name} must return a Sighand handle or null`, [`returned ${shown(m, sh)}`]);
  const cur = m.mem.get(tsk.sighand.addr);
  const siglocks = m.locks.heldBy(tid).filter((h) => m.mem.slotOf(h.addr)?.cache === SIGHAND);
  const owner = (x: number): string => `${m.mem.describe(x)}, owner pid ${m.mem.get(x + OWNER)}`;
  if (a === 0) {
    if (cur !== 0) {
      return fail('it returned NULL although the task still has a sighand: NULL means "the task has exited"; a sighand that changed under you means "try again"',
        [`returned NULL, but tsk->sighand is ${owner(cur)}`]);
    }
    if (siglocks.length > 0) return fail('it returned NULL still holding a siglock', siglocks.map((h) => `holds ${m.mem.describe(h.addr)}'s siglock, taken at step ${h.at}`));
    return true;
  }
  const slot = m.mem.slotOf(a);
  if (slot === undefined || slot.base !== a || slot.cache !== SIGHAND) return fail('it returned a pointer that is not a sighand_struct', [`returned ${shown(m, sh)}`]);
  if (m.locks.holding(tid, a) === undefined) {
    return fail('it returned a sighand without holding its siglock: the caller relies on the lock', [`returned ${owner(a)}; ${m.threadName(tid)} does not hold its siglock`]);
  }
  if (a !== cur) {
    return fail(`it returned a sighand that is no longer the task's: it changed after it was read (exec or exit), and the slot may be someone else's now. Re-check tsk->sighand after taking the siglock`,
      [`returned ${owner(a)}, locked`,
        cur === 0 ? 'but tsk->sighand is NULL now: the task has exited' : `but tsk->sighand is now ${owner(cur)}`,
        `unlock_task_sighand() reads tsk->sighand again: it would ${cur === 0 ? 'oops on NULL' : `release ${m.mem.describe(cur)}'s siglock`},`,
        `and ${m.mem.describe(a)}'s siglock would stay held`]);
  }
  return true;
}
