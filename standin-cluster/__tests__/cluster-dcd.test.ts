// The operator's DynamoComponentDeployment layer in the stand-in, read back with the real kubectl:
// DGD -> DCD (owned by the DGD) -> Deployment and frontend Service (owned by the DCD) -> pods, the
// DGD's env flowing through each layer, status flowing back, and garbage collection down the chain.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { startCluster, REPO_ROOT, type Cluster } from '../index.ts';
import { kubectl } from '../testing.ts';

const FIX = join(REPO_ROOT, '__tests__/fixtures/k8s');
const NS = 'dynamo';
let cluster: Cluster;

async function json(args: string[]): Promise<any> {
  const r = await kubectl(cluster, [...args, '-o', 'json']);
  // Through v1alpha1 the only stderr is the CRD's deprecation warning.
  expect(r.stderr.replace(/^Warning: .* is deprecated;.*\n/m, '')).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

const envOf = (o: any) =>
  Object.fromEntries(
    (o.spec.template.spec.containers.find((c: any) => c.name === 'main').env as any[]).map((e) => [
      e.name,
      e.value,
    ]),
  );

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

describe('DGD -> DynamoComponentDeployment -> Deployment', () => {
  test('kubectl get dcd lists one DCD per component, Available', async () => {
    const r = await kubectl(cluster, ['get', 'dcd']);
    expect(r.stderr).toBe('');
    // The CRD's printer columns; DynamoComponent (.spec.dynamoComponent) is empty for DCDs a DGD makes.
    expect(r.stdout).toMatch(/^NAME\s+DYNAMOCOMPONENT\s+AVAILABLE\s+BACKEND\s+AGE/m);
    expect(r.stdout).toMatch(/^fake-graph-frontend\s+True\s/m);
    // Worker DCDs are named with the hash of the workers' spec, frontends are not.
    expect(r.stdout).toMatch(/^fake-graph-decode-[0-9a-f]{8}\s+True\s/m);
    expect(r.stdout).toMatch(/^fake-graph-beta-frontend\s+True\s/m);
  });

  test('the DCD: owned by the DGD, the operator labels, the graph env merged into the component env', async () => {
    const dgd = await json(['get', 'dynamographdeployments.v1alpha1.nvidia.com', 'fake-graph']);
    const dcd = await json(['get', 'dynamocomponentdeployments', 'fake-graph-frontend']);
    expect(dcd.apiVersion).toBe('nvidia.com/v1alpha1');
    expect(dcd.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'nvidia.com/v1alpha1',
        kind: 'DynamoGraphDeployment',
        name: 'fake-graph',
        uid: dgd.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(dcd.metadata.labels).toEqual({
      'nvidia.com/dynamo-component': 'Frontend',
      'nvidia.com/dynamo-namespace': 'dynamo-fake-graph',
      'nvidia.com/dynamo-graph-deployment-name': 'fake-graph',
    });
    expect(dcd.spec).toMatchObject({ serviceName: 'Frontend', dynamoNamespace: 'dynamo-fake-graph' });
    // MergeEnvs: the graph's DYN_LOG joins the component's envs, sorted by name.
    expect(dcd.spec.envs.map((e: any) => e.name)).toEqual([
      'DYN_LOG',
      'DYN_ROUTER_TEMPERATURE',
      'FAKE_MODEL',
    ]);
    expect(dcd.status.conditions.map((c: any) => [c.type, c.status])).toEqual([
      ['Available', 'True'],
      ['DynamoComponentReady', 'True'],
    ]);
    expect(dcd.status.service).toMatchObject({ componentKind: 'Deployment', readyReplicas: 1 });
    expect(dcd.status.observedGeneration).toBe(dcd.metadata.generation);
    // The DGD's status is the DCDs' (Ready only when every DCD is Available).
    expect(dgd.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    expect(dgd.status.services.Frontend).toEqual(dcd.status.service);
  });

  test('the Deployment and the frontend Service are owned by the DCD, not the DGD', async () => {
    const dcd = await json(['get', 'dcd', 'fake-graph-beta-frontend']);
    const deploy = await json(['get', 'deploy', 'fake-graph-beta-frontend']);
    const owner = {
      apiVersion: 'nvidia.com/v1alpha1',
      kind: 'DynamoComponentDeployment',
      name: 'fake-graph-beta-frontend',
      uid: dcd.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    expect(deploy.metadata.ownerReferences).toEqual([owner]);
    expect(deploy.spec.selector).toEqual({
      matchLabels: { 'nvidia.com/selector': 'fake-graph-beta-frontend' },
    });
    expect(deploy.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    expect(deploy.spec.template.metadata.labels).toMatchObject({
      'nvidia.com/dynamo-graph-deployment-name': 'fake-graph-beta',
      'nvidia.com/dynamo-component-type': 'frontend',
      'nvidia.com/metrics-enabled': 'true',
    });
    const svc = await json(['get', 'svc', 'fake-graph-beta-frontend']);
    expect(svc.metadata.ownerReferences).toEqual([owner]);
    expect(svc.metadata.labels['nvidia.com/dynamo-graph-deployment-name']).toBe('fake-graph-beta');
  });

  test('an env change on the DGD flows DGD -> DCD -> Deployment; a direct Deployment edit is overwritten', async () => {
    const patch = await kubectl(cluster, [
      'patch',
      'dynamographdeployments.v1alpha1.nvidia.com',
      'fake-graph',
      '--type',
      'merge',
      '-p',
      JSON.stringify({
        spec: {
          services: {
            Frontend: {
              envs: [
                { name: 'FAKE_MODEL', value: 'Qwen/Qwen3-0.6B' },
                { name: 'DCD_PROBE', value: 'x' },
              ],
            },
          },
        },
      }),
    ]);
    expect(patch.code).toBe(0);
    await cluster.waitFor(
      () => {
        const d = cluster.get('apps/v1', 'Deployment', 'fake-graph-frontend') as any;
        return d && envOf(d).DCD_PROBE === 'x';
      },
      'the env in the Deployment',
      { timeoutMs: 10000 },
    );
    const dcd = await json(['get', 'dcd', 'fake-graph-frontend']);
    expect(dcd.spec.envs.find((e: any) => e.name === 'DCD_PROBE')).toEqual({ name: 'DCD_PROBE', value: 'x' });
    // The DCD controller's SyncResource puts back what someone changed under it.
    const edit = await kubectl(cluster, ['set', 'env', 'deployment/fake-graph-frontend', 'DCD_PROBE=edited']);
    expect(edit.code).toBe(0);
    await cluster.waitFor(
      () => envOf(cluster.get('apps/v1', 'Deployment', 'fake-graph-frontend') as any).DCD_PROBE === 'x',
      'the operator overwriting the edit',
      { timeoutMs: 10000 },
    );
    await cluster.waitForReady(NS, { timeoutMs: 30000 });
  }, 60000);

  test('a worker change makes new worker DCDs under a new hash; the old ones go once the new are Available', async () => {
    const workers = () =>
      cluster
        .list('nvidia.com/v1alpha1', 'DynamoComponentDeployment', NS, 'nvidia.com/dynamo-worker-hash')
        .filter((d: any) => d.metadata.labels['nvidia.com/dynamo-graph-deployment-name'] === 'fake-graph')
        .map((d: any) => d.metadata.name as string);
    const [before] = workers();
    expect(before).toMatch(/^fake-graph-decode-[0-9a-f]{8}$/);
    const deploy = await json(['get', 'deploy', before]);
    expect(deploy.metadata.labels['nvidia.com/dynamo-worker-hash']).toBe(before.slice(-8));
    const patch = await kubectl(cluster, [
      'patch',
      'dynamographdeployments.v1alpha1.nvidia.com',
      'fake-graph',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { services: { decode: { envs: [{ name: 'WORKER_PROBE', value: '1' }] } } } }),
    ]);
    expect(patch.code).toBe(0);
    const after = await cluster.waitFor(
      () => {
        const names = workers();
        return names.length === 1 && names[0] !== before ? names[0] : undefined;
      },
      'the old worker DCD to be replaced',
      { timeoutMs: 20000 },
    );
    expect(after).toMatch(/^fake-graph-decode-[0-9a-f]{8}$/);
    expect(cluster.get('apps/v1', 'Deployment', before)).toBeUndefined();
    await cluster.waitForReady(NS, { timeoutMs: 30000 });
  }, 60000);

  test('deleting the DGD removes its DCDs, their Deployments and Services', async () => {
    const r = await kubectl(cluster, ['delete', 'dgd', 'fake-graph-beta']);
    expect(r.code).toBe(0);
    await cluster.waitFor(
      () =>
        !cluster.get('nvidia.com/v1alpha1', 'DynamoComponentDeployment', 'fake-graph-beta-frontend') &&
        !cluster.get('apps/v1', 'Deployment', 'fake-graph-beta-frontend') &&
        !cluster.get('v1', 'Service', 'fake-graph-beta-frontend'),
      'the chain to be collected',
      { timeoutMs: 15000 },
    );
    expect(
      cluster.get('nvidia.com/v1alpha1', 'DynamoComponentDeployment', 'fake-graph-frontend'),
    ).toBeTruthy();
  }, 30000);
});
