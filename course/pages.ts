// Text a page at a time: where a lesson's section breaks when it is taller than the terminal,
// shared by the student's pager and presenter mode (session.ts). Pure: lines in, pages out.
import stringWidth from 'string-width';
import { stripAnsi } from './style';

/** Rows a line takes on a terminal `width` columns wide (or wider: never fewer), wide
 *  characters and colour codes counted as they show. */
export function rowsOf(s: string, width: number): number {
  return Math.max(1, Math.ceil(stringWidth(s) / Math.max(20, width)));
}

/** The first visible character of a line: a table's borders (marked-terminal draws them with
 *  cli-table3) start with ┌, ├ or └. */
function edge(x: string): string {
  return stripAnsi(x).trimStart().charAt(0);
}

/** A list item's first line ("* text", "1. text", indented). */
function itemStart(x: string): boolean {
  return /^\s*(?:[*-]|\d+\.) \S/.test(stripAnsi(x));
}

/** A block that belongs with the one after it: a heading, a quiz's question (its choices
 *  follow), or a short lead-in that ends with a colon. */
function leadsIn(block: readonly string[]): boolean {
  const first = stripAnsi(block[0]).trim(), last = stripAnsi(block[block.length - 1]).trimEnd();
  return block.length <= 3 && (first.startsWith('#') || /^Quiz \d+:/.test(first) || last.endsWith(':'));
}

/** The fewest lines of a block taller than a page that start on a page's end: fewer, and the
 *  block starts on the next page. */
const ORPHAN = 4;

/** Split `lines` into pages of at most `per` rows, the first of which has `used` rows taken
 *  already (it may come out empty: then everything starts on the next). A block (lines between
 *  blank ones: a paragraph, a table, a piece of code, a list) that fits on a page is not split:
 *  it starts a new page when this one has no room left for it; a heading, a quiz's question or
 *  a lead-in ending with a colon starts one with the block after it. A block taller than a page
 *  starts with at least ORPHAN lines on a page, and breaks between a list's items or a table's
 *  rows where it can; a table goes on under its header again, a demo's timeline under its
 *  threads and step line. A blank line does not start a page. A page with nothing on it takes
 *  whatever comes, even a line taller than it. The last block, if it fits a page, leaves `tail`
 *  rows free below it (what comes after: a footer). */
export function paginate(lines: readonly string[], per: number, width: number, used = 0, tail = 0): string[][] {
  const pages: string[][] = [[]];
  let r = used;
  const rows = (x: string): number => rowsOf(x, width);
  const sum = (from: number, to: number): number => { let n = 0; for (let k = from; k < to; k++) n += rows(lines[k]); return n; };
  /** The end of the block that starts at i (its lines are [i, end)). */
  const blockEnd = (i: number): number => { let j = i; while (j < lines.length && lines[j].trim() !== '') j++; return j; };
  /** Room for `need` rows on this page, or a new page. */
  const room = (need: number): void => {
    if (r + need <= per || r === 0) return;
    pages.push([]);
    r = 0;
  };
  const put = (x: string): void => {
    if (r === 0 && x.trim() === '') return;
    pages[pages.length - 1].push(x);
    r += rows(x);
  };
  let lastText = lines.length - 1;
  while (lastText >= 0 && lines[lastText].trim() === '') lastText--;
  /** A table's header: its lines [i, rule] (the rule under the header), or -1. */
  const headRule = (i: number, j: number): number => {
    if (edge(lines[i]) !== '┌') return -1;
    const k = lines.slice(i, j).findIndex((y) => edge(y) === '├');
    return k > 0 && k < per - 2 ? i + k : -1;
  };
  /** The end of the table row whose lines start at k (the next rule or the bottom), before end. */
  const rowEnd = (k: number, end: number): number => {
    while (k < end && edge(lines[k]) !== '├' && edge(lines[k]) !== '└') k++;
    return k;
  };
  /** A demo's timeline: its threads and step lines at i and i + 1. */
  const timeline = (i: number, j: number): boolean => i + 1 < j && /^threads: /.test(stripAnsi(lines[i])) && /^step\b/.test(stripAnsi(lines[i + 1]));
  /** The rows the block at i asks for on the page it starts on: all of it if it fits (with
   *  the tail if it is the last); else a table's header and first row, or ORPHAN lines (a
   *  timeline's head among them). */
  const ask = (i: number): number => {
    const j = blockEnd(i), all = sum(i, j), last = j > lastText ? tail : 0;
    if (all + last <= per) return all + last;
    if (all <= per) return all;
    const rule = headRule(i, j);
    if (rule < 0) return Math.min(ORPHAN, all);
    return Math.min(sum(i, rowEnd(rule + 1, j)), per);
  };
  /** The table being written: its lines up to the header's rule; its first row's index. */
  let thead: string[] | null = null, bodyAt = 0;
  /** The end of the block being written, when it is taller than a page; a demo's timeline's
   *  head (its threads and the step line), repeated on the pages it goes on to. */
  let tall = -1, tlhead: string[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const x = lines[i];
    if (x.trim() === '') {
      // a blank line goes where there is room for it, and never starts a page
      thead = null; tall = -1; tlhead = null;
      if (r + rows(x) <= per) put(x);
      continue;
    }
    if (i === 0 || lines[i - 1].trim() === '') {
      const j = blockEnd(i), need = ask(i);
      if (sum(i, j) <= per) {
        // a lead-in takes the block after it along, as much as that block asks for
        let k = j;
        while (k < lines.length && lines[k].trim() === '') k++;
        const withNext = leadsIn(lines.slice(i, j)) && k < lines.length ? sum(i, k) + ask(k) : need;
        room(withNext <= per ? withNext : need);
      } else {
        tall = j;
        const rule = headRule(i, j);
        if (rule >= 0) { thead = lines.slice(i, rule + 1); bodyAt = rule + 1; } else if (timeline(i, j)) tlhead = lines.slice(i, i + 2);
        room(need);
      }
    } else if (thead !== null && i > bodyAt && edge(x) === '├') {
      // a rule and the row under it go on one page (the last row with the table's end); on
      // the next page, the header stands for the rule
      const j = rowEnd(i + 1, lines.length);
      const need = sum(i, j) + (j < lines.length && edge(lines[j]) === '└' ? rows(lines[j]) : 0);
      const was = pages.length;
      room(Math.min(need, per));
      if (pages.length !== was) { for (const h of thead) put(h); continue; }
    } else if (tall > i && thead === null && itemStart(x)) {
      // a list item of a tall block stays whole where it fits
      let j = i + 1;
      while (j < tall && !itemStart(lines[j])) j++;
      room(Math.min(sum(i, j), per));
    }
    const was = pages.length;
    room(rows(x));
    // a timeline goes on under its head, where the head and the line fit a page
    if (tlhead !== null && pages.length !== was && tlhead.reduce((a, h) => a + rows(h), 0) + rows(x) <= per) for (const h of tlhead) put(h);
    put(x);
  }
  return pages;
}
