// Where the stand-in follows the real API server and the Dynamo operator closely enough that the
// product's own logic is exercised against them: the shared nvidia.com group, managedFields,
// the operator's conversion and admission. Cross-checked with kubectl where kubectl can see it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { startCluster, REPO_ROOT, type Cluster } from '../support/cluster/index.ts';
import { kubectl } from '../support/cluster/testing.ts';
import { makePlan } from '../../src/plan.ts';
import { parseSettings } from '../../src/settings.ts';
import { openTarget } from '../../src/targets/index.ts';
import { dgdVersions, kubeApi, loadCredentials } from '../../src/targets/kubernetes/cluster.ts';
import { resolveTarget } from '../../src/targets/kubernetes/resolve.ts';

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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary Kubernetes JSON
type AnyObj = Record<string, any>;

/** Opens the Kubernetes target (write, rollout, forward) as a run would, and closes it again. */
async function switchMode(cluster: Cluster, inputs: Record<string, string>) {
  const lines: string[] = [];
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  try {
    const settings = parseSettings((name) => ({ 'rollout-timeout': '90', ...inputs })[name] ?? '');
    const session = await openTarget(settings, makePlan(settings), {
      log: { info: (l: string) => lines.push(l), warning: (l: string) => lines.push(`WARN ${l}`) },
    });
    await session.close();
    return { session, lines };
  } finally {
    process.env.KUBECONFIG = saved;
  }
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
    await new Promise((r) => setTimeout(r, 1100)); // a later second, as a later edit would be
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
    expect(lines.join('\n')).toMatch(
      /API version v1alpha1 \(managedFields: kubectl-create wrote the frontend's env through v1alpha1\)/,
    );
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
    await new Promise((r) => setTimeout(r, 1100));
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
    await new Promise((r) => setTimeout(r, 1100));
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
    const fault = cluster.faults.add({
      method: 'PATCH',
      path: /dynamographdeployments\/fake-graph$/,
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'admission webhook "vdynamographdeployment.kb.io" denied the request: spec.services.Frontend.replicas: must be at least 1',
        reason: 'Forbidden',
        code: 403,
      },
    });
    const failure = await failureOf(switchMode(cluster, inputs));
    fault.remove();
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
