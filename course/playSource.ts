// Names for the steps `play` shows: the kernel routine a modelled mm step belongs to, found from
// the step's source location ("sim/mm/anonVma.ts:15" is inside anon_vma_lock). Display only:
// a location it cannot place gives no name. Reads the simulator's own source files, once each.
import * as fs from 'fs';
import * as path from 'path';

const MM = path.resolve(__dirname, '..', 'sim', 'mm');
const routines = new Map<string, (string | undefined)[]>();

/** For each line of `file`, the generator function it sits in (by indentation: a body ends
 *  at the first closing brace in column 0). */
function routinesOf(file: string): (string | undefined)[] {
  const hit = routines.get(file);
  if (hit !== undefined) return hit;
  let lines: string[];
  try { lines = fs.readFileSync(file, 'utf8').split('\n'); } catch { lines = []; }
  const out: (string | undefined)[] = [];
  let current: string | undefined;
  for (const l of lines) {
    const m = /^(?:export\s+)?function\*\s*([A-Za-z_]\w*)/.exec(l);
    if (m) current = m[1];
    out.push(current);
    if (l.startsWith('}')) current = undefined;
  }
  routines.set(file, out);
  return out;
}

/** "anon_vma_lock" for a location inside the modelled mm code, else undefined. */
export function kernelRoutine(loc: string | undefined): string | undefined {
  if (loc === undefined) return undefined;
  const m = /^(.+):(\d+)$/.exec(loc);
  if (m === null || path.dirname(path.resolve(m[1])) !== MM) return undefined;
  return routinesOf(path.resolve(m[1]))[Number(m[2]) - 1];
}
