import * as fs from 'node:fs';
import * as path from 'node:path';
import { UnknownDemo } from '../../course/demos';
import { parseLesson, type Quiz } from '../../course/parse';
import { Marked } from 'marked';
import { renderDemo, renderLesson, renderQuizPlain, renderQuizResult, renderSection, renderTokens, stripAnsi, wrap } from '../../course/render';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'lessons', '03-slab-typesafe-by-rcu.md');
const lesson = parseLesson(fs.readFileSync(FIXTURE, 'utf8'), 'fixture.md');
const plain = { color: false, width: 80 };

const quiz: Quiz = {
  question: 'Which lock does `anon_vma_lock()` take in 2.6.36?',
  choices: [
    { text: 'the anon_vma own lock', explanation: 'not since 2.6.35: the root is shared', correct: false },
    { text: '`anon_vma->root->lock`', explanation: 'right: one lock for the **whole** tree', correct: true },
  ],
  answer: 1,
};

describe('rendering', () => {
  test('plain output has no ANSI escapes and no line over 80 columns', () => {
    const out = renderLesson(lesson, plain, () => 'demo output');
    expect(out).not.toMatch(/\u001b/);
    expect(out).toContain('## The cache that frees late');
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  test('a list item wrapped before a version number or a "3." keeps its indent and its list\'s numbers', () => {
    const md = [
      '- The walk itself (`#2`\'s list: fork\'s vma, not the page\'s) is the 2.6.35 behaviour again, and still harmless.',
      '- Another item long enough to wrap around at this width, and 3. then more words follow.',
      '',
      '1. A numbered item long enough to wrap around at the width, before 2.6.36 and more.',
      '2. The second item.',
      '',
    ].join('\n');
    for (const width of [60, 70, 74, 80]) {
      const lines = renderTokens(new Marked().lexer(md), { color: false, width }).split('\n').filter((l) => l.trim() !== '');
      // each item's first line has its marker; every other line is indented past it
      expect(lines.filter((l) => /^ {4}\* /.test(l))).toHaveLength(2);
      expect(lines.filter((l) => /^ {4}\d+\. /.test(l)).map((l) => l.trim().slice(0, 3))).toEqual(['1. ', '2. ']);
      for (const l of lines) expect(l).toMatch(/^ {4}(?:\* |\d+\. | {2,3}\S)/);
      expect(lines.map((l) => l.trim()).join(' ')).toContain('is the 2.6.35 behaviour again');
    }
  });

  test('inline markdown inside a tight list item is rendered, not printed raw', () => {
    const out = renderSection(lesson.sections[1], plain, () => '');
    expect(out).toContain('`kmem_cache_free()` may hand the same address to the next');
    expect(out).not.toContain('**');
  });

  test('colour only when asked', () => {
    const coloured = renderSection(lesson.sections[1], { color: true, width: 80 }, () => '');
    expect(coloured).toMatch(/\u001b\[/);
    expect(stripAnsi(coloured)).toContain('kmem_cache_free()');
  });

  test('a demo prints what runDemo returns, with the options it was given', () => {
    const calls: unknown[] = [];
    const out = renderDemo('seed-hang', { color: false, width: 72 }, (name, opts) => {
      calls.push([name, opts]);
      return 'CPU0  spin_lock(&anon_vma->root->lock)\n';
    });
    expect(calls).toEqual([['seed-hang', { color: false, width: 72 }]]);
    expect(out).toBe('▶ demo seed-hang\nCPU0  spin_lock(&anon_vma->root->lock)\n');
  });

  test('an unknown demo is a one-line note; the stub in course/demos.ts gives that today', () => {
    const note = renderDemo('seed-hang', plain, () => {
      throw new UnknownDemo('unknown demo: seed-hang');
    });
    expect(note).toBe('[demo seed-hang is not available yet]\n');
    expect(renderDemo('fixture-demo-that-does-not-exist', plain)).toBe(
      '[demo fixture-demo-that-does-not-exist is not available yet]\n',
    );
  });

  test('any other demo failure is one line, never a stack', () => {
    const out = renderDemo('seed-hang', plain, () => {
      throw new TypeError('cannot read properties of undefined\n    at foo (sim/x.ts:1:1)');
    });
    expect(out).toBe('[demo seed-hang failed: cannot read properties of undefined]\n');
  });

  test('a plain quiz shows the question, the choices, the answer and every explanation', () => {
    expect(renderQuizPlain(quiz, 2, plain)).toBe(
      [
        'Quiz 2: Which lock does `anon_vma_lock()` take in 2.6.36?',
        '  a) the anon_vma own lock',
        '  b) `anon_vma->root->lock`',
        'Answer: b) `anon_vma->root->lock`',
        '  ✗ a) not since 2.6.35: the root is shared',
        '  ✓ b) right: one lock for the whole tree',
        '',
      ].join('\n'),
    );
  });

  test('after an answer: right, or wrong with the right answer, each with its explanation', () => {
    expect(renderQuizResult(quiz, 1, plain)).toBe('✓ Right. right: one lock for the whole tree\n');
    expect(renderQuizResult(quiz, 0, plain)).toBe(
      '✗ Not quite. not since 2.6.35: the root is shared\n' +
        '  The answer is b) `anon_vma->root->lock`: right: one lock for the whole tree\n',
    );
  });

  test('wrap keeps the leading indent and continues lines with the given indent', () => {
    expect(wrap('  aaa bbb ccc', 9, '    ')).toBe('  aaa bbb\n    ccc');
  });
});

test('every section of every lesson fits an 80-column terminal (tables too: a wider one wraps into garbage)', () => {
  const dir = path.join(__dirname, '..', '..', 'lessons');
  const over: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.md')).sort()) {
    const lesson = parseLesson(fs.readFileSync(path.join(dir, f), 'utf8'), f);
    lesson.sections.forEach((s, i) => {
      // demos are the simulator's output, held to 80 columns by their own tests
      for (const line of renderSection(s, { color: false, width: 80 }, () => '').split('\n')) {
        if ([...line].length > 80) over.push(`${f} section ${i + 1}: ${[...line].length} columns: ${line.slice(0, 40)}`);
      }
    });
  }
  expect(over).toEqual([]);
});
