// Lesson 1 demo: the quiet reverse-mapping walk of lesson 1's pseudocode, on a page mapped by a
// parent and its child (Linux 2.6.36: the root's lock guards the tree).
import * as k from '../../sim/api';
import type { Kernel, Page, Op } from '../../sim/api';
import type { Machine } from '../../sim/machine';
import { World } from '../../sim/world';
import type { Scenario } from '../scenario';

function* walk(page: Page): Kernel<void> {
  const mapping = yield* k.READ_ONCE(page.mapping);
  if (!k.PageAnon(mapping)) return;
  if (!(yield* k.page_mapped(page))) return;
  const anon_vma = k.anon_vma_from_mapping(mapping);
  const root = yield* k.READ_ONCE(anon_vma.root);
  yield* k.spin_lock(root.lock);
  for (const vma of yield* k.list_entries(anon_vma.head)) {
    // rmap_one: find where the page would be in this vma, look in its mm's page table
    const visit: Op = { k: 'read', a: vma.vm_mm.addr, v: 0, n: 'rmap_one' };
    yield visit;
  }
  yield* k.spin_unlock(root.lock);
}

export function rmapWalkQuiet(): Scenario<null> {
  return {
    name: 'rmap-walk-quiet', summary: 'a quiet rmap walk of a page mapped by a parent and its child', version: '2.6.36',
    build(m: Machine): void {
      const w = new World(m, '2.6.36');
      const parent = w.process();
      w.fork(parent);
      const page = w.page(parent);
      m.mem.set(page._mapcount.addr, 1); // two ptes: the parent's and the child's
      m.spawn('walker', walk(page));
    },
  };
}
