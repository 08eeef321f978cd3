// ANSI styling that is a no-op when colour is off (not a TTY, NO_COLOR, files).
export interface Paint { bold(s: string): string; dim(s: string): string; red(s: string): string; green(s: string): string; yellow(s: string): string; cyan(s: string): string }
const wrap = (a: number, b: number) => (s: string): string => `\u001b[${a}m${s}\u001b[${b}m`;
export function paint(color: boolean): Paint {
  if (!color) { const id = (s: string): string => s; return { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id }; }
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}
/** Visible length, ignoring ANSI escapes. */
export function visible(s: string): number { return s.replace(/\u001b\[\d+m/g, '').length; }
export function clip(s: string, w: number): string { return s.length <= w ? s : `${s.slice(0, Math.max(0, w - 1))}…`; }

/** `text` in lines of at most `width` columns (a longer word stays whole): the first indented by
 *  `first` spaces, the later ones by `indent`. */
export function wrapWords(text: string, width: number, indent: number, first = 0): string[] {
  const out: string[] = [];
  let line = ' '.repeat(first);
  for (const w of text.split(/\s+/).filter((x) => x !== '')) {
    if (line.trim() !== '' && visible(line) + 1 + visible(w) > width) { out.push(line); line = ' '.repeat(indent); }
    line += line.trim() === '' ? w : ` ${w}`;
  }
  out.push(line);
  return out;
}

/** A shell command in lines of at most `width`, continued with backslashes (still pastes). */
export function wrapCommand(cmd: string, first: string, indent: number, width: number): string[] {
  // a word: quoted parts, backslash escapes and plain characters, up to an unquoted space
  const words = cmd.match(/(?:[^\s'\\]+|\\.|'[^']*')+/g) ?? [cmd];
  const out: string[] = [];
  let line = first;
  for (const w of words) {
    if (line.trim() !== first.trim() && line.length + 1 + w.length + 2 > width) { out.push(`${line} \\`); line = ' '.repeat(indent); }
    line += `${line.endsWith(' ') ? '' : ' '}${w}`;
  }
  out.push(line);
  return out;
}

/** `s` with every control character but newline and tab shown as an escape (`\x1b`): text a
 *  submission wrote (an exception's message, a comment on a source line, a file name) cannot
 *  move the cursor, clear the screen or paint a fake verdict in the reader's terminal. The
 *  bidirectional marks and overrides are escaped too (`\u202e`): they would reorder what the
 *  reader sees ("Trojan Source", CVE-2021-42574). */
export function harmless(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => {
    const n = c.charCodeAt(0);
    return n > 0xff ? `\\u${n.toString(16).padStart(4, '0')}` : `\\x${n.toString(16).padStart(2, '0')}`;
  });
}

/** harmless(s), with newline and tab escaped too: for text that must stay on its line and in
 *  its column (a submission's name in a progress line or a class summary). */
export function oneLine(s: string): string {
  return harmless(s).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/** A source lookup whose lines come back harmless (a submission's comment could hold escapes). */
export function harmlessLines<A extends unknown[]>(lookup: (...a: A) => string | undefined): (...a: A) => string | undefined {
  return (...a) => { const l = lookup(...a); return l === undefined ? undefined : harmless(l); };
}

/** The same for every string in plain data (a grade result, a class summary), or `escape`
 *  (oneLine) in its place. */
export function harmlessData<T>(x: T, escape: (s: string) => string = harmless): T {
  if (typeof x === 'string') return escape(x) as T;
  if (Array.isArray(x)) return x.map((v: unknown) => harmlessData(v, escape)) as T;
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = harmlessData(v, escape);
    return out as T;
  }
  return x;
}
