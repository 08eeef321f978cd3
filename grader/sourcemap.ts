// Just enough of source maps (v3) to turn a generated line into the TypeScript line it came
// from, for the student's source lines in traces.
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(s: string, i: { p: number }): number {
  let result = 0, shift = 0, digit: number;
  do {
    digit = B64.indexOf(s[i.p++]);
    result += (digit & 31) << shift;
    shift += 5;
  } while (digit & 32);
  return result & 1 ? -(result >> 1) : result >> 1;
}

/** generated line (1-based) -> original line (1-based), from the first segment of each line. */
export function lineMap(mapJson: string): Map<number, number> {
  const out = new Map<number, number>();
  if (mapJson === '') return out;
  const mappings: string = (JSON.parse(mapJson) as { mappings: string }).mappings;
  let srcLine = 0;
  const lines = mappings.split(';');
  for (let g = 0; g < lines.length; g++) {
    const segs = lines[g].split(',').filter((x) => x !== '');
    let first = true;
    for (const seg of segs) {
      const i = { p: 0 };
      vlq(seg, i); // generated column
      if (i.p >= seg.length) continue;
      vlq(seg, i); // source index
      srcLine += vlq(seg, i);
      vlq(seg, i); // source column
      if (i.p < seg.length) vlq(seg, i); // name
      if (first) { out.set(g + 1, srcLine + 1); first = false; }
    }
  }
  return out;
}
