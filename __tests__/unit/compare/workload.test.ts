// The compare-modes workload: deterministic from the seed, same shape for every mode.
import { describe, expect, it } from '@jest/globals';
import { buildWorkload, groupOrder, type WorkloadSettings } from '../../../src/compare/workload.js';

const settings = (extra: Partial<WorkloadSettings> = {}): WorkloadSettings => ({
  requests: 40,
  prefixGroups: 4,
  prefixTokens: 50,
  maxTokens: 8,
  seed: 7,
  model: 'tiny-model',
  ...extra,
});

const prefixOf = (content: string): string => content.split('\n\n')[0];

describe('buildWorkload', () => {
  it('is identical for the same settings and seed', () => {
    expect(buildWorkload(settings())).toEqual(buildWorkload(settings()));
  });

  it('changes with the seed', () => {
    const a = buildWorkload(settings());
    const b = buildWorkload(settings({ seed: 8 }));
    expect(a.map((r) => r.messages[0].content)).not.toEqual(b.map((r) => r.messages[0].content));
  });

  it('gives each request its group prefix, a unique suffix, the model and max tokens', () => {
    const list = buildWorkload(settings());
    expect(list).toHaveLength(40);
    expect(list.map((r) => r.index)).toEqual([...Array(40).keys()]);
    const contents = list.map((r) => r.messages[0].content);
    expect(new Set(contents).size).toBe(40);
    for (const r of list) {
      expect(r).toMatchObject({ model: 'tiny-model', maxTokens: 8 });
      expect(r.messages).toHaveLength(1);
      expect(r.messages[0].role).toBe('user');
    }
    // Same group ⇔ same prefix.
    const byGroup = new Map<number, Set<string>>();
    for (const r of list) {
      const set = byGroup.get(r.group) ?? new Set();
      set.add(prefixOf(r.messages[0].content));
      byGroup.set(r.group, set);
    }
    expect(byGroup.size).toBe(4);
    for (const set of byGroup.values()) expect(set.size).toBe(1);
    const prefixes = [...byGroup.values()].map((s) => [...s][0]);
    expect(new Set(prefixes).size).toBe(4);
    // About prefixTokens words each.
    for (const p of prefixes) expect(p.split(' ')).toHaveLength(50);
  });

  it('uses every group equally and never repeats a prefix back to back', () => {
    const list = buildWorkload(settings());
    const counts = [0, 0, 0, 0];
    for (const r of list) counts[r.group]++;
    expect(counts).toEqual([10, 10, 10, 10]);
    for (let i = 1; i < list.length; i++) expect(list[i].group).not.toBe(list[i - 1].group);
  });

  it('does not pin a group to one position parity (round-robin over 2 workers)', () => {
    // With one fixed order repeated, 4 groups over 2 workers would always meet the same worker.
    const order = groupOrder(200, 4, 11);
    for (let g = 0; g < 4; g++) {
      const parities = new Set(order.flatMap((x, i) => (x === g ? [i % 2] : [])));
      expect(parities.size).toBe(2);
    }
  });

  it('keeps the structure but changes the words for another variant', () => {
    const a = buildWorkload(settings());
    const b = buildWorkload(settings({ variant: 1 }));
    expect(b.map((r) => r.group)).toEqual(a.map((r) => r.group));
    expect(prefixOf(b[0].messages[0].content)).not.toBe(prefixOf(a[0].messages[0].content));
    expect(prefixOf(b[0].messages[0].content).split(' ')).toHaveLength(50);
  });

  it('handles one group, no prefix and more groups than requests', () => {
    expect(buildWorkload(settings({ prefixGroups: 1, requests: 3 })).map((r) => r.group)).toEqual([0, 0, 0]);
    const bare = buildWorkload(settings({ prefixTokens: 0, requests: 2 }));
    expect(bare[0].messages[0].content).toMatch(/^Request 1: /);
    const few = buildWorkload(settings({ prefixGroups: 10, requests: 3 }));
    expect(new Set(few.map((r) => r.group)).size).toBe(3);
  });

  it.each([
    ['requests', { requests: 0 }],
    ['prefixGroups', { prefixGroups: 0 }],
    ['maxTokens', { maxTokens: 1.5 }],
    ['prefixTokens', { prefixTokens: -1 }],
  ])('rejects a bad %s', (_name, extra) => {
    expect(() => buildWorkload(settings(extra))).toThrow(RangeError);
  });
});
