// The pod side of the Kubernetes fault matrix (issue 5), through the bundled action against the
// stand-in cluster with the fast fake frontend (fault-graph.v1alpha1.yaml): the port-forward
// (text on the error channel, 403 on pods/portforward, the WebSocket cut mid-request, the pod
// deleted during the check), rollouts that cannot finish (crash loop, Pending for a GPU, never
// Ready) with and without rollback-on-failure, and two runs racing on one DGD. Each case checks
// the failure code, one `::error` annotation with the next step, no stack trace, the run time
// against the configured deadlines, no socket left open (API server and port-forward), the
// token never printed, and the DGD unchanged except what the run reports it changed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { cleanup, ROOT, runAction } from '../support/action.ts';
import type { Cluster } from '../../standin-cluster/index.ts';
import { expectAsReported, type AnyObj } from '../support/k8s-objects.ts';
import { faultFile, SLACK_MS, waitIdle, type FaultCase } from '../support/kubernetes-fault-cases.ts';
import { STACK } from '../support/fault-verdict.ts';

const FIXTURE = path.join(ROOT, '__tests__/fixtures/k8s/fault-graph.v1alpha1.yaml');
const NS = 'dynamo';
const DGD = 'pf-graph';

let cluster: Cluster;
let home: string;

const file = faultFile({
  fixture: FIXTURE,
  namespace: NS,
  object: DGD,
  settle: settled,
  idle: () => expect(portForwardSockets().size).toBe(0),
});
const { verdicts, graph, dgd, frontendEnv } = file;

/** The stand-in's port-forward WebSocket server (private field: the tests cut its sockets). */
function portForwardSockets(): Set<{ terminate(): void }> {
  return (cluster.server as unknown as { wss: { clients: Set<{ terminate(): void }> } }).wss.clients;
}

type Case = FaultCase;

/** One Ready frontend pod of `name` and nothing terminating (other graphs may be left crash-looping). */
async function settled(name: string): Promise<void> {
  await cluster.waitFor(
    () => {
      const pods = cluster.list('v1', 'Pod', NS, `nvidia.com/dynamo-graph-deployment-name=${name},${FE}`);
      return (
        pods.length === 1 &&
        !pods[0].metadata.deletionTimestamp &&
        (pods[0].status?.conditions ?? []).some((c: AnyObj) => c.type === 'Ready' && c.status === 'True')
      );
    },
    `${name} to settle`,
    { timeoutMs: 60_000 },
  );
}

/** rollout-timeout of the stalling cases, in seconds. */
const ROLLOUT_S = 6;
const FE = 'nvidia.com/dynamo-component-type=frontend';
const frontendPods = (name: string) =>
  cluster.pods(NS, `nvidia.com/dynamo-graph-deployment-name=${name},${FE}`);
const portForwards = () => cluster.requestLog.filter((e) => e.path.endsWith('/portforward'));
const chatsReceived = (pod: string) => (cluster.podLog(NS, pod).match(/chat request received/g) ?? []).length;

/** Waits for the next chat request to reach the (single) frontend pod of `name`; undefined if the run ended. */
async function nextChat(name: string, done: () => boolean): Promise<string | undefined> {
  const [pod] = frontendPods(name).map((p) => p.metadata.name);
  const seen = chatsReceived(pod);
  const hit = await cluster.waitFor(
    () => done() || chatsReceived(pod) > seen,
    'a chat request at the frontend',
    {
      timeoutMs: 60_000,
      intervalMs: 10,
    },
  );
  return hit === true && !done() ? pod : undefined;
}

const rollbackPattern = /The previous env was restored \(rollback-on-failure\)/;

const CASES: Case[] = [
  {
    name: 'port-forward: text on the error channel (nothing listening on the target port)',
    inputs: { deployment: DGD, service: 'pf-graph-wrongport' },
    expected: 'port-forward-failed',
    boundMs: SLACK_MS,
    check: (run) => {
      // The pod and port, the kubelet's own words, and the Service to look at next.
      expect(run.stdout).toMatch(
        /::error .*dynamo\/pf-graph-frontend-\S+ port 8001\b.*an error occurred forwarding 8001 -> 8001.*Next step: .*Service dynamo\/pf-graph-wrongport/,
      );
      expect(cluster.writes()).toEqual([]);
    },
  },
  {
    name: 'port-forward: forbidden (403 on pods/portforward)',
    inputs: { deployment: DGD },
    arrange: () => {
      // The stand-in pretends to be 1.32: a WebSocket port-forward is authorized as `get`.
      const rule = { verbs: ['get'], resources: ['pods/portforward'] };
      cluster.rbac.deny.push(rule);
      return () => void cluster.rbac.deny.splice(cluster.rbac.deny.indexOf(rule), 1);
    },
    expected: 'cluster-forbidden',
    boundMs: SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*cannot get resource "pods\/portforward" in API group "" in the namespace "dynamo".*Next step: .*`get` and `create` on `pods\/portforward`/,
      );
      expect(portForwards().map((e) => e.status)).toEqual([403]);
    },
  },
  {
    name: 'port-forward: the WebSocket closed mid-request (retried, passes)',
    inputs: { deployment: DGD, retries: '3', 'retry-delay': '0.5' },
    expected: 'pass',
    boundMs: 30_000,
    during: async (done) => {
      if (!(await nextChat(DGD, done))) return;
      for (const ws of portForwardSockets()) ws.terminate();
    },
    check: (run) => {
      expect(run.stdout).toMatch(/chat: attempt 1\/3 failed/);
      expect(run.outputs['mode-verified']).toBe('verified');
    },
  },
  {
    name: 'port-forward: the frontend pod deleted during the check (re-resolved, passes)',
    inputs: { deployment: DGD, retries: '6', 'retry-delay': '1' },
    expected: 'pass',
    boundMs: 45_000,
    during: async (done) => {
      const pod = await nextChat(DGD, done);
      if (pod) cluster.delete('v1', 'Pod', pod, NS);
    },
    check: (run) => {
      const pods = new Set(portForwards().map((e) => e.name));
      expect(pods.size).toBeGreaterThanOrEqual(2);
      expect(run.stdout).toMatch(/chat: attempt 1\/6 failed/);
      expect(run.outputs['mode-verified']).toBe('verified');
    },
  },
  {
    name: 'rollout: crash loop on the new env (no rollback: reported as applied)',
    object: 'crash-graph',
    inputs: { deployment: 'crash-graph', mode: 'random', 'rollout-timeout': String(ROLLOUT_S) },
    expected: 'rollout-timeout',
    boundMs: ROLLOUT_S * 1000 + SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*within 6 s: crash-graph-frontend-\S+ is in CrashLoopBackOff \(container main, \d+ restart\(s\), last exit code 3 \(Error\)\)/,
      );
      // The next command is the crashed container's previous log, not advice about slow pulls.
      expect(run.outputs['next-command']).toMatch(
        /^kubectl logs -n dynamo crash-graph-frontend-\S+ -c main --previous --tail=100$/,
      );
      expect(run.stdout).not.toMatch(/slow image pulls/);
      expect(run.stdout).toMatch(/stays applied/);
      expect(JSON.parse(run.outputs['env-patch'])).toMatchObject({
        applied: true,
        set: [{ name: 'DYN_ROUTER_MODE', value: 'random' }],
      });
      expect(frontendEnv('crash-graph').DYN_ROUTER_MODE).toBe('random');
    },
  },
  {
    name: 'rollout: crash loop on the new env, rollback-on-failure',
    object: 'crash-graph-rb',
    inputs: {
      deployment: 'crash-graph-rb',
      mode: 'random',
      'rollout-timeout': String(ROLLOUT_S),
      'rollback-on-failure': 'true',
    },
    expected: 'rollout-timeout',
    boundMs: 2 * ROLLOUT_S * 1000 + SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(/::error .*is in CrashLoopBackOff .*last exit code 3/);
      expect(run.stdout).toMatch(rollbackPattern);
      expect(JSON.parse(run.outputs['env-patch'])).toMatchObject({ applied: true, rolledBack: true });
    },
  },
  {
    name: 'rollout: new pod Pending (no GPU left for the surge pod), rollback-on-failure',
    object: 'gpu-graph',
    inputs: {
      deployment: 'gpu-graph',
      mode: 'least-loaded',
      'rollout-timeout': String(ROLLOUT_S),
      'rollback-on-failure': 'true',
    },
    expected: 'rollout-timeout',
    boundMs: 2 * ROLLOUT_S * 1000 + SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*gpu-graph-frontend-\S+ is Pending and cannot be scheduled: 0\/1 nodes are available: 1 Insufficient nvidia.com\/gpu/,
      );
      expect(run.stdout).toMatch(rollbackPattern);
      expect(JSON.parse(run.outputs['env-patch'])).toMatchObject({ applied: true, rolledBack: true });
    },
  },
  {
    name: 'rollout: new pod never Ready, rollback-on-failure',
    object: 'notready-graph',
    inputs: {
      deployment: 'notready-graph',
      mode: 'power-of-two',
      'rollout-timeout': String(ROLLOUT_S),
      'rollback-on-failure': 'true',
    },
    expected: 'rollout-timeout',
    boundMs: 2 * ROLLOUT_S * 1000 + SLACK_MS,
    check: (run) => {
      expect(run.stdout).toMatch(
        /::error .*notready-graph-frontend-\S+ is Running but not Ready \(Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503\)/,
      );
      expect(run.stdout).toMatch(rollbackPattern);
      expect(JSON.parse(run.outputs['env-patch'])).toMatchObject({ applied: true, rolledBack: true });
    },
  },
];

beforeAll(async () => {
  // One GPU on the node: the frontend of gpu-graph holds it, so its surge pod cannot schedule.
  cluster = await file.start({ namespace: NS, node: { allocatable: { 'nvidia.com/gpu': '1' } } });
  home = file.home();
  await cluster.apply(
    graph(DGD, (spec) => spec.services.Frontend.envs.push({ name: 'FAKE_CHAT_DELAY_MS', value: '400' })),
  );
  for (const name of ['crash-graph', 'crash-graph-rb', 'notready-graph', 'race-graph'])
    await cluster.apply(graph(name));
  await cluster.apply(
    graph('gpu-graph', (spec) => (spec.services.Frontend.resources = { limits: { gpu: '1' } })),
  );
  // A Service whose targetPort nothing in the pod listens on.
  await cluster.apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'pf-graph-wrongport', namespace: NS },
    spec: {
      selector: {
        'nvidia.com/dynamo-graph-deployment-name': DGD,
        'nvidia.com/dynamo-component-type': 'frontend',
      },
      ports: [{ name: 'http', port: 8000, targetPort: 8001 }],
    },
  });
  await cluster.waitForReady(NS, { timeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  await file.stop(
    `Kubernetes pod-side fault matrix (bundled action, stand-in cluster, fake frontend; rollout-timeout ${ROLLOUT_S} s)`,
  );
});

describe('Kubernetes pod-side faults (bundled action, stand-in cluster)', () => {
  file.eachCase(CASES);

  it('two runs against the same DGD at once (different modes): both verdicts right, the object one of theirs', async () => {
    const name = 'race-graph';
    await settled(name);
    const before = dgd(name);
    cluster.clearRequestLog();
    const modes = ['least-loaded', 'device-aware-weighted'];
    const started = Date.now();
    const runs = await Promise.all(
      modes.map((mode) =>
        runAction(
          {
            namespace: NS,
            deployment: name,
            mode,
            retries: '3',
            'retry-delay': '0.2',
            timeout: '5',
            'rollout-timeout': '10',
          },
          { env: { KUBECONFIG: cluster.kubeconfigPath, HOME: home }, timeoutMs: 120_000 },
        ),
      ),
    );
    const elapsed = Date.now() - started;
    try {
      const finalMode = frontendEnv(name).DYN_ROUTER_MODE;
      const outcome = runs.map((r, i) => `${modes[i]}: ${r.outputs.failure || 'pass'}`).join(', ');
      const passed = runs.filter((r) => r.outputs.result === 'pass');
      verdicts.push({
        name: `concurrency: two runs at once (${outcome}; final ${finalMode})`,
        expected: 'one verdict each, object = a winner',
        got: outcome,
        elapsedMs: elapsed,
        boundMs: 60_000,
        ok: passed.length > 0 && modes.includes(finalMode ?? '') && elapsed <= 60_000,
      });
      const detail = runs.map((r) => r.stdout).join('\n----\n');
      expect({ passed: passed.length > 0, detail: passed.length > 0 ? '' : detail }).toEqual({
        passed: true,
        detail: '',
      });
      for (const [i, r] of runs.entries()) {
        expect(r.stdout).not.toMatch(STACK);
        expect(r.stderr).toBe('');
        if (r.outputs.result === 'pass') {
          // A pass is never false: the run verified its own mode on the frontend it checked.
          expect(r.outputs.mode).toBe(modes[i]);
          expect(r.outputs['mode-verified']).toBe('verified');
        } else {
          // The run that lost the race says so: its change was superseded or the frontend runs the other mode.
          expect(['conflict', 'mode-not-applied']).toContain(r.outputs.failure);
          if (r.outputs.failure === 'conflict') expect(r.stdout).toMatch(/::error .*superseded/);
          expect(r.stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1);
        }
      }
      // The final object is one of theirs, the last passing run's if one passed last, and nothing
      // else in it changed (no lost fields, no env entry lost).
      expect(passed.map((r) => r.outputs.mode)).toContain(finalMode);
      const winner = runs[modes.indexOf(finalMode ?? '')];
      expectAsReported(before, dgd(name), winner.outputs['env-patch']);
      // Both wrote with a resourceVersion precondition: nothing was overwritten blindly.
      const patches = cluster.writes().filter((w) => w.method === 'PATCH');
      for (const p of patches) expect([200, 409]).toContain(p.status);
      expect(await waitIdle(cluster)).toBe(0);
      expect(portForwardSockets().size).toBe(0);
    } finally {
      runs.forEach(cleanup);
    }
  }, 150_000);
});
