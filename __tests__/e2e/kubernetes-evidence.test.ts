// Proof that the mode took effect, on the stand-in cluster with real Dynamo processes, through
// the bundled action: every mode verified from the frontend pods' logs and router metrics; an
// env patch the frontend ignores (its image pins the mode) caught as contradicted and rolled
// back; kv over workers without KV events; compare-modes switching the DGD and back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanup, ROOT, runAction } from '../support/action.ts';
import { startCluster, type Cluster } from '../../standin-cluster/index.ts';

const FIXTURES = path.join(ROOT, '__tests__/fixtures/k8s');
let cluster: Cluster;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'k8s-evidence-'));
  cluster = await startCluster({
    namespace: 'dynamo',
    // The operator keeps its default args (-m dynamo.frontend) under a user's command.
    kubelet: {
      commandAliases: { '/opt/acme/start-frontend.sh': ['python3', '$@', '--router-mode', 'round-robin'] },
    },
  });
  await cluster.apply(path.join(FIXTURES, 'mocker-agg.v1alpha1.yaml'));
  await cluster.apply(path.join(FIXTURES, 'mocker-two-workers.v1alpha1.yaml'));
  await cluster.apply(path.join(FIXTURES, 'frontend-image-pins-mode.v1alpha1.yaml'));
  await cluster.apply(path.join(FIXTURES, 'workers-without-kv-events.v1alpha1.yaml'));
  await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(home, { recursive: true, force: true });
});

const k8s = (inputs: Record<string, string>) =>
  runAction(
    { namespace: 'dynamo', 'retry-delay': '0.5', 'rollout-timeout': '120', ...inputs },
    { env: { KUBECONFIG: cluster.kubeconfigPath, HOME: home } },
  );

type DgdEnv = { name: string; value?: string }[];
/** The frontend's env entries as the DGD holds them (component envs, then the main container's). */
async function frontendEnvs(name: string): Promise<DgdEnv> {
  const dgd = (await cluster.get(
    'nvidia.com/v1alpha1',
    'DynamoGraphDeployment',
    name,
    'dynamo',
  )) as unknown as {
    spec: { services: { Frontend: { envs?: DgdEnv; extraPodSpec?: { mainContainer?: { env?: DgdEnv } } } } };
  };
  const frontend = dgd.spec.services.Frontend;
  return [...(frontend.envs ?? []), ...(frontend.extraPodSpec?.mainContainer?.env ?? [])];
}

describe('mode evidence on Kubernetes (bundled action, stand-in cluster, real Dynamo)', () => {
  it.each(['kv', 'round-robin', 'least-loaded', 'random', 'power-of-two', 'device-aware-weighted', 'direct'])(
    '%s: patched, rolled, verified from the pod logs and metrics',
    async (mode) => {
      const run = await k8s({ deployment: 'mocker-two', mode });
      try {
        expect(run.outputs.failure).toBe('');
        expect(run.outputs.result).toBe('pass');
        expect(run.outputs['mode-verified']).toBe('verified');
        expect(run.summary).toMatch(new RegExp(`router&#95;mode=${mode}|router_mode=${mode}`));
        expect((await frontendEnvs('mocker-two')).find((e) => e.name === 'DYN_ROUTER_MODE')?.value).toBe(
          mode,
        );
      } finally {
        cleanup(run);
      }
    },
    120_000,
  );

  it('catches an env patch the frontend ignores (its image pins round-robin) and rolls it back', async () => {
    const before = await frontendEnvs('pinned-image');
    const run = await k8s({ deployment: 'pinned-image', mode: 'kv', 'rollback-on-failure': 'true' });
    try {
      expect(run.outputs.result).toBe('fail');
      expect(run.outputs.failure).toBe('mode-not-applied');
      expect(run.outputs['mode-verified']).toBe('contradicted');
      expect(run.summary).toMatch(/round-robin/);
      const patch = JSON.parse(run.outputs['env-patch']) as { applied: boolean; rolledBack: boolean };
      expect(patch).toMatchObject({ applied: true, rolledBack: true });
      expect(await frontendEnvs('pinned-image')).toEqual(before);
    } finally {
      cleanup(run);
    }
  }, 180_000);

  it('kv over workers without KV events: decided from the worker specs, approximate mode, reported', async () => {
    const run = await k8s({ deployment: 'silent-workers', mode: 'kv' });
    try {
      expect(run.outputs.result).toBe('pass');
      expect(run.outputs['kv-events']).toBe('false');
      expect(run.outputs.limitations).toMatch(/[Aa]pproximate KV mode/);
      const envs = await frontendEnvs('silent-workers');
      expect(envs.find((e) => e.name === 'DYN_ROUTER_USE_KV_EVENTS')?.value).toBe('false');
    } finally {
      cleanup(run);
    }
  }, 120_000);

  it('kv with kv-events claimed true over silent workers: runtime evidence says false, with the fix', async () => {
    const run = await k8s({ deployment: 'silent-workers', mode: 'kv', 'kv-events': 'true' });
    try {
      expect(run.outputs.result).toBe('pass');
      expect(run.outputs['kv-events']).toBe('false');
      expect(run.outputs.limitations).toMatch(/publish no KV events.*kv-events: false/);
    } finally {
      cleanup(run);
    }
  }, 120_000);

  it('compares round-robin and kv on the DGD and leaves it in the requested mode', async () => {
    const run = await k8s({
      deployment: 'mocker-two',
      mode: 'kv',
      'compare-modes': 'round-robin,kv',
      'compare-requests': '24',
      'compare-concurrency': '2',
      'compare-prefix-groups': '6',
      'compare-prefix-tokens': '300',
      'compare-max-tokens': '8',
    });
    try {
      expect(run.outputs.result).toBe('pass');
      const c = JSON.parse(run.outputs.comparison) as {
        label: string;
        modes: { mode: string; samples: number; kvHitRate?: number }[];
      };
      expect(c.label).toBe('smoke comparison');
      const [rr, kv] = c.modes;
      expect([rr.mode, kv.mode]).toEqual(['round-robin', 'kv']);
      expect(rr.samples).toBe(24);
      expect(kv.samples).toBe(24);
      expect(kv.kvHitRate).toBeGreaterThan(rr.kvHitRate ?? 0);
      expect((await frontendEnvs('mocker-two')).find((e) => e.name === 'DYN_ROUTER_MODE')?.value).toBe('kv');
    } finally {
      cleanup(run);
    }
  }, 240_000);
});
