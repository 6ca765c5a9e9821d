// Where the stand-in follows the real API server and the Dynamo operator closely enough that the
// product's own logic is exercised against them: the shared nvidia.com group, managedFields,
// the operator's conversion and admission. Cross-checked with kubectl where kubectl can see it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { startCluster, REPO_ROOT, type Cluster } from '../support/cluster/index.ts';
import { kubectl } from '../support/cluster/testing.ts';
import { parseSettings } from '../../src/settings.ts';
import { dgdVersions, kubeApi, loadCredentials } from '../../src/targets/kubernetes/cluster.ts';
import { resolveTarget } from '../../src/targets/kubernetes/resolve.ts';

const FIX = join(REPO_ROOT, '__tests__/fixtures/k8s');
const NS = 'dynamo';

function apiFor(cluster: Cluster) {
  return kubeApi(loadCredentials({ KUBECONFIG: cluster.kubeconfigPath } as NodeJS.ProcessEnv));
}

function k8sSettings(inputs: Record<string, string>) {
  return parseSettings((name) => inputs[name] ?? '').kubernetes!;
}

describe('an operator release that serves DGD only as v1alpha1, in a crowded nvidia.com group', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({
      namespace: NS,
      dgdVersions: ['v1alpha1'],
      manifests: [join(FIX, 'fake-graph.v1alpha1.yaml')],
    });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test('kubectl sees the group as a real cluster lists it: v1 preferred, DGD at v1alpha1 only', async () => {
    const groups = await kubectl(cluster, ['get', '--raw', '/apis/nvidia.com']);
    expect(JSON.parse(groups.stdout)).toMatchObject({
      versions: [{ version: 'v1' }, { version: 'v1beta1' }, { version: 'v1alpha1' }],
      preferredVersion: { version: 'v1' },
    });
    const r = await kubectl(cluster, ['api-resources', '--api-group=nvidia.com', '--no-headers']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    expect(rows).toContainEqual(['clusterpolicies', 'nvidia.com/v1', 'false', 'ClusterPolicy']);
    expect(rows).toContainEqual([
      'dynamographdeploymentrequests',
      'dgdr',
      'nvidia.com/v1beta1',
      'true',
      'DynamoGraphDeploymentRequest',
    ]);
    expect(rows).toContainEqual([
      'dynamographdeployments',
      'dgd',
      'nvidia.com/v1alpha1',
      'true',
      'DynamoGraphDeployment',
    ]);
    const get = await kubectl(cluster, ['get', 'dgd', '-n', NS]);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/^fake-graph\s/m);
    const beta = await kubectl(cluster, [
      'get',
      '--raw',
      `/apis/nvidia.com/v1beta1/namespaces/${NS}/dynamographdeployments/fake-graph`,
    ]);
    expect(beta.code).not.toBe(0);
    expect(beta.stderr).toMatch(/NotFound|not find/);
  });

  test('the action finds the DGD in the version that serves it, not the group\u2019s versions', async () => {
    const api = apiFor(cluster);
    expect(await dgdVersions(api)).toEqual(['v1alpha1']);
    const target = await resolveTarget(
      api,
      NS,
      k8sSettings({ namespace: NS, deployment: 'fake-graph' }),
      undefined,
    );
    expect(target.ref).toMatchObject({ kind: 'dgd', version: 'v1alpha1', name: 'fake-graph' });
    expect(target.loc.component).toBe('Frontend');
  });
});
