// The one conflict-safe rewrite of the router env, used by the first write, compare's switches and
// the rollback, against an in-memory KubeApi.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { RunFailure } from '../../../../../src/model/failure.ts';
import { makePlan } from '../../../../../src/plan.ts';
import type { EnvPatch } from '../../../../../src/model/contract.ts';
import { parseSettings, type Settings } from '../../../../../src/settings/settings.ts';
import { applyChange, type EnvWriter } from '../../../../../src/targets/kubernetes/write/env-write.ts';
import { modeSwitcher } from '../../../../../src/targets/kubernetes/write/mode-switcher.ts';
import { decide } from '../../../../../src/targets/kubernetes/decide/mode-decision.ts';
import { listsOf } from '../../../../../src/targets/kubernetes/decide/env-patch.ts';
import { dgdRef, envAt } from '../../../../../src/targets/kubernetes/object/dgd.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';
import { readRecipe } from '../../../../../src/targets/kubernetes/recipe/read.ts';
import { findFrontend, type Frontend } from '../../../../../src/targets/kubernetes/resolve/find-frontend.ts';
import { rollBack } from '../../../../../src/targets/kubernetes/write/rollback.ts';
import { fakeKubeApi, type FakeKubeApi } from '../../../../support/fake-kube-api.ts';

const NS = 'dynamo';
const REF = dgdRef(NS, 'agg', 'v1alpha1');
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

/** Another writer's change lands between this run's read and its patch, once: the patch meets a 409. */
function conflictOnce(api: FakeKubeApi): void {
  let raced = false;
  api.before.patchObject = () => {
    if (raced) return;
    raced = true;
    api.edit(REF, (o) => {
      (o.metadata as JsonObject).labels = { touched: 'by-another-writer' };
    });
  };
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

describe('apply: one conflict-safe rewrite for the first write, the switches and the rollback', () => {
  it('first write: a 409 re-reads and writes once more; the env patch says what was written', async () => {
    const api = cluster(dgd(ROUND_ROBIN));
    const settings = settingsOf({ mode: 'kv', 'kv-events': 'true' });
    const lines: string[] = [];
    const writer = await writerFor(api, settings, lines);
    const { change } = decide(settings, makePlan(settings), writer.frontend, writer.original);
    conflictOnce(api);
    const write = await applyChange(writer, change!, settings, makePlan(settings));
    expect(patches(api)).toHaveLength(2);
    expect(lines).toEqual([`Patched ${WHERE}: DYN_ROUTER_MODE=kv (after 1 conflict(s)).`]);
    expect(write.written).toBe(true);
    expect(write.envPatch).toMatchObject({
      applied: true,
      path: CONTAINER_ENV.join('.'),
      set: change!.planned.set,
    });
    expect(write.steps.map((s) => s.title)).toEqual([
      "Change the frontend's env (merge patch; the action adds metadata.resourceVersion)",
      'Watch the frontend pods roll',
    ]);
    expect(modeOf(api)).toBe('kv');
    // The other writer's change stands beside ours.
    expect(stored(api).metadata).toMatchObject({
      labels: { touched: 'by-another-writer' },
    });
  });

  it('compare switches: each through a 409, waiting for the rollout; restore puts the found env back', async () => {
    const api = cluster(dgd(ROUND_ROBIN));
    const settings = settingsOf({ 'compare-modes': 'random,kv' });
    const lines: string[] = [];
    const switcher = modeSwitcher(
      await writerFor(api, settings, lines),
      settings,
      makePlan(settings),
      'http://x',
    );
    conflictOnce(api);
    expect(await switcher.switchTo('random')).toBe('http://x');
    expect(modeOf(api)).toBe('random');
    expect(patches(api)).toHaveLength(2);
    expect(lines[0]).toBe(`Patched ${WHERE}; waiting for the frontend pods to roll …`);
    expect(lines[1]).toMatch(/^Rollout finished in [\d.]+ s: 1\/1 pod\(s\) Ready with the new env/);
    await switcher.restore();
    expect(envAt(stored(api), CONTAINER_ENV)).toEqual(ROUND_ROBIN);
  });

  it('rollback: through a 409, returned as an AfterFailure; the env patch given is not changed', async () => {
    // The run found round-robin and wrote kv.
    const api = cluster(
      dgd([
        { name: 'OTHER', value: 'x' },
        { name: 'DYN_ROUTER_MODE', value: 'kv' },
      ]),
    );
    const writer = {
      ...(await writerFor(api, settingsOf({ mode: 'kv' }))),
      original: { container: ROUND_ROBIN },
    };
    const written = { applied: true, set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] } as EnvPatch;
    conflictOnce(api);
    const after = await rollBack(writer, written);
    expect(patches(api)).toHaveLength(2);
    expect(modeOf(api)).toBe('round-robin');
    expect(after.envPatch).toEqual({ ...written, rolledBack: true });
    expect(written.rolledBack).toBeUndefined();
    expect(after.details).toHaveLength(1);
    expect(after.details[0].title).toBe('Rollback');
    expect(after.details[0].text).toMatch(
      new RegExp(
        `^Restored DYN_ROUTER_MODE=round-robin on ${WHERE.replace(/[.()]/g, '\\$&')}\\.\\nkubectl patch `,
      ),
    );
    expect(after.limitations).toEqual([
      {
        id: 'rolled-back',
        text: 'The check failed, so the previous router env was restored (rollback-on-failure); the change is reported together with its rollback.',
      },
    ]);
  });

  it('rollback whose recipe cannot be restored: the env rollback stays recorded, the recipe is named', async () => {
    const api = cluster(dgd([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]));
    const lines: string[] = [];
    const writer = {
      ...(await writerFor(api, settingsOf({ mode: 'kv' }), lines)),
      original: { container: ROUND_ROBIN },
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'phases-recipe-'));
    try {
      const file = path.join(dir, 'deploy.yaml');
      writeFileSync(file, stringify(dgd(ROUND_ROBIN)));
      const recipe = readRecipe(file, { write: true });
      // Someone swaps the file for a link meanwhile: the restore must not write through it.
      renameSync(file, path.join(dir, 'elsewhere.yaml'));
      symlinkSync(path.join(dir, 'elsewhere.yaml'), file);
      const written = { applied: true, set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] } as EnvPatch;
      const after = await rollBack(writer, written, { recipe, text: 'the text before' });
      expect(modeOf(api)).toBe('round-robin');
      expect(after.envPatch).toEqual({ ...written, rolledBack: true });
      expect(after.details.map((d) => d.title)).toEqual(['Rollback', 'Recipe not restored']);
      expect(after.limitations[1].text).toMatch(
        new RegExp(
          `^The recipe ${file.replace(/[.]/g, '\\.')} could not be restored and still carries this run's change \\(Input \`recipe\``,
        ),
      );
      expect(readFileSync(path.join(dir, 'elsewhere.yaml'), 'utf8')).not.toBe('the text before');
      expect(lines.at(-1)).toMatch(/^Recipe .* not restored: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rollback that fails: rolledBack false, the failure as a detail and a limitation; never throws', async () => {
    const api = cluster(dgd(ROUND_ROBIN));
    const lines: string[] = [];
    const writer = await writerFor(api, settingsOf({ mode: 'kv' }), lines);
    api.failing.getObject = new RunFailure('cluster-forbidden', 'Forbidden (403) while trying to get it.');
    const after = await rollBack(writer, { applied: true } as EnvPatch);
    expect(after.envPatch.rolledBack).toBe(false);
    expect(after.details).toEqual([
      { title: 'Rollback failed', text: 'cluster-forbidden: Forbidden (403) while trying to get it.' },
    ]);
    expect(after.limitations).toEqual([
      {
        id: 'rollback-failed',
        text: 'Rollback failed (cluster-forbidden): the frontend may still run the new mode. Forbidden (403) while trying to get it.',
      },
    ]);
    expect(lines.at(-1)).toBe('Rollback failed: Forbidden (403) while trying to get it.');
    expect(patches(api)).toEqual([]);
  });
});
