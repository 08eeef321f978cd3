// Exercise 03's scenarios: a lookup on a SLAB_TYPESAFE_BY_RCU cache (lesson 3). The
// adversary removes the published object and reallocates its memory as another object; DPOR
// places each of its steps between every two steps of the lookup.
import type { Machine } from '../sim/machine';
import type { Scenario } from './scenario';
import { checkObjRefs, TypesafeLookupSubject, lookupHarness, makeTable, tableInsert, tableRemove, Table } from './typesafeLookupHarness';
import { finishing } from './atEnd';
import type { Kernel } from '../sim/api';

type S = Scenario<TypesafeLookupSubject>;
const V = '2.6.36';
const KEY = 7;
const OTHER = 9;

function scenario(name: string, summary: string, published: number, adversary?: (t: Table) => Kernel<void>): S {
  return {
    name, summary, version: V,
    build(m: Machine, subject: TypesafeLookupSubject): void {
      const t = makeTable(m, published);
      const check = checkObjRefs(0);
      m.spawn('lookup', () => finishing(lookupHarness(t, KEY, subject), check));
      if (adversary !== undefined) m.spawn('adversary', () => finishing(adversary(t), check));
    },
  };
}

export function quiet(): S { return scenario('quiet', `nobody else runs: the object with key ${KEY} stays published`, KEY); }
export function miss(): S { return scenario('miss', `the slot holds an object with key ${OTHER}; nobody else runs`, OTHER); }
export function remove(): S {
  return scenario('remove', 'the adversary unpublishes the object and drops the last reference: it is freed', KEY, function* (t) {
    yield* tableRemove(t);
  });
}
export function reuse(): S {
  return scenario('reuse', `the adversary frees the object and reallocates its memory as an object with key ${OTHER}`, KEY, function* (t) {
    yield* tableRemove(t);
    yield* tableInsert(t, OTHER);
  });
}
export function reuseTwice(): S {
  return scenario('reuse-twice', `free and reallocate twice: key ${OTHER}, then key ${KEY} again (the same key, another object)`, KEY, function* (t) {
    yield* tableRemove(t);
    yield* tableInsert(t, OTHER);
    yield* tableRemove(t);
    yield* tableInsert(t, KEY);
  });
}

export const TYPESAFE_LOOKUP: Readonly<Record<string, () => S>> = { quiet, miss, remove, reuse, 'reuse-twice': reuseTwice };
