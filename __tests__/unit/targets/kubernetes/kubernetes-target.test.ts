// openKubernetesTarget, against an in-memory KubeApi (__tests__/support/fake-kube-api.ts): the
// phases in order, the session built once, a rollback coming back as a value.
import { describe, expect, it } from '@jest/globals';
import { RunFailure } from '../../../../src/model/failure.ts';
import { makePlan } from '../../../../src/plan.ts';
import type { TargetDeps } from '../../../../src/session.ts';
import { parseSettings, type Settings } from '../../../../src/settings/settings.ts';
import { TargetFailure } from '../../../../src/targets/target-failure.ts';
import type { Credentials } from '../../../../src/targets/kubernetes/api/credentials.ts';
import { envAt } from '../../../../src/targets/kubernetes/object/dgd.ts';
import type { JsonObject } from '../../../../src/targets/kubernetes/object/json.ts';
import { openKubernetesTarget } from '../../../../src/targets/kubernetes/kubernetes-target.ts';
import { fakeKubeApi, type FakeKubeApi } from '../../../support/fake-kube-api.ts';

const NS = 'dynamo';
const SELECTOR = { 'nvidia.com/selector': 'agg-frontend' };
const CONTAINER_ENV = ['spec', 'services', 'Frontend', 'extraPodSpec', 'mainContainer', 'env'];
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

function recorder(): { deps: TargetDeps; events: string[] } {
  const events: string[] = [];
  const deps: TargetDeps = {
    log: {
      info: (line) => events.push(`info ${line}`),
      warning: (line) => events.push(`warning ${line}`),
      async group(title, body) {
        events.push(`group ${title}`);
        try {
          return await body();
        } finally {
          events.push(`end ${title}`);
        }
      },
    },
  };
  return { deps, events };
}

const creds = (api: FakeKubeApi): Credentials =>
  ({ kc: undefined, source: 'a test', server: api.server, context: 'test' }) as unknown as Credentials;

async function open(api: FakeKubeApi, settings: Settings) {
  const { deps, events } = recorder();
  const session = openKubernetesTarget(settings, makePlan(settings), deps, async () => ({
    creds: creds(api),
    api,
  }));
  return { session, events };
}

const patches = (api: FakeKubeApi) => api.calls.filter((c) => c.startsWith('patchObject'));

describe('openKubernetesTarget: the phases in order', () => {
  it('a mode the release lacks is refused after resolving, before any pod is listed or anything written', async () => {
    const api = cluster(dgd(ROUND_ROBIN));
    const { session } = await open(api, settingsOf({ mode: 'power-of-two' }));
    await expect(session).rejects.toMatchObject({ code: 'unsupported-mode', release: { version: '1.0.2' } });
    expect(api.calls.filter((c) => /^(patchObject|listPods)/.test(c))).toEqual([]);
  });

  it("Grove's OnDelete is refused after listing the pods and before any write, pointing at them", async () => {
    const api = cluster(
      dgd(ROUND_ROBIN, { annotations: { 'nvidia.com/grove-update-strategy': 'OnDelete' } }),
    );
    for (const pod of api.pods.get(NS) ?? [])
      pod.owners = [{ apiVersion: 'grove.io/v1alpha1', kind: 'PodClique', name: 'c' }];
    const { session } = await open(api, settingsOf({ mode: 'kv' }));
    await expect(session).rejects.toMatchObject({
      code: 'will-not-roll',
      where: {
        namespace: NS,
        service: `${NS}/agg-frontend`,
        frontendSelector: 'nvidia.com/selector=agg-frontend',
      },
    });
    expect(api.calls.some((c) => c.startsWith('listPods'))).toBe(true);
    expect(patches(api)).toEqual([]);
  });

  it('a dry run writes nothing: the patch shown, the mode as it is, nothing to switch or roll back', async () => {
    const api = cluster(dgd(ROUND_ROBIN));
    const { session, events } = await open(api, settingsOf({ mode: 'kv', 'dry-run': 'true' }));
    const opened = await session;
    expect(patches(api)).toEqual([]);
    expect(opened.mode).toBe('round-robin');
    expect(opened.modeReason).toMatch(
      /^dry run: read from DYN_ROUTER_MODE=round-robin .* the change to kv was computed but not written$/,
    );
    expect(opened.envPatch).toMatchObject({
      applied: false,
      dryRun: true,
      changed: true,
      path: expect.stringContaining(CONTAINER_ENV.join('.')),
    });
    expect(opened.details[0].text).toMatch(
      /^# 1\. Read the frontend's object\n.*\n\n# 2\. The change \(dry run: not applied\)\nkubectl patch .*\n\n# 3\. Check it\n/,
    );
    expect([opened.switcher, opened.onCheckFailed, opened.afterCheck]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(events.filter((e) => e.startsWith('group'))).toEqual([]);
  });

  it('a live run: write, then the Rollout group; the session is built once and a rollback comes back as a value', async () => {
    const api = cluster(dgd(ROUND_ROBIN));
    const { session, events } = await open(
      api,
      settingsOf({ mode: 'kv', 'kv-events': 'true', 'rollback-on-failure': 'true' }),
    );
    const opened = await session;
    expect(events.map((e) => e.replace(/ in [\d.]+ s:.*/, '').replace(/:.*/, ''))).toEqual([
      'info Frontend',
      'info Patched dynamographdeployment.nvidia.com/agg (v1alpha1), component Frontend',
      'group Rollout',
      'info Rollout finished',
      'end Rollout',
    ]);
    expect(opened.baseUrl).toBe('http://127.0.0.1:8000');
    expect(opened.envPatch).toMatchObject({ applied: true, changed: true });
    expect(opened.limitations.at(-1)?.text).toMatch(/base-url\) instead of a port-forward/);
    expect(await opened.afterCheck?.()).toEqual([]);
    const after = await opened.onCheckFailed?.(new RunFailure('chat-error', 'boom'));
    expect(after?.envPatch).toEqual({ ...opened.envPatch, rolledBack: true });
    expect(opened.envPatch?.rolledBack).toBeUndefined();
    expect(after?.details.map((d) => d.title)).toEqual(['Rollback']);
    expect(modeOf(api)).toBe('round-robin');
    // Reverted since (a GitOps sync): the after-check says the change did not last.
    const notes = await opened.afterCheck?.();
    expect(notes).toHaveLength(1);
    expect(notes?.[0].text).toMatch(new RegExp(`^The router env this run set on .* is gone: reverted by `));
  });

  it('a rollout that stalls after the write: rolled back, and the failure carries the env patch and where', async () => {
    const api = cluster(dgd(ROUND_ROBIN), false);
    const settings = settingsOf({ mode: 'kv', 'rollback-on-failure': 'true' });
    const quick = { ...settings, kubernetes: { ...settings.kubernetes!, rolloutTimeoutMs: 600 } };
    const { session } = await open(api, quick);
    const failure = (await session.catch((e: unknown) => e)) as TargetFailure;
    expect(failure).toBeInstanceOf(TargetFailure);
    expect(failure.code).toBe('rollout-timeout');
    expect(failure.message).toMatch(/ The previous env was restored \(rollback-on-failure\)\.$/);
    expect(failure.envPatch).toMatchObject({ applied: true, rolledBack: true });
    expect(failure.where).toEqual({
      namespace: NS,
      frontendSelector: 'nvidia.com/selector=agg-frontend',
      service: `${NS}/agg-frontend`,
    });
    expect(failure.details.map((d) => d.title)).toEqual(['Rollout state', 'Rollback']);
    expect(patches(api)).toHaveLength(2);
    expect(modeOf(api)).toBe('round-robin');
  });
});
