// Failures, in the kernel's words. The grader and reports use them.

export type FailureKind =
  | 'bad-unlock' | 'hang' | 'lock-held-at-return' | 'rcu-imbalance' | 'use-after-free'
  | 'sleep-in-atomic' | 'spinlock-recursion' | 'contract' | 'livelock' | 'exception'
  | 'timeout' | 'memory' | 'nondeterminism' | 'forbidden-import' | 'invalid-submission';

export interface Failure {
  readonly kind: FailureKind;
  /** Kernel-style report, several lines (what lockdep / KASAN / PROVE_RCU would print). */
  readonly report: string;
  /** One sentence: why this is wrong, in plain words. */
  readonly why: string;
  /** Thread that triggered it, or -1 (e.g. a hang involves all). */
  readonly tid: number;
  /** Global step index at which it was detected. */
  readonly step: number;
  /** An exception's `file:line`, where it was thrown (recorded runs only). */
  readonly loc?: string;
}

/** Which failure of an execution to lead with: the first one the machine itself would have
 *  shown (a bad unlock, a hang, KASAN...) before a contract breach, which is the cause but not
 *  the symptom; the contract breach when it is alone. */
export function primary(fs: readonly Failure[]): Failure | undefined {
  return fs.find((f) => f.kind !== 'contract') ?? fs[0];
}

/** Kinds after which the execution cannot meaningfully go on. */
export function isFatal(kind: FailureKind): boolean {
  return kind !== 'bad-unlock' && kind !== 'lock-held-at-return' && kind !== 'rcu-imbalance' && kind !== 'contract';
}
