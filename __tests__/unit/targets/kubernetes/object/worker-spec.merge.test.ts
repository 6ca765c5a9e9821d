// The workers' env as the operator merges it: one answer where every operator generation agrees,
// both where they differ.
import { describe, expect, it } from '@jest/globals';
import { dgdRef } from '../../../../../src/targets/kubernetes/object/dgd.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';
import {
  standaloneRouters,
  workerEnv,
  workerSpecs,
} from '../../../../../src/targets/kubernetes/object/worker-spec.ts';
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

describe('worker env as the operator merges it', () => {
  it('graph env reaches every worker; one answer where every operator generation agrees', () => {
    const [prefill] = workerSpecs(alpha([kvEnv]), dgdRef('ns', 'g', 'v1alpha1'));
    expect(workerEnv(prefill, 'DYN_ROUTER_MODE')).toEqual([
      { entry: kvEnv, path: 'spec.envs', layer: 'graph' },
    ]);
  });

  it('component envs beat the graph env in both generations', () => {
    const rr = { name: 'DYN_ROUTER_MODE', value: 'round-robin' };
    const [prefill] = workerSpecs(alpha([kvEnv], { envs: [rr] }), dgdRef('ns', 'g', 'v1alpha1'));
    expect(workerEnv(prefill, 'DYN_ROUTER_MODE').map((e) => e.entry)).toEqual([rr]);
  });

  it('main container env against graph/component env: the generations disagree, so both are kept', () => {
    const rr = { name: 'DYN_ROUTER_MODE', value: 'round-robin' };
    const [prefill] = workerSpecs(alpha([kvEnv], { env: [rr] }), dgdRef('ns', 'g', 'v1alpha1'));
    // Current operators: container > component > graph; earlier v1alpha1 ones: component > graph > container.
    expect(workerEnv(prefill, 'DYN_ROUTER_MODE').map((e) => e.path)).toEqual([
      'spec.services.Prefill.extraPodSpec.mainContainer.env',
      'spec.envs',
    ]);
  });

  it('v1beta1: spec.env under the main container env', () => {
    const [worker] = workerSpecs(beta, dgdRef('ns', 'g', 'v1beta1'));
    expect(workerEnv(worker, 'DYN_ROUTER_MODE')).toEqual([
      { entry: kvEnv, path: 'spec.env', layer: 'graph' },
    ]);
  });

  it('a standalone router component is not a worker', () => {
    const object = alpha();
    (object.spec as { services: Record<string, unknown> }).services.Router = {
      componentType: 'main',
      extraPodSpec: { mainContainer: { command: ['python3', '-m', 'dynamo.router'] } },
    };
    const ref = dgdRef('ns', 'g', 'v1alpha1');
    expect(workerSpecs(object, ref).map((w) => w.component)).toEqual(['Prefill', 'Decode']);
    expect(standaloneRouters(object, ref)).toEqual(['Router']);
  });
});
