// Real Dynamo processes (ai-dynamo frontend + mocker) run by the stand-in's kubelet from the
// upstream-shaped fixtures; reached through client-node's port-forward.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startCluster, isPodReady, REPO_ROOT, type Cluster, type K8sObject } from '../index.ts';
import { ensureTinyModel } from '../tiny-model.ts';
import { httpGet, kubectl, portForward } from '../testing.ts';

const FIX = join(REPO_ROOT, '__tests__/fixtures/k8s');
let cluster: Cluster;
let kc: k8s.KubeConfig;
const FE = 'nvidia.com/dynamo-component-type=frontend';

async function modelsThroughForward(ns: string, pod: string, want: string, timeoutMs = 60000): Promise<any> {
  const fwd = await portForward(cluster.kubeconfigPath, ns, pod, 8000);
  try {
    return await cluster.waitFor(
      async () => {
        try {
          const r = await httpGet(`http://127.0.0.1:${fwd.port}/v1/models`, 3000);
          const body = JSON.parse(r.body);
          return r.status === 200 && body.data?.some((m: any) => m.id === want) ? body : undefined;
        } catch {
          return undefined;
        }
      },
      `${want} in /v1/models of ${ns}/${pod}`,
      { timeoutMs, intervalMs: 500 },
    );
  } finally {
    await fwd.close();
  }
}

beforeAll(async () => {
  const local = join(REPO_ROOT, '.dynamo/tiny-model');
  const python = process.env.STANDIN_PYTHON ?? join(REPO_ROOT, '.venv-dynamo/bin/python');
  const tinyModelDir = existsSync(join(local, 'tokenizer.json'))
    ? local
    : ensureTinyModel(join(tmpdir(), 'standin-tiny-model'), python);
  cluster = await startCluster({ namespace: 'dynamo', python, tinyModelDir });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
}, 60000);

afterAll(async () => {
  await cluster?.stop();
  expect(cluster.kubelet.runningPids()).toEqual([]);
});

describe('mocker DGD (v1alpha1 and v1beta1 twins)', () => {
  test('both reach Ready and serve the model through the port-forward', async () => {
    await cluster.apply(join(FIX, 'mocker-agg.v1alpha1.yaml'), { namespace: 'alpha' });
    await cluster.apply(join(FIX, 'mocker-agg.v1beta1.yaml'), { namespace: 'beta' });
    await cluster.waitForReady('alpha', { timeoutMs: 90000 });
    await cluster.waitForReady('beta', { timeoutMs: 90000 });
    for (const ns of ['alpha', 'beta']) {
      const r = await kubectl(cluster, ['-n', ns, 'get', 'pods', '-l', FE, '-o', 'json']);
      const pods = JSON.parse(r.stdout).items;
      expect(pods).toHaveLength(1);
      const pod = pods[0];
      expect(pod.spec.containers[0].command).toEqual(['python3']);
      expect(pod.spec.containers[0].args).toEqual(['-m', 'dynamo.frontend']);
      const body = await modelsThroughForward(ns, pod.metadata.name, 'nvidia/Llama-3.1-8B-Instruct-FP8');
      expect(body.object).toBe('list');
      expect(body.data[0]).toMatchObject({
        id: 'nvidia/Llama-3.1-8B-Instruct-FP8',
        object: 'model',
        owned_by: 'nvidia',
      });
    }
    // the two graphs are isolated by their Dynamo namespace (<k8s ns>-<dgd>), sharing one discovery dir
    const env = cluster.pods('alpha', FE)[0].spec.containers[0].env;
    expect(env).toContainEqual({ name: 'DYN_NAMESPACE', value: 'alpha-mocker-agg' });
    const svc = await kubectl(cluster, [
      '-n',
      'beta',
      'get',
      'svc',
      'mocker-agg-frontend',
      '-o',
      'jsonpath={.spec.ports[0].name}:{.spec.ports[0].port}',
    ]);
    expect(svc.stdout).toBe('http:8000');
  }, 150000);

  test('an env patch on the frontend rolls it to a new real process; the worker keeps running', async () => {
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const args = {
      group: 'nvidia.com',
      version: 'v1alpha1',
      namespace: 'alpha',
      plural: 'dynamographdeployments',
      name: 'mocker-agg',
    };
    const cur: any = await api.getNamespacedCustomObject(args);
    const oldFe = cluster.pods('alpha', FE)[0].metadata.name;
    const worker = cluster.pods('alpha', 'nvidia.com/dynamo-component-type=worker')[0];
    const workerPid = cluster.kubelet.processes('alpha', worker.metadata.name)[0].pid;
    await api.patchNamespacedCustomObject(
      {
        ...args,
        body: {
          metadata: { resourceVersion: cur.metadata.resourceVersion },
          spec: { services: { Frontend: { envs: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] } } },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await cluster.waitFor(
      () => {
        const all = cluster.list('v1', 'Pod', 'alpha', FE);
        return all.length === 1 && all[0].metadata.name !== oldFe && isPodReady(all[0]);
      },
      'frontend roll',
      { timeoutMs: 90000 },
    );
    const fe = cluster.pods('alpha', FE)[0] as K8sObject;
    const body = await modelsThroughForward('alpha', fe.metadata.name, 'nvidia/Llama-3.1-8B-Instruct-FP8');
    expect(body.data).toHaveLength(1);
    const log = cluster.podLog('alpha', fe.metadata.name);
    expect(log.length).toBeGreaterThan(0);
    expect(cluster.pods('alpha', 'nvidia.com/dynamo-component-type=worker')[0].metadata.name).toBe(
      worker.metadata.name,
    );
    expect(cluster.kubelet.processes('alpha', worker.metadata.name)[0].pid).toBe(workerPid);
    // a chat completion through the forward reaches the mocker worker
    const fwd = await portForward(cluster.kubeconfigPath, 'alpha', fe.metadata.name, 8000);
    try {
      const res = await fetch(`http://127.0.0.1:${fwd.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'nvidia/Llama-3.1-8B-Instruct-FP8',
          messages: [{ role: 'user', content: 'hello world' }],
          max_tokens: 4,
        }),
        signal: AbortSignal.timeout(20000),
      });
      expect(res.status).toBe(200);
      const out = (await res.json()) as any;
      expect(out.object).toBe('chat.completion');
      expect(out.usage.completion_tokens).toBe(4);
    } finally {
      await fwd.close();
    }
  }, 150000);

  test('deleting the DGD removes its pods and stops their processes', async () => {
    const pids = cluster
      .pods('beta')
      .flatMap((p) => cluster.kubelet.processes('beta', p.metadata.name).map((x) => x.pid!));
    expect(pids.length).toBe(2);
    const r = await kubectl(cluster, ['-n', 'beta', 'delete', 'dgd', 'mocker-agg', '--wait=false']);
    expect(r.code).toBe(0);
    await cluster.waitFor(() => cluster.list('v1', 'Pod', 'beta').length === 0, 'pods gone', {
      timeoutMs: 30000,
    });
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  }, 60000);
});
