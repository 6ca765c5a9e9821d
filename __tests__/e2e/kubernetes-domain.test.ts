// What real deployments do, through the bundled action (dist/index.js, as GitHub runs it): a DGD
// named after its model (the operator's Service name has dashes for dots), a DGDR-generated graph,
// workers that advertise their own router mode (Dynamo 1.5+) live on the stand-in and in the
// offline plan, TensorRT-LLM workers that publish KV events, and a configured cluster with no
// target named. The stand-in runs real ai-dynamo 1.6.1 mocker workers and frontends as pods.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { startCluster, type Cluster } from '../../standin-cluster/index.ts';
import { ACTION, cleanup, ROOT, runAction } from '../support/action.ts';
import type { AnyObj } from '../support/k8s-objects.ts';

const SEED = readFileSync(path.join(ROOT, '__tests__/fixtures/k8s/mocker-agg.v1alpha1.yaml'), 'utf8');
const [GRAPH, SECRET] = SEED.split('\n---\n');

/** The seed manifest (mocker-agg, 1.6.1) renamed and changed by `edit`, with its Secret. */
function manifest(name: string, edit: (dgd: AnyObj) => void = () => undefined): string {
  const dgd = YAML.parse(GRAPH) as AnyObj;
  dgd.metadata.name = name;
  edit(dgd);
  return `${YAML.stringify(dgd)}---\n${SECRET}`;
}

const scaledToZero = (dgd: AnyObj) => {
  for (const svc of Object.values(dgd.spec.services as Record<string, AnyObj>)) svc.replicas = 0;
};

/** Titles of log groups that end without a line in them. */
function emptyGroups(stdout: string): string[] {
  const lines = stdout.split('\n');
  return lines.flatMap((line, i) =>
    line.startsWith('::group::') && lines[i + 1]?.startsWith('::endgroup::') ? [line.slice(9)] : [],
  );
}

let cluster: Cluster;
let home: string;

/** The bundled action with its own home (no ~/.kube), against the stand-in unless `kubeconfig` is null. */
async function action(inputs: Record<string, string>, kubeconfig: string | null = cluster.kubeconfigPath) {
  const run = await runAction(inputs, {
    env: { HOME: home, KUBECONFIG: kubeconfig ?? undefined, KUBERNETES_SERVICE_HOST: undefined },
  });
  cleanup(run);
  return { ...run, log: run.stdout + run.stderr };
}

beforeAll(async () => {
  expect(readFileSync(ACTION).length).toBeGreaterThan(0);
  home = mkdtempSync(path.join(tmpdir(), 'k8s-domain-'));
  cluster = await startCluster({ namespace: 'dynamo' });
  // A DGD named after its model: the operator's Service is qwen3-0-6b-frontend.
  await cluster.apply(manifest('qwen3-0.6b'), { namespace: 'models' });
  // Workers told DYN_ROUTER_MODE=kv on their own component; the frontend keeps its default.
  await cluster.apply(
    manifest('advertised', (dgd) => {
      dgd.spec.services.decode.envs = [{ name: 'DYN_ROUTER_MODE', value: 'kv' }];
    }),
    { namespace: 'advertised' },
  );
  // The graph-level env gives every component DYN_ROUTER_MODE=kv; scaled to zero (the refusal
  // comes from the spec alone, before any write).
  await cluster.apply(
    manifest('graph-pinned', (dgd) => {
      dgd.spec.envs = [{ name: 'DYN_ROUTER_MODE', value: 'kv' }];
      scaledToZero(dgd);
    }),
    { namespace: 'pinned' },
  );
  // Two graphs in one namespace, and a namespace with none: no target can be guessed there.
  await cluster.apply(manifest('one', scaledToZero), { namespace: 'two' });
  await cluster.apply(manifest('other', scaledToZero), { namespace: 'two' });
  await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'empty' } });
  await cluster.waitForReady('models', { timeoutMs: 240_000 });
  await cluster.waitForReady('advertised', { timeoutMs: 240_000 });
  await cluster.waitFor(
    () => cluster.get('v1', 'Service', 'graph-pinned-frontend', 'pinned'),
    'the operator to create the pinned graph’s Service',
  );
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('Service names as the operator normalises them', () => {
  it('a DGD named qwen3-0.6b is found through qwen3-0-6b-frontend and passes', async () => {
    expect(cluster.get('v1', 'Service', 'qwen3-0-6b-frontend', 'models')).toBeDefined();
    const r = await action({
      namespace: 'models',
      deployment: 'qwen3-0.6b',
      mode: 'kv',
      retries: '30',
      'retry-delay': '1',
    });
    if (r.exitCode !== 0) console.log(r.log);
    expect(r.outputs.result).toBe('pass');
    expect(r.outputs.service).toBe('models/qwen3-0-6b-frontend');
    expect(r.outputs['mode-verified']).toBe('verified');
    // The frontend's own readiness gauge (1.6.1) is waited on and quoted as evidence.
    expect(r.summary.replaceAll('&#95;', '_')).toMatch(/routable \(dynamo_frontend_model_ready 1\)/);
    // No empty log group: every ::group:: has a line before its ::endgroup::.
    expect(emptyGroups(r.stdout)).toEqual([]);
  }, 300_000);

  it('the same DGD with DGDR labels gets a limitation naming its request', async () => {
    const dgd = cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'qwen3-0.6b', 'models') as AnyObj;
    dgd.metadata.labels = {
      ...dgd.metadata.labels,
      'dgdr.nvidia.com/name': 'qwen-request',
      'dgdr.nvidia.com/namespace': 'models',
      'nvidia.com/managed-by': 'dynamo-operator',
    };
    await cluster.apply(dgd, { namespace: 'models' });
    const r = await action({ namespace: 'models', deployment: 'qwen3-0.6b', mode: 'kv', retries: '30' });
    expect(r.outputs.result).toBe('pass');
    const limitations = JSON.parse(r.outputs.limitations) as string[];
    expect(limitations.join('\n')).toMatch(
      /generated by the DynamoGraphDeploymentRequest models\/qwen-request .*spec\.overrides\.dgd/,
    );
    expect(r.log).toMatch(/::warning.*DynamoGraphDeploymentRequest models\/qwen-request/);
  }, 300_000);
});

describe("the workers' own router mode (Dynamo 1.5+)", () => {
  it('graph-level DYN_ROUTER_MODE=kv refuses round-robin live, naming spec.envs, and writes nothing', async () => {
    cluster.clearRequestLog();
    const r = await action({ namespace: 'pinned', deployment: 'graph-pinned', mode: 'round-robin' });
    expect(r.exitCode).not.toBe(0);
    expect(r.outputs.failure).toBe('workers-pin-mode');
    // Names the entry and where it sits: the graph-level env.
    expect(r.log).toContain('DYN_ROUTER_MODE=kv in spec.envs');
    expect(r.log).toMatch(/Nothing was written/);
    expect(r.outputs['next-command']).toBe(
      'kubectl get dynamographdeployments.nvidia.com/graph-pinned -n pinned -o yaml | grep -n -e DYN_ROUTER_MODE -e --router-mode',
    );
    expect(cluster.writes()).toEqual([]);
  }, 120_000);

  it('check only: reports the mode the workers advertise, and proves it from the router', async () => {
    const r = await action({
      namespace: 'advertised',
      deployment: 'advertised',
      retries: '30',
      'retry-delay': '1',
    });
    if (r.exitCode !== 0) console.log(r.log);
    expect(r.outputs.result).toBe('pass');
    expect(r.outputs.mode).toBe('kv');
    // Why kv: what the workers advertise, from which entry, over the frontend's own round-robin.
    for (const fact of [
      'advertise kv',
      'model cards',
      'DYN_ROUTER_MODE=kv in spec.services.decode.envs',
      'round-robin',
    ])
      expect(r.outputs['mode-reason']).toContain(fact);
    expect(JSON.parse(r.outputs.limitations).join('\n')).toMatch(/worker decode advertises router mode kv/);
    expect(r.outputs['mode-verified']).toBe('verified');
    // The worker's own log line, as Dynamo 1.6.1 writes it.
    const worker = cluster.pods('advertised', 'nvidia.com/dynamo-component=decode')[0];
    expect(cluster.podLog('advertised', worker.metadata.name)).toMatch(
      /Advertising router mode 'kv' in the model card/,
    );
  }, 300_000);
});

describe('a configured cluster and no target named', () => {
  it("the context namespace's one DGD is the target (check only), not http://127.0.0.1:8000", async () => {
    const kubeconfig = cluster.writeKubeconfig(path.join(home, 'models.kubeconfig'), { namespace: 'models' });
    const r = await action({ retries: '30', 'retry-delay': '1' }, kubeconfig);
    if (r.exitCode !== 0) console.log(r.log);
    expect(r.outputs.result).toBe('pass');
    expect(r.outputs.service).toBe('models/qwen3-0-6b-frontend');
    expect(r.log).toMatch(/target kubernetes \(none named: .*context's namespace/);
  }, 300_000);

  it('none or several there: an immediate bad-input naming the inputs to give', async () => {
    for (const [namespace, found] of [
      ['two', /namespace two has 2 \(one, other\)/],
      ['empty', /namespace empty has none/],
    ] as const) {
      const kubeconfig = cluster.writeKubeconfig(path.join(home, `${namespace}.kubeconfig`), { namespace });
      cluster.clearRequestLog();
      const r = await action({ mode: 'kv' }, kubeconfig);
      expect(r.outputs.failure).toBe('bad-input');
      expect(r.log).toMatch(found);
      // Names the inputs that pick a target.
      for (const input of ['`namespace`', '`deployment`', '`recipe`', '`base-url`', '`launch: true`'])
        expect(r.log).toContain(input);
      expect(r.log).not.toMatch(/127\.0\.0\.1:8000/);
      expect(r.elapsedMs).toBeLessThan(10_000);
      expect(cluster.writes()).toEqual([]);
    }
  }, 120_000);
});

describe('the offline plan (recipe + dry-run, no cluster configured)', () => {
  let ws: string;
  beforeAll(() => {
    ws = mkdtempSync(path.join(tmpdir(), 'k8s-domain-ws-'));
    mkdirSync(path.join(ws, 'recipes'));
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  /** The action on a runner with no cluster credentials, planning from `file` in the workspace. */
  async function plan(file: string, text: string, inputs: Record<string, string>) {
    const full = path.join(ws, 'recipes', file);
    writeFileSync(full, text);
    const run = await runAction(
      { recipe: full, 'dry-run': 'true', ...inputs },
      {
        env: {
          HOME: home,
          GITHUB_WORKSPACE: ws,
          KUBECONFIG: undefined,
          KUBERNETES_SERVICE_HOST: undefined,
        },
      },
    );
    cleanup(run);
    return { ...run, log: run.stdout + run.stderr, after: readFileSync(full, 'utf8') };
  }

  it('a graph-level DYN_ROUTER_MODE=kv refuses round-robin, naming spec.envs; nothing is written', async () => {
    const text = manifest('llm', (dgd) => {
      dgd.spec.envs = [{ name: 'DYN_ROUTER_MODE', value: 'kv' }];
    });
    const r = await plan('alpha.yaml', text, { mode: 'round-robin', 'write-recipe': 'true' });
    expect(r.outputs.failure).toBe('workers-pin-mode');
    expect(r.log).toMatch(/DYN_ROUTER_MODE=kv in spec\.envs/);
    expect(r.log).toMatch(/remove DYN_ROUTER_MODE=kv from spec\.envs/);
    expect(r.outputs['next-command']).toMatch(/^grep -n -e DYN_ROUTER_MODE -e --router-mode \S+alpha\.yaml$/);
    expect(r.after).toBe(text);
  }, 60_000);

  it('check only: what the workers advertise, and the mode they make the frontend route in', async () => {
    const text = manifest('llm', (dgd) => {
      dgd.spec.services.decode.envs = [{ name: 'DYN_ROUTER_MODE', value: 'kv' }];
    });
    const r = await plan('advertised.yaml', text, {});
    expect(r.outputs.result).toBe('pass');
    expect(r.outputs.mode).toBe('kv');
    expect(r.outputs['mode-reason']).toMatch(/the workers advertise kv in their model cards/);
    expect(JSON.parse(r.outputs.limitations).join('\n')).toMatch(/worker decode advertises router mode kv/);
    expect(r.after).toBe(text);
  }, 60_000);

  it('bad input shows no empty Settings group: the error is the first thing in the log', async () => {
    const r = await runAction({ mode: 'kvv' }, { env: { HOME: home, KUBECONFIG: undefined } });
    cleanup(r);
    expect(r.outputs.failure).toBe('bad-input');
    expect(r.stdout).not.toMatch(/::group::Settings/);
    expect(emptyGroups(r.stdout)).toEqual([]);
  });

  it('v1beta1 names spec.env', async () => {
    const text = [
      'apiVersion: nvidia.com/v1beta1',
      'kind: DynamoGraphDeployment',
      'metadata:',
      '  name: llm',
      'spec:',
      '  env:',
      '    - name: DYN_ROUTER_MODE',
      '      value: kv',
      '  components:',
      '    - name: Frontend',
      '      type: frontend',
      '      podTemplate:',
      '        spec:',
      '          containers:',
      '            - name: main',
      '              image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.6.1',
      '    - name: VllmWorker',
      '      type: worker',
      '      podTemplate:',
      '        spec:',
      '          containers:',
      '            - name: main',
      '              image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.6.1',
      '              command: [python3, -m, dynamo.vllm]',
      '              args: [--model, Qwen/Qwen3-0.6B]',
      '',
    ].join('\n');
    const r = await plan('beta.yaml', text, { mode: 'random' });
    expect(r.outputs.failure).toBe('workers-pin-mode');
    expect(r.log).toContain('DYN_ROUTER_MODE=kv in spec.env ');
  }, 60_000);

  it('TensorRT-LLM workers started with --publish-kv-events: kv with events, no approximate env', async () => {
    const text = manifest('trt', (dgd) => {
      const worker = dgd.spec.services.decode.extraPodSpec.mainContainer;
      dgd.spec.services.Frontend.extraPodSpec.mainContainer.image =
        'nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime:1.6.1';
      worker.image = 'nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime:1.6.1';
      worker.command = ['python3', '-m', 'dynamo.trtllm'];
      worker.args = ['--model-path', 'Qwen/Qwen3-0.6B', '--publish-kv-events'];
    });
    const r = await plan('trt.yaml', text, { mode: 'kv' });
    if (r.outputs.result !== 'pass') console.log(r.log);
    expect(r.outputs.result).toBe('pass');
    expect(r.outputs['kv-events']).toBe('true');
    const patch = JSON.parse(r.outputs['env-patch']) as { set: { name: string }[] };
    expect(patch.set.map((e) => e.name)).toEqual(['DYN_ROUTER_MODE']);
    expect(r.summary).toMatch(/decode \(TensorRT-LLM\): started with --publish-kv-events/);
  }, 60_000);
});
