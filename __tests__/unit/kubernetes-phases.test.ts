// The Kubernetes target's phases against an in-memory KubeApi (__tests__/support/fake-kube-api.ts):
// decide (pure), the one conflict-safe rewrite used by the first write, compare's switches and
// the rollback (each through a 409), the rollback as a returned AfterFailure, the superseded
// write, and the order of openKubernetesTarget (no write before a refusal, none in a dry run).
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { RunFailure } from '../../src/model/failure.ts';
import { makePlan } from '../../src/plan.ts';
import type { EnvPatch } from '../../src/model/contract.ts';
import type { TargetDeps } from '../../src/session.ts';
import { parseSettings, type Settings } from '../../src/settings/settings.ts';
import { TargetFailure } from '../../src/targets/target-failure.ts';
import { applyChange, type EnvWriter } from '../../src/targets/kubernetes/write/env-write.ts';
import { modeSwitcher } from '../../src/targets/kubernetes/write/mode-switcher.ts';
import type { Credentials } from '../../src/targets/kubernetes/api/credentials.ts';
import { APPROXIMATE_KV } from '../../src/plan.ts';
import { cautions, decide } from '../../src/targets/kubernetes/decide/mode-decision.ts';
import { listsOf } from '../../src/targets/kubernetes/decide/env-patch.ts';
import { dgdRef, envAt } from '../../src/targets/kubernetes/object/dgd.ts';
import { workerSpecs } from '../../src/targets/kubernetes/object/worker-spec.ts';
import { gitopsOwner } from '../../src/targets/kubernetes/decide/other-writers.ts';
import type { JsonObject } from '../../src/targets/kubernetes/object/json.ts';
import { readRecipe } from '../../src/targets/kubernetes/recipe/read.ts';
import { findFrontend, type Frontend } from '../../src/targets/kubernetes/resolve/find-frontend.ts';
import { failedAfterWrite, rollBack } from '../../src/targets/kubernetes/write/rollback.ts';
import { openKubernetesTarget } from '../../src/targets/kubernetes/kubernetes-target.ts';
import { decideKvEvents } from '../../src/targets/kubernetes/decide/kv-events.ts';
import { fakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.ts';

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
