// A deployment that does not exist: the near names, and the command that lists what does.
import { describe, expect, it } from '@jest/globals';
import { missingDeployment } from '../../../../../src/targets/kubernetes/resolve/near-names.js';
import { apiError, fakeKubeApi } from '../../../../support/fake-kube-api.js';

const NS = 'dynamo';

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
