// kubeApi against a small local HTTP API server (plain http with insecure-skip-tls-verify, which the
// client allows): API calls share kept-alive connections instead of one connection per call, and
// the DGD versions' resource lists, read all at once, still report the failure of the first
// version in the group's order.
import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { RunFailure } from '../../../../../src/model/failure.ts';
import { apiFailure } from '../../../../../src/targets/kubernetes/api/api-failure.ts';
import { dgdVersions, kubeApi } from '../../../../../src/targets/kubernetes/api/kube-api.ts';
import { type Credentials } from '../../../../../src/targets/kubernetes/api/credentials.ts';

type Answer = { status: number; body: unknown; delayMs?: number };

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function apiServer(answers: Record<string, Answer>) {
  const seen = { connections: 0, paths: [] as string[] };
  const server = http.createServer((req, res) => {
    seen.paths.push(req.url ?? '');
    const answer = answers[req.url ?? ''] ?? { status: 404, body: { kind: 'Status', code: 404 } };
    setTimeout(() => {
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    }, answer.delayMs ?? 0);
  });
  server.on('connection', () => seen.connections++);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'token-0123456789' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const creds: Credentials = { kc, source: 'test', server: url, context: 'x' };
  return { api: kubeApi(creds, 5000), seen };
}

const GROUPS = {
  kind: 'APIGroupList',
  groups: [
    {
      name: 'nvidia.com',
      versions: [
        { groupVersion: 'nvidia.com/v1beta1', version: 'v1beta1' },
        { groupVersion: 'nvidia.com/v1alpha1', version: 'v1alpha1' },
      ],
      preferredVersion: { groupVersion: 'nvidia.com/v1beta1', version: 'v1beta1' },
    },
  ],
};
const resources = (version: string) => ({
  kind: 'APIResourceList',
  groupVersion: `nvidia.com/${version}`,
  resources: [
    {
      name: 'dynamographdeployments',
      singularName: 'dynamographdeployment',
      namespaced: true,
      kind: 'DynamoGraphDeployment',
      verbs: ['get', 'list', 'patch'],
    },
  ],
});
const status = (code: number, message: string) => ({ kind: 'Status', status: 'Failure', code, message });

describe('kubeApi', () => {
  it('reuses kept-alive connections instead of one per call', async () => {
    const { api, seen } = await apiServer({
      '/apis': { status: 200, body: GROUPS },
      '/apis/nvidia.com/v1beta1': { status: 200, body: resources('v1beta1') },
      '/apis/nvidia.com/v1alpha1': { status: 200, body: resources('v1alpha1') },
      '/api/v1/namespaces/ns/services/svc': {
        status: 200,
        body: { kind: 'Service', metadata: { name: 'svc', namespace: 'ns' } },
      },
    });
    for (let i = 0; i < 8; i++) {
      expect((await api.getService('ns', 'svc')).metadata).toEqual({ name: 'svc', namespace: 'ns' });
    }
    // One connection per call before (8); undici opens a second one once, right after the first call.
    expect(seen.connections).toBeLessThanOrEqual(2);
    const before = seen.connections;
    // The versions' lists are read at once, over kept-alive connections where idle ones exist.
    expect(await dgdVersions(api)).toEqual(['v1beta1', 'v1alpha1']);
    expect(seen.connections - before).toBeLessThanOrEqual(2);
  });

  it("reports the first version's failure in the group's order, even when a later one fails first", async () => {
    const { api, seen } = await apiServer({
      '/apis': { status: 200, body: GROUPS },
      '/apis/nvidia.com/v1beta1': { status: 403, body: status(403, 'v1beta1 is forbidden'), delayMs: 150 },
      '/apis/nvidia.com/v1alpha1': { status: 401, body: status(401, 'Unauthorized') },
    });
    const failure = await dgdVersions(api).then(
      () => undefined,
      (e: unknown) => apiFailure(e, 'list the API groups the cluster serves', 'srv'),
    );
    expect(failure).toBeInstanceOf(RunFailure);
    expect(failure?.code).toBe('cluster-forbidden');
    expect(failure?.message).toMatch(/v1beta1 is forbidden/);
    expect(seen.paths).toEqual(
      expect.arrayContaining(['/apis', '/apis/nvidia.com/v1beta1', '/apis/nvidia.com/v1alpha1']),
    );
  });

  it('skips a version that is gone (404) and keeps the others', async () => {
    const { api } = await apiServer({
      '/apis': { status: 200, body: GROUPS },
      '/apis/nvidia.com/v1alpha1': { status: 200, body: resources('v1alpha1') },
    });
    expect(await dgdVersions(api)).toEqual(['v1alpha1']);
  });
});
