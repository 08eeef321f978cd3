// A tiny argument parser for the CLIs: --flag, --option VALUE (or --option=VALUE), positionals.
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
      a.options.set(name, v);
      continue;
    }
    throw new UsageError(`unknown option ${x}`);
  }
  return a;
}
