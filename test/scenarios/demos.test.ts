// Every lesson demo runs, says what its lesson says it shows, fits the screen, and prints the
// same text on every run.
import { SEED_DEMOS } from '../../course/demos/seed';
import { LATER_DEMOS } from '../../course/demos/later';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoNames, runDemo, UnknownDemo } from '../../course/demos';

const CLAIMS: Record<string, RegExp[]> = {
  'rmap-walk-quiet': [/^VERIFIED/, /visits 2 vmas under the root's lock and releases it/, /spin_lock anon_vma@0x40/, /rmap_one vma@0x2000/, /rmap_one vma@0x2040/, /spin_unlock anon_vma@0x40/],
  'fork-tree': [/3 anon_vmas, one tree: every ->root points at the oldest, anon_vma@0x40/, /anon_vma@0x80 #1 \.root := anon_vma@0x40/, /anon_vma@0xc0 #1 \.root := anon_vma@0x40/],
  'rcu-grace-period': [/^VERIFIED: every interleaving class explored, in \d+ executions, no use-after-free/, /cannot run at steps? [\d, ]+: synchronize_rcu\(\) waits/, /synchronize_rcu returns/],
  'rcu-reader-no-lock': [/^BUG: KASAN use-after-free/, /BUG: KASAN: slab-use-after-free/, /Freed by rcu at step \d+/, /kfree_rcu anon_vma@0x40/],
  'typesafe-reuse': [/^No KASAN report/, /found anon_vma@0x40 #1 \(root anon_vma@0x80\)/, /kmem_cache_alloc anon_vma@0x40 #2/, /READ_ONCE anon_vma@0x40 #2 \.root → anon_vma@0x40/],
  'typesafe-no-recheck': [/^BUG: contract violation found after \d+ executions/, /returned anon_vma@0x40 #2, someone else's/, /BUG: contract of lookup\(\) violated/],
  'typesafe-pin-recheck': [/^VERIFIED: every interleaving class explored, in \d+ executions/, /honest NULL/, /this one returns NULL/, /page_mapped page@0x4000 #1 \._mapcount → -1/],
};

const LESSONS = path.resolve(__dirname, '..', '..', 'lessons');

describe('lesson demos', () => {
  test('every demo a lesson names exists, and every demo is named by a lesson', () => {
    const named = fs.readdirSync(LESSONS).filter((f) => f.endsWith('.md'))
      .flatMap((f) => [...fs.readFileSync(path.join(LESSONS, f), 'utf8').matchAll(/^```demo\s+(\S+)/gm)].map((m) => m[1]));
    for (const n of named) expect(demoNames()).toContain(n);
    // lessons 4-8 keep their demos' claims in their own tests (seedDemos, later)
    const own = demoNames().filter((n) => !(n in SEED_DEMOS) && !(n in LATER_DEMOS));
    expect([...own].sort()).toEqual(Object.keys(CLAIMS).sort());
    for (const n of demoNames()) expect(named).toContain(n);
  });

  test.each(Object.keys(CLAIMS))('%s shows its claim, fits 80 columns and 40 lines, and is deterministic', (name) => {
    const out = runDemo(name, { color: false, width: 80 });
    const flat = out.replace(/\s+/g, ' ');
    for (const re of CLAIMS[name]) expect(flat).toMatch(re);
    const lines = out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    expect(out).not.toMatch(/\u001b\[/);
    expect(runDemo(name, { color: false, width: 80 })).toBe(out);
  });

  test('colour is opt-in; a narrower screen narrows the text', () => {
    expect(runDemo('rcu-reader-no-lock', { color: true, width: 80 })).toMatch(/\u001b\[/);
    for (const l of runDemo('typesafe-reuse', { color: false, width: 64 }).split('\n')) expect([...l].length).toBeLessThanOrEqual(64);
  });

  test('an unknown demo is an UnknownDemo', () => {
    expect(() => runDemo('no-such-demo')).toThrow(UnknownDemo);
    expect(() => runDemo('constructor')).toThrow(UnknownDemo);
  });
});
