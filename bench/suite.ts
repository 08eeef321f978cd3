// The bench suite: the seed scenario with 2.6.36-rc2's and Hugh Dickins' page_lock_anon_vma,
// the same with K extra fork/exit pairs (churn), and small synthetic programs whose
// interleaving classes naive enumeration can count. Data only; measuring is measure.ts's job.
import { seed } from '../scenarios/pageLock';
import { instantiate } from '../scenarios/scenario';
import type { Factory } from '../explorer/run';
import type { PageLockSubject } from '../scenarios/pageLockHarness';
import * as rc2 from '../solutions/05-page-lock-anon-vma/history/2.6.36-rc2';
import * as hugh from '../solutions/05-page-lock-anon-vma/history/hugh-fix';
import { counter, philosophers, rcuPubSub, slabReuse } from './synthetic';

export interface BenchScenario {
  readonly name: string;
  /** The code under test: a history file, or a synthetic program. */
  readonly code: string;
  readonly factory: Factory;
  readonly synthetic: boolean;
}

const HISTORY = 'solutions/05-page-lock-anon-vma/history/';
const SUBJECTS: readonly { tag: string; file: string; subject: PageLockSubject; version: '2.6.36-rc2' | '2.6.36' }[] = [
  { tag: 'rc2', file: '2.6.36-rc2.ts', subject: rc2, version: '2.6.36-rc2' },
  { tag: 'hugh', file: 'hugh-fix.ts', subject: hugh, version: '2.6.36' },
];

function seeds(churn: readonly number[]): BenchScenario[] {
  const out: BenchScenario[] = [];
  for (const k of churn) {
    for (const s of SUBJECTS) {
      const sc = seed(s.version, k);
      out.push({ name: `${sc.name}/${s.tag}`, code: HISTORY + s.file, factory: (o) => instantiate(sc, s.subject, o), synthetic: false });
    }
  }
  return out;
}

function synth(name: string, code: string, factory: Factory): BenchScenario {
  return { name, code: `bench/synthetic.ts ${code}`, factory, synthetic: true };
}

export function suite(quick: boolean): BenchScenario[] {
  return [
    ...seeds(quick ? [0, 1] : [0, 1, 2, 3]),
    synth('counter-2/racy', 'counter(2, racy)', counter(2, false)),
    synth('counter-3/racy', 'counter(3, racy)', counter(3, false)),
    synth('counter-3/locked', 'counter(3, locked)', counter(3, true)),
    ...(quick ? [] : [
      synth('counter-4/racy', 'counter(4, racy)', counter(4, false)),
      synth('counter-4/locked', 'counter(4, locked)', counter(4, true)),
    ]),
    synth('abba', 'philosophers(2)', philosophers(2, false)),
    synth('philosophers-3', 'philosophers(3)', philosophers(3, false)),
    synth('philosophers-3/ord', 'philosophers(3, ordered)', philosophers(3, true)),
    synth('rcu-pubsub/sync', 'rcuPubSub(1 reader, synchronize_rcu)', rcuPubSub(1, true)),
    synth('rcu-pubsub/nosync', 'rcuPubSub(1 reader, no grace period)', rcuPubSub(1, false)),
    ...(quick ? [] : [synth('slab-reuse-2', 'slabReuse(2 freeing threads, 1 reader)', slabReuse(2))]),
  ];
}
