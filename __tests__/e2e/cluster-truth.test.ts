// Where the stand-in follows the real API server and the Dynamo operator closely enough that the
// product's own logic is exercised against them: the shared nvidia.com group, managedFields,
// the operator's conversion and admission. Cross-checked with kubectl where kubectl can see it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { startCluster, REPO_ROOT, type Cluster } from '../../standin-cluster/index.ts';
import { kubectl } from '../../standin-cluster/testing.ts';
import { makePlan } from '../../src/plan.ts';
import { parseSettings } from '../../src/settings/settings.ts';
import { openTarget } from '../../src/targets/open-target.ts';
import { dgdVersions, kubeApi } from '../../src/targets/kubernetes/api/kube-api.ts';
import { loadCredentials } from '../../src/targets/kubernetes/api/credentials.ts';
import { resolveTarget } from '../../src/targets/kubernetes/resolve/find-frontend.ts';
import { startApiFaultProxy } from '../support/fault-proxy.ts';
import type { AnyObj } from '../support/k8s-objects.ts';

const FIX = join(REPO_ROOT, '__tests__/fixtures/k8s');
const NS = 'dynamo';

function apiFor(cluster: Cluster) {
  return kubeApi(loadCredentials({ KUBECONFIG: cluster.kubeconfigPath } as NodeJS.ProcessEnv));
}

function k8sSettings(inputs: Record<string, string>) {
  return parseSettings((name) => inputs[name] ?? '').kubernetes!;
}

describe('an operator release that serves DGD only as v1alpha1, in a crowded nvidia.com group', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({
      namespace: NS,
      dgdVersions: ['v1alpha1'],
      manifests: [join(FIX, 'fake-graph.v1alpha1.yaml')],
    });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test('kubectl sees the group as a real cluster lists it: v1 preferred, DGD at v1alpha1 only', async () => {
    const groups = await kubectl(cluster, ['get', '--raw', '/apis/nvidia.com']);
    expect(JSON.parse(groups.stdout)).toMatchObject({
      versions: [{ version: 'v1' }, { version: 'v1beta1' }, { version: 'v1alpha1' }],
      preferredVersion: { version: 'v1' },
    });
    const r = await kubectl(cluster, ['api-resources', '--api-group=nvidia.com', '--no-headers']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    expect(rows).toContainEqual(['clusterpolicies', 'nvidia.com/v1', 'false', 'ClusterPolicy']);
    expect(rows).toContainEqual([
      'dynamographdeploymentrequests',
      'dgdr',
      'nvidia.com/v1beta1',
      'true',
      'DynamoGraphDeploymentRequest',
    ]);
    expect(rows).toContainEqual([
      'dynamographdeployments',
      'dgd',
      'nvidia.com/v1alpha1',
      'true',
      'DynamoGraphDeployment',
    ]);
    const get = await kubectl(cluster, ['get', 'dgd', '-n', NS]);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/^fake-graph\s/m);
    const beta = await kubectl(cluster, [
      'get',
      '--raw',
      `/apis/nvidia.com/v1beta1/namespaces/${NS}/dynamographdeployments/fake-graph`,
    ]);
    expect(beta.code).not.toBe(0);
    expect(beta.stderr).toMatch(/NotFound|not find/);
  });

  test('the action finds the DGD in the version that serves it, not the group\u2019s versions', async () => {
    const api = apiFor(cluster);
    expect(await dgdVersions(api)).toEqual(['v1alpha1']);
    const target = await resolveTarget(
      api,
      NS,
      k8sSettings({ namespace: NS, deployment: 'fake-graph' }),
      undefined,
    );
    expect(target.ref).toMatchObject({ kind: 'dgd', version: 'v1alpha1', name: 'fake-graph' });
    expect(target.loc.component).toBe('Frontend');
  });
});

/** Opens the Kubernetes target (write, rollout, forward) as a run would, and closes it again. */
async function switchMode(
  cluster: Cluster,
  inputs: Record<string, string>,
  kubeconfig = cluster.kubeconfigPath,
) {
  const lines: string[] = [];
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = kubeconfig;
  try {
    const settings = parseSettings((name) => ({ 'rollout-timeout': '90', ...inputs })[name] ?? '');
    const session = await openTarget(settings, makePlan(settings), {
      log: {
        info: (l: string) => lines.push(l),
        warning: (l: string) => lines.push(`WARN ${l}`),
        group: <T>(_title: string, body: () => Promise<T>) => body(),
      },
    });
    await session.close();
    return { session, lines };
  } finally {
    process.env.KUBECONFIG = saved;
  }
}

/**
 * Waits until the clock is past the second of the DGD's newest managedFields entry (their times
 * have one-second resolution), so that the next write is later, as a later edit would be.
 */
async function laterSecond(cluster: Cluster, name: string): Promise<void> {
  const dgd = cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', name, NS) as AnyObj;
  const newest = ((dgd?.metadata.managedFields ?? []) as AnyObj[])
    .map((f) => String(f.time))
    .sort()
    .at(-1);
  if (!newest) throw new Error(`${name} has no managedFields`);
  await cluster.waitFor(() => new Date().toISOString().replace(/\.\d+Z$/, 'Z') > newest, 'a later second', {
    intervalMs: 20,
  });
}

/** The spec as its author sees it in `version`, without what the server and operator own. */
function authorView(cluster: Cluster, name: string, version: string): AnyObj {
  return clean(cluster.get(`nvidia.com/${version}`, 'DynamoGraphDeployment', name, NS) as AnyObj);
}

function clean(o: AnyObj): AnyObj {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, spec: o.spec };
}

describe('managedFields decide the version the action edits in (the author\u2019s)', () => {
  let cluster: Cluster;
  const manifest = (file: string) => YAML.parse(readFileSync(join(FIX, file), 'utf8')) as AnyObj;
  beforeAll(async () => {
    cluster = await startCluster({ namespace: NS });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test('kubectl shows each writer with its version: the author, the operator\u2019s finalizer (hub version), a later patch', async () => {
    const created = await kubectl(cluster, ['create', '-f', join(FIX, 'fake-graph.v1alpha1.yaml')]);
    expect(created.stderr).not.toMatch(/error/i);
    await cluster.waitFor(
      () =>
        (cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'fake-graph', NS) as AnyObj)?.metadata
          .finalizers,
      'the operator finalizer',
    );
    await laterSecond(cluster, 'fake-graph');
    const patched = await kubectl(cluster, ['label', 'dgd', 'fake-graph', '-n', NS, 'team=ml']);
    expect(patched.code).toBe(0);
    const r = await kubectl(cluster, [
      'get',
      'dgd',
      'fake-graph',
      '-n',
      NS,
      '-o',
      'json',
      '--show-managed-fields',
    ]);
    const o = JSON.parse(r.stdout);
    expect(o.metadata.finalizers).toEqual(['nvidia.com/finalizer']);
    expect(o.metadata.annotations['nvidia.com/dynamo-operator-origin-version']).toBeTruthy();
    const byManager = Object.fromEntries(
      o.metadata.managedFields.map((f: AnyObj) => [
        `${f.manager}${f.subresource ? '/' + f.subresource : ''}`,
        f,
      ]),
    );
    expect(byManager['kubectl-create']).toMatchObject({
      operation: 'Update',
      apiVersion: 'nvidia.com/v1alpha1',
    });
    expect(
      byManager['kubectl-create'].fieldsV1['f:spec']['f:services']['f:Frontend']['f:envs'],
    ).toBeDefined();
    expect(byManager.manager).toMatchObject({
      operation: 'Update',
      apiVersion: 'nvidia.com/v1beta1',
      fieldsV1: { 'f:metadata': { 'f:finalizers': { 'v:"nvidia.com/finalizer"': {} } } },
    });
    expect(byManager['manager/status']).toMatchObject({ operation: 'Update', subresource: 'status' });
    expect(byManager['kubectl-label']).toMatchObject({
      operation: 'Update',
      apiVersion: 'nvidia.com/v1beta1',
    });
    await cluster.waitForReady(NS, { timeoutMs: 60_000 });
  }, 90_000);

  test('v1alpha1 author, kv with events off: the DGD differs from its manifest only by two entries in envs', async () => {
    const before = authorView(cluster, 'fake-graph', 'v1alpha1');
    const { session, lines } = await switchMode(cluster, {
      namespace: NS,
      deployment: 'fake-graph',
      mode: 'kv',
      'kv-events': 'false',
    });
    expect(session.envPatch).toMatchObject({ applied: true, path: 'spec.services.Frontend.envs' });
    expect(session.envPatch?.object).toContain('(v1alpha1)');
    // The version, and the evidence: the writer of the frontend's env in managedFields.
    const chosen = lines.find((l) => l.includes('managedFields')) ?? '';
    for (const fact of ['v1alpha1', 'kubectl-create']) expect(chosen).toContain(fact);
    expect(session.details?.find((d) => d.title === 'Reproduce with kubectl')?.text).toContain(
      'kubectl patch dynamographdeployments.v1alpha1.nvidia.com/fake-graph',
    );
    const want = structuredClone(before);
    want.spec.services.Frontend.envs.push(
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
    );
    expect(authorView(cluster, 'fake-graph', 'v1alpha1')).toEqual(want);
    const m = manifest('fake-graph.v1alpha1.yaml');
    m.spec.services.Frontend.envs.push(
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
    );
    expect(authorView(cluster, 'fake-graph', 'v1alpha1').spec).toEqual(m.spec);
    // The action's own write is recorded under its name and does not become "the author" next time.
    const mf = (cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'fake-graph', NS) as AnyObj)
      .metadata.managedFields as AnyObj[];
    expect(mf.find((f) => f.manager === 'dynamo-router-starter')).toMatchObject({
      apiVersion: 'nvidia.com/v1alpha1',
    });
  }, 120_000);

  test('v1beta1 author: the change goes into the main container env and nothing else changes', async () => {
    const created = await kubectl(cluster, ['create', '-f', join(FIX, 'fake-graph.v1beta1.yaml')]);
    expect(created.code).toBe(0);
    await cluster.waitForReady(NS, { timeoutMs: 60_000 });
    // A later write through v1alpha1 by someone else touches no frontend field.
    await laterSecond(cluster, 'fake-graph-beta');
    const patched = await kubectl(cluster, [
      'patch',
      'dynamographdeployments.v1alpha1.nvidia.com',
      'fake-graph-beta',
      '-n',
      NS,
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"team":"ml"}}}',
    ]);
    expect(patched.code).toBe(0);
    const before = authorView(cluster, 'fake-graph-beta', 'v1beta1');
    const { session } = await switchMode(cluster, {
      namespace: NS,
      deployment: 'fake-graph-beta',
      mode: 'kv',
      'kv-events': 'false',
    });
    expect(session.envPatch?.object).toContain('(v1beta1)');
    expect(session.envPatch?.path).toBe('spec.components[0].podTemplate.spec.containers[0].env');
    const want = structuredClone(before);
    want.spec.components[0].podTemplate.spec.containers[0].env.push(
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
    );
    expect(authorView(cluster, 'fake-graph-beta', 'v1beta1')).toEqual(want);
  }, 150_000);
});

describe('the operator\u2019s conversion (v1alpha1 storage, edits through v1beta1)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ namespace: NS });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test('a v1alpha1 author with envs and mainContainer.env: the action\u2019s change keeps the split; an edit through v1beta1 would not', async () => {
    const doc = YAML.parse(readFileSync(join(FIX, 'fake-graph.v1alpha1.yaml'), 'utf8')) as AnyObj;
    doc.metadata.name = 'fake-split';
    doc.spec.services.Frontend.extraPodSpec.mainContainer.env = [{ name: 'EXTRA', value: '1' }];
    const created = await kubectl(cluster, ['create', '-f', '-'], { input: JSON.stringify(doc) });
    expect(created.code).toBe(0);
    await cluster.waitForReady(NS, { timeoutMs: 60_000 });
    // Through v1beta1 the env is one merged list, and the split sits in the operator's annotation.
    const beta = JSON.parse(
      (await kubectl(cluster, ['get', 'dgd', 'fake-split', '-n', NS, '-o', 'json'])).stdout,
    );
    expect(beta.spec.components[0].podTemplate.spec.containers[0].env.map((x: AnyObj) => x.name)).toEqual([
      'DYN_ROUTER_TEMPERATURE',
      'FAKE_MODEL',
      'EXTRA',
    ]);
    expect(beta.metadata.annotations['nvidia.com/dgd-spec']).toContain('EXTRA');
    // Someone else later labels it through the preferred version (v1beta1): not the author.
    await laterSecond(cluster, 'fake-split');
    expect((await kubectl(cluster, ['label', 'dgd', 'fake-split', '-n', NS, 'team=ml'])).code).toBe(0);

    const { session } = await switchMode(cluster, {
      namespace: NS,
      deployment: 'fake-split',
      mode: 'kv',
      'kv-events': 'false',
    });
    expect(session.envPatch?.path).toBe('spec.services.Frontend.envs');
    const after = authorView(cluster, 'fake-split', 'v1alpha1');
    const want = structuredClone(doc.spec);
    want.services.Frontend.envs.push(
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
    );
    expect(after.spec).toEqual(JSON.parse(JSON.stringify(want)));

    // What the action avoids: the same kind of edit through v1beta1 moves the author's
    // mainContainer.env into envs, because the merged env no longer matches the saved copy.
    const patched = await kubectl(cluster, [
      'patch',
      'dgd',
      'fake-split',
      '-n',
      NS,
      '--type',
      'json',
      '-p',
      JSON.stringify([
        {
          op: 'add',
          path: '/spec/components/0/podTemplate/spec/containers/0/env/-',
          value: { name: 'DYN_ROUTER_TEMPERATURE_2', value: '1' },
        },
      ]),
    ]);
    expect(patched.code).toBe(0);
    const drifted = authorView(cluster, 'fake-split', 'v1alpha1');
    expect(drifted.spec.services.Frontend.extraPodSpec.mainContainer.env).toBeUndefined();
    expect(drifted.spec.services.Frontend.envs.map((x: AnyObj) => x.name)).toContain('EXTRA');
  }, 150_000);
});

describe('admission: the operator\u2019s webhooks and schema rules', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ namespace: NS, manifests: [join(FIX, 'fake-graph.v1alpha1.yaml')] });
    await cluster.waitForReady(NS, { timeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const inputs = { namespace: NS, deployment: 'fake-graph', mode: 'kv' };
  const failureOf = async (run: Promise<unknown>) => {
    try {
      await run;
    } catch (error) {
      return error as { code: string; message: string; hint: string };
    }
    throw new Error('the run did not fail');
  };

  test('kubectl sees the validating webhook deny, and the schema refuse duplicate components', async () => {
    const r = await kubectl(cluster, [
      'annotate',
      'dgd',
      'fake-graph',
      '-n',
      NS,
      'nvidia.com/grove-update-strategy=Sideways',
    ]);
    expect(r.code).not.toBe(0);
    // kubectl prints a 422's causes, as it does for a real webhook's Invalid status.
    expect(r.stderr).toContain(
      'is invalid: metadata.annotations[nvidia.com/grove-update-strategy]: Unsupported value: "Sideways"',
    );
    const dup = await kubectl(cluster, [
      'patch',
      'dgd',
      'fake-graph',
      '-n',
      NS,
      '--type',
      'json',
      '-p',
      '[{"op":"add","path":"/spec/components/-","value":{"name":"Frontend","type":"frontend"}}]',
    ]);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/is invalid: spec\.components\[\d\]: Duplicate value/);
  });

  test('a webhook denial is rejected-by-cluster quoting the webhook, with no RBAC advice', async () => {
    // An object admitted before the operator's upgrade, which today's webhook rejects on any update.
    const doc = YAML.parse(readFileSync(join(FIX, 'fake-graph.v1alpha1.yaml'), 'utf8')) as AnyObj;
    doc.metadata.annotations = { 'nvidia.com/dynamo-operator-origin-version': 'nightly' };
    await cluster.apply(doc);
    cluster.clearRequestLog();
    const failure = await failureOf(switchMode(cluster, inputs));
    expect(failure.code).toBe('rejected-by-cluster');
    expect(failure.message).toContain(
      'admission webhook vdynamographdeployment.kb.io denied the request (422)',
    );
    expect(failure.message).toContain('Invalid value: "nightly": must be valid semver');
    expect(`${failure.message} ${failure.hint}`).not.toMatch(/grant|RBAC|permission to/i);
    expect(cluster.writes().every((w) => w.status >= 400)).toBe(true);
    doc.metadata.annotations = { 'nvidia.com/dynamo-operator-origin-version': '1.3.0' };
    await cluster.apply(doc);
  }, 60_000);

  test('an older operator\u2019s denial (403) is also rejected-by-cluster, not cluster-forbidden', async () => {
    // The API server's answer when such a webhook denies: played by the fault proxy in front of it.
    const proxy = await startApiFaultProxy(cluster);
    const denial = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'admission webhook "vdynamographdeployment.kb.io" denied the request: spec.services.Frontend.replicas: must be at least 1',
      reason: 'Forbidden',
      code: 403,
    };
    proxy.setRules([
      {
        method: 'PATCH',
        path: /dynamographdeployments\/fake-graph$/,
        fault: { kind: 'status', status: 403, body: JSON.stringify(denial) },
      },
    ]);
    const failure = await failureOf(switchMode(cluster, inputs, proxy.kubeconfigPath)).finally(() =>
      proxy.stop(),
    );
    expect(failure.code).toBe('rejected-by-cluster');
    expect(failure.message).toContain(
      'denied the request (403): spec.services.Frontend.replicas: must be at least 1',
    );
  }, 60_000);

  test('a webhook that is down is reported as such (500), not as an unreachable cluster', async () => {
    cluster.admission.webhookDown = true;
    try {
      const r = await kubectl(cluster, ['label', 'dgd', 'fake-graph', '-n', NS, 'x=y']);
      expect(r.stderr).toContain(
        'Internal error occurred: failed calling webhook "mdynamographdeployment.kb.io"',
      );
      const failure = await failureOf(switchMode(cluster, inputs));
      expect(failure.code).toBe('rejected-by-cluster');
      expect(failure.message).toContain(
        'admission webhook mdynamographdeployment.kb.io could not be called (500)',
      );
      expect(failure.hint).toContain('operator');
      expect(failure.hint).not.toMatch(/reachable|VPN|firewall/);
    } finally {
      cluster.admission.webhookDown = false;
    }
  }, 60_000);
});

describe('the pod log window (sinceSeconds, timestamps, limitBytes as the kubelet serves them)', () => {
  let cluster: Cluster;
  let pod = '';
  beforeAll(async () => {
    cluster = await startCluster({ namespace: NS });
    await cluster.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ticker', namespace: NS, labels: { app: 'ticker' } },
      spec: {
        containers: [
          {
            name: 'main',
            image: 'standin.local/node:1',
            command: [
              'node',
              '-e',
              "let n=0;setInterval(()=>console.log('tick '+(++n)+' '+Date.now()),40);process.on('SIGTERM',()=>process.exit(0))",
            ],
          },
        ],
      },
    });
    pod = 'ticker';
    await cluster.waitForReady(NS, { timeoutMs: 30_000 });
    // Lines older than the `--since=1s` window below, which it must leave out.
    await cluster.waitFor(
      () => Date.now() - Number(cluster.podLog(NS, pod).split('\n')[0].split(' ')[2]) > 1500,
      'ticks older than 1.5 s',
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test('kubectl logs --since, --timestamps and --limit-bytes behave as on a kubelet', async () => {
    const all = await kubectl(cluster, ['logs', pod, '-n', NS]);
    const recent = await kubectl(cluster, ['logs', pod, '-n', NS, '--since=1s', '--timestamps']);
    expect(recent.code).toBe(0);
    const lines = recent.stdout.trim().split('\n');
    expect(lines.length).toBeLessThan(all.stdout.trim().split('\n').length);
    for (const line of lines) {
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z tick \d+ \d+$/);
      expect(Date.now() - Date.parse(line.split(' ')[0])).toBeLessThan(3000);
    }
    const cut = await kubectl(cluster, ['logs', pod, '-n', NS, '--limit-bytes=7']);
    expect(cut.stdout).toBe('tick 1 ');
  });

  test('the evidence window holds exactly the lines logged after its mark: none earlier, none missed', async () => {
    const { podLogSource } = await import('../../src/targets/kubernetes/forward/pod-logs.ts');
    const source = podLogSource(apiFor(cluster), NS, 'app=ticker', 'main');
    const mark = await source.mark();
    // More than 15 ticks (40 ms apart) logged after the mark, by the ticker's own clock.
    await cluster.waitFor(
      () =>
        cluster
          .podLog(NS, pod)
          .split('\n')
          .filter((l) => Number(l.split(' ')[2]) > mark + 100).length > 20,
      'ticks after the mark',
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const before = Date.now();
    const got = await source.since(mark);
    expect(got.problem).toBeUndefined();
    const ticks = (got.text ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ').map(Number) as [number, number, number]);
    expect(ticks.length).toBeGreaterThan(15);
    // The kubelet's own stamps (read through kubectl) say which lines belong to the window.
    const stamped = (await kubectl(cluster, ['logs', pod, '-n', NS, '--timestamps'])).stdout
      .trim()
      .split('\n')
      .map((l) => {
        const [stamp, , n] = l.split(' ');
        return { time: Date.parse(stamp.replace(/(\.\d{3})\d+/, '$1')), n: Number(n) };
      });
    const first = stamped.find((l) => l.time >= mark)!;
    const lastBefore = stamped.filter((l) => l.time <= before).at(-1)!;
    expect(ticks[0][1]).toBe(first.n); // nothing from before the mark, nothing after it skipped
    ticks.forEach((t, i) => i > 0 && expect(t[1]).toBe(ticks[i - 1][1] + 1)); // no gap
    expect(ticks.at(-1)![1]).toBeGreaterThanOrEqual(lastBefore.n); // nothing recent missed
  }, 30_000);
});

describe('operator topology on Grove: RollingRecreate rolls old-pod-first, OnDelete never rolls', () => {
  let cluster: Cluster;
  const frontendPods = () =>
    cluster.pods(
      NS,
      'nvidia.com/dynamo-component-type=frontend,nvidia.com/dynamo-graph-deployment-name=fake-graph',
    );
  beforeAll(async () => {
    cluster = await startCluster({
      namespace: NS,
      grove: true,
      manifests: [join(FIX, 'fake-graph.v1alpha1.yaml')],
    });
    await cluster.waitForReady(NS, { timeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test('kubectl sees a PodCliqueSet, Grove-owned pods and the operator\u2019s Service selector', async () => {
    const pcs = await kubectl(cluster, ['get', 'pcs', 'fake-graph', '-n', NS, '-o', 'json']);
    expect(pcs.code).toBe(0);
    expect(JSON.parse(pcs.stdout).spec.updateStrategy.type).toBe('RollingRecreate');
    const deploys = await kubectl(cluster, ['get', 'deployments', '-n', NS, '-o', 'name']);
    expect(deploys.stdout.trim()).toBe('');
    const svc = JSON.parse(
      (await kubectl(cluster, ['get', 'svc', 'fake-graph-frontend', '-n', NS, '-o', 'json'])).stdout,
    );
    expect(svc.spec.selector).toEqual({
      'nvidia.com/dynamo-component-type': 'frontend',
      'nvidia.com/dynamo-namespace': `${NS}-fake-graph`,
      'nvidia.com/dynamo-component': 'Frontend',
    });
    const pods = frontendPods();
    expect(pods).toHaveLength(1);
    expect(pods[0].metadata.ownerReferences[0]).toMatchObject({
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
    });
  });

  test('RollingRecreate: the old pod is gone before the new one is Ready, and the action\u2019s rollout finishes', async () => {
    const old = frontendPods()[0].metadata.name;
    let oldGoneAt = 0;
    let newReadyAt = 0;
    const unsub = cluster.store.onEvent((e) => {
      if (e.rt.plural !== 'pods') return;
      const p = e.object as AnyObj;
      if (e.type === 'DELETED' && p.metadata.name === old) oldGoneAt ||= Date.now();
      if (p.metadata.name !== old && p.metadata.labels?.['nvidia.com/dynamo-component-type'] === 'frontend')
        if ((p.status?.conditions ?? []).some((c: AnyObj) => c.type === 'Ready' && c.status === 'True'))
          newReadyAt ||= Date.now();
    });
    try {
      const { session, lines } = await switchMode(cluster, {
        namespace: NS,
        deployment: 'fake-graph',
        mode: 'kv',
      });
      expect(session.envPatch?.applied).toBe(true);
      expect(lines.join('\n')).toMatch(/Rollout finished/);
    } finally {
      unsub();
    }
    expect(oldGoneAt).toBeGreaterThan(0);
    expect(newReadyAt).toBeGreaterThan(oldGoneAt);
  }, 120_000);

  test('OnDelete: the action says at once that the operator will not roll, and what to run; nothing is written', async () => {
    const annotated = await kubectl(cluster, [
      'annotate',
      'dgd',
      'fake-graph',
      '-n',
      NS,
      'nvidia.com/grove-update-strategy=OnDelete',
    ]);
    expect(annotated.code).toBe(0);
    await cluster.waitFor(
      () =>
        (cluster.get('grove.io/v1alpha1', 'PodCliqueSet', 'fake-graph', NS) as AnyObj)?.spec.updateStrategy
          .type === 'OnDelete',
      'the PodCliqueSet to switch to OnDelete',
    );
    cluster.clearRequestLog();
    const started = Date.now();
    let failure: { code?: string; message?: string; hint?: string } = {};
    try {
      await switchMode(cluster, {
        namespace: NS,
        deployment: 'fake-graph',
        mode: 'random',
        'rollout-timeout': '15',
      });
    } catch (error) {
      failure = error as typeof failure;
    }
    expect(failure.code).toBe('will-not-roll');
    expect(failure.message).toContain('OnDelete');
    expect(failure.hint).toContain(
      `kubectl delete pod -n ${NS} -l nvidia.com/dynamo-component-type=frontend`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(cluster.writes()).toEqual([]);

    // The stand-in's OnDelete really never rolls: a change stays off the running pod until it is deleted.
    const before = frontendPods()[0].metadata.name;
    const patched = await kubectl(cluster, [
      'patch',
      'dynamographdeployments.v1alpha1.nvidia.com',
      'fake-graph',
      '-n',
      NS,
      '--type',
      'json',
      '-p',
      '[{"op":"add","path":"/spec/services/Frontend/envs/-","value":{"name":"DYN_ROUTER_MODE","value":"random"}}]',
    ]);
    expect(patched.code).toBe(0);
    // Grove has taken the change (the running pod is now of an old template) and replaced nothing.
    await cluster.waitFor(() => {
      const pcs = cluster.get('grove.io/v1alpha1', 'PodCliqueSet', 'fake-graph', NS) as AnyObj | undefined;
      const cliques = (pcs?.spec.template.cliques ?? []) as AnyObj[];
      const changed = cliques.find((c) => JSON.stringify(c.spec.podSpec).includes('"value":"random"'));
      return changed && pcs?.status?.cliques?.[changed.name]?.updatedReplicas === 0;
    }, 'the PodCliqueSet to take the change');
    expect(frontendPods().map((p) => p.metadata.name)).toEqual([before]);
    await kubectl(cluster, ['delete', 'pod', before, '-n', NS, '--wait=false']);
    const fresh = await cluster.waitFor(
      () => frontendPods().find((p) => p.metadata.name !== before),
      'a replacement pod',
      { timeoutMs: 30_000 },
    );
    expect(JSON.stringify(fresh.spec.containers[0].env)).toContain('"DYN_ROUTER_MODE","value":"random"');
  }, 120_000);
});

describe('timing: a new frontend is Ready before it discovered the workers', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({
      namespace: NS,
      kubelet: { discoveryDelayMs: 3000 },
      manifests: [join(FIX, 'fake-graph.v1alpha1.yaml')],
    });
    await cluster.waitForReady(NS, { timeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test('the rolled frontend answers /health 200 "No endpoints available" and no model; the check waits for the model', async () => {
    const { httpClient } = await import('../../src/check/http.ts');
    const { smokeCheck } = await import('../../src/check/smoke.ts');
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = cluster.kubeconfigPath;
    const settings = parseSettings(
      (name) =>
        ({ namespace: NS, deployment: 'fake-graph', mode: 'kv', 'rollout-timeout': '60' })[name] ?? '',
    );
    const session = await openTarget(settings, makePlan(settings), {
      log: {
        info: () => undefined,
        warning: () => undefined,
        group: <T>(_title: string, body: () => Promise<T>) => body(),
      },
    });
    try {
      const health = await fetch(`${session.baseUrl}/health`);
      expect(health.status).toBe(200);
      expect(await health.text()).toContain('No endpoints available');
      const models = (await (await fetch(`${session.baseUrl}/v1/models`)).json()) as AnyObj;
      expect(models.data).toEqual([]);
      const result = await smokeCheck(httpClient, {
        baseUrl: session.baseUrl,
        model: 'Qwen/Qwen3-0.6B',
        prompt: 'x',
        maxTokens: 1,
        skipChat: true,
        retries: 20,
        retryDelayMs: 300,
        timeoutMs: 5000,
      });
      expect(result.ok).toBe(true);
      expect(result.checks[0].attempts).toBeGreaterThan(1);
    } finally {
      await session.close();
      process.env.KUBECONFIG = saved;
    }
  }, 120_000);
});
