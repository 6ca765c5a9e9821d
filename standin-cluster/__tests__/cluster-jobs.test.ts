// batch/v1 Jobs on the stand-in, cross-checked with the real kubectl 1.32: the Job controller
// (parallelism, Indexed completions, backoffLimit, activeDeadlineSeconds), the TTL-after-finished
// controller, pods of an official Node 24 image run as local processes (pod logs, exit codes), image
// pull failures, the Role of deploy/rbac.yaml, Service DNS names from inside a pod (the fake-graph
// frontend), ConfigMap/Secret volumes and env, and the 1 MiB limit. No Python is started here.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import YAML from 'yaml';
import { startCluster, REPO_ROOT, type Cluster } from '../index.ts';
import { roleRules } from '../rbac.ts';
import { kubectl, type KubectlResult } from '../testing.ts';

const NS = 'dynamo';
const MIRROR = 'registry.example.com/mirror/node:24-slim';
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({
    namespace: NS,
    manifests: [join(REPO_ROOT, '__tests__/fixtures/k8s/fake-graph.v1alpha1.yaml')],
    nodeImages: [MIRROR],
    unpullableImages: /^node:24-marked-unpullable$/,
  });
  await cluster.waitForReady(NS, { timeoutMs: 60_000 });
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  expect(cluster?.kubelet.runningPids() ?? []).toEqual([]);
});

const ok = (r: KubectlResult) => {
  if (r.code !== 0) throw new Error(`kubectl failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};
const apply = (doc: unknown) => kubectl(cluster, ['apply', '-f', '-'], { input: YAML.stringify(doc) });
const getJson = async (...args: string[]) =>
  JSON.parse(ok(await kubectl(cluster, ['get', ...args, '-o', 'json'])));
const podsOf = async (job: string) =>
  (await getJson('pods', '-l', `batch.kubernetes.io/job-name=${job}`)).items as any[];

/** A Job of one container (image node:24-slim unless given) running `node -e <script>`. */
function job(
  name: string,
  script: string,
  spec: Record<string, unknown> = {},
  container: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS },
    spec: {
      ...spec,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            { name: 'client', image: 'node:24-slim', command: ['node', '-e', script], ...container },
          ],
        },
      },
    },
  };
}

/** Raw HTTPS to the stand-in, for exact Status bodies and headers. */
function raw(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: any; body: any }> {
  const u = new URL(cluster.url + path);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        ca: cluster.caPem,
        headers: {
          Authorization: `Bearer ${cluster.token}`,
          ...(data ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text || '{}') }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('Jobs as the Job controller runs them', () => {
  test('parallelism 2: two Node 24 pods each print a result; kubectl wait, logs and delete', async () => {
    ok(
      await apply(
        job('pair', 'console.log(JSON.stringify({ pod: process.env.HOSTNAME, node: process.version }))', {
          parallelism: 2,
          completions: 2,
        }),
      ),
    );
    ok(await kubectl(cluster, ['wait', '--for=condition=complete', 'job/pair', '--timeout=60s']));
    const j = await getJson('job', 'pair');
    expect(j.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']).toBe(j.metadata.uid);
    expect(j.metadata.labels['batch.kubernetes.io/job-name']).toBe('pair');
    expect(j.spec).toMatchObject({ backoffLimit: 6, completionMode: 'NonIndexed', suspend: false });
    expect(j.status).toMatchObject({ succeeded: 2, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(j.status.active).toBeUndefined();
    expect(j.status.completionTime).toBeTruthy();
    expect(j.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    expect(ok(await kubectl(cluster, ['get', 'jobs']))).toMatch(/^pair\s+Complete\s+2\/2\s+/m);

    const pods = await podsOf('pair');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.status.phase).toBe('Succeeded');
      expect(p.status.containerStatuses[0].state.terminated).toMatchObject({
        exitCode: 0,
        reason: 'Completed',
      });
      expect(p.status.containerStatuses[0].lastState).toEqual({});
      expect(p.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: 'pair',
          uid: j.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(p.metadata.finalizers).toBeUndefined(); // counted: the job-tracking finalizer is gone
    }
    const lines = ok(await kubectl(cluster, ['logs', '-l', 'batch.kubernetes.io/job-name=pair']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.pod).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    expect(lines.every((l) => /^v24\./.test(l.node))).toBe(true);
    const one = await kubectl(cluster, ['logs', 'job/pair']);
    expect(one.code).toBe(0);
    expect(one.stderr).toMatch(/Found 2 pods, using pod\/pair-/);

    const events = ok(
      await kubectl(cluster, ['get', 'events', '--field-selector', 'involvedObject.name=pair']),
    );
    expect(events.match(/SuccessfulCreate/g)).toHaveLength(2);
    expect(events).toMatch(/Completed\s+job\/pair\s+Job completed/);

    ok(await kubectl(cluster, ['delete', 'job', 'pair']));
    await cluster.waitFor(
      () => cluster.pods(NS, 'batch.kubernetes.io/job-name=pair').length === 0,
      'pods gone',
    );
  });

  test('Indexed: one pod per completion index, JOB_COMPLETION_INDEX, completedIndexes', async () => {
    ok(
      await apply(
        job('indexed', 'console.log(process.env.JOB_COMPLETION_INDEX)', {
          completions: 3,
          parallelism: 3,
          completionMode: 'Indexed',
        }),
      ),
    );
    ok(await kubectl(cluster, ['wait', '--for=condition=complete', 'job/indexed', '--timeout=60s']));
    expect((await getJson('job', 'indexed')).status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
    const pods = await podsOf('indexed');
    expect(
      pods.map((p) => p.metadata.annotations['batch.kubernetes.io/job-completion-index']).sort(),
    ).toEqual(['0', '1', '2']);
    for (const p of pods) {
      const ix = p.metadata.labels['batch.kubernetes.io/job-completion-index'];
      expect(p.metadata.name.startsWith(`indexed-${ix}-`)).toBe(true);
      expect(p.spec.hostname).toBe(`indexed-${ix}`);
      expect(ok(await kubectl(cluster, ['logs', p.metadata.name])).trim()).toBe(ix);
    }
    ok(await kubectl(cluster, ['delete', 'job', 'indexed']));
  });

  test('a failing container with backoffLimit 1: two pods, then Failed with BackoffLimitExceeded', async () => {
    ok(await apply(job('boom', "console.error('boom'); process.exit(3)", { backoffLimit: 1 })));
    ok(await kubectl(cluster, ['wait', '--for=condition=failed', 'job/boom', '--timeout=60s']));
    const j = await getJson('job', 'boom');
    expect(j.status).toMatchObject({ failed: 2, ready: 0, terminating: 0 });
    expect(j.status.completionTime).toBeUndefined();
    expect(j.status.conditions.map((c: any) => [c.type, c.reason, c.message])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    expect(ok(await kubectl(cluster, ['get', 'jobs', 'boom']))).toMatch(/^boom\s+Failed\s+0\/1\s+/m);
    const pods = await podsOf('boom');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.status.phase).toBe('Failed');
      expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
      expect(ok(await kubectl(cluster, ['logs', p.metadata.name]))).toBe('boom\n');
    }
    const events = ok(
      await kubectl(cluster, ['get', 'events', '--field-selector', 'involvedObject.name=boom']),
    );
    expect(events).toMatch(
      /Warning\s+BackoffLimitExceeded\s+job\/boom\s+Job has reached the specified backoff limit/,
    );
    ok(await kubectl(cluster, ['delete', 'job', 'boom']));
  });

  test('activeDeadlineSeconds: DeadlineExceeded, the running pod deleted and counted failed', async () => {
    ok(await apply(job('slow', 'setInterval(() => {}, 1000)', { activeDeadlineSeconds: 2 })));
    await cluster.waitFor(
      async () => (await podsOf('slow')).some((p) => p.status.phase === 'Running'),
      'running',
    );
    ok(await kubectl(cluster, ['wait', '--for=condition=failed', 'job/slow', '--timeout=30s']));
    const j = await getJson('job', 'slow');
    expect(j.status.conditions.map((c: any) => [c.type, c.reason, c.message])).toEqual([
      ['FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline'],
      ['Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline'],
    ]);
    expect(j.status).toMatchObject({ failed: 1, terminating: 0 });
    expect(
      Date.parse(j.status.conditions[1].lastTransitionTime) - Date.parse(j.status.startTime),
    ).toBeGreaterThanOrEqual(1000);
    expect(await podsOf('slow')).toEqual([]); // deleted (SIGTERM), not left Failed
    ok(await kubectl(cluster, ['delete', 'job', 'slow']));
  });

  test('ttlSecondsAfterFinished: the Job is deleted in the foreground, its pods and owned objects first', async () => {
    const deleted: string[] = [];
    let foreground = false;
    const off = cluster.store.onEvent((e) => {
      if (e.rt.plural === 'jobs' && e.object.metadata.name === 'short-lived') {
        if ((e.object.metadata.finalizers ?? []).includes('foregroundDeletion')) foreground = true;
        if (e.type === 'DELETED') deleted.push('job');
      }
      if (
        e.rt.plural === 'pods' &&
        e.type === 'DELETED' &&
        e.object.metadata.labels?.['job-name'] === 'short-lived'
      )
        deleted.push('pod');
      if (
        e.rt.plural === 'configmaps' &&
        e.type === 'DELETED' &&
        e.object.metadata.name === 'short-lived-client'
      )
        deleted.push('configmap');
    });
    try {
      ok(await apply(job('short-lived', "console.log('done')", { ttlSecondsAfterFinished: 2 })));
      const uid = (await getJson('job', 'short-lived')).metadata.uid;
      ok(
        await apply({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'short-lived-client',
            namespace: NS,
            ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'short-lived', uid }],
          },
          data: { 'run.mjs': '' },
        }),
      );
      ok(await kubectl(cluster, ['wait', '--for=delete', 'job/short-lived', '--timeout=30s']));
      expect(foreground).toBe(true);
      expect(deleted.at(-1)).toBe('job');
      expect([...deleted].sort()).toEqual(['configmap', 'job', 'pod']);
    } finally {
      off();
    }
  });

  test('a delete without a propagation policy orphans the pods, with the real warning', async () => {
    ok(await apply(job('orphaning', "console.log('x')")));
    ok(await kubectl(cluster, ['wait', '--for=condition=complete', 'job/orphaning', '--timeout=60s']));
    const r = await raw('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/orphaning`);
    expect(r.status).toBe(200);
    expect(r.headers.warning).toBe(
      '299 - "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning"',
    );
    const pods = await podsOf('orphaning');
    expect(pods).toHaveLength(1);
    expect(pods[0].metadata.ownerReferences).toBeUndefined();
    ok(await kubectl(cluster, ['delete', 'pod', pods[0].metadata.name]));
  });
});

describe('suspend and mounts', () => {
  test('a suspended Job runs no pod until resumed; then Suspended turns False and it completes', async () => {
    ok(await apply(job('later', "console.log('resumed')", { suspend: true })));
    await cluster.waitFor(
      async () =>
        (await getJson('job', 'later')).status?.conditions?.some((c: any) => c.type === 'Suspended'),
      'Suspended',
    );
    let j = await getJson('job', 'later');
    expect(j.status.conditions).toEqual([
      expect.objectContaining({
        type: 'Suspended',
        status: 'True',
        reason: 'JobSuspended',
        message: 'Job suspended',
      }),
    ]);
    expect(j.status.startTime).toBeUndefined();
    expect(await podsOf('later')).toEqual([]);
    ok(await kubectl(cluster, ['patch', 'job', 'later', '--type=merge', '-p', '{"spec":{"suspend":false}}']));
    ok(await kubectl(cluster, ['wait', '--for=condition=complete', 'job/later', '--timeout=60s']));
    j = await getJson('job', 'later');
    expect(j.status.conditions.map((c: any) => [c.type, c.status, c.reason])).toEqual([
      ['Suspended', 'False', 'JobResumed'],
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    ok(await kubectl(cluster, ['delete', 'job', 'later']));
  });

  test('a missing ConfigMap holds the pod in ContainerCreating with FailedMount, until it exists', async () => {
    const doc = job(
      'needs-config',
      '',
      {},
      {
        command: ['node', '/cfg/run.mjs'],
        volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }],
      },
    ) as any;
    doc.spec.template.spec.volumes = [{ name: 'cfg', configMap: { name: 'late-config' } }];
    ok(await apply(doc));
    await cluster.waitFor(
      async () =>
        ok(await kubectl(cluster, ['get', 'events', '--field-selector', 'reason=FailedMount'])).includes(
          'MountVolume.SetUp failed for volume "cfg" : configmap "late-config" not found',
        ),
      'FailedMount',
      { timeoutMs: 20_000 },
    );
    expect(ok(await kubectl(cluster, ['get', 'pods', '-l', 'job-name=needs-config']))).toMatch(
      /0\/1\s+ContainerCreating/,
    );
    ok(
      await apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'late-config', namespace: NS },
        data: { 'run.mjs': "console.log('mounted')" },
      }),
    );
    ok(await kubectl(cluster, ['wait', '--for=condition=complete', 'job/needs-config', '--timeout=60s']));
    expect(ok(await kubectl(cluster, ['logs', 'job/needs-config']))).toBe('mounted\n');
    for (const r of ['job/needs-config', 'configmap/late-config']) ok(await kubectl(cluster, ['delete', r]));
  });
});

describe('images', () => {
  test('an image the stand-in cannot run, or one marked unpullable, fails to pull; a mirror runs', async () => {
    ok(await apply(job('unknown-image', '', {}, { image: 'registry.example.invalid/acme/loadgen:1' })));
    ok(await apply(job('marked', '', {}, { image: 'node:24-marked-unpullable' })));
    ok(await apply(job('mirrored', "console.log('mirror ok')", {}, { image: MIRROR })));
    for (const name of ['unknown-image', 'marked']) {
      await cluster.waitFor(
        async () =>
          (await podsOf(name))[0]?.status.containerStatuses?.[0]?.state?.waiting?.reason ===
          'ImagePullBackOff',
        `${name} ImagePullBackOff`,
        { timeoutMs: 20_000 },
      );
      expect(ok(await kubectl(cluster, ['get', 'pods', '-l', `job-name=${name}`]))).toMatch(
        /0\/1\s+ImagePullBackOff/,
      );
      const logs = await kubectl(cluster, ['logs', `job/${name}`]);
      expect(logs.stderr).toMatch(
        /Error from server \(BadRequest\): container "client" in pod "[a-z0-9-]+" is waiting to start: trying and failing to pull image/,
      );
      const j = await getJson('job', name);
      expect(j.status).toMatchObject({ active: 1, ready: 0 });
      expect(j.status.conditions).toBeUndefined();
    }
    const events = ok(await kubectl(cluster, ['get', 'events', '-o', 'json']));
    expect(events).toContain(
      'Failed to pull image \\"registry.example.invalid/acme/loadgen:1\\": rpc error: code = NotFound desc = failed to pull and unpack image \\"registry.example.invalid/acme/loadgen:1\\"',
    );
    ok(await kubectl(cluster, ['wait', '--for=condition=complete', 'job/mirrored', '--timeout=60s']));
    expect(ok(await kubectl(cluster, ['logs', 'job/mirrored']))).toBe('mirror ok\n');
    for (const name of ['unknown-image', 'marked', 'mirrored'])
      ok(await kubectl(cluster, ['delete', 'job', name]));
  });
});

describe('deploy/rbac.yaml', () => {
  const ROLE = roleRules(readFileSync(join(REPO_ROOT, 'deploy/rbac.yaml'), 'utf8'));

  test('a Role without `create` on jobs gets the real 403', async () => {
    cluster.rbac.allow = ROLE.map((r) =>
      r.resources.includes('jobs') ? { ...r, verbs: r.verbs.filter((v) => v !== 'create') } : r,
    );
    try {
      const r = await kubectl(cluster, ['create', '-f', '-'], {
        input: YAML.stringify(job('denied', "console.log('no')")),
      });
      expect(r.code).not.toBe(0);
      const message = `jobs.batch is forbidden: User "${cluster.user}" cannot create resource "jobs" in API group "batch" in the namespace "${NS}"`;
      expect(r.stderr).toContain(`Error from server (Forbidden): error when creating "STDIN": ${message}`);
      const body = job('denied', "console.log('no')");
      const res = await raw('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, body);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason: 'Forbidden',
        details: { group: 'batch', kind: 'jobs' },
        code: 403,
      });
    } finally {
      cluster.rbac.allow = undefined;
    }
  });

  test('is enough for a Job with its ConfigMap and Secret: create, wait, read each pod log, delete', async () => {
    cluster.rbac.allow = ROLE;
    cluster.clearRequestLog();
    try {
      const docs = [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'rbac-client' },
          data: { 'run.mjs': "console.log('as the Role')" },
        },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rbac-key' }, stringData: { 'api-key': 'k' } },
        job(
          'rbac-run',
          '',
          {},
          {
            command: ['node', '/client/run.mjs'],
            env: [{ name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'rbac-key', key: 'api-key' } } }],
            volumeMounts: [{ name: 'client', mountPath: '/client' }],
          },
        ),
      ];
      (docs[2] as any).spec.template.spec.volumes = [{ name: 'client', configMap: { name: 'rbac-client' } }];
      ok(
        await kubectl(cluster, ['create', '-f', '-'], {
          input: docs.map((d) => YAML.stringify(d)).join('---\n'),
        }),
      );
      ok(await kubectl(cluster, ['wait', '--for=condition=complete', 'job/rbac-run', '--timeout=60s']));
      expect(ok(await kubectl(cluster, ['logs', '-l', 'job-name=rbac-run']))).toBe('as the Role\n');
      ok(await kubectl(cluster, ['delete', 'job', 'rbac-run']));
      ok(await kubectl(cluster, ['delete', 'configmap/rbac-client', 'secret/rbac-key', '--wait=false']));
      expect(cluster.requestLog.filter((e) => e.status === 403)).toEqual([]);
    } finally {
      cluster.rbac.allow = undefined;
    }
  });
});

describe('the pod network and its configuration', () => {
  test('a Job pod reaches the frontend Service by its DNS names; ConfigMap volume and Secret env', async () => {
    const client = `
      import { readFileSync } from 'node:fs';
      import { createHash } from 'node:crypto';
      const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
      const out = {};
      for (const host of config.hosts) {
        try {
          const r = await fetch(\`http://\${host}:8000/v1/models\`, { signal: AbortSignal.timeout(5000) });
          out[host] = (await r.json()).data.map((m) => m.id);
        } catch (e) {
          out[host] = e.cause?.code ?? e.message;
        }
      }
      const key = createHash('sha256').update(process.env.API_KEY).digest('hex');
      const fromFile = readFileSync(process.env.KEY_FILE, 'utf8') === process.env.API_KEY;
      console.log(JSON.stringify({ out, key, fromFile, cwd: process.cwd() === import.meta.dirname }));
    `;
    const hosts = [
      'fake-graph-frontend.dynamo.svc.cluster.local',
      'fake-graph-frontend.dynamo.svc',
      'fake-graph-frontend.dynamo',
      'fake-graph-frontend',
      'no-such-service.dynamo.svc.cluster.local',
    ];
    ok(
      await apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'bench-client', namespace: NS },
        data: { 'client.mjs': client, 'config.json': JSON.stringify({ hosts }) },
      }),
    );
    ok(
      await apply({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'bench-key', namespace: NS },
        stringData: { 'api-key': 'sk-test-123' },
      }),
    );
    const secret = await getJson('secret', 'bench-key');
    expect(secret.data).toEqual({ 'api-key': Buffer.from('sk-test-123').toString('base64') });
    expect(secret.stringData).toBeUndefined();
    const doc = job(
      'dns',
      '',
      {},
      {
        image: 'node:24',
        command: ['node', '/bench/client.mjs', '/bench/config.json'],
        workingDir: '/bench',
        env: [
          { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'bench-key', key: 'api-key' } } },
          { name: 'KEY_FILE', value: '/etc/bench/key' },
        ],
        volumeMounts: [
          { name: 'bench', mountPath: '/bench', readOnly: true },
          { name: 'key', mountPath: '/etc/bench', readOnly: true },
        ],
      },
    ) as any;
    doc.spec.template.spec.volumes = [
      { name: 'bench', configMap: { name: 'bench-client' } },
      { name: 'key', secret: { secretName: 'bench-key', items: [{ key: 'api-key', path: 'key' }] } },
    ];
    ok(await apply(doc));
    ok(await kubectl(cluster, ['wait', '--for=condition=complete', 'job/dns', '--timeout=60s']));
    const result = JSON.parse(ok(await kubectl(cluster, ['logs', 'job/dns'])));
    for (const h of hosts.slice(0, 4)) expect(result.out[h]).toEqual(['Qwen/Qwen3-0.6B']);
    expect(result.out['no-such-service.dynamo.svc.cluster.local']).toBe('ENOTFOUND');
    expect(result.key).toBe(createHash('sha256').update('sk-test-123').digest('hex'));
    expect(result.cwd).toBe(true);
    expect(result.fromFile).toBe(true);
    for (const r of ['job/dns', 'configmap/bench-client', 'secret/bench-key'])
      ok(await kubectl(cluster, ['delete', r]));
  });

  test('a ConfigMap over 1 MiB is refused with the real status; 1 MiB exactly is accepted; annotations 256 KiB', async () => {
    const cm = (name: string, bytes: number) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: NS },
      data: { 'client.js': 'x'.repeat(bytes - 3), 'a.b': 'abc' },
    });
    const file = join(cluster.dir, 'too-big.json');
    writeFileSync(file, JSON.stringify(cm('too-big', 1024 * 1024 + 1)));
    const r = await kubectl(cluster, ['create', '-f', file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'The ConfigMap "too-big" is invalid: []: Too long: may not be more than 1048576 bytes',
    );
    const res = await raw('POST', `/api/v1/namespaces/${NS}/configmaps`, cm('too-big', 1024 * 1024 + 1));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      reason: 'Invalid',
      message: 'ConfigMap "too-big" is invalid: []: Too long: may not be more than 1048576 bytes',
      details: {
        name: 'too-big',
        kind: 'ConfigMap',
        causes: [
          {
            reason: 'FieldValueTooLong',
            message: 'Too long: may not be more than 1048576 bytes',
            field: '[]',
          },
        ],
      },
      code: 422,
    });
    // kubectl apply keeps the whole object in an annotation, limited to 256 KiB with the others.
    writeFileSync(file, JSON.stringify(cm('applied', 300 * 1024)));
    expect((await kubectl(cluster, ['apply', '-f', file])).stderr).toContain(
      'The ConfigMap "applied" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes',
    );
    writeFileSync(file, JSON.stringify(cm('just-fits', 1024 * 1024)));
    ok(await kubectl(cluster, ['create', '-f', file]));
    ok(await kubectl(cluster, ['delete', 'configmap', 'just-fits']));
    const secret = await raw('POST', `/api/v1/namespaces/${NS}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'too-big' },
      stringData: { key: 'x'.repeat(1024 * 1024 + 1) },
    });
    expect(secret.status).toBe(422);
    expect(secret.body.message).toBe(
      'Secret "too-big" is invalid: data: Too long: may not be more than 1048576 bytes',
    );
  });
});
