// The Kubernetes target from source against the stand-in cluster with real Dynamo processes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { startCluster, type Cluster } from '../support/cluster/index.ts';
import { fetchClient } from '../../src/check/http.ts';
import { runCheck } from '../../src/run.ts';
import { parseSettings } from '../../src/settings.ts';
import { openTarget } from '../../src/targets/index.ts';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/k8s');
const lines: string[] = [];
const log = { info: (l: string) => lines.push(l), warning: (l: string) => lines.push(`WARN ${l}`) };

async function run(inputs: Record<string, string>) {
  const settings = parseSettings((name) => inputs[name] ?? '');
  const masked: string[] = [];
  const contract = await runCheck(settings, { http: fetchClient, log, openTarget: (s, plan) => openTarget(s, plan, { log, mask: (x) => masked.push(x) }) });
  return { contract, masked };
}

let cluster: Cluster;
const savedKubeconfig = process.env.KUBECONFIG;

beforeAll(async () => {
  cluster = await startCluster({ manifests: [path.join(FIXTURES, 'mocker-agg.v1alpha1.yaml')], namespace: 'dynamo' });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
}, 240_000);

afterAll(async () => {
  process.env.KUBECONFIG = savedKubeconfig;
  await cluster?.stop();
});

describe('v1alpha1 DGD on the stand-in', () => {
  it('switches to kv, waits for the rollout, forwards and passes the check', async () => {
    cluster.clearRequestLog();
    const { contract, masked } = await run({ deployment: 'mocker-agg', mode: 'kv', retries: '20', 'retry-delay': '2', 'skip-chat': 'false' });
    console.log(JSON.stringify(contract, null, 2), lines.join('\n'));
    expect(masked).toContain(cluster.token);
    expect(contract.result).toBe('pass');
    expect(contract.envPatch).toMatchObject({ changed: true, applied: true, dryRun: false, set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] });
    expect(contract.kvEvents).toBe('true');
    expect(contract.service).toBe('dynamo/mocker-agg-frontend');
    const dgd = cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'mocker-agg', 'dynamo') as Record<string, any>;
    expect(dgd.spec.services.Frontend.envs).toEqual([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]);
    expect(dgd.spec.envs).toBeUndefined();
    const patches = cluster.writes();
    expect(patches).toHaveLength(1);
  }, 300_000);
});
