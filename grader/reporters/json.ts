// The JSON result of one submission: the contract of result.ts, exactly as grade.ts returns it
// (fields may be added, never renamed). Pretty-printed, with a final newline.
import type { GradeResult } from '../result';

export function renderJson(r: GradeResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
