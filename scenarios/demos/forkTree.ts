// Lesson 1 demo: a process P takes its first fault (anon_vma_prepare) and forks C, which forks
// G (anon_vma_fork): three anon_vmas, one tree, every ->root pointing at the oldest (2.6.36).
import type { Machine } from '../../sim/machine';
import { World } from '../../sim/world';
import { handleAt } from '../../sim/handles';
import { CACHES, STRIDE } from '../../sim/layout';
import { anon_vma_fork, anon_vma_prepare } from '../../sim/mm/anonVma';
import type { Kernel, Vma } from '../../sim/api';
import type { Scenario } from '../scenario';
import { pointerName } from './format';

const V = '2.6.36';

function* parent(p: Vma, c: Vma): Kernel<void> {
  yield* anon_vma_prepare(V, p); // first write fault in P's area
  yield* anon_vma_fork(V, c, p); // fork(): C's copy of the vma
}

export function forkTree(): Scenario<null> & { readonly names: Readonly<Record<number, string>> } {
  const names: Record<number, string> = {};
  return {
    name: 'fork-tree', summary: 'P faults and forks C; C forks G', version: V, names,
    build(m: Machine): void {
      const w = new World(m, V);
      const p = w.vma(), c = w.vma(), g = w.vma();
      names[p.addr] = 'P'; names[c.addr] = 'C'; names[g.addr] = 'G';
      m.spawn('P', parent(p, c));
      m.spawn('C', anon_vma_fork(V, g, c));
    },
  };
}

/** The anon_vma tree as the machine holds it now: one line per live anon_vma, indented by depth. */
export function drawTree(m: Machine, vmaName: Readonly<Record<number, string>>): string[] {
  const cache = CACHES.find((c) => c.name === 'anon_vma_cachep')!;
  const live = Array.from({ length: cache.slots }, (_, i) => cache.base + i * STRIDE).filter((a) => m.mem.slotOf(a)?.live === true);
  const owner = (a: number): string => {
    for (const [v, n] of Object.entries(vmaName)) if (m.mem.get(handleAt('vma', Number(v)).anon_vma.addr) === a) return n;
    return '?';
  };
  return live.map((a, depth) => {
    const av = handleAt('anon_vma', a);
    const root = m.mem.get(av.root.addr);
    const list = m.mem.getList(av.head.addr).map((v) => vmaName[v] ?? pointerName(v));
    const pad = depth === 0 ? '' : `${'   '.repeat(depth - 1)}└─ `;
    return `${pad}${pointerName(a)} (${owner(a)}'s)  root=${pointerName(root)}${root === a ? ' (itself)' : ''}  may map in: ${list.join(', ')}`;
  });
}
