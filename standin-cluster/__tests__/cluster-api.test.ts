// The stand-in apiserver against the real clients: kubectl 1.32 and @kubernetes/client-node 2.x.
// Uses the fake-graph fixture (tiny Node processes), so no Python is started here.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import https from 'node:https';
import YAML from 'yaml';
import * as k8s from '@kubernetes/client-node';
import { startCluster, REPO_ROOT, type Cluster } from '../index.ts';
import { kubectl } from '../testing.ts';

const FIX = join(REPO_ROOT, '__tests__/fixtures/k8s');
const NS = 'dynamo';
let cluster: Cluster;
let kc: k8s.KubeConfig;

/** Raw HTTPS request to the stand-in (for exact Status bodies and headers). */
function raw(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; contentType?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: any; text: string }> {
  const u = new URL(cluster.url + path);
  const headers: Record<string, string> = {};
  if (opts.token !== null) headers.Authorization = `Bearer ${opts.token ?? cluster.token}`;
  let data: string | undefined;
  if (opts.body !== undefined) {
    data = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] = opts.contentType ?? 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, ca: cluster.caPem },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let body: any;
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

beforeAll(async () => {
  cluster = await startCluster({
    namespace: NS,
    manifests: [join(FIX, 'fake-graph.v1alpha1.yaml'), join(FIX, 'fake-graph.v1beta1.yaml')],
  });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  await cluster.waitForReady(NS, { timeoutMs: 60000 });
}, 90000);

afterAll(async () => {
  await cluster?.stop();
});

describe('kubectl against the stand-in', () => {
  test('get dgd (short name, both versions listed through the preferred version)', async () => {
    const r = await kubectl(cluster, ['get', 'dgd']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+BACKEND\s+AGE/m);
    expect(r.stdout).toMatch(/^fake-graph\s+True/m);
    expect(r.stdout).toMatch(/^fake-graph-beta\s+True/m);
  });

  test('get pods -l component-type=frontend -o json', async () => {
    const r = await kubectl(cluster, [
      'get',
      'pods',
      '-l',
      'nvidia.com/dynamo-component-type=frontend',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.kind).toBe('List');
    const names = list.items
      .map((p: any) => p.metadata.labels['nvidia.com/dynamo-graph-deployment-name'])
      .sort();
    expect(names).toEqual(['fake-graph', 'fake-graph-beta']);
    for (const p of list.items) {
      expect(p.status.phase).toBe('Running');
      expect(p.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
      expect(p.metadata.labels['nvidia.com/dynamo-component']).toBe('Frontend');
      expect(p.metadata.labels['pod-template-hash']).toBeTruthy();
      expect(p.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    }
  });

  test('get svc <dgd>-frontend: ClusterIP, port 8000 named http, targetPort http', async () => {
    const r = await kubectl(cluster, ['get', 'svc', 'fake-graph-frontend', '-o', 'json']);
    expect(r.code).toBe(0);
    const svc = JSON.parse(r.stdout);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
    expect(svc.spec.selector['nvidia.com/dynamo-component-type']).toBe('frontend');
  });

  test('get dgd -o yaml (v1alpha1 through the full resource name) and patch --type merge', async () => {
    const y = await kubectl(cluster, [
      'get',
      'dynamographdeployments.v1alpha1.nvidia.com',
      'fake-graph',
      '-o',
      'yaml',
    ]);
    expect(y.code).toBe(0);
    expect(y.stderr).toMatch(/Warning: nvidia.com\/v1alpha1 DynamoGraphDeployment is deprecated/);
    const obj = YAML.parse(y.stdout);
    expect(obj.apiVersion).toBe('nvidia.com/v1alpha1');
    expect(obj.spec.services.Frontend.componentType).toBe('frontend');
    const gen = obj.metadata.generation;
    const p = await kubectl(cluster, [
      'patch',
      'dynamographdeployments.v1alpha1.nvidia.com',
      'fake-graph',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ metadata: { annotations: { 'example.com/touched': 'yes' } } }),
    ]);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/dynamographdeployment.nvidia.com\/fake-graph patched/);
    const after = cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'fake-graph', NS)!;
    expect(after.metadata.annotations['example.com/touched']).toBe('yes');
    expect(after.metadata.generation).toBe(gen); // metadata-only change
    // the preferred version (v1beta1) serves the same object converted
    const b = await kubectl(cluster, ['get', 'dgd', 'fake-graph', '-o', 'json']);
    const beta = JSON.parse(b.stdout);
    expect(beta.apiVersion).toBe('nvidia.com/v1beta1');
    expect(beta.spec.components.map((c: any) => [c.name, c.type])).toEqual([
      ['Frontend', 'frontend'],
      ['decode', 'decode'],
    ]);
    expect(beta.spec.env).toEqual([{ name: 'DYN_LOG', value: 'info' }]);
    expect(beta.metadata.resourceVersion).toBe(after.metadata.resourceVersion);
  });

  test('default strategic patch on a custom resource is refused like the real server', async () => {
    const r = await kubectl(cluster, [
      'patch',
      'dgd',
      'fake-graph',
      '-p',
      '{"metadata":{"labels":{"a":"b"}}}',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /application\/strategic-merge-patch\+json is not supported by nvidia.com\/v1beta1, Kind=DynamoGraphDeployment/,
    );
  });

  test('kubectl get for missing objects and bad tokens', async () => {
    const nf = await kubectl(cluster, ['get', 'dgd', 'nope']);
    expect(nf.code).not.toBe(0);
    expect(nf.stderr).toMatch(
      /Error from server \(NotFound\): dynamographdeployments.nvidia.com "nope" not found/,
    );
    const path = cluster.writeKubeconfig(join(cluster.dir, 'bad-kubeconfig'), { token: 'wrong' });
    const r = await kubectl({ ...cluster, kubeconfigPath: path }, ['get', 'pods']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unauthorized|must be logged in/);
  });
});

test('kubectl apply (client-side, server-side field validation) creates, then reports unchanged', async () => {
  const f = join(FIX, 'plain-deployment.yaml');
  const missingNs = await kubectl(cluster, ['apply', '-f', f]);
  expect(missingNs.stderr).toMatch(/namespaces "dynamo-plain" not found/);
  // (`kubectl create namespace` sends protobuf, which the stand-in does not decode: see README)
  const ns = await kubectl(cluster, ['apply', '-f', '-'], {
    input: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dynamo-plain\n',
  });
  expect(ns.stdout).toMatch(/namespace\/dynamo-plain created/);
  const first = await kubectl(cluster, ['apply', '-f', f]);
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/deployment.apps\/dynamo-frontend created/);
  expect(first.stdout).toMatch(/service\/dynamo-frontend created/);
  const again = await kubectl(cluster, ['apply', '-f', f]);
  expect(again.stdout).toMatch(/deployment.apps\/dynamo-frontend unchanged/);
  // the plain deployments start Python processes: remove them again right away
  const del = await kubectl(
    cluster,
    ['delete', 'namespace', 'dynamo-plain', '--wait=true', '--timeout=30s'],
    { timeoutMs: 35000 },
  );
  expect(del.code).toBe(0);
  expect(cluster.list('v1', 'Pod', 'dynamo-plain')).toEqual([]);
}, 60000);

describe('Status bodies', () => {
  test('401 for a wrong or missing token', async () => {
    for (const token of ['wrong', null]) {
      const r = await raw('GET', `/api/v1/namespaces/${NS}/pods`, { token });
      expect(r.status).toBe(401);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  test('404 NotFound, also in a namespace that does not exist', async () => {
    const r = await raw('GET', `/apis/nvidia.com/v1alpha1/namespaces/${NS}/dynamographdeployments/missing`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'dynamographdeployments.nvidia.com "missing" not found',
      reason: 'NotFound',
      details: { name: 'missing', group: 'nvidia.com', kind: 'dynamographdeployments' },
      code: 404,
    });
    const p = await raw('GET', '/api/v1/namespaces/no-such-ns/pods/x');
    expect(p.status).toBe(404);
    expect(p.body.message).toBe('pods "x" not found');
    expect(p.body.details).toEqual({ name: 'x', kind: 'pods' });
    const c = await raw('POST', '/api/v1/namespaces/no-such-ns/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    });
    expect(c.status).toBe(404);
    expect(c.body.message).toBe('namespaces "no-such-ns" not found');
  });

  test('403 from an RBAC-style denial, with the real message', async () => {
    cluster.rbac.deny.push({ verbs: ['patch'], resources: ['dynamographdeployments'] });
    try {
      const r = await raw(
        'PATCH',
        `/apis/nvidia.com/v1alpha1/namespaces/${NS}/dynamographdeployments/fake-graph`,
        { body: {}, contentType: 'application/merge-patch+json' },
      );
      expect(r.status).toBe(403);
      expect(r.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `dynamographdeployments.nvidia.com "fake-graph" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "dynamographdeployments" in API group "nvidia.com" in the namespace "dynamo"`,
        reason: 'Forbidden',
        details: { name: 'fake-graph', group: 'nvidia.com', kind: 'dynamographdeployments' },
        code: 403,
      });
      const k = await kubectl(cluster, ['patch', 'dgd', 'fake-graph', '--type', 'merge', '-p', '{}']);
      expect(k.stderr).toMatch(/Error from server \(Forbidden\)/);
      const ssar = await raw('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              namespace: NS,
              verb: 'patch',
              group: 'nvidia.com',
              resource: 'dynamographdeployments',
            },
          },
        },
      });
      expect(ssar.body.status.allowed).toBe(false);
    } finally {
      cluster.rbac.deny.length = 0;
    }
  });

  test('409 on a stale resourceVersion: PUT and merge patch', async () => {
    const cur = (
      await raw('GET', `/apis/nvidia.com/v1alpha1/namespaces/${NS}/dynamographdeployments/fake-graph`)
    ).body;
    const stale = cur.metadata.resourceVersion;
    const ok = await raw(
      'PATCH',
      `/apis/nvidia.com/v1alpha1/namespaces/${NS}/dynamographdeployments/fake-graph`,
      {
        body: { metadata: { resourceVersion: stale, labels: { step: 'one' } } },
        contentType: 'application/merge-patch+json',
      },
    );
    expect(ok.status).toBe(200);
    expect(Number(ok.body.metadata.resourceVersion)).toBeGreaterThan(Number(stale));
    const expectedMsg =
      'Operation cannot be fulfilled on dynamographdeployments.nvidia.com "fake-graph": the object has been modified; please apply your changes to the latest version and try again';
    const again = await raw(
      'PATCH',
      `/apis/nvidia.com/v1alpha1/namespaces/${NS}/dynamographdeployments/fake-graph`,
      {
        body: { metadata: { resourceVersion: stale, labels: { step: 'two' } } },
        contentType: 'application/merge-patch+json',
      },
    );
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: expectedMsg,
      details: { name: 'fake-graph', group: 'nvidia.com', kind: 'dynamographdeployments' },
    });
    const put = await raw(
      'PUT',
      `/apis/nvidia.com/v1alpha1/namespaces/${NS}/dynamographdeployments/fake-graph`,
      { body: cur },
    );
    expect(put.status).toBe(409);
    expect(put.body.message).toBe(expectedMsg);
  });

  test('JSON patch test op failure is 422; malformed selectors are 400', async () => {
    const r = await raw(
      'PATCH',
      `/apis/nvidia.com/v1alpha1/namespaces/${NS}/dynamographdeployments/fake-graph`,
      {
        body: [{ op: 'test', path: '/spec/services/Frontend/replicas', value: 7 }],
        contentType: 'application/json-patch+json',
      },
    );
    expect(r.status).toBe(422);
    expect(r.body.reason).toBe('Invalid');
    const s = await raw(
      'GET',
      `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('a in (b')}`,
    );
    expect(s.status).toBe(400);
  });
});

describe('@kubernetes/client-node against the stand-in', () => {
  test('CustomObjectsApi get + merge patch with resourceVersion; 409 on stale', async () => {
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const args = {
      group: 'nvidia.com',
      version: 'v1alpha1',
      namespace: NS,
      plural: 'dynamographdeployments',
      name: 'fake-graph',
    };
    const obj: any = await api.getNamespacedCustomObject(args);
    const envs = [...obj.spec.services.Frontend.envs, { name: 'DYN_ROUTER_MODE', value: 'kv' }];
    const opts = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    const patched: any = await api.patchNamespacedCustomObject(
      {
        ...args,
        body: {
          metadata: { resourceVersion: obj.metadata.resourceVersion },
          spec: { services: { Frontend: { envs } } },
        },
      },
      opts,
    );
    expect(patched.spec.services.Frontend.envs).toEqual(envs);
    expect(patched.metadata.generation).toBe(obj.metadata.generation + 1);
    let err: any;
    try {
      await api.patchNamespacedCustomObject(
        {
          ...args,
          body: {
            metadata: { resourceVersion: obj.metadata.resourceVersion },
            spec: { services: { Frontend: { envs: [] } } },
          },
        },
        opts,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(k8s.ApiException);
    expect(err.code).toBe(409);
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    expect(body.reason).toBe('Conflict');
    // JSON patch (client-node's default content type) with a `test` guard (re-read first: the
    // operator has written the status since)
    const fresh: any = await api.getNamespacedCustomObject(args);
    const jp: any = await api.patchNamespacedCustomObject({
      ...args,
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: fresh.metadata.resourceVersion },
        { op: 'replace', path: '/spec/services/Frontend/envs', value: obj.spec.services.Frontend.envs },
      ],
    });
    expect(jp.spec.services.Frontend.envs).toEqual(obj.spec.services.Frontend.envs);
  });

  test('v1beta1 object read and written through v1beta1 and v1alpha1', async () => {
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const beta: any = await api.getNamespacedCustomObject({
      group: 'nvidia.com',
      version: 'v1beta1',
      namespace: NS,
      plural: 'dynamographdeployments',
      name: 'fake-graph-beta',
    });
    expect(beta.spec.components[0].podTemplate.spec.containers[0].name).toBe('main');
    const alpha: any = await api.getNamespacedCustomObject({
      group: 'nvidia.com',
      version: 'v1alpha1',
      namespace: NS,
      plural: 'dynamographdeployments',
      name: 'fake-graph-beta',
    });
    expect(alpha.apiVersion).toBe('nvidia.com/v1alpha1');
    expect(alpha.spec.services.Frontend.componentType).toBe('frontend');
    expect(alpha.spec.services.decode).toMatchObject({ componentType: 'worker', subComponentType: 'decode' });
    expect(alpha.spec.envs).toEqual([{ name: 'DYN_LOG', value: 'info' }]);
    // a list call returns both objects in either version
    const list: any = await api.listNamespacedCustomObject({
      group: 'nvidia.com',
      version: 'v1beta1',
      namespace: NS,
      plural: 'dynamographdeployments',
    });
    expect(list.items.map((i: any) => i.metadata.name).sort()).toEqual(['fake-graph', 'fake-graph-beta']);
    expect(list.items.every((i: any) => i.apiVersion === 'nvidia.com/v1beta1')).toBe(true);
  });

  test('CoreV1Api list with label selectors (=, !=, exists, in) and field selectors', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const sel = async (labelSelector?: string, fieldSelector?: string) =>
      (await core.listNamespacedPod({ namespace: NS, labelSelector, fieldSelector })).items
        .map(
          (p) =>
            p.metadata!.labels!['nvidia.com/dynamo-graph-deployment-name'] +
            '/' +
            p.metadata!.labels!['nvidia.com/dynamo-component'],
        )
        .sort();
    expect(
      await sel(
        'nvidia.com/dynamo-component-type=frontend,nvidia.com/dynamo-graph-deployment-name!=fake-graph',
      ),
    ).toEqual(['fake-graph-beta/Frontend']);
    expect(await sel('nvidia.com/dynamo-sub-component-type')).toEqual(['fake-graph/decode']);
    expect(await sel('nvidia.com/dynamo-component-type in (decode, worker)')).toEqual([
      'fake-graph-beta/decode',
      'fake-graph/decode',
    ]);
    const one = (await core.listNamespacedPod({ namespace: NS })).items[0];
    expect(await sel(undefined, `metadata.name=${one.metadata!.name}`)).toHaveLength(1);
    const list = await core.listNamespacedPod({ namespace: NS, limit: 1 });
    expect(list.items).toHaveLength(1);
    expect(list.metadata?._continue).toBeTruthy();
  });

  test('Watch sees ADDED, MODIFIED and DELETED; old resourceVersion gives 410', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: NS });
    const rv = list.metadata!.resourceVersion!;
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const ctl = await watch.watch(
      `/api/v1/namespaces/${NS}/configmaps`,
      { resourceVersion: rv },
      (type, obj) => seen.push(`${type}:${obj.metadata.name}:${obj.data?.k ?? ''}`),
      () => {},
    );
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'w1' }, data: { k: 'a' } },
    });
    await core.patchNamespacedConfigMap(
      { namespace: NS, name: 'w1', body: { data: { k: 'b' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'w1' });
    await cluster.waitFor(() => seen.length >= 3, 'watch events', { timeoutMs: 5000 });
    ctl.abort();
    expect(seen).toEqual(['ADDED:w1:a', 'MODIFIED:w1:b', 'DELETED:w1:b']);

    // resuming from the same resourceVersion replays the history
    const replay: string[] = [];
    const ctl2 = await watch.watch(
      `/api/v1/namespaces/${NS}/configmaps`,
      { resourceVersion: rv },
      (type, obj) => replay.push(`${type}:${obj.metadata.name}`),
      () => {},
    );
    await cluster.waitFor(() => replay.length >= 3, 'replayed events', { timeoutMs: 5000 });
    ctl2.abort();
    expect(replay).toEqual(['ADDED:w1', 'MODIFIED:w1', 'DELETED:w1']);

    cluster.compactWatchHistory();
    const errs: any[] = [];
    await new Promise<void>((resolve) => {
      void watch.watch(
        `/api/v1/namespaces/${NS}/configmaps`,
        { resourceVersion: rv },
        (type, obj) => errs.push({ type, obj }),
        () => resolve(),
      );
    });
    expect(errs).toHaveLength(1);
    expect(errs[0].type).toBe('ERROR');
    expect(errs[0].obj).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(errs[0].obj.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  test('closeWatches ends open watch streams; timeoutSeconds ends them too', async () => {
    const watch = new k8s.Watch(kc);
    const done = new Promise<unknown>(
      (resolve) =>
        void watch.watch(
          `/api/v1/namespaces/${NS}/pods`,
          {},
          () => {},
          (err) => resolve(err ?? 'closed'),
        ),
    );
    await new Promise((r) => setTimeout(r, 200));
    cluster.closeWatches();
    await expect(done).resolves.toBeDefined();
    const t0 = Date.now();
    await new Promise<void>(
      (resolve) =>
        void watch.watch(
          `/api/v1/namespaces/${NS}/pods`,
          { timeoutSeconds: 1 },
          () => {},
          () => resolve(),
        ),
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });
});

describe('request log, dry run and faults', () => {
  test('dryRun=All changes nothing and the log shows it', async () => {
    cluster.clearRequestLog();
    const before = cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'fake-graph', NS)!;
    const r = await kubectl(cluster, [
      'patch',
      'dynamographdeployments.v1alpha1.nvidia.com',
      'fake-graph',
      '--type',
      'merge',
      '--dry-run=server',
      '-p',
      '{"metadata":{"labels":{"dry":"run"}}}',
    ]);
    expect(r.code).toBe(0);
    const after = cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'fake-graph', NS)!;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const writes = cluster.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      method: 'PATCH',
      dryRun: true,
      status: 200,
      verb: 'patch',
      resource: 'dynamographdeployments',
      name: 'fake-graph',
      contentType: 'application/merge-patch+json',
    });
  });
});
