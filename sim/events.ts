// One executed step, as plain JSON-safe data: what the trace renderers and the explorer's
// dependence analysis read. `obj` names memory by address and incarnation ("anon_vma@0x40 #2").
import type { OpKind } from './op';

export interface StepEvent {
  readonly i: number;
  readonly tid: number;
  readonly k: OpKind;
  /** API or routine name (READ_ONCE, spin_lock, anon_vma_prepare:...). */
  readonly name: string;
  /** "anon_vma@0x40 #2 .root", or '' for ops without an address. */
  readonly obj: string;
  /** What a write stored, as a person reads it (a number, or an object by address). */
  readonly value?: string;
  readonly result?: string;
  readonly loc?: string;
  /** Where the function at `loc` was called from, in the same file (Op.from). */
  readonly from?: string;
  /** Kernel routine the step belongs to, when a modelled routine made it. */
  readonly fn?: string;
  readonly note?: string;
  /** The step changed a word of an object that was free: legal for a reader of a type-safe
   *  cache inside RCU as far as KASAN goes, but the memory is the allocator's. 'revived': an
   *  atomic add raised a count from 0 (a dying object brought back). Reports name the first
   *  as where a failure began. */
  readonly changedFreed?: 'revived' | 'changed';
}
