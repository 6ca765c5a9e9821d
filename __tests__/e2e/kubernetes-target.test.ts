// The Kubernetes target from source against the stand-in cluster with real Dynamo processes
// (frontend + mocker). Proves writes from the server's own request log.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import YAML from 'yaml';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCluster, type Cluster } from '../../standin-cluster/index.ts';
import { httpClient } from '../../src/check/http.ts';
import { runRouterCheck } from '../../src/run.ts';
import { parseSettings } from '../../src/settings/settings.ts';
import { openTarget } from '../../src/targets/open-target.ts';
import { startApiFaultProxy } from '../support/fault-proxy.ts';
import type { AnyObj } from '../support/k8s-objects.ts';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/k8s');
let lines: string[] = [];
/** Lets a test act at a given moment of the run (e.g. right after the rollout). */
let onLine: ((line: string) => void) | undefined;
const log = {
  info: (l: string) => {
    lines.push(l);
    onLine?.(l);
  },
  warning: (l: string) => lines.push(`WARN ${l}`),
  group: <T>(_title: string, body: () => Promise<T>) => body(),
};

async function run(inputs: Record<string, string>) {
  lines = [];
  const settings = parseSettings((name) => inputs[name] ?? '');
  const masked: string[] = [];
  const contract = await runRouterCheck(settings, {
    http: httpClient,
    log,
    openTarget: (s, plan) => openTarget(s, plan, { log, mask: (x) => masked.push(x) }),
  });
  return { contract, masked, lines };
}

let cluster: Cluster;
let dir: string;
let recipe: string;
const savedKubeconfig = process.env.KUBECONFIG;
const dgdPath = '/apis/nvidia.com/v1alpha1/namespaces/dynamo/dynamographdeployments/mocker-agg';
const dgd = () =>
  cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'mocker-agg', 'dynamo') as AnyObj;
const base = { recipe: '', namespace: 'dynamo', retries: '30', 'retry-delay': '1', 'rollout-timeout': '120' };

/** A merge patch as another field manager would send it (Argo CD's sync, say). */
function patchAs(manager: string, urlPath: string, body: unknown): Promise<number> {
  const u = new URL(`${cluster.url}${urlPath}?fieldManager=${manager}`);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: 'PATCH',
        ca: cluster.caPem,
        headers: {
          Authorization: `Bearer ${cluster.token}`,
          'Content-Type': 'application/merge-patch+json',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-e2e-'));
  recipe = path.join(dir, 'deploy.yaml');
  copyFileSync(path.join(FIXTURES, 'mocker-agg.v1alpha1.yaml'), recipe);
  base.recipe = recipe;
  cluster = await startCluster({ manifests: [recipe], namespace: 'dynamo' });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
}, 240_000);

afterAll(async () => {
  process.env.KUBECONFIG = savedKubeconfig;
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('v1alpha1 DGD (from its recipe) on the stand-in', () => {
  it('mode empty: reads and reports the current mode, writes nothing', async () => {
    cluster.clearRequestLog();
    const { contract, masked } = await run({ ...base });
    expect(masked).toContain(cluster.token);
    expect(contract.result).toBe('pass');
    expect(contract.mode).toBe('round-robin');
    expect(contract.modeReason).toMatch(/not set .* Dynamo's default/);
    expect(contract.envPatch).toBeUndefined();
    expect(cluster.writes()).toEqual([]);
  }, 120_000);

  it('dry-run: computes the patch, writes nothing anywhere', async () => {
    cluster.clearRequestLog();
    const before = readFileSync(recipe, 'utf8');
    const { contract } = await run({ ...base, mode: 'kv', 'dry-run': 'true' });
    if (contract.result !== 'pass') console.log(JSON.stringify(contract, null, 2), lines.join('\n'));
    expect(contract.result).toBe('pass');
    expect(contract.envPatch).toMatchObject({ changed: true, applied: false, dryRun: true });
    expect(contract.details.find((d) => d.title === 'Reproduce with kubectl')?.text).toContain(
      'kubectl patch dynamographdeployments.v1alpha1.nvidia.com/mocker-agg -n dynamo --type merge -p',
    );
    expect(cluster.writes()).toEqual([]);
    expect(readFileSync(recipe, 'utf8')).toBe(before);
  }, 120_000);

  it('switches to kv: one merge patch of the frontend entry only, rollout, forward, check; recipe updated with comments', async () => {
    cluster.clearRequestLog();
    const { contract } = await run({ ...base, mode: 'kv', 'write-recipe': 'true' });
    if (contract.result !== 'pass') console.log(JSON.stringify(contract, null, 2), lines.join('\n'));
    expect(contract.result).toBe('pass');
    expect(contract.envPatch).toMatchObject({
      changed: true,
      applied: true,
      set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
      path: 'spec.services.Frontend.envs',
    });
    expect(contract.kvEvents).toBe('true');
    expect(contract.kvEventsReason).toMatch(/mocker publishes KV events by default/);
    expect(contract.service).toBe('dynamo/mocker-agg-frontend');
    expect(dgd().spec.services.Frontend.envs).toEqual([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]);
    expect(dgd().spec.envs).toBeUndefined();
    const writes = cluster.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0].method).toBe('PATCH');
    expect(lines.join('\n')).toMatch(/Rollout finished/);
    const text = readFileSync(recipe, 'utf8');
    expect(text).toContain('# Adapted from ai-dynamo/dynamo');
    expect(text).toMatch(/componentType: frontend\n\s+replicas: 1\n[\s\S]*DYN_ROUTER_MODE/);
  }, 240_000);

  it('same mode again: nothing written, no rollout, reported unchanged', async () => {
    cluster.clearRequestLog();
    const { contract } = await run({ ...base, mode: 'kv' });
    expect(contract.result).toBe('pass');
    expect(contract.envPatch).toMatchObject({ changed: false, applied: false });
    expect(cluster.writes()).toEqual([]);
  }, 120_000);

  it('approximate kv mode: adds DYN_ROUTER_USE_KV_EVENTS=false; a concurrent edit survives (409 → re-read)', async () => {
    cluster.clearRequestLog();
    // The run's first PATCH is held on the wire (the fault proxy) while another writer edits.
    const proxy = await startApiFaultProxy(cluster);
    proxy.setRules([{ method: 'PATCH', path: dgdPath, times: 1, fault: { kind: 'delay', ms: 800 } }]);
    process.env.KUBECONFIG = proxy.kubeconfigPath;
    const pending = run({ ...base, mode: 'kv', 'kv-events': 'false' }).finally(() => {
      process.env.KUBECONFIG = cluster.kubeconfigPath;
      return proxy.stop();
    });
    await cluster.waitFor(() => proxy.requests().some((r) => r.handled === 'delay'), 'the first PATCH', {
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const current = dgd();
    current.spec.services.Frontend.envs = [
      ...current.spec.services.Frontend.envs,
      { name: 'OTHER_WRITER', value: 'was-here' },
    ];
    await cluster.apply(current);
    const { contract } = await pending;
    if (contract.result !== 'pass') console.log(JSON.stringify(contract, null, 2), lines.join('\n'));
    expect(contract.result).toBe('pass');
    expect(contract.kvEvents).toBe('false');
    expect(dgd().spec.services.Frontend.envs).toEqual([
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'OTHER_WRITER', value: 'was-here' },
      { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
    ]);
    const patches = cluster.writes().filter((w) => w.method === 'PATCH');
    expect(patches.map((p) => p.status)).toEqual([409, 200]);
    expect(lines.join('\n')).toMatch(/after 1 conflict/);
  }, 240_000);

  it('events back on: removes the false left behind', async () => {
    const { contract } = await run({ ...base, mode: 'kv', 'kv-events': 'true' });
    expect(contract.result).toBe('pass');
    expect(contract.envPatch?.remove).toEqual(['DYN_ROUTER_USE_KV_EVENTS']);
    expect(dgd().spec.services.Frontend.envs).toEqual([
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'OTHER_WRITER', value: 'was-here' },
    ]);
  }, 240_000);

  it('rollback-on-failure: a failing check (unknown model) after the change and the previous env is restored exactly', async () => {
    const before = dgd().spec.services.Frontend.envs;
    const { contract } = await run({
      ...base,
      mode: 'random',
      model: 'no-such-model',
      'rollback-on-failure': 'true',
      retries: '1',
    });
    if (contract.result !== 'fail') console.log(JSON.stringify(contract, null, 2), lines.join('\n'));
    expect(contract.result).toBe('fail');
    expect(contract.envPatch).toMatchObject({ applied: true, rolledBack: true });
    expect(dgd().spec.services.Frontend.envs).toEqual(before);
    expect(contract.details.map((d) => d.title)).toContain('Rollback');
  }, 300_000);

  it('a rollout that cannot finish in time fails with rollout-timeout and its cause', async () => {
    const { contract } = await run({ ...base, mode: 'least-loaded', 'rollout-timeout': '1' });
    expect(contract.result).toBe('fail');
    expect(contract.failure?.code).toBe('rollout-timeout');
    expect(contract.failure?.message).toMatch(/within 1 s: .+/);
    await cluster.waitForReady('dynamo', { timeoutMs: 120_000 });
  }, 240_000);

  it('graph-level spec.envs DYN_ROUTER_USE_KV_EVENTS=false: kv with events writes true on the frontend, never spec.envs', async () => {
    const current = dgd();
    current.spec.envs = [{ name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' }];
    await cluster.apply(current);
    await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
    cluster.clearRequestLog();
    const { contract } = await run({ ...base, mode: 'kv', 'kv-events': 'true' });
    if (contract.result !== 'pass') console.log(JSON.stringify(contract, null, 2), lines.join('\n'));
    expect(contract.result).toBe('pass');
    expect(contract.envPatch).toMatchObject({ changed: true, applied: true, remove: [] });
    expect(contract.envPatch?.set).toContainEqual({ name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'true' });
    expect(dgd().spec.envs).toEqual([{ name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' }]);
    expect(dgd().spec.services.Frontend.envs).toContainEqual({
      name: 'DYN_ROUTER_USE_KV_EVENTS',
      value: 'true',
    });
    const patch = cluster.writes().find((w) => w.method === 'PATCH' && w.status === 200);
    expect(patch).toBeDefined();
    expect((patch?.body as AnyObj).spec.envs).toBeUndefined();
  }, 400_000);

  it('Argo CD: warns before writing, and a change its sync reverts is reported, not passed silently', async () => {
    const current = dgd();
    current.metadata.annotations = {
      ...(current.metadata.annotations ?? {}),
      'argocd.argoproj.io/tracking-id': 'dynamo:nvidia.com/DynamoGraphDeployment:dynamo/mocker-agg',
    };
    await cluster.apply(current);
    const before = dgd().spec.services.Frontend.envs ?? [];
    let revert: Promise<number> | undefined;
    onLine = (line) => {
      if (!revert && /^Rollout finished/.test(line))
        revert = patchAs('argocd-controller', dgdPath, {
          spec: { services: { Frontend: { envs: before } } },
        });
    };
    try {
      const { contract } = await run({ ...base, mode: 'random' });
      if (contract.result !== 'pass') console.log(JSON.stringify(contract, null, 2), lines.join('\n'));
      expect(await revert).toBe(200);
      expect(contract.result).toBe('pass');
      expect(contract.limitations.map((l) => l.text).join('\n')).toMatch(
        /managed by Argo CD \(annotation argocd\.argoproj\.io\/tracking-id\).*write-recipe: true/,
      );
      const gone = contract.limitations.find((l) => l.id === 'change-reverted');
      expect(gone?.text).toMatch(/is gone: reverted by argocd-controller at \d{4}-/);
      expect(
        lines.some((l) => l.startsWith('WARN') && l.includes('is gone: reverted by argocd-controller')),
      ).toBe(true);
    } finally {
      onLine = undefined;
      const after = dgd();
      delete after.metadata.annotations['argocd.argoproj.io/tracking-id'];
      await cluster.apply(after);
      await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
    }
  }, 400_000);

  it('a frontend component not named Frontend: the Service is found as <dgd>-<component lower case>', async () => {
    const fixture = readFileSync(path.join(FIXTURES, 'mocker-agg.v1alpha1.yaml'), 'utf8');
    const renamed = YAML.parseAllDocuments(fixture)[0].toJS() as AnyObj;
    renamed.metadata = { name: 'named-router', namespace: 'dynamo' };
    renamed.spec.services = { Router: renamed.spec.services.Frontend, decode: renamed.spec.services.decode };
    await cluster.apply(renamed);
    try {
      await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
      const { contract } = await run({
        namespace: 'dynamo',
        deployment: 'named-router',
        retries: '30',
        'retry-delay': '1',
      });
      if (contract.result !== 'pass') console.log(JSON.stringify(contract, null, 2), lines.join('\n'));
      expect(contract.result).toBe('pass');
      expect(contract.service).toBe('dynamo/named-router-router');
    } finally {
      cluster.delete('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'named-router', 'dynamo');
    }
  }, 400_000);

  it('403 on patch: cluster-forbidden with the verb and resource', async () => {
    cluster.rbac.deny.push({ verbs: ['patch'], resources: ['dynamographdeployments'] });
    try {
      const { contract } = await run({ ...base, mode: 'random' });
      expect(contract.failure?.code).toBe('cluster-forbidden');
      expect(contract.failure?.message).toMatch(/patch/);
      expect(contract.failure?.message).toMatch(/dynamographdeployments/);
      expect(JSON.stringify(contract)).not.toContain(cluster.token);
    } finally {
      cluster.rbac.deny.pop();
    }
  }, 120_000);

  it('unknown Service: not-found naming it and the kubectl command', async () => {
    const { contract } = await run({
      namespace: 'dynamo',
      service: 'nope-frontend',
      deployment: 'mocker-agg',
    });
    expect(contract.failure?.code).toBe('not-found');
    expect(contract.failure?.message).toContain('Service dynamo/nope-frontend does not exist');
    expect(contract.failure?.message).toContain('kubectl get svc -n dynamo');
  }, 60_000);

  it('a typo in the deployment name: says the DGD does not exist, with the near names', async () => {
    const { contract } = await run({ namespace: 'dynamo', deployment: 'mocker-agx', mode: 'kv' });
    expect(contract.failure?.code).toBe('not-found');
    expect(contract.failure?.message).toMatch(
      /^DynamoGraphDeployment dynamo\/mocker-agx does not exist\. Did you mean mocker-agg\?/,
    );
    expect(contract.failure?.next).toMatch(/set `deployment: mocker-agg`/);
    expect(contract.nextCommand).toBe('kubectl get dynamographdeployments.nvidia.com -n dynamo');
    expect(contract.modeReason).toMatch(/not applied/);
  }, 60_000);

  it('args trap: a frontend whose args pin --router-mode fails before writing', async () => {
    await cluster.apply(path.join(FIXTURES, 'recipe-kv-router.yaml'));
    cluster.clearRequestLog();
    const { contract } = await run({
      namespace: 'dynamo',
      deployment: 'kv-router-recipe',
      mode: 'round-robin',
    });
    if (contract.failure?.code !== 'args-pin-mode')
      console.log(JSON.stringify(contract, null, 2), lines.join('\n'));
    expect(contract.failure?.code).toBe('args-pin-mode');
    expect(contract.failure?.message).toContain('`--router-mode kv`');
    expect(contract.failure?.next).toContain('`--router-mode round-robin`');
    expect(cluster.writes()).toEqual([]);
    cluster.delete('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'kv-router-recipe', 'dynamo');
  }, 60_000);
});
