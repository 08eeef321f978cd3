import fc from 'fast-check';
import { paginate, rowsOf } from '../../course/pages';

/** A block of text as marked-terminal and the demos draw it: a paragraph, a table (top,
 *  header, rule, rows of one or two lines split by rules, bottom), a list (items of one to
 *  three lines), a heading or lead-in, or a demo's timeline (threads and step lines, then
 *  steps). */
type Chunk = { kind: 'para'; lines: string[] } | { kind: 'table'; rows: number[] } | { kind: 'list'; items: number[] }
  | { kind: 'lead'; text: string } | { kind: 'timeline'; steps: number };
const chunk: fc.Arbitrary<Chunk> = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map((n) => ({ kind: 'para' as const, lines: Array.from({ length: n }, (_, i) => `text line ${i}`) })),
  fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 14 }).map((rows) => ({ kind: 'table' as const, rows })),
  fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 10 }).map((items) => ({ kind: 'list' as const, items })),
  fc.constantFrom('## A heading', 'Quiz 2: Which?', 'Notice this:').map((text) => ({ kind: 'lead' as const, text })),
  fc.integer({ min: 1, max: 30 }).map((steps) => ({ kind: 'timeline' as const, steps })),
);
let blockNo = 0;
function draw(c: Chunk): string[] {
  const t = blockNo++;
  switch (c.kind) {
    case 'para': return c.lines.map((x) => `${x} of b${t}`);
    case 'lead': return [c.text];
    case 'list': return c.items.flatMap((h, i) => Array.from({ length: h }, (_, k) => (k === 0 ? `    * b${t} item ${i}` : `      more ${k} of b${t} item ${i}`)));
    case 'timeline': return [`threads: 0=b${t}`, 'step  0  1', ...Array.from({ length: c.steps }, (_, i) => `  ${i}  ● step ${i} of b${t}`)];
    case 'table': {
      const out = ['┌──┬──┐', `│ t${t} head │`, '├──┼──┤'];
      c.rows.forEach((h, r) => {
        if (r > 0) out.push('├──┼──┤');
        for (let k = 0; k < h; k++) out.push(`│ t${t} row ${r}.${k} │`);
      });
      out.push('└──┴──┘');
      return out;
    }
  }
}

describe('paginate', () => {
  test('pages fit; a block that fits a page is on one; a tall table or timeline goes on under its head; nothing lost, nothing added', () => {
    fc.assert(fc.property(fc.array(chunk, { minLength: 1, maxLength: 8 }), fc.integer({ min: 2, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 2 }),
      (chunks, per, used0, tail) => {
        const used = Math.min(used0, per);
        const blocks = chunks.map(draw);
        const lines = blocks.flatMap((b, i) => (i === 0 ? b : ['', ...b]));
        const pages = paginate(lines, per, 80, used, tail);
        // every page fits, but a first line on a page of its own
        pages.forEach((p, i) => { if (p.length > 1) expect(p.length).toBeLessThanOrEqual(per - (i === 0 ? used : 0)); });
        pages.slice(1).forEach((p) => expect(p.filter((x) => x !== '').length).toBeGreaterThan(0));
        // every block that fits on a page is on one page, whole
        for (const b of blocks) if (b.length <= per) expect(pages.some((p) => p.join('\n').includes(b.join('\n')))).toBe(true);
        // a page that opens inside a table opens with the table's top and header (where a page
        // holds a header and a row)
        if (per >= 6) {
          for (const p of pages.slice(1)) {
            if (p[0].startsWith('│') || p[0].startsWith('├') || p[0].startsWith('└')) throw new Error(`a page opens inside a table: ${p[0]}`);
            if (p[0].startsWith('┌')) expect(p[2]).toBe('├──┼──┤');
          }
        }
        // the text, less the heads repeated on later pages (and blank lines at a page's top): a
        // table's top and header (its rule stands for the one the page broke at), a timeline's
        // threads and step lines
        const seen = new Set<string>();
        const kept: string[] = [];
        for (const [i, p] of pages.entries()) {
          const again = i > 0 && ((p[0] === '┌──┬──┐' && seen.has(p[1])) || (p[0]?.startsWith('threads: ') && seen.has(p[0])));
          for (const x of p.slice(again ? 2 : 0)) { kept.push(x); if (x.endsWith(' head │') || x.startsWith('threads: ')) seen.add(x); }
        }
        const text = (xs: string[]): string[] => xs.filter((x) => x !== '');
        expect(text(kept)).toEqual(text(lines));
        expect(kept.length).toBeLessThanOrEqual(lines.length);
      }), { seed: 7, numRuns: 300 });
  });

  const para = (name: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${name} ${i}`);
  test('a heading, a quiz question or a lead-in ending with a colon starts a page with the block after it', () => {
    for (const lead of [['## A heading'], ['Quiz 3: Which lock?'], ['Three things to notice:']]) {
      const lines = [...para('intro', 5), '', ...lead, '', ...para('body', 3)];
      // room for the lead-in on page 1, not for the body with it
      expect(paginate(lines, 8, 80)).toEqual([[...para('intro', 5), ''], [...lead, '', ...para('body', 3)]]);
      // room for both
      expect(paginate(lines, 11, 80)).toHaveLength(1);
    }
    // a long paragraph ending with a colon is no lead-in
    const long = [...para('intro', 3), '', ...para('long', 3), 'the end:', '', ...para('body', 3)];
    expect(paginate(long, 9, 80)[0]).toContain('the end:');
  });

  test('a block taller than a page starts with at least four lines on a page, and a list breaks between its items', () => {
    const tall = para('code', 12);
    expect(paginate([...para('intro', 6), '', ...tall], 9, 80)[0]).toEqual([...para('intro', 6), '']);
    expect(paginate([...para('intro', 4), '', ...tall], 9, 80)[0]).toEqual([...para('intro', 4), '', ...para('code', 4)]);
    const list = ['    * one', '      more', '      more', '    * two', '      more', '      more', '    * three', '      more', '      more', '    * four'];
    expect(paginate(list, 5, 80)).toEqual([list.slice(0, 3), list.slice(3, 6), list.slice(6, 10)]);
  });

  test("a demo's timeline taller than a page goes on under its threads and step line", () => {
    const head = ['threads: 0=walker  1=exit', 'step  0  1  '];
    const steps = Array.from({ length: 10 }, (_, i) => `  ${i}  ● step ${i}`);
    const pages = paginate(['intro', '', ...head, ...steps], 6, 80);
    expect(pages).toEqual([['intro', '', ...head, ...steps.slice(0, 2)], [...head, ...steps.slice(2, 6)], [...head, ...steps.slice(6, 10)]]);
  });

  test('a line wider than the terminal takes the rows it wraps to', () => {
    expect(rowsOf('x'.repeat(81), 80)).toBe(2);
    expect(rowsOf('界'.repeat(41), 80)).toBe(2);
    const pages = paginate(['a'.repeat(200), 'b', 'c'], 4, 80);
    expect(pages).toEqual([['a'.repeat(200), 'b'], ['c']]);
  });
});
