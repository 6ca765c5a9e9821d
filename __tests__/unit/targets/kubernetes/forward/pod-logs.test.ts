// The frontend pods' logs as evidence, against an in-memory KubeApi.
import { describe, expect, it } from '@jest/globals';
import { podLogSource } from '../../../../../src/targets/kubernetes/forward/pod-logs.js';
import { apiError, fakeKubeApi } from '../../../../support/fake-kube-api.js';

const NS = 'dynamo';
const SELECTOR = 'nvidia.com/selector=agg-frontend';
const LABELS = { 'nvidia.com/selector': 'agg-frontend' };

describe('podLogSource', () => {
  it('reads the Ready frontend pods only, and only the lines logged since the mark', async () => {
    const api = fakeKubeApi();
    const source = podLogSource(api, NS, SELECTOR, 'main');
    const mark = await source.mark();
    const before = new Date(mark - 5000).toISOString();
    const after = new Date(mark + 10).toISOString();
    api.pods.set(NS, [
      { name: 'agg-frontend-a', labels: LABELS, log: `${before} old line\n${after} router_mode=kv\n` },
      { name: 'agg-frontend-b', labels: LABELS, ready: false, log: `${after} not ready\n` },
      { name: 'agg-worker-0', labels: { other: 'x' }, log: `${after} a worker\n` },
    ]);
    expect(await source.since(mark)).toEqual({ text: 'router_mode=kv' });
    expect(api.calls.filter((c) => c.startsWith('podLog'))).toEqual([
      expect.stringMatching(/^podLog dynamo agg-frontend-a main \d+$/),
    ]);
  });

  it('says why when no pod is Ready or the logs are forbidden', async () => {
    const api = fakeKubeApi();
    const source = podLogSource(api, NS, SELECTOR, undefined);
    expect(await source.since(Date.now())).toEqual({ problem: 'no Ready frontend pod to read logs from' });
    api.pods.set(NS, [{ name: 'agg-frontend-a', labels: LABELS }]);
    api.failing.podLog = apiError(403, 'Forbidden', 'pods "agg-frontend-a" is forbidden');
    const { problem } = await source.since(Date.now());
    expect(problem).toMatch(
      /^the frontend pod logs could not be read \(Forbidden \(403\).*; reading them needs get on pods\/log$/,
    );
  });
});
