// A failure after the write: the change reported with it, rolled back first with
// rollback-on-failure, a superseded change left to the other writer.
import { describe, expect, it } from '@jest/globals';
import { RunFailure } from '../../../../../src/model/failure.ts';
import type { EnvPatch } from '../../../../../src/model/contract.ts';
import { parseSettings, type Settings } from '../../../../../src/settings/settings.ts';
import { TargetFailure } from '../../../../../src/targets/target-failure.ts';
import { type EnvWriter } from '../../../../../src/targets/kubernetes/write/env-write.ts';
import { listsOf } from '../../../../../src/targets/kubernetes/decide/env-patch.ts';
import { envAt } from '../../../../../src/targets/kubernetes/object/dgd.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';
import { findFrontend, type Frontend } from '../../../../../src/targets/kubernetes/resolve/find-frontend.ts';
import { failedAfterWrite } from '../../../../../src/targets/kubernetes/write/rollback.ts';
import { fakeKubeApi, type FakeKubeApi } from '../../../../support/fake-kube-api.ts';

const NS = 'dynamo';
const SELECTOR = { 'nvidia.com/selector': 'agg-frontend' };
const CONTAINER_ENV = ['spec', 'services', 'Frontend', 'extraPodSpec', 'mainContainer', 'env'];
const WHERE = 'dynamographdeployment.nvidia.com/agg (v1alpha1), component Frontend';
type Env = { name: string; value?: string }[];

/** A v1alpha1 DGD whose frontend runs `env` (Dynamo 1.0.2 by its image tag). */
function dgd(env: Env, extra: { args?: string[]; annotations?: Record<string, string> } = {}): JsonObject {
  return {
    apiVersion: 'nvidia.com/v1alpha1',
    kind: 'DynamoGraphDeployment',
    metadata: { name: 'agg', namespace: NS, annotations: extra.annotations ?? {} },
    spec: {
      services: {
        Frontend: {
          componentType: 'frontend',
          replicas: 1,
          extraPodSpec: {
            mainContainer: {
              image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.0.2',
              args: extra.args ?? [],
              env,
            },
          },
        },
        decode: {
          componentType: 'worker',
          extraPodSpec: {
            mainContainer: {
              command: ['python3', '-m', 'dynamo.vllm'],
              args: ['--model', 'Qwen/Qwen3-0.6B'],
            },
          },
        },
      },
    },
  };
}

const ROUND_ROBIN: Env = [
  { name: 'OTHER', value: 'x' },
  { name: 'DYN_ROUTER_MODE', value: 'round-robin' },
];

const stored = (api: FakeKubeApi): JsonObject =>
  api.objects.get(['nvidia.com', 'v1alpha1', NS, 'dynamographdeployments', 'agg'].join('/')) ?? {};

const modeOf = (api: FakeKubeApi) =>
  (envAt(stored(api), CONTAINER_ENV) as Env).find((e) => e.name === 'DYN_ROUTER_MODE')?.value;

/**
 * A cluster with the DGD, its frontend Service and one pod; the pod runs whatever env the object
 * says when the rollout lists it (an operator that rolls at once), unless `rolls` is false.
 */
function cluster(object: JsonObject, rolls = true): FakeKubeApi {
  const api = fakeKubeApi();
  api.put('nvidia.com', 'v1alpha1', NS, 'dynamographdeployments', object);
  api.put('', 'v1', NS, 'services', {
    metadata: { name: 'agg-frontend', labels: { 'nvidia.com/dynamo-graph-deployment-name': 'agg' } },
    spec: { selector: SELECTOR, ports: [{ name: 'http', port: 8000, targetPort: 8000 }] },
  });
  api.pods.set(NS, [{ name: 'agg-frontend-0', labels: SELECTOR, env: envAt(object, CONTAINER_ENV) as Env }]);
  if (rolls) {
    api.before.listPods = () => {
      for (const pod of api.pods.get(NS) ?? []) pod.env = envAt(stored(api), CONTAINER_ENV) as Env;
    };
  }
  return api;
}

function settingsOf(inputs: Record<string, string>): Settings {
  const all: Record<string, string> = {
    namespace: NS,
    deployment: 'agg',
    'base-url': 'http://127.0.0.1:8000',
    ...inputs,
  };
  return parseSettings((name) => all[name] ?? '');
}

async function writerFor(api: FakeKubeApi, settings: Settings, lines: string[] = []): Promise<EnvWriter> {
  const frontend: Frontend = await findFrontend(api, {
    k: settings.kubernetes!,
    modes: [settings.mode],
    log: () => undefined,
  });
  return {
    api,
    frontend,
    original: listsOf(frontend.object, frontend.loc),
    timeoutMs: 5000,
    log: (line) => lines.push(line),
  };
}

const patches = (api: FakeKubeApi) => api.calls.filter((c) => c.startsWith('patchObject'));

describe('failure after the write', () => {
  const KV: EnvPatch = {
    object: WHERE,
    namespace: NS,
    path: CONTAINER_ENV.join('.'),
    set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
    remove: [],
    changed: true,
    applied: true,
    dryRun: false,
  };
  const stall = new RunFailure('rollout-timeout', 'The frontend did not finish rolling out.');

  it('superseded by another writer: conflict with the env patch, and no rollback over their change', async () => {
    const api = cluster(dgd([{ name: 'DYN_ROUTER_MODE', value: 'random' }]));
    const writer = await writerFor(api, settingsOf({ mode: 'kv' }));
    const failure = await failedAfterWrite(stall, writer, { envPatch: KV, rollBack: true });
    expect(failure).toBeInstanceOf(TargetFailure);
    expect(failure.code).toBe('conflict');
    expect(failure.message).toBe(
      `The frontend did not finish rolling out. Another writer changed ${WHERE} meanwhile (DYN_ROUTER_MODE is now random): this run's change was superseded and is left as the other writer set it.`,
    );
    expect(failure.hint).toBe(
      'run again once the other writer has finished; use a `concurrency` group in the workflow',
    );
    expect(failure.envPatch).toEqual(KV);
    expect(patches(api)).toEqual([]);
  });

  it('still ours: rolled back first, and the failure says so and carries the rolled-back patch', async () => {
    const api = cluster(dgd([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]));
    const writer = {
      ...(await writerFor(api, settingsOf({ mode: 'kv' }))),
      original: { container: ROUND_ROBIN },
    };
    const failure = await failedAfterWrite(stall, writer, { envPatch: KV, rollBack: true });
    expect(failure.code).toBe('rollout-timeout');
    expect(failure.message).toBe(
      'The frontend did not finish rolling out. The previous env was restored (rollback-on-failure).',
    );
    expect(failure.envPatch).toEqual({ ...KV, rolledBack: true });
    expect(failure.details.map((d) => d.title)).toEqual(['Rollback']);
    expect(modeOf(api)).toBe('round-robin');
  });

  it('still ours without rollback-on-failure: the change stays and the message says where to look', async () => {
    const api = cluster(dgd([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]));
    const failure = await failedAfterWrite(stall, await writerFor(api, settingsOf({ mode: 'kv' })), {
      envPatch: KV,
      rollBack: false,
    });
    expect(failure.message).toBe(
      `The frontend did not finish rolling out. The env change to ${WHERE} stays applied (see the env-patch output).`,
    );
    expect(failure.envPatch).toEqual(KV);
    expect(patches(api)).toEqual([]);
  });
});
