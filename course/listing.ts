// The table `npm run lesson` prints: every lesson, shipped or coming, with the student's
// progress. Returns a string; the CLI prints it.
import type { LessonEntry } from './lessons';
import { lessonProgress, type Progress } from './progress';
import { palette } from './style';

export function progressLabel(entry: LessonEntry, progress: Progress): string {
  if (entry.status === 'coming') return 'coming soon';
  const p = lessonProgress(progress, entry.number);
  if (p === undefined) return 'not started';
  if (p.finished) return 'finished';
  return `at section ${p.section}/${p.sections}`;
}

export function formatLessonList(entries: readonly LessonEntry[], progress: Progress, color: boolean): string {
  const c = palette(color);
  const titleWidth = Math.max(...entries.map((e) => e.title.length));
  const lines = [c.bold('anon-vma-lab lessons'), ''];
  for (const e of entries) {
    const label = progressLabel(e, progress);
    const styled = e.status === 'coming' ? c.dim(label) : label === 'finished' ? c.green(label) : label;
    const row = `${String(e.number).padStart(3)}  ${e.title.padEnd(titleWidth)}  ${styled}`;
    lines.push(e.status === 'coming' ? c.dim(row) : row);
  }
  const shipped = entries.filter((e) => e.status === 'shipped');
  lines.push('');
  if (shipped.length === 0) {
    lines.push('No lesson is shipped yet.');
  } else {
    const next =
      shipped.find((e) => lessonProgress(progress, e.number)?.finished !== true) ?? shipped[shipped.length - 1];
    lines.push(`Read one with: npm run lesson N   (next up: npm run lesson ${next.number})`);
  }
  return lines.join('\n') + '\n';
}
