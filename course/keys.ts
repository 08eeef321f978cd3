// Terminal input as keys, shared by the lesson runner (session.ts) and the play game (play.ts)
// without either loading the other.

/** Split a chunk of terminal input into keys: escape sequences stay whole. */
export function splitKeys(data: string): string[] {
  const keys: string[] = [];
  const re = /\u001b\[[0-9;]*[~A-Za-z]|\u001bO[A-Za-z]|\r\n|[\s\S]/g;
  for (let m = re.exec(data); m !== null; m = re.exec(data)) keys.push(m[0]);
  return keys;
}
