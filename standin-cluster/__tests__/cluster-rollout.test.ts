// Operator + kubelet simulation: DGD -> pods, rollouts on spec changes, port-forward, and the
// failure modes a rollout can stall on (crash loop, never Ready, unschedulable, image pull).
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  startCluster,
  parseManifests,
  isPodReady,
  REPO_ROOT,
  type Cluster,
  type K8sObject,
} from '../index.ts';
import { httpGet, kubectl, portForward } from '../testing.ts';

const FIX = join(REPO_ROOT, '__tests__/fixtures/k8s');
const NS = 'dynamo';
let cluster: Cluster;
let kc: k8s.KubeConfig;

const FE = 'nvidia.com/dynamo-component-type=frontend';

function fakeGraph(name: string, version: 'v1alpha1' | 'v1beta1' = 'v1alpha1'): K8sObject {
  const obj = parseManifests(join(FIX, `fake-graph.${version}.yaml`))[0] as K8sObject;
  obj.metadata.name = name;
  return obj;
}

const podsOf = (dgd: string, extra = '') =>
  cluster.pods(NS, `nvidia.com/dynamo-graph-deployment-name=${dgd}${extra ? ',' + extra : ''}`);
const names = (ps: K8sObject[]) => ps.map((p) => p.metadata.name).sort();
const events = (podName: string) =>
  cluster.list('v1', 'Event', NS).filter((e) => e.involvedObject?.name === podName);

async function mergePatchDGD(name: string, version: string, body: unknown): Promise<any> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  return api.patchNamespacedCustomObject(
    { group: 'nvidia.com', version, namespace: NS, plural: 'dynamographdeployments', name, body },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
}

beforeAll(async () => {
  cluster = await startCluster({ namespace: NS, unpullableImages: /does-not-exist/ });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
}, 30000);

afterAll(async () => {
  await cluster?.stop();
  // nothing left running
  expect(cluster.kubelet.runningPids()).toEqual([]);
});

describe('DGD rollout', () => {
  test('frontend env change rolls the frontend only; the new pod runs with the new env', async () => {
    await cluster.apply(fakeGraph('roll-a'));
    await cluster.waitForReady(NS, { timeoutMs: 30000 });
    const fe0 = names(podsOf('roll-a', FE));
    const wk0 = names(podsOf('roll-a', 'nvidia.com/dynamo-component-type=worker'));
    expect(fe0).toHaveLength(1);
    expect(fe0[0]).toMatch(/^roll-a-frontend-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect(wk0).toHaveLength(1);

    // watch pods while rolling, with client-node and with kubectl get -w
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const ctl = await watch.watch(
      `/api/v1/namespaces/${NS}/pods`,
      { labelSelector: `${FE},nvidia.com/dynamo-graph-deployment-name=roll-a` },
      (type, p) => seen.push(`${type} ${p.metadata.name}`),
      () => {},
    );
    const kw = spawn('kubectl', [
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--cache-dir',
      join(cluster.dir, 'kc'),
      'get',
      'pods',
      '-w',
      '--output-watch-events',
      '-l',
      `${FE},nvidia.com/dynamo-graph-deployment-name=roll-a`,
    ]);
    let kout = '';
    kw.stdout.on('data', (d) => (kout += d));

    const cur: any = cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'roll-a', NS);
    const envs = [...cur.spec.services.Frontend.envs, { name: 'DYN_ROUTER_MODE', value: 'kv' }];
    await mergePatchDGD('roll-a', 'v1alpha1', {
      metadata: { resourceVersion: cur.metadata.resourceVersion },
      spec: { services: { Frontend: { envs } } },
    });
    await cluster.waitFor(
      () => {
        const all = cluster.list('v1', 'Pod', NS, `${FE},nvidia.com/dynamo-graph-deployment-name=roll-a`); // terminating ones too
        return all.length === 1 && all[0].metadata.name !== fe0[0] && isPodReady(all[0]);
      },
      'frontend roll (old pod gone, new pod Ready)',
      { timeoutMs: 30000 },
    );
    const fe1 = names(podsOf('roll-a', FE));
    expect(fe1).toHaveLength(1);
    expect(fe1[0]).not.toBe(fe0[0]);
    expect(cluster.list('v1', 'Pod', NS).map((p) => p.metadata.name)).not.toContain(fe0[0]);
    expect(names(podsOf('roll-a', 'nvidia.com/dynamo-component-type=worker'))).toEqual(wk0); // workers untouched
    const pod = podsOf('roll-a', FE)[0];
    expect(pod.spec.containers[0].env).toContainEqual({ name: 'DYN_ROUTER_MODE', value: 'kv' });

    // the process got it: read its environment through a client-node port-forward to port 8000
    const fwd = await portForward(cluster.kubeconfigPath, NS, pod.metadata.name, 8000);
    try {
      const env = JSON.parse((await httpGet(`http://127.0.0.1:${fwd.port}/env`)).body);
      expect(env.DYN_ROUTER_MODE).toBe('kv');
      expect(env.DYN_ROUTER_TEMPERATURE).toBe('0.0');
      expect(env.DYN_LOG).toBe('info'); // graph-level env
      expect(env.DYN_NAMESPACE).toBe('dynamo-roll-a');
      expect(env.DYN_DISCOVERY_BACKEND).toBe('file');
      expect(env.POD_NAME).toBe(pod.metadata.name);
      const models = JSON.parse((await httpGet(`http://127.0.0.1:${fwd.port}/v1/models`)).body);
      expect(models.data[0].id).toBe('Qwen/Qwen3-0.6B');
    } finally {
      await fwd.close();
    }

    await new Promise((r) => setTimeout(r, 300));
    ctl.abort();
    kw.kill('SIGTERM');
    expect(seen).toContain(`ADDED ${fe0[0]}`);
    expect(seen).toContain(`ADDED ${fe1[0]}`);
    expect(seen).toContain(`MODIFIED ${fe1[0]}`);
    expect(seen).toContain(`DELETED ${fe0[0]}`);
    // the new pod was Ready before the old one was deleted (maxSurge 1 / maxUnavailable 0)
    expect(kout).toMatch(new RegExp(`ADDED\\s+${fe1[0]}`));
    expect(kout).toMatch(new RegExp(`MODIFIED\\s+${fe0[0]}\\s+1/1\\s+Terminating`));
    const rs = cluster.list(
      'apps/v1',
      'ReplicaSet',
      NS,
      'nvidia.com/dynamo-component=Frontend,nvidia.com/dynamo-graph-deployment-name=roll-a',
    );
    expect(rs.map((r) => r.spec.replicas).sort()).toEqual([0, 1]);
    const reasons = new Set(
      cluster
        .list('v1', 'Event', NS)
        .filter((e) => [fe0[0], fe1[0]].includes(e.involvedObject?.name))
        .map((e) => e.reason),
    );
    for (const r of ['Scheduled', 'Pulled', 'Created', 'Started', 'Killing']) expect(reasons).toContain(r);
  }, 90000);

  test('graph-level env change rolls every component; v1beta1 main-container env rolls the frontend', async () => {
    await cluster.apply(fakeGraph('roll-b', 'v1beta1'));
    await cluster.waitForReady(NS, { timeoutMs: 30000 });
    const before = names(podsOf('roll-b'));
    expect(before).toHaveLength(2);
    const cur: any = cluster.get('nvidia.com/v1beta1', 'DynamoGraphDeployment', 'roll-b', NS);
    await mergePatchDGD('roll-b', 'v1beta1', {
      metadata: { resourceVersion: cur.metadata.resourceVersion },
      spec: { env: [...cur.spec.env, { name: 'GRAPH_WIDE', value: '1' }] },
    });
    await cluster.waitFor(
      () => {
        const ps = cluster.list('v1', 'Pod', NS, 'nvidia.com/dynamo-graph-deployment-name=roll-b');
        return ps.length === 2 && ps.every((p) => !before.includes(p.metadata.name) && isPodReady(p));
      },
      'both components to roll',
      { timeoutMs: 30000 },
    );
    const mid = names(podsOf('roll-b'));
    // JSON patch on the v1beta1 main container env (the shape the action writes)
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const fresh: any = await api.getNamespacedCustomObject({
      group: 'nvidia.com',
      version: 'v1beta1',
      namespace: NS,
      plural: 'dynamographdeployments',
      name: 'roll-b',
    });
    const idx = fresh.spec.components.findIndex((c: any) => c.type === 'frontend');
    await api.patchNamespacedCustomObject({
      group: 'nvidia.com',
      version: 'v1beta1',
      namespace: NS,
      plural: 'dynamographdeployments',
      name: 'roll-b',
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: fresh.metadata.resourceVersion },
        {
          op: 'add',
          path: `/spec/components/${idx}/podTemplate/spec/containers/0/env/-`,
          value: { name: 'DYN_ROUTER_MODE', value: 'random' },
        },
      ],
    });
    await cluster.waitFor(
      () => {
        const ps = cluster.list('v1', 'Pod', NS, 'nvidia.com/dynamo-graph-deployment-name=roll-b');
        const fe = ps.filter((p) => p.metadata.labels['nvidia.com/dynamo-component-type'] === 'frontend');
        return ps.length === 2 && fe.length === 1 && !mid.includes(fe[0].metadata.name) && isPodReady(fe[0]);
      },
      'frontend to roll',
      { timeoutMs: 30000 },
    );
    const worker = podsOf('roll-b', 'nvidia.com/dynamo-component-type=decode');
    expect(mid).toContain(worker[0].metadata.name);
    const dgd: any = cluster.get('nvidia.com/v1beta1', 'DynamoGraphDeployment', 'roll-b', NS);
    await cluster.waitFor(
      () =>
        (cluster.get('nvidia.com/v1beta1', 'DynamoGraphDeployment', 'roll-b', NS) as any)?.status
          ?.conditions?.[0]?.status === 'True',
      'DGD Ready',
      { timeoutMs: 10000 },
    );
    expect(dgd.metadata.generation).toBe(3);
  }, 90000);

  test('port-forward to a port nothing listens on reports the kubelet error', async () => {
    const pod = podsOf('roll-a', FE)[0];
    const fwd = await portForward(cluster.kubeconfigPath, NS, pod.metadata.name, 9999);
    try {
      await expect(httpGet(`http://127.0.0.1:${fwd.port}/`, 3000)).rejects.toBeDefined();
      await cluster.waitFor(() => fwd.errors.length > 0, 'error channel message', { timeoutMs: 3000 });
      expect(fwd.errors[0]).toMatch(
        /^an error occurred forwarding 9999 -> 9999: error forwarding port 9999 to pod [0-9a-f-]+, uid : .*connection refused/,
      );
    } finally {
      await fwd.close();
    }
  });
});

describe('stalled rollouts', () => {
  test('readiness never comes: new pod Running but not Ready, old pod kept, Unhealthy events', async () => {
    await cluster.apply(fakeGraph('stall-ready'));
    await cluster.waitForReady(NS, { timeoutMs: 30000 });
    const old = podsOf('stall-ready', FE)[0].metadata.name;
    const cur: any = cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'stall-ready', NS);
    await mergePatchDGD('stall-ready', 'v1alpha1', {
      spec: {
        services: {
          Frontend: {
            envs: [...cur.spec.services.Frontend.envs, { name: 'FAKE_HEALTH_STATUS', value: '503' }],
          },
        },
      },
    });
    const fresh = await cluster.waitFor(
      () =>
        podsOf('stall-ready', FE).find(
          (p) =>
            p.metadata.name !== old &&
            p.status?.phase === 'Running' &&
            events(p.metadata.name).some((e) => e.reason === 'Unhealthy'),
        ),
      'Unhealthy new pod',
      { timeoutMs: 20000 },
    );
    expect(isPodReady(fresh)).toBe(false);
    expect(fresh.status.containerStatuses[0]).toMatchObject({
      ready: false,
      started: true,
      state: { running: {} },
    });
    expect(events(fresh.metadata.name).find((e) => e.reason === 'Unhealthy')!.message).toBe(
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
    );
    const oldPod = podsOf('stall-ready', FE).find((p) => p.metadata.name === old)!;
    expect(isPodReady(oldPod)).toBe(true);
    const dep: any = cluster.get('apps/v1', 'Deployment', 'stall-ready-frontend', NS);
    expect(dep.status).toMatchObject({
      replicas: 2,
      updatedReplicas: 1,
      readyReplicas: 1,
      unavailableReplicas: 1,
    });
    const dgd: any = cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'stall-ready', NS);
    expect(dgd.status.conditions[0].status).toBe('False');
    const r = await kubectl(cluster, [
      'get',
      'pods',
      '-l',
      `${FE},nvidia.com/dynamo-graph-deployment-name=stall-ready`,
    ]);
    expect(r.stdout).toMatch(new RegExp(`${fresh.metadata.name}\\s+0/1\\s+Running`));
  }, 60000);

  test('crash loop: CrashLoopBackOff with restarts and a BackOff event', async () => {
    const obj = fakeGraph('stall-crash');
    (obj.spec as any).services.Frontend.envs.push({ name: 'FAKE_EXIT_CODE', value: '3' });
    await cluster.apply(obj);
    const pod = await cluster.waitFor(
      () =>
        podsOf('stall-crash', FE).find(
          (p) =>
            p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' &&
            p.status.containerStatuses[0].restartCount >= 1,
        ),
      'CrashLoopBackOff',
      { timeoutMs: 20000 },
    );
    const cs = pod.status.containerStatuses[0];
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(cs.state.waiting.message).toMatch(
      /^back-off \d+s restarting failed container=main pod=stall-crash-frontend-/,
    );
    expect(
      events(pod.metadata.name).some(
        (e) =>
          e.reason === 'BackOff' &&
          e.type === 'Warning' &&
          /^Back-off restarting failed container main in pod /.test(e.message),
      ),
    ).toBe(true);
    const r = await kubectl(cluster, ['get', 'pod', pod.metadata.name]);
    expect(r.stdout).toMatch(/0\/1\s+CrashLoopBackOff/);
    expect(cluster.podLog(NS, pod.metadata.name)).toBe('');
  }, 60000);

  test('unschedulable (GPU request, node selector) stays Pending with FailedScheduling', async () => {
    const obj = fakeGraph('stall-gpu');
    (obj.spec as any).services.decode.resources = { limits: { gpu: '1' } };
    (obj.spec as any).services.Frontend.extraPodSpec.nodeSelector = { 'kubernetes.io/arch': 'arm64' };
    await cluster.apply(obj);
    const gpuPod = await cluster.waitFor(
      () =>
        podsOf('stall-gpu', 'nvidia.com/dynamo-component-type=worker').find((p) =>
          events(p.metadata.name).some((e) => e.reason === 'FailedScheduling'),
        ),
      'FailedScheduling (gpu)',
      { timeoutMs: 10000 },
    );
    expect(gpuPod.status.phase).toBe('Pending');
    expect(gpuPod.status.conditions[0]).toMatchObject({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
    });
    expect(events(gpuPod.metadata.name).find((e) => e.reason === 'FailedScheduling')!.message).toBe(
      '0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    const fePod = await cluster.waitFor(
      () =>
        podsOf('stall-gpu', FE).find((p) =>
          events(p.metadata.name).some((e) => e.reason === 'FailedScheduling'),
        ),
      'FailedScheduling (selector)',
      { timeoutMs: 10000 },
    );
    expect(events(fePod.metadata.name).find((e) => e.reason === 'FailedScheduling')!.message).toMatch(
      /didn't match Pod's node affinity\/selector/,
    );
  }, 30000);

  test('image pull failure: ErrImagePull then ImagePullBackOff', async () => {
    const obj = fakeGraph('stall-image');
    (obj.spec as any).services.Frontend.extraPodSpec.mainContainer.image =
      'nvcr.io/nvidia/ai-dynamo/does-not-exist:0.0.0';
    await cluster.apply(obj);
    const pod = await cluster.waitFor(
      () =>
        podsOf('stall-image', FE).find(
          (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff',
        ),
      'ImagePullBackOff',
      { timeoutMs: 10000 },
    );
    const ev = events(pod.metadata.name).map((e) => `${e.type} ${e.reason} ${e.message}`);
    expect(
      ev.some((e) =>
        /^Warning Failed Failed to pull image "nvcr.io\/nvidia\/ai-dynamo\/does-not-exist:0.0.0"/.test(e),
      ),
    ).toBe(true);
    expect(ev).toContain('Warning Failed Error: ErrImagePull');
    expect(ev).toContain(
      'Normal BackOff Back-off pulling image "nvcr.io/nvidia/ai-dynamo/does-not-exist:0.0.0"',
    );
  }, 30000);
});

describe('plain Deployment (no operator)', () => {
  test('env change via strategic merge patch rolls it; status fields and kubectl rollout status', async () => {
    await cluster.apply(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: plain-web, namespace: ${NS}}
spec:
  replicas: 2
  selector: {matchLabels: {app: plain-web}}
  template:
    metadata: {labels: {app: plain-web}}
    spec:
      containers:
      - name: frontend
        image: standin.local/web:1
        command: [node, -e, "require('http').createServer((q,r)=>r.end(process.env.GREETING)).listen(+process.env.STANDIN_PORT_8000,'127.0.0.1')"]
        env: [{name: GREETING, value: one}, {name: KEEP, value: me}]
        ports: [{name: http, containerPort: 8000}]
        readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 2}
`,
    );
    await cluster.waitFor(
      () => cluster.pods(NS, 'app=plain-web').filter(isPodReady).length === 2,
      'plain-web Ready',
      { timeoutMs: 30000 },
    );
    const before = names(cluster.pods(NS, 'app=plain-web'));
    expect(before).toHaveLength(2);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await apps.patchNamespacedDeployment(
      {
        namespace: NS,
        name: 'plain-web',
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: 'frontend', env: [{ name: 'GREETING', value: 'two' }] }] },
            },
          },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    const r = await kubectl(cluster, ['rollout', 'status', 'deployment/plain-web', '--timeout=40s'], {
      timeoutMs: 45000,
    });
    expect(r.stdout).toMatch(/successfully rolled out/);
    const d = await apps.readNamespacedDeployment({ namespace: NS, name: 'plain-web' });
    expect(d.spec!.template.spec!.containers[0].env).toEqual([
      { name: 'GREETING', value: 'two' },
      { name: 'KEEP', value: 'me' },
    ]);
    expect(d.status).toMatchObject({
      observedGeneration: 2,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    await cluster.waitFor(
      () => cluster.list('v1', 'Pod', NS, 'app=plain-web').length === 2,
      'old pods gone',
      { timeoutMs: 15000 },
    );
    const after = names(cluster.pods(NS, 'app=plain-web'));
    expect(after.filter((n) => before.includes(n))).toEqual([]);
    const fwd = await portForward(cluster.kubeconfigPath, NS, after[0], 8000);
    try {
      expect((await httpGet(`http://127.0.0.1:${fwd.port}/`)).body).toBe('two');
    } finally {
      await fwd.close();
    }
  }, 90000);
});
