// A tiny argument parser for the CLIs: --flag, --option VALUE (or --option=VALUE), positionals.
import * as path from 'path';

export class UsageError extends Error {}
export interface Args { readonly positional: string[]; readonly flags: Set<string>; readonly options: Map<string, string> }

export function parseArgs(argv: readonly string[], spec: { flags: readonly string[]; options: readonly string[] }): Args {
  const a: Args = { positional: [], flags: new Set(), options: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '-h') { a.flags.add('help'); continue; }
    if (!x.startsWith('--')) { a.positional.push(x); continue; }
    const eq = x.indexOf('=');
    const name = x.slice(2, eq < 0 ? undefined : eq);
    if (spec.flags.includes(name)) { if (eq >= 0) throw new UsageError(`--${name} takes no value`); a.flags.add(name); continue; }
    if (spec.options.includes(name)) {
      const v = eq >= 0 ? x.slice(eq + 1) : argv[++i];
      if (v === undefined || (eq < 0 && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      // (the second would silently win: two output files meant, one written)
      if (a.options.has(name)) throw new UsageError(`--${name} is given twice`);
      a.options.set(name, v);
      continue;
    }
    throw new UsageError(`unknown option ${x}`);
  }
  return a;
}

/** The folder the user ran the command in. npm runs a package's scripts in the package's root
 *  and puts the folder it was started in into INIT_CWD; that counts only when npm is running
 *  this very CLI (a CLI a test spawns under `npm test` inherits INIT_CWD from that run). */
export function userCwd(): string {
  const init = process.env.INIT_CWD, script = process.env.npm_lifecycle_script, me = process.argv[1];
  if (init === undefined || script === undefined || me === undefined) return process.cwd();
  const rel = path.relative(process.cwd(), me).split(path.sep).join('/');
  return rel !== '' && !rel.startsWith('..') && script.split(/\s+/).includes(rel) ? init : process.cwd();
}

/** A path the user typed, as this process must open it (unchanged when typed where it runs). */
export function userPath(p: string): string { const c = userCwd(); return c === process.cwd() ? p : path.resolve(c, p); }

/** The options naming files, taken from where the user typed them (userPath). */
export function userPaths(a: Args, names: readonly string[]): void {
  for (const n of names) { const v = a.options.get(n); if (v !== undefined) a.options.set(n, userPath(v)); }
}
