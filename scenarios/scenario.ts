// A scenario is a starting world plus threads, built fresh for every execution: the explorer
// calls build() again each time (generators cannot be cloned). A scenario names the functions it
// needs from a submission (the subject) and the kernel version it runs on.
import { Machine, MachineOptions } from '../sim/machine';
import type { KernelVersion } from '../sim/mm/version';

export interface Scenario<S> {
  readonly name: string;
  /** One line for reports: what the adversary does. */
  readonly summary: string;
  readonly version: KernelVersion;
  /** Set up the world and spawn the threads on a fresh machine. */
  build(m: Machine, subject: S): void;
}

/** Make a fresh machine for one execution of `sc` against `subject`. */
export function instantiate<S>(sc: Scenario<S>, subject: S, opts: MachineOptions = {}): Machine {
  const m = new Machine(opts);
  sc.build(m, subject);
  return m;
}
