// Has the frontend rolled: pods with the new env and Ready, old ones gone.
import { describe, expect, it } from '@jest/globals';
import { routerExpectation } from '../../../../../src/targets/kubernetes/decide/env-change.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';
import { assessRollout, podView } from '../../../../../src/targets/kubernetes/rollout/pod-progress.ts';

const expected = routerExpectation({ component: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }], container: [] });

function pod(
  name: string,
  mode: string | undefined,
  opts: { ready?: boolean; phase?: string; terminating?: boolean; status?: JsonObject } = {},
): JsonObject {
  return {
    metadata: { name, uid: name, ...(opts.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'main', env: mode ? [{ name: 'DYN_ROUTER_MODE', value: mode }] : [] }] },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
      ...opts.status,
    },
  };
}

const view = (p: JsonObject) => podView(p, 'main', expected);

describe('assessRollout', () => {
  it('waits while an old pod remains, even when the new one is Ready', () => {
    const state = assessRollout([view(pod('old', undefined)), view(pod('new', 'kv'))], 1);
    expect(state.done).toBe(false);
    expect(state.summary).toContain('1 old pod(s) remaining (old)');
  });

  it('waits for a terminating pod to go', () => {
    expect(
      assessRollout([view(pod('old', 'kv', { terminating: true })), view(pod('new', 'kv'))], 1).done,
    ).toBe(false);
  });

  it('waits for enough Ready pods with the new env', () => {
    expect(assessRollout([view(pod('a', 'kv', { ready: false }))], 1).done).toBe(false);
    expect(assessRollout([view(pod('a', 'kv'))], 2).done).toBe(false);
    expect(assessRollout([view(pod('a', 'kv')), view(pod('b', 'kv'))], 2).done).toBe(true);
  });

  it('ignores finished pods', () => {
    expect(
      assessRollout([view(pod('evicted', undefined, { phase: 'Failed' })), view(pod('a', 'kv'))], 1).done,
    ).toBe(true);
  });
});
