// The rollout kept up to date one pod at a time: a flood of watch events costs time linear in
// their number.
import { describe, expect, it } from '@jest/globals';
import {
  assessRollout,
  listNames,
  RolloutTally,
  type PodView,
} from '../../../../../src/targets/kubernetes/rollout/pod-progress.ts';

describe('the rollout, one event at a time', () => {
  it('RolloutTally agrees with assessRollout after every change, and lists at most 10 names', () => {
    const tally = new RolloutTally(2);
    const views = new Map<string, PodView>();
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 2000; i++) {
      const key = `p${rand(30)}`;
      if (rand(5) === 0) {
        views.delete(key);
        tally.set(key, undefined);
      } else {
        const view: PodView = {
          name: key,
          phase: ['Running', 'Pending', 'Failed'][rand(3)],
          ready: rand(2) === 0,
          terminating: rand(4) === 0,
          current: rand(2) === 0,
        };
        views.set(key, view);
        tally.set(key, view);
      }
      expect(tally.done).toBe(assessRollout([...views.values()], 2).done);
    }
    expect(tally.state()).toEqual(assessRollout([...views.values()], 2));
    const names = Array.from({ length: 13_219 }, (_, i) => `pod-${i}`);
    expect(listNames(names)).toBe(`${names.slice(0, 10).join(', ')} and 13,209 more`);
  });
});
