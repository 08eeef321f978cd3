// Starting worlds several scenario sets share: a parent with a forked child whose page is
// mapped (the child's anon_vma under the parent's root), and the seed's world, where the page's
// process exits and a fork (root = another tree's) and a first fault (root = itself) may reuse
// the freed anon_vma's slot.
import type { Machine } from '../sim/machine';
import { World } from '../sim/world';
import type { Kernel, Page, Vma } from '../sim/api';
import type { KernelVersion } from '../sim/mm/version';
import { exit_mmap, fork_then_exit, first_fault } from '../sim/mm/process';

export function family(m: Machine, v: KernelVersion): { parent: Vma; child: Vma; page: Page } {
  const w = new World(m, v);
  const parent = w.process();
  const child = w.fork(parent);
  return { parent, child, page: w.page(child) };
}

/** A thread to spawn: its name and what makes its generator (see Machine.spawn). */
export type Spawn = readonly [string, () => Kernel<void>];

/** The seed's world: the page and the adversary threads (named), plus `extra` unrelated
 *  fork/exit pairs (churn). */
export function seedWorld(m: Machine, v: KernelVersion, extra = 0): { page: Page; adversaries: Spawn[] } {
  const w = new World(m, v);
  const p = w.process();            // the page's process; its anon_vma is a root
  const page = w.page(p);
  const q = w.process();            // another tree: its root becomes the reused slot's root
  const qChild = w.vma();
  const fresh = w.vma();            // a vma about to take its first fault
  const others = Array.from({ length: extra }, () => ({ parent: w.process(), child: w.vma() }));
  const adversaries: Spawn[] = [
    ['exit', () => exit_mmap(v, p, [page])], ['fork', () => fork_then_exit(v, q, qChild)], ['fault', () => first_fault(v, fresh)],
    ...others.map((o, i): Spawn => [`fork${i + 2}`, () => fork_then_exit(v, o.parent, o.child)]),
  ];
  return { page, adversaries };
}
