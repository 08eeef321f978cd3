// The student's exercise state in their working copy (.anon-vma-lab/exercises.json): how
// many hints each exercise has revealed and whether it has passed. Never prints.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ExerciseState { readonly hints: number; readonly passed: boolean; readonly bestScore: number }
export type ExerciseStates = Readonly<Record<string, ExerciseState>>;

export function stateFile(home: string): string { return path.join(home, '.anon-vma-lab', 'exercises.json'); }

export function loadStates(file: string): ExerciseStates {
  try {
    const d: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof d !== 'object' || d === null) return {};
    const out: Record<string, ExerciseState> = {};
    for (const [k, v] of Object.entries(d as Record<string, unknown>)) {
      const x = v as Partial<ExerciseState>;
      if (typeof x === 'object' && x !== null && Number.isInteger(x.hints) && typeof x.passed === 'boolean') {
        out[k] = { hints: x.hints!, passed: x.passed!, bestScore: Number.isFinite(x.bestScore) ? x.bestScore! : 0 };
      }
    }
    return out;
  } catch {
    return {};
  }
}

export function saveStates(file: string, s: ExerciseStates): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function getState(s: ExerciseStates, id: string): ExerciseState { return s[id] ?? { hints: 0, passed: false, bestScore: 0 }; }
export function withState(s: ExerciseStates, id: string, st: ExerciseState): ExerciseStates { return { ...s, [id]: st }; }
