// `npm run lesson N -- --html DIR`: every demo of lesson N drawn as a page for the projector
// (trace/html.ts), DIR/<demo>.html, from the runs the demo records (course/demoKit.ts). A demo
// that records no run (it only explores) gets no page.
import * as fs from 'fs';
import * as path from 'path';
import type { Lesson } from '../course/parse';
import { runDemo } from '../course/demos';
import { watchRecordedRuns } from '../course/demoKit';
import { traceHtml } from '../trace/html';
import type { Trace } from '../trace/trace';

/** The pages written, or why a demo has none. */
export function writeDemoPages(lesson: Lesson, dir: string): { written: string[]; skipped: string[] } {
  fs.mkdirSync(dir, { recursive: true });
  const names = lesson.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'demo' ? [b.name] : [])));
  const written: string[] = [], skipped: string[] = [];
  for (const name of names) {
    const runs: Trace[] = [];
    let headline = '';
    watchRecordedRuns((t) => runs.push(t));
    try {
      headline = (runDemo(name, { color: false, width: 100 }).split('\n\n')[0] ?? '').replace(/\s*\n\s*/g, ' ');
    } catch (e) {
      skipped.push(`${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      continue;
    } finally {
      watchRecordedRuns(undefined);
    }
    if (runs.length === 0) { skipped.push(`${name}: records no run to draw`); continue; }
    runs.forEach((t, k) => {
      const file = path.join(dir, `${name}${runs.length > 1 && k < runs.length - 1 ? `-${k + 1}` : ''}.html`);
      fs.writeFileSync(file, traceHtml(t, { title: `${lesson.title} — demo ${name}`, summary: headline }));
      written.push(file);
    });
  }
  return { written, skipped };
}
