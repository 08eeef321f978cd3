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

/** Split `lines` into pages of at most `per` rows, the first of which has `used` rows taken
 *  already (it may come out empty: then everything starts on the next). A run of lines
 *  between blank ones (a paragraph, a table, a piece of code) that fits on a page is not
 *  split: it starts a new page when this one has no room left for it. A table taller than a
 *  page breaks between its rows, and goes on under its header again. A blank line does not
 *  start a page. A page with nothing on it takes whatever comes, even a line taller than it. */
export function paginate(lines: readonly string[], per: number, width: number, used = 0): string[][] {
  const pages: string[][] = [[]];
  let r = used;
  const rows = (x: string): number => rowsOf(x, width);
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
  /** The table being written: its lines up to the header's rule; its first row's index. */
  let thead: string[] | null = null, bodyAt = 0;
  for (let i = 0; i < lines.length; i++) {
    const x = lines[i];
    if (x.trim() === '') thead = null;
    else if (i === 0 || lines[i - 1].trim() === '') {
      let need = 0, j = i;
      for (; j < lines.length && lines[j].trim() !== ''; j++) need += rows(lines[j]);
      if (need <= per) room(need);
      else if (edge(x) === '┌') {
        const rule = lines.slice(i, j).findIndex((y) => edge(y) === '├');
        if (rule > 0 && rule < per - 2) {
          // the header and the first row start a page together
          thead = lines.slice(i, i + rule + 1);
          bodyAt = i + rule + 1;
          let first = 0;
          for (let k = i; k < j && (k < bodyAt || (edge(lines[k]) !== '├' && edge(lines[k]) !== '└')); k++) first += rows(lines[k]);
          room(Math.min(first, per));
        }
      }
    } else if (thead !== null && i > bodyAt && edge(x) === '├') {
      // a rule and the row under it go on one page (the last row with the table's end); on
      // the next page, the header stands for the rule
      let need = rows(x), j = i + 1;
      for (; j < lines.length && edge(lines[j]) !== '├' && edge(lines[j]) !== '└'; j++) need += rows(lines[j]);
      if (j < lines.length && edge(lines[j]) === '└') need += rows(lines[j]);
      const was = pages.length;
      room(Math.min(need, per));
      if (pages.length !== was) { for (const h of thead) put(h); continue; }
    }
    room(rows(x));
    put(x);
  }
  return pages;
}
