// Kubernetes target leaves against an in-memory KubeApi (__tests__/support/fake-kube-api.ts):
// the pod-log evidence source and the near-name message for a DGD that does not exist.
import { describe, expect, it } from '@jest/globals';
import { podLogSource } from '../../src/targets/kubernetes/forward/pod-logs.js';
import { missingDeployment } from '../../src/targets/kubernetes/resolve/near-names.js';
import { apiError, fakeKubeApi } from '../support/fake-kube-api.js';

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

describe('missingDeployment', () => {
  const dgd = (name: string) => ({
    apiVersion: 'nvidia.com/v1alpha1',
    kind: 'DynamoGraphDeployment',
    metadata: { name },
  });

  it('names the nearest DGD and the command that lists them', async () => {
    const api = fakeKubeApi();
    api.put('nvidia.com', 'v1alpha1', NS, 'dynamographdeployments', dgd('mocker-agg'));
    api.put('nvidia.com', 'v1alpha1', NS, 'dynamographdeployments', dgd('vllm-disagg'));
    const failure = await missingDeployment(api, NS, 'mocker-agx', ['v1alpha1']);
    expect(failure?.code).toBe('not-found');
    expect(failure?.message).toMatch(
      /^DynamoGraphDeployment dynamo\/mocker-agx does not exist\. Did you mean mocker-agg\?/,
    );
    expect(failure?.hint).toBe('set `deployment: mocker-agg`');
  });

  it('stays silent when the DGD exists or the list is refused', async () => {
    const api = fakeKubeApi();
    api.put('nvidia.com', 'v1alpha1', NS, 'dynamographdeployments', dgd('mocker-agg'));
    expect(await missingDeployment(api, NS, 'mocker-agg', ['v1alpha1'])).toBeUndefined();
    api.failing.listObjects = apiError(403, 'Forbidden');
    expect(await missingDeployment(api, NS, 'other', ['v1alpha1'])).toBeUndefined();
  });
});
