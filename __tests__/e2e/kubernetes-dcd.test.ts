// The action against the operator's DynamoComponentDeployment layer (simulated by the stand-in, whose
// own tests are standin-cluster/__tests__/cluster-dcd.test.ts): a Deployment the operator manages is
// refused with the DGD to set instead, and the DGD resolves as before.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { startCluster, REPO_ROOT, type Cluster } from '../../standin-cluster/index.ts';
import { parseSettings } from '../../src/settings/settings.ts';
import { kubeApi } from '../../src/targets/kubernetes/api/kube-api.ts';
import { loadCredentials } from '../../src/targets/kubernetes/api/credentials.ts';
import { resolveTarget } from '../../src/targets/kubernetes/resolve/find-frontend.ts';

const FIX = join(REPO_ROOT, '__tests__/fixtures/k8s');
const NS = 'dynamo';
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({
    namespace: NS,
    manifests: [join(FIX, 'fake-graph.v1alpha1.yaml'), join(FIX, 'fake-graph.v1beta1.yaml')],
  });
  await cluster.waitForReady(NS, { timeoutMs: 60000 });
}, 90000);

afterAll(async () => {
  await cluster?.stop();
});

describe('the action and the DCD layer', () => {
  test('a Deployment the operator manages is refused: the DCD controller would overwrite the change', async () => {
    const api = kubeApi(loadCredentials({ KUBECONFIG: cluster.kubeconfigPath } as NodeJS.ProcessEnv));
    const inputs: Record<string, string> = {
      namespace: NS,
      deployment: 'fake-graph-frontend',
      service: 'fake-graph-frontend',
    };
    const k = parseSettings((name) => inputs[name] ?? '').kubernetes!;
    const failure = await resolveTarget(api, NS, k, undefined).then(
      (t) => ({ code: 'resolved', message: `${t.ref.kind} ${t.ref.name}`, hint: '' }),
      (e: { code: string; message: string; hint: string }) => e,
    );
    expect(failure.code).toBe('bad-input');
    expect(failure.message).toContain(
      'Deployment dynamo/fake-graph-frontend is managed by DynamoComponentDeployment fake-graph-frontend',
    );
    expect(failure.message).toContain('of DynamoGraphDeployment fake-graph');
    expect(failure.hint).toContain('set `deployment` to fake-graph (the DynamoGraphDeployment)');
    // The DGD itself resolves as before, whatever the layer below it.
    const ok = await resolveTarget(
      api,
      NS,
      parseSettings((name) => ({ namespace: NS, deployment: 'fake-graph' })[name] ?? '').kubernetes!,
      undefined,
    );
    expect(ok.ref).toMatchObject({ kind: 'dgd', name: 'fake-graph' });
    expect(ok.serviceName).toBe('fake-graph-frontend');
  });
});
