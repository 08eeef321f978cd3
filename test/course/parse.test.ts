import * as fs from 'node:fs';
import * as path from 'node:path';
import { LessonFormatError, parseLesson, type Block } from '../../course/parse';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'lessons', '03-slab-typesafe-by-rcu.md');

function kinds(blocks: readonly Block[]): string[] {
  return blocks.map((b) => (b.kind === 'demo' ? `demo:${b.name}` : b.kind));
}

function quizError(body: string): LessonFormatError {
  const src = `# T\n\nintro\n\n\`\`\`quiz\n${body}\n\`\`\`\n`;
  try {
    parseLesson(src, 'lessons/09-x.md');
  } catch (err) {
    if (err instanceof LessonFormatError) return err;
    throw err;
  }
  throw new Error('expected a LessonFormatError');
}

describe('parseLesson', () => {
  test('splits the fixture at ## headings, the # title and intro forming the first section', () => {
    const lesson = parseLesson(fs.readFileSync(FIXTURE, 'utf8'), 'fixture.md');
    expect(lesson.title).toBe('SLAB_DESTROY_BY_RCU: the object may be someone else now');
    expect(lesson.sections.map((s) => s.title)).toEqual([
      'SLAB_DESTROY_BY_RCU: the object may be someone else now',
      'The cache that frees late',
      'Check your reading',
      'Recheck after locking',
    ]);
    expect(lesson.sections.map((s) => s.line)).toEqual([1, 5, 17, 29]);
    expect(kinds(lesson.sections[1].blocks)).toEqual(['markdown', 'demo:fixture-demo-that-does-not-exist']);
    expect(kinds(lesson.sections[2].blocks)).toEqual(['markdown', 'quiz']);
  });

  test('a # title directly followed by ## goes with that first section', () => {
    const lesson = parseLesson('# Title\n\n## First\n\none\n\n## Second\n\ntwo\n', 'x.md');
    expect(lesson.title).toBe('Title');
    expect(lesson.sections.map((s) => s.title)).toEqual(['First', 'Second']);
    const first = lesson.sections[0].blocks[0];
    expect(first.kind === 'markdown' && first.tokens.map((t) => t.type)).toEqual(['heading', 'heading', 'paragraph', 'space']);
  });

  test('a demo block keeps its name, caption and line; other code blocks stay markdown', () => {
    const src = '# T\n\n## A\n\n```c\nint x;\n```\n\n```demo seed-hang\nThe hang,\nlive.\n```\n';
    const [a] = parseLesson(src, 'x.md').sections;
    expect(kinds(a.blocks)).toEqual(['markdown', 'demo:seed-hang']);
    expect(a.blocks[1]).toEqual({ kind: 'demo', name: 'seed-hang', caption: 'The hang,\nlive.', line: 9 });
  });

  test('a demo block without a name is an error naming the file and line', () => {
    expect(() => parseLesson('# T\n\n```demo\ncaption\n```\n', 'lessons/01-a.md')).toThrow(
      /^lessons\/01-a\.md:3: a demo block needs one name/,
    );
  });

  test('a quiz: wrapped question, choices, explanations, the answer, numbered through the lesson', () => {
    const lesson = parseLesson(fs.readFileSync(FIXTURE, 'utf8'), 'fixture.md');
    const block = lesson.sections[2].blocks[1];
    if (block.kind !== 'quiz') throw new Error('expected a quiz');
    expect(block.number).toBe(1);
    expect(block.line).toBe(21);
    expect(block.quiz.question).toBe(
      'Under `rcu_read_lock()`, a pointer read from a `SLAB_DESTROY_BY_RCU` cache is guaranteed to point to...',
    );
    expect(block.quiz.answer).toBe(1);
    expect(block.quiz.choices.map((c) => c.text)).toEqual([
      'the same object it pointed to when it was read',
      'memory of the same type, possibly a different object',
      'memory that is never reused',
    ]);
    expect(block.quiz.choices[1].explanation).toBe(
      'yes: that is why you must recheck identity after taking a lock',
    );
    expect(block.quiz.choices.map((c) => c.correct)).toEqual([false, true, false]);
  });

  test('a choice may wrap onto the next line', () => {
    const src = '# T\n\n```quiz\nQ: q?\n- [x] right — because\n  it is\n- [ ] wrong — no\n```\n';
    const block = parseLesson(src, 'x.md').sections[0].blocks[1];
    expect(block.kind === 'quiz' && block.quiz.choices[0].explanation).toBe('because it is');
  });

  test.each([
    ['no "Q:" line', '- [x] a — b\n- [ ] c — d', 6, /expected a line starting with "Q:"/],
    ['a choice without " — "', 'Q: q?\n- [x] a — b\n- [ ] c - d', 8, /has no explanation/],
    ['no choice marked [x]', 'Q: q?\n- [ ] a — b\n- [ ] c — d', 7, /exactly one choice must be marked \[x\], found 0/],
    ['two choices marked [x]', 'Q: q?\n- [x] a — b\n- [x] c — d', 8, /exactly one choice must be marked \[x\], found 2/],
    ['a malformed checkbox', 'Q: q?\n- [x] a — b\n- [] c — d', 8, /malformed choice "- \[\] c — d"/],
    ['a single choice', 'Q: q?\n- [x] a — b', 7, /at least two choices/],
    ['an empty explanation', 'Q: q?\n- [x] a — \n- [ ] c — d', 7, /has no explanation|empty explanation/],
  ])('a malformed quiz (%s) is an error naming the file and line', (_what, body, line, problem) => {
    const err = quizError(body);
    expect(err.file).toBe('lessons/09-x.md');
    expect(err.line).toBe(line);
    expect(err.message.startsWith(`lessons/09-x.md:${line}: quiz: `)).toBe(true);
    expect(err.message).toMatch(problem);
  });

  test('an empty lesson is an error', () => {
    expect(() => parseLesson('\n\n', 'e.md')).toThrow(LessonFormatError);
  });
});
