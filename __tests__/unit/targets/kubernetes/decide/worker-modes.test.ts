// workers-pin-mode: workers that advertise their own router mode (Dynamo 1.5+) refuse a run whose
// mode they would override.
import { describe, expect, it } from '@jest/globals';
import { knownRelease, unknownRelease } from '../../../../../src/releases/capabilities.ts';
import { dgdRef } from '../../../../../src/targets/kubernetes/object/dgd.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';
import {
  advertisedModes,
  commonAdvertisedMode,
  describeAdvertised,
  refuseWorkerModes,
} from '../../../../../src/targets/kubernetes/decide/worker-modes.ts';
import { workerSpecs } from '../../../../../src/targets/kubernetes/object/worker-spec.ts';

const R161 = knownRelease('1.6.1', 'frontend image tag');
const MOCKER = ['python3', '-m', 'dynamo.mocker'];

/** A v1alpha1 graph: a frontend and two mocker workers, with env at the levels given. */
function alpha(
  graph: object[] = [],
  worker: { envs?: object[]; env?: object[]; args?: string[] } = {},
): JsonObject {
  return {
    apiVersion: 'nvidia.com/v1alpha1',
    kind: 'DynamoGraphDeployment',
    metadata: { name: 'g', namespace: 'ns' },
    spec: {
      ...(graph.length ? { envs: graph } : {}),
      services: {
        Frontend: { componentType: 'frontend', envs: [{ name: 'DYN_ROUTER_MODE', value: 'round-robin' }] },
        Prefill: {
          componentType: 'worker',
          ...(worker.envs ? { envs: worker.envs } : {}),
          extraPodSpec: {
            mainContainer: {
              image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.6.1',
              command: MOCKER,
              args: worker.args ?? ['--model-path', '/m'],
              ...(worker.env ? { env: worker.env } : {}),
            },
          },
        },
        Decode: {
          componentType: 'worker',
          subComponentType: 'decode',
          extraPodSpec: { mainContainer: { command: MOCKER, args: ['--is-decode-worker'] } },
        },
      },
    },
  };
}

const beta: JsonObject = {
  apiVersion: 'nvidia.com/v1beta1',
  kind: 'DynamoGraphDeployment',
  metadata: { name: 'g', namespace: 'ns' },
  spec: {
    env: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
    components: [
      { name: 'Frontend', type: 'frontend', podTemplate: { spec: { containers: [{ name: 'main' }] } } },
      {
        name: 'Worker',
        type: 'worker',
        podTemplate: { spec: { containers: [{ name: 'main', command: MOCKER, args: [] }] } },
      },
    ],
  },
};

const kvEnv = { name: 'DYN_ROUTER_MODE', value: 'kv' };

describe('workers-pin-mode', () => {
  const ref = dgdRef('ns', 'g', 'v1alpha1');

  it('graph-level DYN_ROUTER_MODE=kv refuses round-robin, naming spec.envs and every worker it reaches', () => {
    const found = advertisedModes(workerSpecs(alpha([kvEnv]), ref), R161);
    const failure = refuseWorkerModes(found, ['round-robin'], R161);
    expect(failure?.code).toBe('workers-pin-mode');
    expect(failure?.message).toMatch(/DYN_ROUTER_MODE=kv in spec\.envs \(the graph-level env/);
    expect(failure?.message).toMatch(/workers Prefill, Decode/);
    expect(failure?.message).toMatch(/Nothing was written/);
    expect(failure?.hint).toBe(
      "remove DYN_ROUTER_MODE=kv from spec.envs (set the frontend's mode on the frontend component instead), or set `mode: kv`",
    );
    // The same mode is no conflict.
    expect(refuseWorkerModes(found, ['kv'], R161)).toBeUndefined();
  });

  it('v1beta1 names spec.env', () => {
    const found = advertisedModes(workerSpecs(beta, dgdRef('ns', 'g', 'v1beta1')), R161);
    expect(refuseWorkerModes(found, ['random'], R161)?.message).toMatch(/DYN_ROUTER_MODE=kv in spec\.env \(/);
  });

  it("a worker's own --router-mode beats its env, and names the args", () => {
    const found = advertisedModes(
      workerSpecs(alpha([kvEnv], { args: ['--model-path', '/m', '--router-mode', 'random'] }), ref),
      R161,
    );
    const failure = refuseWorkerModes(found, ['kv'], R161);
    expect(failure?.message).toMatch(
      /--router-mode random in spec\.services\.Prefill\.extraPodSpec\.mainContainer\.args \(worker Prefill\)/,
    );
    expect(failure?.hint).toMatch(/change or remove --router-mode random in spec\.services\.Prefill/);
  });

  it('compare-modes are checked too', () => {
    const found = advertisedModes(workerSpecs(alpha([kvEnv]), ref), R161);
    expect(refuseWorkerModes(found, ['kv', 'round-robin', 'kv'], R161)?.code).toBe('workers-pin-mode');
  });

  it('releases before 1.5 do not advertise; an unknown release is treated as one that does', () => {
    const workers = workerSpecs(alpha([kvEnv]), ref);
    const old = advertisedModes(workers, knownRelease('1.4.2', 'frontend image tag'));
    expect(old.advertised).toEqual([]);
    expect(refuseWorkerModes(old, ['round-robin'], undefined)).toBeUndefined();
    const unknown = unknownRelease('custom image');
    const failure = refuseWorkerModes(advertisedModes(workers, unknown), ['round-robin'], unknown);
    expect(failure?.message).toMatch(/Dynamo 1\.5 and later route \(the release is unknown here\)/);
  });

  it('check only: the workers’ common mode, and a sentence saying what they advertise', () => {
    const workers = workerSpecs(alpha([kvEnv]), ref);
    const found = advertisedModes(workers, R161);
    expect(commonAdvertisedMode(found, workers)?.mode).toBe('kv');
    expect(describeAdvertised(found)[0].text).toMatch(
      /^workers Prefill, Decode advertise router mode kv in the model card/,
    );
    // Some workers only: no common mode.
    const some = advertisedModes(workerSpecs(alpha([], { envs: [kvEnv] }), ref), R161);
    expect(commonAdvertisedMode(some, workerSpecs(alpha([], { envs: [kvEnv] }), ref))).toBeUndefined();
  });
});
