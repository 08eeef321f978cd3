// A scenario is a starting world plus threads, built fresh for every execution: the explorer
// calls build() again each time (generators cannot be cloned). A scenario names the functions it
// needs from a submission (the subject) and the kernel version it runs on.
import { Machine, MachineOptions } from '../sim/machine';
import type { KernelVersion } from '../sim/mm/version';
import type { FailureKind } from '../sim/failure';

export interface Scenario<S> {
  readonly name: string;
  /** One line for reports: what the adversary does. */
  readonly summary: string;
  readonly version: KernelVersion;
  /** What a failure of a kind means here, in the scenario's terms, for reports (one sentence,
   *  no full stop): the machine's own why is generic (KASAN says that a thread outside
   *  rcu_read_lock() touched freed memory, not which check the code left out). */
  readonly notes?: Readonly<Partial<Record<FailureKind, string>>>;
  /** Set up the world and spawn the threads on a fresh machine. */
  build(m: Machine, subject: S): void;
}

/** Make a fresh machine for one execution of `sc` against `subject`. */
export function instantiate<S>(sc: Scenario<S>, subject: S, opts: MachineOptions = {}): Machine {
  const m = new Machine(opts);
  sc.build(m, subject);
  return m;
}
