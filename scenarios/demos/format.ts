// Helpers for lesson demos: make a recorded step read the way a person says it. The machine
// names a pointer by object when it sits in a known pointer field (->root, ->anon_vma...), but
// a pointer kept in a plain word (the demos' published-pointer slots) shows as a number; a
// demo names those, by the API call that moved them.
import type { StepEvent } from '../../sim/events';
import { describeAddr } from '../../sim/layout';

/** "anon_vma@0x40" for an address inside a slab, "NULL" for 0, hex otherwise. */
export function pointerName(v: number): string {
  if (v === 0) return 'NULL';
  const d = describeAddr(v);
  return d.cache < 0 ? `0x${v.toString(16)}` : d.obj;
}

/** Show the values of steps named in `names` (rcu_dereference, rcu_assign_pointer) as pointers. */
export function namePointers(events: readonly StepEvent[], names: readonly string[] = ['rcu_dereference', 'rcu_assign_pointer']): StepEvent[] {
  const num = (s: string | undefined): s is string => s !== undefined && /^\d+$/.test(s);
  return events.map((e) => {
    if (!names.includes(e.name)) return e;
    if (num(e.value)) return { ...e, value: pointerName(Number(e.value)) };
    if (num(e.result)) return { ...e, result: pointerName(Number(e.result)) };
    return e;
  });
}
