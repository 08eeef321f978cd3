// A small ANSI palette, independent of chalk's own TTY detection: colour only when asked.
// Kept apart from render.ts so that listing the lessons does not load marked.
export type Style = (s: string) => string;

export const plain: Style = (s) => s;

function sgr(color: boolean, open: string, close: string): Style {
  return color ? (s) => `\u001b[${open}m${s}\u001b[${close}m` : plain;
}

export interface Palette {
  readonly bold: Style;
  readonly dim: Style;
  readonly italic: Style;
  readonly yellow: Style;
  readonly green: Style;
  readonly red: Style;
  readonly blue: Style;
  readonly magenta: Style;
}

export function palette(color: boolean): Palette {
  return {
    bold: sgr(color, '1', '22'),
    dim: sgr(color, '2', '22'),
    italic: sgr(color, '3', '23'),
    yellow: sgr(color, '33', '39'),
    green: sgr(color, '32', '39'),
    red: sgr(color, '31', '39'),
    blue: sgr(color, '34', '39'),
    magenta: sgr(color, '35', '39'),
  };
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}
