// The Kubernetes API part of the fault matrix (issue 5), through the bundled action as GitHub
// runs it, against the stand-in cluster with a fast fake frontend (fault-graph.v1alpha1.yaml):
// 401, 403 on get and on patch, 404 for the DGD / Service / namespace, a real 409 storm, 500s
// (reads retried, writes reported), a watch that drops mid-rollout and a 410 Gone, plus base-url
// (ingress: no port-forward) and a Service without a selector; and, from source with a shorter
// deadline, an API server that stops answering. Faults on the wire come from the fault proxy in front of the stand-in's API server
// (support/fault-proxy.ts); the cases that need one run with a kubeconfig that points at it. Each
// case checks the failure code, one `::error` annotation with the next step, no stack trace, the
// run time against the configured deadlines, no socket left open on the API server, the token
// never printed, and the DGD unchanged except what the run reports it changed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from '../support/action.ts';
import type { Cluster } from '../../standin-cluster/index.ts';
import { startApiFaultProxy, type ApiFaultProxy, type FaultRule } from '../support/fault-proxy.ts';
import type { AnyObj } from '../support/k8s-objects.ts';
import { faultFile, SLACK_MS, waitIdle, type FaultCase } from '../support/kubernetes-fault-cases.ts';
import type { RunFailure } from '../../src/model/failure.ts';
import { parseSettings } from '../../src/settings/settings.ts';
import { kubeApi } from '../../src/targets/kubernetes/api/kube-api.ts';
import { loadCredentials } from '../../src/targets/kubernetes/api/credentials.ts';
import { resolveTarget } from '../../src/targets/kubernetes/resolve/find-frontend.ts';

const FIXTURE = path.join(ROOT, '__tests__/fixtures/k8s/fault-graph.v1alpha1.yaml');
const NS = 'dynamo';
const DGD = 'api-graph';
/** The DGD through either served version (the action edits it in the version it was written in). */
const DGD_PATH = new RegExp(
  `^/apis/nvidia\\.com/v1(alpha1|beta1)/namespaces/${NS}/dynamographdeployments/${DGD}$`,
);
const PODS_PATH = `/api/v1/namespaces/${NS}/pods`;

let cluster: Cluster;
let home: string;
let proxy: ApiFaultProxy;
/** The cases that break the wire run through the proxy; its rules are set by each case. */
const viaProxy = () => proxy.kubeconfigPath;
const SERVICES_PATH = new RegExp(`^/api/v1/namespaces/${NS}/services/`);
/** Sets the proxy's rules for one case (its record starts empty); returns the undo. */
function breakWire(rules: FaultRule[]): () => void {
  proxy.reset();
  proxy.setRules(rules);
  return () => proxy.setRules([]);
}
/** The proxy's record of the requests for `path` with `method`. */
const proxied = (method: string, path: RegExp | string) =>
  proxy
    .requests()
    .filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));

const file = faultFile({
  fixture: FIXTURE,
  namespace: NS,
  object: DGD,
  settle: async () => {
    await cluster.waitForReady(NS, { timeoutMs: 60_000 });
  },
});
const { graph, dgd, frontendEnv } = file;

type Case = FaultCase;

const statusBody = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

/** Waits until the action's rollout wait has an open pod watch, then returns its log entry. */
async function openPodWatch(done: () => boolean, after = 0) {
  return cluster.waitFor(
    () =>
      done() ||
      cluster.requestLog
        .slice(after)
        .find((e) => e.method === 'GET' && e.path === PODS_PATH && e.watch && !e.durationMs),
    'the rollout wait to watch the pods',
    { timeoutMs: 60_000, intervalMs: 10 },
  );
}

const dropped = { watches: 0 };
const podWatches = () => cluster.requestLog.filter((e) => e.path === PODS_PATH && e.watch);
const portForwards = () => cluster.requestLog.filter((e) => e.path.endsWith('/portforward'));

const CASES: Case[] = [
  {
    name: '401: credentials rejected',
    inputs: { deployment: DGD, mode: 'least-loaded' },
    kubeconfig: () =>
      cluster.writeKubeconfig(path.join(home, 'rejected.kubeconfig'), { token: 'wrong-token-0123456789' }),
    expected: 'cluster-unauthorized',
    boundMs: SLACK_MS,
    check: (run) => {
      expect(run.outputs['env-patch']).toBe('');
      expect(cluster.writes()).toEqual([]);
      expect(run.stdout.split('\n')).toContain('::add-mask::wrong-token-0123456789');
    },
  },
  {
    name: '403 on get of the DGD',
    inputs: { deployment: DGD, mode: 'least-loaded' },
    arrange: () => denyOnce({ verbs: ['get'], resources: ['dynamographdeployments'] }),
    expected: 'cluster-forbidden',
    boundMs: SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*cannot get resource "dynamographdeployments" in API group "nvidia.com"/,
      );
      expect(cluster.writes()).toEqual([]);
    },
  },
  {
    name: '403 on patch of the DGD',
    inputs: { deployment: DGD, mode: 'least-loaded' },
    arrange: () => denyOnce({ verbs: ['patch'], resources: ['dynamographdeployments'] }),
    expected: 'cluster-forbidden',
    boundMs: SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*User "system:serviceaccount:ci:deployer" cannot patch resource "dynamographdeployments" in API group "nvidia.com" in the namespace "dynamo".* Next step: grant the verb and resource/,
      );
      expect(cluster.writes().map((w) => w.status)).toEqual([403]);
    },
  },
  {
    name: '404: the DGD does not exist',
    inputs: { service: `${DGD}-frontend`, deployment: 'no-such-graph', mode: 'least-loaded' },
    expected: 'not-found',
    boundMs: SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*dynamo\/no-such-graph.*`kubectl get dynamographdeployments.nvidia.com -n dynamo`/,
      );
      expect(cluster.writes()).toEqual([]);
    },
  },
  {
    name: '404: the Service does not exist',
    inputs: { deployment: DGD, service: 'no-such-frontend', mode: 'least-loaded' },
    expected: 'not-found',
    boundMs: SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*Service dynamo\/no-such-frontend does not exist.*`kubectl get svc -n dynamo`/,
      );
      expect(cluster.writes()).toEqual([]);
    },
  },
  {
    name: '404: the namespace does not exist',
    inputs: { namespace: 'no-such-ns', deployment: DGD, mode: 'least-loaded' },
    expected: 'not-found',
    boundMs: SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*[Nn]amespace no-such-ns does not exist.*`kubectl get namespaces`/,
      );
      expect(cluster.writes()).toEqual([]);
    },
  },
  {
    name: '409 storm beyond the retry budget (another writer keeps changing the DGD)',
    inputs: { deployment: DGD, mode: 'least-loaded' },
    expected: 'conflict',
    boundMs: SLACK_MS + 5000,
    kubeconfig: viaProxy,
    arrange: () => {
      // Every PATCH of ours is held a little while another writer changes an unrelated field, so
      // our resourceVersion precondition is always stale: real 409s from the server.
      const undo = breakWire([{ method: 'PATCH', path: DGD_PATH, fault: { kind: 'delay', ms: 150 } }]);
      let n = 0;
      const timer = setInterval(() => {
        const current = dgd();
        current.metadata.annotations = { ...current.metadata.annotations, 'example.com/storm': String(++n) };
        void cluster.apply(current);
      }, 40);
      return () => {
        clearInterval(timer);
        undo();
      };
    },
    othersWrote: (before) => {
      before.metadata.annotations['example.com/storm'] = dgd().metadata.annotations['example.com/storm'];
    },
    check: (run) => {
      const patches = cluster.writes().filter((w) => w.method === 'PATCH' && DGD_PATH.test(w.path));
      expect(patches.map((p) => p.status)).toEqual([409, 409, 409, 409, 409]);
      expect(run.stdout).toMatch(/::error .*kept changing.*5 attempts.*Nothing was written/);
      // The other writer's changes are all there; the router env was never written.
      expect(dgd().metadata.annotations['example.com/storm']).toMatch(/^\d+$/);
      expect(run.outputs['env-patch']).toBe('');
    },
  },
  {
    name: '500s on reads that recover (retried)',
    inputs: { deployment: DGD, mode: 'least-loaded' },
    expected: 'pass',
    boundMs: 30_000,
    kubeconfig: viaProxy,
    arrange: () => {
      const leader = statusBody(500, 'InternalError', 'Internal error occurred: etcdserver: leader changed');
      const busy = statusBody(
        503,
        'ServiceUnavailable',
        'the server is currently unable to handle the request',
      );
      return breakWire([
        {
          method: 'GET',
          path: SERVICES_PATH,
          times: 1,
          fault: { kind: 'status', status: 500, body: JSON.stringify(leader) },
        },
        {
          method: 'GET',
          path: DGD_PATH,
          times: 2,
          fault: { kind: 'status', status: 503, body: JSON.stringify(busy) },
        },
      ]);
    },
    check: (run) => {
      expect(proxied('GET', SERVICES_PATH)[0]?.status).toBe(500);
      expect(
        proxied('GET', DGD_PATH)
          .slice(0, 3)
          .map((r) => r.status),
      ).toEqual([503, 503, 200]);
      expect(run.outputs['mode-verified']).toBe('verified');
      expect(frontendEnv().DYN_ROUTER_MODE).toBe('least-loaded');
    },
  },
  {
    name: '500 on the patch (a write is not retried blindly)',
    inputs: { deployment: DGD, mode: 'round-robin' },
    expected: 'cluster-unreachable',
    boundMs: SLACK_MS,
    kubeconfig: viaProxy,
    arrange: () => {
      const body = statusBody(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out');
      return breakWire([
        {
          method: 'PATCH',
          path: DGD_PATH,
          fault: { kind: 'status', status: 500, body: JSON.stringify(body) },
        },
      ]);
    },
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*answered 500 InternalError while trying to patch .*etcdserver: request timed out/,
      );
      // One PATCH, answered 500 by the proxy: it never reached the server, and was not repeated.
      expect(proxied('PATCH', DGD_PATH).map((r) => r.status)).toEqual([500]);
      expect(cluster.writes()).toEqual([]);
    },
  },
  {
    name: 'a watch that drops mid-rollout (re-listed, the rollout completes)',
    inputs: { deployment: DGD, mode: 'device-aware-weighted' },
    expected: 'pass',
    boundMs: 30_000,
    during: async (done) => {
      const watching = await openPodWatch(done);
      if (watching === true) return;
      // The watch is open, so the rollout wait has not finished: cut it now.
      cluster.closeWatches();
      dropped.watches++;
    },
    check: (run) => {
      expect(dropped.watches).toBe(1);
      expect(podWatches().length).toBeGreaterThanOrEqual(1);
      expect(run.stdout).toMatch(/Rollout finished/);
      expect(run.outputs['mode-verified']).toBe('verified');
    },
  },
  {
    name: 'a 410 Gone on the watch (re-listed, the rollout completes)',
    inputs: { deployment: DGD, mode: 'round-robin' },
    expected: 'pass',
    boundMs: 30_000,
    kubeconfig: viaProxy,
    arrange: () => {
      // What the apiserver sends when the resourceVersion is older than its watch cache.
      const expired = statusBody(410, 'Expired', 'too old resource version: 1 (4242)');
      return breakWire([
        {
          method: 'GET',
          path: PODS_PATH,
          query: { watch: 'true' },
          times: 1,
          fault: { kind: 'body', body: `${JSON.stringify({ type: 'ERROR', object: expired })}\n` },
        },
      ]);
    },
    check: (run) => {
      expect(proxied('GET', PODS_PATH).filter((r) => r.handled === 'body')).toHaveLength(1);
      expect(run.stdout).toMatch(/Rollout finished/);
      expect(run.outputs['mode-verified']).toBe('verified');
    },
  },
  {
    name: 'base-url with Kubernetes inputs (ingress: no port-forward)',
    inputs: { deployment: DGD, mode: 'least-loaded' },
    expected: 'pass',
    boundMs: 30_000,
    check: (run) => {
      expect(portForwards()).toEqual([]);
      expect(run.outputs.url).toBe(ingress.url);
      expect(ingress.connections).toBeGreaterThan(0);
      expect(run.outputs['mode-verified']).toBe('verified');
    },
  },
  {
    name: 'a Service without a selector (pods found by the operator labels)',
    inputs: { deployment: DGD, service: 'api-graph-noselector', mode: 'round-robin' },
    expected: 'pass',
    boundMs: 30_000,
    check: (run) => {
      const lists = cluster.requestLog.filter((e) => e.method === 'GET' && e.path === PODS_PATH && !e.watch);
      expect(lists.length).toBeGreaterThan(0);
      for (const l of lists)
        expect(String(l.query.labelSelector)).toContain('nvidia.com/dynamo-component-type=frontend');
      expect(portForwards().length).toBeGreaterThan(0);
      expect(run.outputs.service).toBe('dynamo/api-graph-noselector');
    },
  },
];

function denyOnce(rule: { verbs: string[]; resources: string[] }): () => void {
  cluster.rbac.deny.push(rule);
  return () => {
    cluster.rbac.deny.splice(cluster.rbac.deny.indexOf(rule), 1);
  };
}

/** A stand-in ingress: a TCP proxy to whichever frontend pod is Ready now. */
const ingress = {
  url: '',
  connections: 0,
  server: undefined as net.Server | undefined,
  sockets: new Set<net.Socket>(),
};

beforeAll(async () => {
  cluster = await file.start({ namespace: NS });
  home = file.home();
  proxy = await startApiFaultProxy(cluster);
  await cluster.apply(graph(DGD));
  // The same frontend, behind a Service someone wrote without a selector (endpoints by hand).
  await cluster.apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api-graph-noselector', namespace: NS, labels: { app: 'api-graph' } },
    spec: { ports: [{ name: 'http', port: 8000, targetPort: 'http' }] },
  });
  await cluster.waitForReady(NS, { timeoutMs: 60_000 });
  ingress.server = net.createServer((socket) => {
    ingress.connections++;
    ingress.sockets.add(socket);
    socket.on('close', () => ingress.sockets.delete(socket));
    socket.on('error', () => undefined);
    const pod = cluster
      .pods(NS, `nvidia.com/dynamo-graph-deployment-name=${DGD},nvidia.com/dynamo-component-type=frontend`)
      .filter((p) =>
        (p.status?.conditions ?? []).some((c: AnyObj) => c.type === 'Ready' && c.status === 'True'),
      )
      .sort((a, b) =>
        String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
      )[0];
    const port = pod && cluster.podPort(NS, pod.metadata.name, 8000);
    if (!port) return void socket.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => ingress.server!.listen(0, '127.0.0.1', r));
  ingress.url = `http://127.0.0.1:${(ingress.server!.address() as net.AddressInfo).port}`;
  const c = CASES.find((x) => x.name.startsWith('base-url'))!;
  c.inputs['base-url'] = ingress.url;
}, 120_000);

afterAll(async () => {
  for (const s of ingress.sockets) s.destroy();
  await new Promise<void>((r) => (ingress.server ? ingress.server.close(() => r()) : r()));
  await proxy?.stop();
  await file.stop('Kubernetes API fault matrix (bundled action, stand-in cluster, fake frontend)');
});

describe('Kubernetes API faults (bundled action, stand-in cluster)', () => {
  file.eachCase(CASES);

  // From source, with the per-call deadline shortened through kubeApi's own option: the action's
  // is API_TIMEOUT_MS (15 s, src/bounded/limits.ts, the README's bounds table), which a bundled run
  // would only wait out. The other cases prove how a cluster-unreachable run is reported.
  it('API server stops answering (hang): the call ends at its deadline, cluster-unreachable', async () => {
    const undo = breakWire([{ method: 'GET', path: SERVICES_PATH, fault: { kind: 'hang' } }]);
    cluster.clearRequestLog();
    try {
      const creds = loadCredentials({ KUBECONFIG: proxy.kubeconfigPath } as NodeJS.ProcessEnv);
      const inputs: Record<string, string> = { namespace: NS, deployment: DGD, mode: 'round-robin' };
      const settings = parseSettings((name) => inputs[name] ?? '').kubernetes!;
      const failure = await resolveTarget(kubeApi(creds, 1000), NS, settings, undefined).then(
        () => undefined,
        (error: unknown) => error as RunFailure,
      );
      expect(failure?.code).toBe('cluster-unreachable');
      expect(failure?.message).toMatch(
        /did not answer in time while trying to get Service dynamo\/api-graph-frontend/,
      );
      expect(proxied('GET', SERVICES_PATH).map((r) => r.handled)).toEqual(['hang']);
      expect(cluster.writes()).toEqual([]);
    } finally {
      undo();
    }
    // Nothing left open: the hung request's socket and the API server's.
    expect(await proxy.waitIdle(5000)).toBe(0);
    expect(await waitIdle(cluster)).toBe(0);
  });
});
