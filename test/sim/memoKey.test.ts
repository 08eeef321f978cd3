import fc from 'fast-check';
import { memoKey, MemoNode } from '../../sim/machine';

// The memo (Machine.startMemo) takes two answers with one key for one answer: a thread given
// either goes to the same state. Keys must be equal exactly when the answers are equal values.

const number = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.5, 1e21));
const sameNumbers = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

describe('memoKey', () => {
  test('two arrays of numbers share a key exactly when they hold the same numbers in the same order', () => {
    fc.assert(fc.property(fc.array(number, { maxLength: 4 }), fc.array(number, { maxLength: 4 }), (a, b) => {
      expect(memoKey(a) === memoKey(b)).toBe(sameNumbers(a, b));
    }), { numRuns: 2000 });
  });

  test('an equal copy has the same key; -0 and 0 differ, as numbers do', () => {
    expect(memoKey([1, 2])).toBe(memoKey([1, 2].slice()));
    expect(memoKey([-0])).not.toBe(memoKey([0]));
    expect(memoKey(-0)).not.toBe(memoKey(0));
    expect(memoKey([NaN])).toBe(memoKey([NaN]));
    // MemoNode.kid compares keys with ===, under which NaN is not itself
    expect(memoKey(NaN) === memoKey(NaN)).toBe(true);
  });

  test('a memo node finds each child by its answer, however many it has', () => {
    const answers: unknown[] = [0, -0, NaN, 1, 2, Infinity, 'nNaN', [1], [NaN], [-0], { a: 1 }, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const node = new MemoNode(null, undefined, 0, 0, null, null, undefined);
    const kids = answers.map((a, i) => new MemoNode(node, a, 1, i, null, null, undefined));
    answers.forEach((a, i) => {
      expect(node.kid(memoKey(a))).toBeUndefined();
      node.add(memoKey(a), kids[i]);
      // every child added so far, and no other
      answers.forEach((b, j) => expect(node.kid(memoKey(b))).toBe(j <= i ? kids[j] : undefined));
    });
  });

  test("an array of numbers shares no key with answers of another shape", () => {
    const others: unknown[] = [1, 0, -0, '[n1]', '[]', [[1]], [1, '1'], ['1'], [true], { 0: 1 }, [[]], [1, [2]], [null], [undefined]];
    fc.assert(fc.property(fc.array(number, { maxLength: 3 }), (a) => {
      for (const o of others) expect(memoKey(a)).not.toBe(memoKey(o));
    }), { numRuns: 500 });
  });

  test('arrays that are not all numbers are keyed too, and told apart', () => {
    expect(memoKey([1, 'a'])).toBe(memoKey([1, 'a']));
    expect(memoKey([1, 'a'])).not.toBe(memoKey([1, 'b']));
    expect(memoKey([{ x: 1 }])).toBe(memoKey([{ x: 1 }]));
    expect(memoKey([{ x: 1 }])).not.toBe(memoKey([{ x: 2 }]));
  });
});
