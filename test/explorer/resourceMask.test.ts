// The sleep sets' filter (dpor.ts, Entry): two footprints whose resource masks share no bit where
// one writes are independent. That holds only if every dependent pair does share such a bit.
import fc from 'fast-check';
import { dependent, resourceMask, Footprint } from '../../explorer/dependence';

// keys of the kinds footprints hold: word addresses, slots, free lists, RCU states, callbacks
const key = fc.oneof(
  fc.integer({ min: 1, max: 0x1100 }).map((x) => x * 8),
  fc.integer({ min: 0, max: 0x200 }).map((x) => 0x1000000 + x * 0x40),
  fc.integer({ min: 0, max: 9 }).map((c) => 0x2000000 + c),
  fc.integer({ min: 0, max: 29 }).map((t) => 0x3000000 + t),
  fc.constant(0x4000000),
);
const keys = fc.array(key, { maxLength: 4 });
const fp = (r: number[], w: number[]): Footprint => ({ r, w, lock: 0, acquire: false, release: false, fl: 0, sk: 0, ob: null, ts: -1, tl: -1 });
const mayDepend = (a: Footprint, b: Footprint): boolean => {
  const aw = resourceMask(a.w), bw = resourceMask(b.w);
  return ((aw & (bw | resourceMask(b.r))) | (bw & (aw | resourceMask(a.r)))) !== 0;
};

test('dependent footprints always share a mask bit where one writes', () => {
  fc.assert(fc.property(keys, keys, keys, keys, (ar, aw, br, bw) => {
    const a = fp(ar, aw), b = fp(br, bw);
    if (dependent(a, b)) expect(mayDepend(a, b)).toBe(true);
  }), { numRuns: 5000 });
  // and when they share a key that one writes, whatever else they hold
  fc.assert(fc.property(key, keys, keys, (k, ar, br) => {
    expect(mayDepend(fp(ar, [k]), fp([...br, k], []))).toBe(true);
  }), { numRuns: 2000 });
});

test('the filter is worth having: most unrelated resources do not collide', () => {
  let apart = 0;
  for (let i = 1; i <= 200; i++) if (!mayDepend(fp([], [i * 8]), fp([(i + 300) * 8], []))) apart++;
  expect(apart).toBeGreaterThan(150);
});
