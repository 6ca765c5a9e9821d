// Every frontend replica, through the bundled action on the stand-in cluster with real Dynamo
// processes: a frontend of two replicas is proven on each Ready pod through a port-forward pinned
// to it, not only on the pod the Service picked. Two healthy replicas pass and are named; a graph
// on Grove's OnDelete strategy with one frontend pod still on the old env fails
// `replica-mismatch`, naming that pod. One cluster serves both cases.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanup, ROOT, runAction } from '../support/action.ts';
import type { AnyObj } from '../support/k8s-objects.ts';
import { isPodReady, startCluster, type Cluster } from '../../standin-cluster/index.ts';
import { kubectl } from '../../standin-cluster/testing.ts';

const FIXTURES = path.join(ROOT, '__tests__/fixtures/k8s');
const NS = 'dynamo';
let cluster: Cluster;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'k8s-replicas-'));
  // Grove installed: held-frontends becomes a PodCliqueSet; two-frontends opts out (Deployments).
  cluster = await startCluster({ namespace: NS, grove: true, kubelet: { maxGraceSeconds: 2 } });
  await cluster.apply(path.join(FIXTURES, 'two-frontends.v1alpha1.yaml'));
  await cluster.apply(path.join(FIXTURES, 'two-frontends-ondelete.v1alpha1.yaml'));
  await cluster.waitForReady(NS, { timeoutMs: 180_000 });
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(home, { recursive: true, force: true });
});

const k8s = (inputs: Record<string, string>) =>
  runAction(
    { namespace: NS, 'retry-delay': '0.5', 'rollout-timeout': '120', ...inputs },
    { env: { KUBECONFIG: cluster.kubeconfigPath, HOME: home } },
  );

/** The live (not terminating) frontend pods of one graph. */
const frontendPods = (graph: string): AnyObj[] =>
  cluster.pods(
    NS,
    `nvidia.com/dynamo-component-type=frontend,nvidia.com/dynamo-graph-deployment-name=${graph}`,
  ) as AnyObj[];

const routerMode = (pod: AnyObj): string | undefined =>
  (pod.spec.containers[0].env as { name: string; value?: string }[]).find((e) => e.name === 'DYN_ROUTER_MODE')
    ?.value;

describe('every frontend replica (bundled action, stand-in cluster, real Dynamo)', () => {
  it('two healthy replicas: switched to kv, both pods rolled, kv proven on each and both named', async () => {
    const run = await k8s({ deployment: 'two-frontends', mode: 'kv' });
    try {
      expect(run.outputs.failure).toBe('');
      expect(run.outputs.result).toBe('pass');
      expect(run.outputs['mode-verified']).toBe('verified');
      const pods = frontendPods('two-frontends');
      expect(pods).toHaveLength(2);
      expect(pods.map(routerMode)).toEqual(['kv', 'kv']);
      const names = pods.map((p) => p.metadata.name as string).sort();
      expect(run.summary).toContain(`Proven on each of the 2 Ready frontend pods: ${names.join(', ')}.`);
      // Each replica had its own forward, pinned to that pod.
      for (const name of names) expect(run.stdout).toContain(`→ pod ${NS}/${name} (pod port 8000)`);
    } finally {
      cleanup(run);
    }
  }, 180_000);

  it('one replica still on the old env (Grove OnDelete): a check-only run fails replica-mismatch naming it', async () => {
    // What a user does under OnDelete: change the graph's env, then replace one pod by hand.
    const patched = await kubectl(cluster, [
      'patch',
      'dynamographdeployments.v1alpha1.nvidia.com',
      'held-frontends',
      '-n',
      NS,
      '--type',
      'merge',
      '-p',
      JSON.stringify({
        spec: { services: { Frontend: { envs: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] } } },
      }),
    ]);
    expect(patched.code).toBe(0);
    const [old, replaced] = frontendPods('held-frontends').map((p) => p.metadata.name as string);
    await cluster.waitFor(
      () =>
        (
          cluster.get('grove.io/v1alpha1', 'PodCliqueSet', 'held-frontends', NS) as AnyObj | undefined
        )?.spec.template.cliques.some((c: AnyObj) =>
          (c.spec.podSpec.containers[0].env as AnyObj[]).some((e) => e.value === 'kv'),
        ) === true,
      'the PodCliqueSet to carry the new env',
    );
    expect((await kubectl(cluster, ['delete', 'pod', replaced, '-n', NS, '--wait=false'])).code).toBe(0);
    await cluster.waitFor(() => {
      const pods = frontendPods('held-frontends');
      return pods.length === 2 && pods.every(isPodReady) && !pods.some((p) => p.metadata.name === replaced);
    }, 'a new frontend pod, Ready, in place of the deleted one');
    const pods = frontendPods('held-frontends');
    expect(pods.find((p) => p.metadata.name === old)).toBeDefined();
    expect(Object.fromEntries(pods.map((p) => [p.metadata.name, routerMode(p)]))).toMatchObject({
      [old]: 'round-robin',
    });
    const fresh = pods.find((p) => p.metadata.name !== old)!.metadata.name as string;

    cluster.clearRequestLog();
    // The scheduled canary: no mode given, so the run expects what the graph says (kv).
    const run = await k8s({ deployment: 'held-frontends' });
    try {
      expect(run.outputs.result).toBe('fail');
      expect(run.outputs.failure).toBe('replica-mismatch');
      expect(run.outputs['mode-verified']).toBe('contradicted');
      expect(run.summary).toContain(
        `Frontend pod ${old} does not run the kv router mode while ${fresh} does`,
      );
      expect(run.summary).toMatch(new RegExp(`${old} runs round-robin`));
      expect(run.outputs['next-command']).toContain('kubectl get pods -n dynamo -l');
      // A check-only run writes nothing.
      expect(cluster.writes()).toEqual([]);
    } finally {
      cleanup(run);
    }
  }, 180_000);
});
