// Live demos named by lessons' ```demo NAME``` blocks. Filled in by the simulator work;
// the lesson runner only calls runDemo(name) and prints what it returns.
export class UnknownDemo extends Error {}
export function demoNames(): string[] { return []; }
export function runDemo(name: string, opts: { color: boolean; width: number } = { color: false, width: 80 }): string {
  void opts;
  throw new UnknownDemo(`unknown demo: ${name}`);
}
