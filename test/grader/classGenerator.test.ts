// The generated class (test/fixtures/class/generate.ts) is what it claims: deterministic,
// no two files alike, every mutant a valid submission that differs from the reference, and
// the hostile uploads caught by the static checks where they should be.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { generateClass, TEMPLATES } from '../fixtures/class/generate';
import { loadSubmission, SubmissionError } from '../../grader/load';

let a: string, b: string;
beforeAll(() => {
  a = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-gen-a-'));
  b = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-gen-b-'));
});
afterAll(() => { for (const d of [a, b]) fs.rmSync(d, { recursive: true, force: true }); });

test('100 submissions, the same bytes every time, no two alike, files and folders', () => {
  const g1 = generateClass(a), g2 = generateClass(b);
  expect(g1).toHaveLength(100);
  const bytes = (g: typeof g1, dir: string) => g.map((x) => [path.relative(dir, x.file), fs.readFileSync(x.file, 'utf8')]);
  expect(bytes(g2, b)).toEqual(bytes(g1, a));
  expect(new Set(g1.map((x) => createHash('sha256').update(fs.readFileSync(x.file)).digest('hex'))).size).toBe(100);
  expect(g1.filter((x) => path.basename(x.file) === 'page_lock_anon_vma.ts')).toHaveLength(50);
});

test('every template but the hostile ones passes the static checks; the mutants all differ', () => {
  const g = generateClass(a, 42);
  const errors = new Map<string, string>();
  for (const x of g) {
    try { loadSubmission(x.file); } catch (e) { if (e instanceof SubmissionError) errors.set(x.template, e.kind); else throw e; }
  }
  expect(Object.fromEntries(errors)).toEqual({ 'syntax-error': 'invalid-submission', 'import-fs': 'forbidden-import' });
  const bodies = TEMPLATES.map((t) => t.source().replace(/^\/\/.*$/gm, ''));
  expect(new Set(bodies).size).toBe(TEMPLATES.length);
}, 60_000);
