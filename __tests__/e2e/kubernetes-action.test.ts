// The bundled action (dist/index.js, run as GitHub runs it) against the stand-in cluster:
// v1beta1, a plain Deployment, and an object with many unrelated fields. Port-forwarding is
// exercised from the bundle on purpose (bundling has broken client-node's port-forward before).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCluster, type Cluster } from '../../standin-cluster/index.ts';
import { ACTION, cleanup, ROOT, runAction } from '../support/action.ts';
import { owned, type AnyObj } from '../support/k8s-objects.ts';

const FIXTURES = path.join(ROOT, '__tests__/fixtures/k8s');

let cluster: Cluster;
let dir: string;

/** The bundled action as GitHub runs it (support/action.ts), with a home of its own: no ~/.kube. */
async function action(
  inputs: Record<string, string>,
): Promise<{ code: number | null; outputs: Record<string, string>; stdout: string; summary: string }> {
  const run = await runAction(inputs, { env: { HOME: dir, KUBECONFIG: cluster.kubeconfigPath } });
  cleanup(run);
  return { code: run.exitCode, outputs: run.outputs, stdout: run.stdout + run.stderr, summary: run.summary };
}

beforeAll(async () => {
  if (!existsSync(ACTION)) throw new Error(`${ACTION} missing: run \`npm run build\` first`);
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-action-'));
  cluster = await startCluster({ namespace: 'dynamo' });
  await cluster.apply(path.join(FIXTURES, 'mocker-agg.v1beta1.yaml'), { namespace: 'beta' });
  await cluster.apply(path.join(FIXTURES, 'plain-deployment.yaml'));
  await cluster.apply(path.join(FIXTURES, 'many-fields.v1alpha1.yaml'));
  await cluster.waitForReady('beta', { timeoutMs: 180_000 });
  await cluster.waitForReady('dynamo-plain', { timeoutMs: 180_000 });
  await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
}, 400_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('bundled action on the stand-in', () => {
  it('v1beta1: switches to kv through the main container env; the token never reaches the log', async () => {
    cluster.clearRequestLog();
    const r = await action({
      namespace: 'beta',
      deployment: 'mocker-agg',
      mode: 'kv',
      retries: '30',
      'retry-delay': '1',
    });
    if (r.code !== 0) console.log(r.stdout);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('pass');
    expect(r.outputs.mode).toBe('kv');
    expect(r.outputs.service).toBe('beta/mocker-agg-frontend');
    expect(JSON.parse(r.outputs['env-patch'])).toMatchObject({ applied: true, changed: true });
    const dgd = cluster.get('nvidia.com/v1beta1', 'DynamoGraphDeployment', 'mocker-agg', 'beta') as AnyObj;
    const fe = dgd.spec.components.find((c: AnyObj) => c.type === 'frontend');
    expect(fe.podTemplate.spec.containers.find((c: AnyObj) => c.name === 'main').env).toEqual([
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
    ]);
    expect(dgd.spec.env).toBeUndefined();
    // The only place the token may appear is the runner's own mask command.
    const visible = (r.stdout + r.summary).split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(visible.join('\n')).not.toContain(cluster.token);
    expect(r.summary).toContain('kubectl patch');
    expect(r.outputs['dynamo-version']).toBe('1.6.1 (frontend image tag)');
  }, 300_000);

  it('refuses a mode the frontend image’s release lacks, before any write', async () => {
    // The seed manifest on a 1.0.2 image (1.0.x has no power-of-two), scaled to zero: the
    // refusal comes from the spec alone.
    const [graph] = readFileSync(path.join(FIXTURES, 'mocker-agg.v1alpha1.yaml'), 'utf8').split('\n---\n');
    await cluster.apply(
      graph.replace(/mocker-runtime:1\.6\.1/g, 'vllm-runtime:1.0.2').replace(/replicas: 1/g, 'replicas: 0'),
      { namespace: 'old' },
    );
    await cluster.waitFor(
      () => cluster.get('v1', 'Service', 'mocker-agg-frontend', 'old'),
      'the operator to create the frontend Service',
    );
    cluster.clearRequestLog();
    const r = await action({ namespace: 'old', deployment: 'mocker-agg', mode: 'power-of-two' });
    expect(r.outputs.failure).toBe('unsupported-mode');
    expect(r.outputs['dynamo-version']).toBe('1.0.2 (frontend image tag)');
    expect(r.stdout).toMatch(
      /Dynamo 1\.0\.2 \(from the frontend image tag\) has no router mode power-of-two/,
    );
    expect(cluster.writes()).toEqual([]);
    cluster.delete('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'mocker-agg', 'old');
  }, 120_000);

  it('plain Deployment: the frontend container env changes, other entries kept', async () => {
    const r = await action({
      namespace: 'dynamo-plain',
      service: 'dynamo-frontend',
      mode: 'least-loaded',
      retries: '30',
      'retry-delay': '1',
    });
    if (r.code !== 0) console.log(r.stdout);
    expect(r.outputs.result).toBe('pass');
    const d = cluster.get('apps/v1', 'Deployment', 'dynamo-frontend', 'dynamo-plain') as AnyObj;
    expect(d.spec.template.spec.containers[0].env).toEqual([
      { name: 'DYN_LOG', value: 'info' },
      { name: 'DYN_ROUTER_TEMPERATURE', value: '0.5' },
      { name: 'DYN_ROUTER_MODE', value: 'least-loaded' },
    ]);
  }, 300_000);

  it('many unrelated fields: the object comes back identical but for the router entries', async () => {
    const before = cluster.get(
      'nvidia.com/v1alpha1',
      'DynamoGraphDeployment',
      'many-fields',
      'dynamo',
    ) as AnyObj;
    const r = await action({
      namespace: 'dynamo',
      deployment: 'many-fields',
      recipe: path.join(FIXTURES, 'many-fields.v1alpha1.yaml'),
      mode: 'kv',
      'kv-events': 'false',
      retries: '30',
      'retry-delay': '1',
    });
    if (r.code !== 0) console.log(r.stdout);
    expect(r.outputs.result).toBe('pass');
    const after = cluster.get(
      'nvidia.com/v1alpha1',
      'DynamoGraphDeployment',
      'many-fields',
      'dynamo',
    ) as AnyObj;
    const expected = owned(before);
    expected.spec.services.Frontend.envs = [
      ...before.spec.services.Frontend.envs,
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
    ];
    // The one addition to metadata: the mark that lets a later run see an apply overwrote this.
    expected.metadata.annotations = {
      ...(before.metadata.annotations ?? {}),
      'dynamo-router-starter.nvidia.com/router-env': 'DYN_ROUTER_MODE=kv,DYN_ROUTER_USE_KV_EVENTS=false',
    };
    expect(owned(after)).toEqual(expected);
  }, 300_000);

  it('dry-run from the bundle: no write of any kind', async () => {
    cluster.clearRequestLog();
    const r = await action({
      namespace: 'beta',
      deployment: 'mocker-agg',
      mode: 'random',
      'dry-run': 'true',
      retries: '30',
      'retry-delay': '1',
    });
    expect(r.outputs.result).toBe('pass');
    expect(JSON.parse(r.outputs['env-patch'])).toMatchObject({ dryRun: true, applied: false, changed: true });
    expect(cluster.writes()).toEqual([]);
  }, 300_000);

  it('no cluster configured: cluster-unreachable, never localhost:8080', async () => {
    const saved = cluster.kubeconfigPath;
    (cluster as AnyObj).kubeconfigPath = '';
    try {
      const r = await action({ namespace: 'beta', mode: 'kv' });
      expect(r.code).toBe(1);
      expect(r.outputs.failure).toBe('cluster-unreachable');
      expect(r.stdout).toContain('No Kubernetes cluster is configured');
      expect(r.stdout).not.toContain('localhost:8080');
    } finally {
      (cluster as AnyObj).kubeconfigPath = saved;
    }
  }, 60_000);
});
