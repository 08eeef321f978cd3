// The scenario registry: every page-lock scenario the grader may ask for on 2.6.36, fresh on
// each call; unknown names and kinds are undefined, never a throw.
import { scenariosFor, scenarioNames, subjectShape } from '../../scenarios/registry';

describe('scenario registry', () => {
  test('page-lock scenarios on 2.6.36', () => {
    const names = ['quiet', 'exit-vs-walk', 'remap', 'seed', 'seed-churn-1', 'seed-churn-2', 'seed-churn-3', 'hugetlb-move', 'hugetlb-move-locked'];
    expect(scenarioNames('page-lock')).toEqual(expect.arrayContaining(names));
    for (const n of names) {
      const sc = scenariosFor('page-lock', n);
      expect(sc?.name).toBe(n);
      expect(sc?.version).toBe('2.6.36');
    }
    expect(subjectShape('page-lock')).toEqual(['page_lock_anon_vma', 'page_unlock_anon_vma']);
  });

  test('a fresh scenario on each lookup; unknown names are undefined', () => {
    expect(scenariosFor('rmap-walk', 'quiet')).not.toBe(scenariosFor('rmap-walk', 'quiet'));
    expect(scenariosFor('rcu-reader', 'nope')).toBeUndefined();
    expect(scenariosFor('rcu-reader', 'toString')).toBeUndefined();
    expect(scenariosFor('sighand', 'nope')).toBeUndefined();
    expect(subjectShape('schedule')).toEqual([]);
  });
});
