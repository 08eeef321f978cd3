// Building a scenario's starting state directly (no threads, no steps): processes with a vma
// and an anon_vma tree, forked children, mapped pages. Mirrors what anon_vma_prepare,
// anon_vma_fork and page_add_new_anon_rmap would have left behind.
import type { Machine } from './machine';
import { handleAt } from './handles';
import type { AnonVma, Page, Vma } from './handles';
import { KernelVersion, lockFlavour, refcounted } from './mm/version';

export class World {
  constructor(readonly m: Machine, readonly version: KernelVersion) {}

  private setField(a: number, v: number): void { this.m.mem.set(a, v); }
  private listAdd(head: number, x: number): void { this.m.mem.setList(head, [...this.m.mem.getList(head), x]); }

  /** A vma with no anon_vma yet (its first fault will call anon_vma_prepare). */
  vma(): Vma {
    const vma = handleAt('vma', this.m.mem.setupAlloc('vm_area_cachep'));
    const mm = this.m.mem.setupAlloc('mm_cachep');
    this.setField(vma.vm_mm.addr, mm);
    return vma;
  }

  anonVma(root: AnonVma | null): AnonVma {
    const av = handleAt('anon_vma', this.m.mem.setupAlloc('anon_vma_cachep'));
    if (lockFlavour(this.version) !== 'own-spin') this.setField(av.root.addr, (root ?? av).addr);
    if (refcounted(this.version)) this.setField(av.refcount.addr, 1);
    if (root !== null && lockFlavour(this.version) !== 'own-spin') this.setField(root.refcount.addr, this.m.mem.get(root.refcount.addr) + 1);
    return av;
  }

  private link(vma: Vma, av: AnonVma): void { this.listAdd(av.head.addr, vma.addr); this.listAdd(vma.anon_vma_chain.addr, av.addr); }

  /** A process's vma with its own anon_vma (the root of a new tree). */
  process(): Vma {
    const vma = this.vma();
    const av = this.anonVma(null);
    this.setField(vma.anon_vma.addr, av.addr);
    this.link(vma, av);
    return vma;
  }

  /** A forked child's vma: linked to every anon_vma of the parent, plus its own (root = parent's root). */
  fork(parent: Vma): Vma {
    const vma = this.vma();
    for (const a of this.m.mem.getList(parent.anon_vma_chain.addr)) this.link(vma, handleAt('anon_vma', a));
    const pav = this.m.mem.get(parent.anon_vma.addr);
    const root = lockFlavour(this.version) === 'own-spin' ? handleAt('anon_vma', pav) : handleAt('anon_vma', this.m.mem.get(handleAt('anon_vma', pav).root.addr));
    const av = this.anonVma(root);
    this.setField(vma.anon_vma.addr, av.addr);
    this.link(vma, av);
    return vma;
  }

  /** A new anonymous page mapped once in `vma` (page_add_new_anon_rmap). */
  page(vma: Vma): Page {
    const p = handleAt('page', this.m.mem.setupAlloc('pages'));
    this.setField(p._mapcount.addr, 0);
    this.setField(p.mapping.addr, this.m.mem.get(vma.anon_vma.addr) | 1);
    return p;
  }
}
