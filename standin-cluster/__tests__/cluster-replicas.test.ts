// A frontend of two replicas, as real Dynamo processes, cross-checked with the real kubectl and
// client-node's port-forward: both pods Ready and both endpoints of the frontend Service (the
// Deployment pathway); and on Grove with the OnDelete update strategy, the state a real cluster
// reaches after an env change when one pod was replaced by hand: one Ready pod on the new env,
// one still on the old, both behind the Service (grove's podclique syncflow.go: pending updates
// only under an auto-update strategy, missing pods created from the current template).
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { isPodReady, REPO_ROOT, startCluster, type Cluster } from '../index.ts';
import { httpGet, kubectl, portForward } from '../testing.ts';

const FIX = join(REPO_ROOT, '__tests__/fixtures/k8s');
const NS = 'dynamo';
const MODEL = 'nvidia/Llama-3.1-8B-Instruct-FP8';
let cluster: Cluster;

const frontends = (graph: string) =>
  `nvidia.com/dynamo-component-type=frontend,nvidia.com/dynamo-graph-deployment-name=${graph}`;

async function kubectlJson(args: string[]): Promise<any> {
  const r = await kubectl(cluster, [...args, '-o', 'json']);
  expect(r.stderr.replace(/Warning: .*deprecated.*\n?/g, '')).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** Addresses of the Service's Endpoints, by pod name, as kubectl shows them. */
async function endpointPods(service: string): Promise<string[]> {
  const ep = await kubectlJson(['get', 'endpoints', service, '-n', NS]);
  return (ep.subsets ?? [])
    .flatMap((s: any) => s.addresses ?? [])
    .map((a: any) => a.targetRef.name)
    .sort();
}

/** One chat through a port-forward to this pod only; its log then names the mode that routed it. */
async function chatThrough(pod: string): Promise<void> {
  const fwd = await portForward(cluster.kubeconfigPath, NS, pod, 8000);
  try {
    await cluster.waitFor(
      async () => {
        const r = await httpGet(`http://127.0.0.1:${fwd.port}/v1/models`, 3000).catch(() => undefined);
        return r?.status === 200 && r.body.includes(MODEL);
      },
      `${MODEL} listed by ${pod}`,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const res = await fetch(`http://127.0.0.1:${fwd.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  } finally {
    await fwd.close();
  }
}

/** The router modes a pod's real frontend logged for the requests it routed (kubectl logs). */
async function loggedModes(pod: string): Promise<string[]> {
  const r = await kubectl(cluster, ['logs', pod, '-n', NS]);
  expect(r.code).toBe(0);
  // eslint-disable-next-line no-control-regex
  const text = r.stdout.replace(/\u001b\[[0-9;]*m/g, '');
  return [...new Set([...text.matchAll(/Selected worker\s+router_mode="?([a-z-]+)/g)].map((m) => m[1]))];
}

const routerEnv = (pod: any): string | undefined =>
  pod.spec.containers[0].env.find((e: any) => e.name === 'DYN_ROUTER_MODE')?.value;

beforeAll(async () => {
  cluster = await startCluster({ namespace: NS, grove: true, kubelet: { maxGraceSeconds: 2 } });
  await cluster.apply(join(FIX, 'two-frontends.v1alpha1.yaml'));
  await cluster.apply(join(FIX, 'two-frontends-ondelete.v1alpha1.yaml'));
  await cluster.waitForReady(NS, { timeoutMs: 180_000 });
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  expect(cluster.kubelet.runningPids()).toEqual([]);
});

describe('a frontend of two replicas (real Dynamo processes)', () => {
  test('Deployment pathway: two Ready pods, two processes, both endpoints of the Service, each serving', async () => {
    const pods = (await kubectlJson(['get', 'pods', '-n', NS, '-l', frontends('two-frontends')])).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods)
      expect(pod.status.conditions).toContainEqual(
        expect.objectContaining({ type: 'Ready', status: 'True' }),
      );
    const names = pods.map((p: any) => p.metadata.name).sort();
    const pids = names.map((n: string) => cluster.kubelet.processes(NS, n)[0].pid);
    expect(new Set(pids).size).toBe(2);
    expect(await endpointPods('two-frontends-frontend')).toEqual(names);
    const status = await kubectl(cluster, [
      'rollout',
      'status',
      'deployment/two-frontends-frontend',
      '-n',
      NS,
      '--timeout=30s',
    ]);
    expect(status.stdout).toMatch(/successfully rolled out/);
    for (const name of names) {
      await chatThrough(name);
      expect(await loggedModes(name)).toEqual(['kv']);
    }
  }, 120_000);

  test('Grove OnDelete: after an env change one replaced pod runs the new env, the other the old, both Ready behind the Service', async () => {
    const before = (await kubectlJson(['get', 'pods', '-n', NS, '-l', frontends('held-frontends')])).items;
    expect(before.map(routerEnv)).toEqual(['kv', 'kv']);
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
        spec: { services: { Frontend: { envs: [{ name: 'DYN_ROUTER_MODE', value: 'round-robin' }] } } },
      }),
    ]);
    expect(patched.code).toBe(0);
    const pcs = await cluster.waitFor(async () => {
      const set = await kubectlJson(['get', 'pcs', 'held-frontends', '-n', NS]);
      const clique = set.spec.template.cliques.find((c: any) => c.name === 'frontend');
      return routerEnv({ spec: clique.spec.podSpec }) === 'round-robin' ? set : undefined;
    }, 'the PodCliqueSet to carry the new env');
    expect(pcs.spec.updateStrategy.type).toBe('OnDelete');
    // OnDelete: the new template replaces no running pod by itself.
    await new Promise((r) => setTimeout(r, 1500));
    const still = (await kubectlJson(['get', 'pods', '-n', NS, '-l', frontends('held-frontends')])).items;
    expect(still.map((p: any) => p.metadata.name).sort()).toEqual(
      before.map((p: any) => p.metadata.name).sort(),
    );

    const [old, replaced] = before.map((p: any) => p.metadata.name as string);
    expect((await kubectl(cluster, ['delete', 'pod', replaced, '-n', NS, '--wait=false'])).code).toBe(0);
    const fresh = await cluster.waitFor(() => {
      const pods = cluster.pods(NS, frontends('held-frontends'));
      const made = pods.find((p) => p.metadata.name !== old && p.metadata.name !== replaced);
      return pods.length === 2 && made && isPodReady(made) ? (made.metadata.name as string) : undefined;
    }, 'a Ready frontend pod in place of the deleted one');

    const after = (
      await kubectlJson([
        'get',
        'pods',
        '-n',
        NS,
        '-l',
        frontends('held-frontends'),
        '-L',
        'grove.io/pod-template-hash',
      ])
    ).items;
    const byName = Object.fromEntries(after.map((p: any) => [p.metadata.name, p]));
    expect(Object.keys(byName).sort()).toEqual([fresh, old].sort());
    expect(routerEnv(byName[old])).toBe('kv');
    expect(routerEnv(byName[fresh])).toBe('round-robin');
    const hash = (name: string) => byName[name].metadata.labels['grove.io/pod-template-hash'];
    expect(hash(old)).not.toBe(hash(fresh));
    for (const pod of after)
      expect(pod.status.conditions).toContainEqual(
        expect.objectContaining({ type: 'Ready', status: 'True' }),
      );
    expect(await endpointPods('held-frontends-frontend')).toEqual([fresh, old].sort());

    // The processes really run different modes: each pod's own log names the mode that routed its chat.
    await chatThrough(old);
    await chatThrough(fresh);
    expect(await loggedModes(old)).toEqual(['kv']);
    expect(await loggedModes(fresh)).toEqual(['round-robin']);
  }, 120_000);
});
