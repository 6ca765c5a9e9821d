// Every frontend replica, through the bundled action on the stand-in cluster with real Dynamo
// processes: a frontend of two replicas is proven on each Ready pod through a port-forward pinned
// to it, not only on the pod the Service picked. Two healthy replicas pass and are named; a graph
// on Grove's OnDelete strategy with one frontend pod still on the old env fails
// `replica-mismatch`, naming that pod. Every run holds only deploy/rbac.yaml's rules, authorized as
// Kubernetes 1.35 does (port-forward needs `get` and `create`): forwarding to each pod by name needs
// nothing more. One cluster serves every case.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanup, ROOT, runAction } from '../support/action.ts';
import { startApiFaultProxy } from '../support/fault-proxy.ts';
import type { AnyObj } from '../support/k8s-objects.ts';
import { isPodReady, startCluster, type Cluster } from '../../standin-cluster/index.ts';
import { roleRules } from '../../standin-cluster/rbac.ts';
import { kubectl } from '../../standin-cluster/testing.ts';

const FIXTURES = path.join(ROOT, '__tests__/fixtures/k8s');
const NS = 'dynamo';
/** The OnDelete graph's own namespace: each graph's frontends discover only its workers. */
const HELD = 'held';
const ROLE = roleRules(readFileSync(path.join(ROOT, 'deploy/rbac.yaml'), 'utf8'));
let cluster: Cluster;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'k8s-replicas-'));
  // Grove installed: held-frontends becomes a PodCliqueSet; two-frontends opts out (Deployments).
  cluster = await startCluster({
    namespace: NS,
    grove: true,
    kubernetesVersion: 'v1.35.0',
    rbac: { deny: [], allow: ROLE },
    kubelet: { maxGraceSeconds: 2 },
  });
  await cluster.apply(path.join(FIXTURES, 'two-frontends.v1alpha1.yaml'));
  await cluster.apply(path.join(FIXTURES, 'two-frontends-ondelete.v1alpha1.yaml'), { namespace: HELD });
  await cluster.waitForReady(NS, { timeoutMs: 180_000 });
  await cluster.waitForReady(HELD, { timeoutMs: 180_000 });
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(home, { recursive: true, force: true });
});

const k8s = (inputs: Record<string, string>, namespace = NS, kubeconfig = cluster.kubeconfigPath) =>
  runAction(
    { namespace, 'retry-delay': '0.5', 'rollout-timeout': '120', ...inputs },
    { env: { KUBECONFIG: kubeconfig, HOME: home } },
  );

/** The live (not terminating) frontend pods of one graph. */
const frontendPods = (graph: string, namespace = NS): AnyObj[] =>
  cluster.pods(
    namespace,
    `nvidia.com/dynamo-component-type=frontend,nvidia.com/dynamo-graph-deployment-name=${graph}`,
  ) as AnyObj[];

const routerMode = (pod: AnyObj): string | undefined =>
  (pod.spec.containers[0].env as { name: string; value?: string }[]).find((e) => e.name === 'DYN_ROUTER_MODE')
    ?.value;

describe('every frontend replica (bundled action, stand-in cluster, real Dynamo)', () => {
  it('two healthy replicas: switched to round-robin, both pods rolled, proven on each and both named', async () => {
    cluster.clearRequestLog();
    const run = await k8s({ deployment: 'two-frontends', mode: 'round-robin' });
    try {
      expect(run.outputs.failure).toBe('');
      expect(run.outputs.result).toBe('pass');
      expect(run.outputs['mode-verified']).toBe('verified');
      const pods = frontendPods('two-frontends');
      expect(pods).toHaveLength(2);
      expect(pods.map(routerMode)).toEqual(['round-robin', 'round-robin']);
      const names = pods.map((p) => p.metadata.name as string).sort();
      expect(run.summary).toContain(`Proven on each of the 2 Ready frontend pods: ${names.join(', ')}.`);
      // Each replica had its own forward, pinned to that pod.
      for (const name of names) expect(run.stdout).toContain(`→ pod ${NS}/${name} (pod port 8000)`);
      expect(cluster.requestLog.filter((e) => e.status === 403)).toEqual([]);
      for (const name of names)
        expect(
          cluster.requestLog.some((e) => e.path === `/api/v1/namespaces/${NS}/pods/${name}/portforward`),
        ).toBe(true);
    } finally {
      cleanup(run);
    }
  }, 180_000);

  it('a replica whose port-forward never upgrades: not proven, named, within the deadlines; the run passes and exits', async () => {
    cluster.clearRequestLog();
    // The run goes through the fault proxy: once the check's forward has picked its pod (after any
    // rollout), every upgrade to the other Ready frontend pod hangs there.
    const proxy = await startApiFaultProxy(cluster);
    let names: string[] = [];
    let hung: string | undefined;
    const watcher = setInterval(() => {
      if (hung) return;
      const first = cluster.requestLog.find((e) => e.path.endsWith('/portforward'));
      if (!first) return;
      names = frontendPods('two-frontends').map((p) => p.metadata.name as string);
      hung = names.find((n) => !first.path.includes(`/pods/${n}/`));
      proxy.setRules([{ path: new RegExp(`/pods/${hung}/portforward$`), fault: { kind: 'hang' } }]);
    }, 5);
    const started = Date.now();
    const run = await k8s(
      { deployment: 'two-frontends', mode: 'round-robin', timeout: '3' },
      NS,
      proxy.kubeconfigPath,
    ).finally(() => {
      clearInterval(watcher);
      return proxy.stop();
    });
    try {
      expect(hung).toBeDefined();
      expect(proxy.requests().filter((r) => r.handled === 'upgrade hang').length).toBeGreaterThan(0);
      expect(run.outputs.result).toBe('pass');
      expect(run.outputs['mode-verified']).toBe('verified');
      const proven = names.find((n) => n !== hung);
      expect(run.summary).toContain(`Proven on 1 of the 2 Ready frontend pods: ${proven}.`);
      // Its forward's upgrade never completed: the handshake deadline (10 s) ends the wait for it.
      // The limitation and the routing output name the pod, the forward and that deadline.
      const limitation = (JSON.parse(run.outputs.limitations) as string[]).filter((l) => l.includes(hung!));
      expect(limitation).toHaveLength(1);
      const replica = (JSON.parse(run.outputs.routing).replicas as { name: string; problem?: string }[]).find(
        (r) => r.name === hung,
      );
      for (const text of [limitation[0], replica?.problem ?? ''])
        for (const fact of [`port-forward to pod ${NS}/${hung}`, 'WebSocket upgrade within 10 s'])
          expect(text).toContain(fact);
      expect(limitation[0]).toMatch(/\bround-robin\b.* not proven /);
      expect(Date.now() - started).toBeLessThan(45_000);
    } finally {
      cleanup(run);
    }
  }, 120_000);

  it('one replica still on the old env (Grove OnDelete): a check-only run fails replica-mismatch naming it', async () => {
    // What a user does under OnDelete, as an admin (not the action's Role): change the graph's env,
    // then replace one pod by hand.
    cluster.rbac.allow = undefined;
    const patched = await kubectl(cluster, [
      'patch',
      'dynamographdeployments.v1alpha1.nvidia.com',
      'held-frontends',
      '-n',
      HELD,
      '--type',
      'merge',
      '-p',
      JSON.stringify({
        spec: { services: { Frontend: { envs: [{ name: 'DYN_ROUTER_MODE', value: 'round-robin' }] } } },
      }),
    ]);
    expect(patched.code).toBe(0);
    const [old, replaced] = frontendPods('held-frontends', HELD).map((p) => p.metadata.name as string);
    await cluster.waitFor(
      () =>
        (
          cluster.get('grove.io/v1alpha1', 'PodCliqueSet', 'held-frontends', HELD) as AnyObj | undefined
        )?.spec.template.cliques.some((c: AnyObj) =>
          (c.spec.podSpec.containers[0].env as AnyObj[]).some((e) => e.value === 'round-robin'),
        ) === true,
      'the PodCliqueSet to carry the new env',
    );
    expect((await kubectl(cluster, ['delete', 'pod', replaced, '-n', HELD, '--wait=false'])).code).toBe(0);
    await cluster.waitFor(() => {
      const pods = frontendPods('held-frontends', HELD);
      return pods.length === 2 && pods.every(isPodReady) && !pods.some((p) => p.metadata.name === replaced);
    }, 'a new frontend pod, Ready, in place of the deleted one');
    cluster.rbac.allow = ROLE;
    const pods = frontendPods('held-frontends', HELD);
    expect(pods.find((p) => p.metadata.name === old)).toBeDefined();
    expect(Object.fromEntries(pods.map((p) => [p.metadata.name, routerMode(p)]))).toMatchObject({
      [old]: 'kv',
    });
    const fresh = pods.find((p) => p.metadata.name !== old)!.metadata.name as string;

    cluster.clearRequestLog();
    // The scheduled canary: no mode given, so the run expects what the graph says (round-robin).
    const run = await k8s({ deployment: 'held-frontends' }, HELD);
    try {
      expect(run.outputs.result).toBe('fail');
      expect(run.outputs.failure).toBe('replica-mismatch');
      expect(run.outputs['mode-verified']).toBe('contradicted');
      expect(run.summary).toContain(
        `Frontend pod ${old} does not run the round-robin router mode while ${fresh} does`,
      );
      expect(run.summary).toMatch(new RegExp(`${old} runs kv`));
      expect(run.outputs['next-command']).toContain(`kubectl get pods -n ${HELD} -l`);
      // The routing output has each replica's probe: the old pod's requests did not take turns.
      const routing = JSON.parse(run.outputs.routing) as {
        replicas: { name: string; probe?: { verdict: string; observed?: string } }[];
      };
      expect(routing.replicas.map((r) => r.name).sort()).toEqual([fresh, old].sort());
      expect(routing.replicas.find((r) => r.name === old)?.probe?.verdict).toBe('contradicted');
      expect(routing.replicas.find((r) => r.name === fresh)?.probe).toMatchObject({
        verdict: 'verified',
        observed: 'round-robin',
      });
      // A check-only run writes nothing.
      expect(cluster.writes()).toEqual([]);
    } finally {
      cleanup(run);
    }
  }, 180_000);
});
