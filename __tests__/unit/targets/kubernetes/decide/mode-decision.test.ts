// Decide (pure), against an in-memory KubeApi (__tests__/support/fake-kube-api.ts): the mode a
// frontend runs or will run, the change, and what a live run says before it writes.
import { describe, expect, it } from '@jest/globals';
import { makePlan } from '../../../../../src/plan.ts';
import type { EnvPatch } from '../../../../../src/model/contract.ts';
import { parseSettings, type Settings } from '../../../../../src/settings/settings.ts';
import { APPROXIMATE_KV } from '../../../../../src/plan.ts';
import { cautions, decide } from '../../../../../src/targets/kubernetes/decide/mode-decision.ts';
import { listsOf } from '../../../../../src/targets/kubernetes/decide/env-patch.ts';
import { envAt } from '../../../../../src/targets/kubernetes/object/dgd.ts';
import { workerSpecs } from '../../../../../src/targets/kubernetes/object/worker-spec.ts';
import { gitopsOwner } from '../../../../../src/targets/kubernetes/decide/other-writers.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';
import { findFrontend } from '../../../../../src/targets/kubernetes/resolve/find-frontend.ts';
import { decideKvEvents } from '../../../../../src/targets/kubernetes/decide/kv-events.ts';
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

describe('decide (pure)', () => {
  const frontendOf = async (object: JsonObject, settings: Settings) => {
    const api = cluster(object);
    return findFrontend(api, { k: settings.kubernetes!, modes: [], log: () => undefined });
  };

  it('without a mode: the mode the frontend runs, check only; approximate KV named with its note', async () => {
    const settings = settingsOf({});
    const found = await frontendOf(
      dgd([
        { name: 'DYN_ROUTER_MODE', value: 'kv' },
        { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
      ]),
      settings,
    );
    const decided = decide(settings, makePlan(settings), found, listsOf(found.object, found.loc));
    expect(decided).toEqual({
      mode: 'kv',
      modeReason: `no mode requested: read from DYN_ROUTER_MODE=kv on ${WHERE}; nothing was changed (check only)`,
      modeSetAt: `read from DYN_ROUTER_MODE=kv on ${WHERE}`,
      kvEvents: 'false',
      kvEventsReason:
        'the frontend runs approximate KV mode (DYN_ROUTER_USE_KV_EVENTS false or --no-router-kv-events)',
      limitations: [APPROXIMATE_KV],
    });
  });

  it('without a mode on kv with kv-events auto: the workers decide; round-robin by default says so', async () => {
    const settings = settingsOf({ 'kv-events': 'auto' });
    const kv = await frontendOf(dgd([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]), settings);
    const auto = decideKvEvents(workerSpecs(kv.object, kv.ref));
    const decided = decide(settings, makePlan(settings), kv, listsOf(kv.object, kv.loc));
    expect([decided.kvEvents, decided.kvEventsReason, decided.change]).toEqual([
      auto.kvEvents,
      auto.reason,
      undefined,
    ]);

    const plain = await frontendOf(dgd([]), settings);
    const rr = decide(settings, makePlan(settings), plain, listsOf(plain.object, plain.loc));
    expect(rr.mode).toBe('round-robin');
    expect(rr.modeReason).toMatch(
      /not set on .* no flag pins the mode: Dynamo's default, round-robin; nothing was changed/,
    );
    expect(rr.kvEvents).toBeUndefined();
  });

  it('with a mode: the planned env patch, in the output key order, before anything is written', async () => {
    const settings = settingsOf({ mode: 'kv', 'kv-events': 'true' });
    const found = await frontendOf(dgd(ROUND_ROBIN), settings);
    const decided = decide(settings, makePlan(settings), found, listsOf(found.object, found.loc));
    expect(decided.mode).toBe('kv');
    expect(decided.modeReason).toBe(
      `requested by the \`mode\` input; applied as DYN_ROUTER_MODE=kv on ${WHERE} only`,
    );
    const envPatch = decided.change?.envPatch as EnvPatch;
    expect(Object.keys(envPatch)).toEqual([
      'object',
      'namespace',
      'path',
      'set',
      'remove',
      'changed',
      'applied',
      'dryRun',
    ]);
    expect(envPatch).toMatchObject({
      object: WHERE,
      namespace: NS,
      path: '',
      set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
      changed: true,
      applied: false,
      dryRun: false,
    });
  });

  it('with a mode the args pin otherwise: args-pin-mode, whatever the env says', async () => {
    const settings = settingsOf({ mode: 'kv' });
    const found = await frontendOf(dgd(ROUND_ROBIN, { args: ['--router-mode', 'random'] }), settings);
    expect(() => decide(settings, makePlan(settings), found, listsOf(found.object, found.loc))).toThrow(
      expect.objectContaining({ code: 'args-pin-mode' }),
    );
  });

  it('cautions: a GitOps owner warns only when the run would write', async () => {
    const object = dgd(ROUND_ROBIN, { annotations: { 'argocd.argoproj.io/tracking-id': 'app:x' } });
    for (const [mode, warned] of [
      ['kv', 1],
      ['', 0],
    ] as const) {
      const settings = settingsOf({ mode });
      const found = await frontendOf(object, settings);
      const noted = cautions(settings, found, listsOf(found.object, found.loc), gitopsOwner(found.object));
      expect(noted.warnings).toHaveLength(warned);
      expect(noted.limitations).toEqual(noted.warnings);
    }
  });
});
