// `npm run lesson` lists the lessons with the student's progress; `npm run lesson N` runs one.
// On a terminal (and CI unset) the lesson is interactive, one section per screen; otherwise the
// whole lesson is printed, demos run and quiz answers shown, and nothing waits for input.
// Exit codes: 0 done (or quit with q); 2 unknown or not-yet-shipped lesson;
// 1 a broken lesson file (malformed quiz, unreadable file); 130 Ctrl-C.
// The only place that reads the environment:
//   ANON_VMA_LAB_LESSONS  lessons directory (default: <repo>/lessons)
//   ANON_VMA_LAB_HOME     where .anon-vma-lab/progress.json lives (default: the working directory)
//   CI, NO_COLOR          as usual (CI=false or CI=0 count as unset)
import './pipe';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findLesson, listLessons, type LessonEntry } from '../course/lessons';
import { formatLessonList } from '../course/listing';
import { LessonFormatError, parseLesson, type Lesson } from '../course/parse';
import { loadProgress, progressFile } from '../course/progress';
import { renderLesson, renderLessonPresent, type RenderOptions } from '../course/render';
import type * as Interactive from './interactive';
import type * as LessonHtml from './lessonHtml';
import { userPath } from './args';

const env = process.env;
const lessonsDir = path.resolve(env.ANON_VMA_LAB_LESSONS || path.join(__dirname, '..', 'lessons'));
const home = path.resolve(env.ANON_VMA_LAB_HOME || process.cwd());
const file = progressFile(home);
const stdoutTTY = process.stdout.isTTY === true;
const color = stdoutTTY && !env.NO_COLOR; // no-color.org: set and non-empty
const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
const width = Math.min(80, stdoutTTY ? process.stdout.columns || 80 : 80);
let render: RenderOptions = { color, width, ...(stdoutTTY && process.stdout.rows > 0 ? { rows: process.stdout.rows } : {}) };

const USAGE = `usage: npm run lesson        list the lessons and your progress
       npm run lesson N      read lesson N (Enter: next · b: back · q: quit)
       npm run lesson N -- --present [--section K]
                             presenter mode for a projector: roomier screens, quiz answers
                             hidden until you press a; your own progress is left alone;
                             from section K (default 1)
       npm run lesson N -- --html DIR
                             draw every demo of lesson N as a web page, DIR/<demo>.html
Not on a terminal, or with CI set, lesson N is printed whole, quiz answers included.
`;

function fail(message: string, code: number): never {
  process.stderr.write(`lesson: ${message}\n`);
  process.exit(code);
}

function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}

function nextHint(entries: readonly LessonEntry[], n: number): string {
  const next = entries.find((e) => e.number === n + 1);
  if (next === undefined) return 'That was the last lesson of the course.';
  return next.status === 'shipped'
    ? `Next: npm run lesson ${next.number} (${next.title})`
    : `Lesson ${next.number} (${next.title}) is coming soon.`;
}

async function main(argv: readonly string[]): Promise<number> {
  const presenting = argv.includes('--present');
  const sectionAt = argv.indexOf('--section');
  const sectionArg = sectionAt >= 0 ? argv[sectionAt + 1] : undefined;
  if (sectionAt >= 0 && !presenting) fail('--section goes with --present (a lesson of your own resumes where you left it)', 2);
  if (sectionAt >= 0 && (sectionArg === undefined || !/^[1-9]\d{0,2}$/.test(sectionArg))) fail('--section needs a section number (1, 2, ...)', 2);
  argv = argv.filter((_, i) => sectionAt < 0 || (i !== sectionAt && i !== sectionAt + 1));
  const htmlAt = argv.indexOf('--html');
  const htmlArg = htmlAt >= 0 ? argv[htmlAt + 1] : undefined;
  const htmlDir = htmlArg === undefined || htmlArg.startsWith('--') ? htmlArg : userPath(htmlArg);
  if (htmlAt >= 0 && (htmlDir === undefined || htmlDir.startsWith('--'))) fail('--html needs a folder', 2);
  const args = argv.filter((a, i) => a !== '--present' && (htmlAt < 0 || (i !== htmlAt && i !== htmlAt + 1)));
  if (presenting) render = { ...render, present: true };
  const entries = listLessons(lessonsDir);
  const { progress, warning } = loadProgress(file);
  if (warning !== undefined) process.stderr.write(`lesson: ${warning}\n`);

  if (args[0] === '-h' || args[0] === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.length === 0) {
    process.stdout.write(formatLessonList(entries, progress, color));
    return 0;
  }
  if (args.length > 1) fail(`expected one lesson number, got "${args.join(' ')}"`, 2);
  const found = findLesson(entries, args[0]);
  if (found.kind === 'error') fail(found.message, 2);
  const entry = found.lesson;

  let lesson: Lesson;
  try {
    lesson = parseLesson(fs.readFileSync(entry.file, 'utf8'), displayPath(entry.file));
  } catch (err) {
    if (err instanceof LessonFormatError) fail(err.message, 1);
    fail(`cannot read ${displayPath(entry.file)}: ${err instanceof Error ? err.message : String(err)}`, 1);
  }

  const from = sectionArg === undefined ? 1 : Number(sectionArg);
  if (from > lesson.sections.length) fail(`lesson ${entry.number} has ${lesson.sections.length} sections: --section takes 1 to ${lesson.sections.length}`, 2);

  if (htmlDir !== undefined) {
    const { writeDemoPages } = require('./lessonHtml') as typeof LessonHtml;
    const { written, skipped } = writeDemoPages(lesson, htmlDir);
    for (const f of written) process.stdout.write(`wrote ${displayPath(f)}\n`);
    for (const s of skipped) process.stdout.write(`no page for ${s}\n`);
    return 0;
  }

  const interactive = stdoutTTY && process.stdin.isTTY === true && !ci;
  if (!interactive) {
    process.stdout.write(presenting ? renderLessonPresent(lesson, render, undefined, from) : renderLesson(lesson, render));
    return 0;
  }

  // Loaded only now: a pipe or CI never pays for the session, the raw-mode terminal or inquirer.
  const { runInteractive } = require('./interactive') as typeof Interactive;
  const end = await runInteractive({ lesson, entry, progress, progressFile: file, render, from });
  if (presenting) {
    process.stdout.write(end.kind === 'finished' ? `\nEnd of lesson ${entry.number}.\n` : `\nStopped at section ${end.section}/${end.sections}.\n`);
    return end.kind === 'interrupted' ? 130 : 0;
  }
  if (end.kind === 'finished') {
    process.stdout.write(`\nLesson ${entry.number} finished. ${nextHint(entries, entry.number)}\n`);
    return 0;
  }
  process.stdout.write(
    `\nProgress saved at section ${end.section}/${end.sections}. ` +
      `\`npm run lesson ${entry.number}\` picks up from there.\n`,
  );
  return end.kind === 'interrupted' ? 130 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lesson: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
