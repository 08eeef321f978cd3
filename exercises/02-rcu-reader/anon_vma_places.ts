// Exercise 02 — an RCU reader over anon_vmas freed with kfree_rcu() (lesson 2's toy world).
// Read README.md in this folder, then fill in the function. Check with: npm run check 2
import { Kernel, Page, rcu_read_lock, rcu_read_unlock, READ_ONCE, PageAnon, page_mapped, anon_vma_from_mapping, list_entries } from '../../sim/api';
// (The imports are the calls you will need.)

/** How many places (vmas) may map `page`, per its anon_vma's list; -1 when the page is not
 *  anonymous or not mapped. */
export function* anon_vma_places(page: Page): Kernel<number> {
  // TODO: inside an RCU read-side section, read page->mapping, check the anon tag and
  // page_mapped(), then read the anon_vma's list (`yield* list_entries(anon_vma.head)`) and
  // return its length. Every path out must leave the section; no access after leaving it.
  return -1;
}
