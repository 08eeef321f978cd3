// Schedules as short, typeable, versioned strings: "v1:0*3,1*5,0,2*4" means thread 0 runs 3
// steps, thread 1 five, thread 0 one, thread 2 four. When a replay runs past the listed steps it
// goes on without preemption (the current thread while it can run, else the lowest id).

export type Schedule = readonly number[];

export function encode(s: Schedule): string {
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j < s.length && s[j] === s[i]) j++;
    parts.push(j - i === 1 ? `${s[i]}` : `${s[i]}*${j - i}`);
    i = j;
  }
  return `v1:${parts.join(',')}`;
}

export class BadSchedule extends Error {}

export function decode(text: string): number[] {
  const t = text.trim();
  if (!t.startsWith('v1:')) throw new BadSchedule(`a schedule starts with "v1:" (got "${t.slice(0, 20)}")`);
  const body = t.slice(3);
  if (body === '') return [];
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d{1,2})(?:\*(\d{1,4}))?$/.exec(part.trim());
    if (!m) throw new BadSchedule(`"${part}" is not a step: write a thread number, or N*COUNT`);
    const n = m[2] === undefined ? 1 : Number(m[2]);
    for (let i = 0; i < n; i++) out.push(Number(m[1]));
    if (out.length > 100000) throw new BadSchedule('schedule too long');
  }
  return out;
}

/** Context switches away from a thread that could still have run. */
export function preemptions(s: Schedule, enabledAt: readonly (readonly number[])[]): number {
  let n = 0;
  for (let i = 1; i < s.length; i++) if (s[i] !== s[i - 1] && enabledAt[i].includes(s[i - 1])) n++;
  return n;
}
