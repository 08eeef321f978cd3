// Reference accounting of anon_vmas in the refcounted kernels (3.0 and later), checked when a
// scenario has ended (atEnd.ts). Since Peter Zijlstra's 01d8b20dec5f an anon_vma's refcount is 0
// exactly when it is free, and holds one reference for "its list of vmas is not empty"; since
// 76545066c852 (Rik van Riel, 2.6.36) every child anon_vma also holds one on its root. Once
// every thread has finished, nothing else may hold one. So for each live anon_vma:
//   refcount == (its list of vmas is not empty) + (number of live anon_vmas whose root it is)
// More is a lost reference (someone pinned and never put); 0 with nothing linking it is a lost
// anon_vma (the last put did not free); less means a reference was dropped twice. A vma that
// still links a freed anon_vma means a put dropped a reference that was not held.
// Must never: be called while a thread is still running (references in flight are legitimate).
import type { Machine } from '../sim/machine';
import { handleAt } from '../sim/handles';
import { CACHES, STRIDE } from '../sim/layout';
import { report } from '../sim/reports';

const AV = CACHES.find((c) => c.name === 'anon_vma_cachep')!;
const VMA = CACHES.find((c) => c.name === 'vm_area_cachep')!;
const ANON_VMAS = Array.from({ length: AV.slots }, (_, i) => handleAt('anon_vma', AV.base + i * STRIDE));
const VMAS = Array.from({ length: VMA.slots }, (_, i) => handleAt('vma', VMA.base + i * STRIDE));

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** What is wrong with the anon_vmas' references now, one line each; empty when all is well. */
export function anonVmaLeaks(m: Machine): string[] {
  const isLive = (a: number): boolean => m.mem.slotOf(a)?.live === true;
  const live = ANON_VMAS.filter((av) => isLive(av.addr));
  const out: string[] = [];
  for (const av of live) {
    const vmas = m.mem.getList(av.head.addr).length;
    const children = live.filter((c) => c.addr !== av.addr && m.mem.get(c.root.addr) === av.addr).length;
    const expected = (vmas > 0 ? 1 : 0) + children;
    const count = m.mem.get(av.refcount.addr);
    const why = `${plural(vmas, 'vma')} linked, ${plural(children, 'child anon_vma')}`;
    if (count > expected) {
      out.push(`${m.mem.describe(av.addr)}: refcount ${count}, but only ${expected} accounted for (${why}): ${plural(count - expected, 'reference')} never dropped`);
    } else if (count === 0 && expected === 0) {
      out.push(`${m.mem.describe(av.addr)}: refcount 0 and nothing links it, yet it was never freed: the last put must free it`);
    } else if (count < expected) {
      out.push(`${m.mem.describe(av.addr)}: refcount ${count}, but ${expected} references are in use (${why}): one was dropped twice`);
    }
  }
  for (const vma of VMAS) {
    if (!isLive(vma.addr)) continue;
    for (const a of m.mem.getList(vma.anon_vma_chain.addr)) {
      if (!isLive(a)) out.push(`${m.mem.describe(vma.addr)} still links ${m.mem.describe(a)}, which was freed: a put dropped a reference nobody held`);
    }
  }
  return out;
}

/** The end-of-scenario check: report lost or doubly dropped references as a contract failure of
 *  `subject` (the function under test), blamed on thread `tid` (its caller). */
export function checkAnonVmaRefs(subject: string, tid: number): (m: Machine) => void {
  return (m) => {
    const lines = anonVmaLeaks(m);
    if (lines.length === 0) return;
    m.fail('contract', tid, 'when everything had finished, the anon_vmas\' references did not add up: a reference was lost (taken and never put, or the last put did not free) or dropped twice',
      report.contract(subject, ['every thread has finished, and:', ...lines]));
  };
}
