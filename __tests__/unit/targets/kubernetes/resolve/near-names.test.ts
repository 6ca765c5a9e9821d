// Near names: the name a typo meant, nearest first.
import { describe, expect, it } from '@jest/globals';
import { nearNames } from '../../../../../src/targets/kubernetes/resolve/near-names.js';

describe('near names', () => {
  it('finds the name a typo meant, nearest first, and nothing for a different word', () => {
    expect(nearNames('mocker-agx', ['vllm-disagg', 'mocker-agg', 'mocker-disagg'])).toEqual(['mocker-agg']);
    expect(nearNames('llama', ['llama-3-70b-agg', 'qwen'])).toEqual(['llama-3-70b-agg']);
    expect(nearNames('zzz', ['mocker-agg'])).toEqual([]);
  });
});
