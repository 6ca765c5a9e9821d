// The worker components of a DynamoGraphDeployment as their containers will run them.
import { describe, expect, it } from '@jest/globals';
import { dgdRef } from '../../../../../src/targets/kubernetes/object/dgd.ts';
import { workerSpecs } from '../../../../../src/targets/kubernetes/object/worker-spec.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';

const alpha: JsonObject = {
  apiVersion: 'nvidia.com/v1alpha1',
  kind: 'DynamoGraphDeployment',
  metadata: { name: 'g', namespace: 'ns', resourceVersion: '7' },
  spec: {
    envs: [{ name: 'GRAPH', value: 'x' }],
    services: {
      Frontend: {
        componentType: 'frontend',
        replicas: 2,
        envs: [{ name: 'A', value: '1' }],
        extraPodSpec: { mainContainer: { image: 'i', env: [{ name: 'M', value: 'm' }] } },
      },
      decode: {
        componentType: 'worker',
        extraPodSpec: {
          mainContainer: { command: ['python3', '-m', 'dynamo.mocker'], args: ['--model-path', 'x'] },
        },
      },
    },
  },
};

const beta: JsonObject = {
  apiVersion: 'nvidia.com/v1beta1',
  kind: 'DynamoGraphDeployment',
  metadata: { name: 'g', namespace: 'ns', resourceVersion: '9' },
  spec: {
    env: [{ name: 'GRAPH', value: 'x' }],
    components: [
      {
        name: 'decode',
        type: 'decode',
        podTemplate: {
          spec: { containers: [{ name: 'main', image: 'i', command: ['python3', '-m', 'dynamo.mocker'] }] },
        },
      },
      {
        name: 'Frontend',
        type: 'frontend',
        podTemplate: {
          spec: {
            containers: [
              { name: 'sidecar', image: 's' },
              { name: 'main', image: 'i', env: [{ name: 'A', value: '1' }] },
            ],
          },
        },
      },
    ],
  },
};

describe('workerSpecs', () => {
  it('lists the non-frontend components with their command lines', () => {
    expect(workerSpecs(alpha, dgdRef('ns', 'g', 'v1alpha1'))).toEqual([
      {
        component: 'decode',
        command: ['python3', '-m', 'dynamo.mocker'],
        args: ['--model-path', 'x'],
        argsPath: 'spec.services.decode.extraPodSpec.mainContainer.args',
        image: undefined,
        env: [
          { layer: 'graph', path: 'spec.envs', entries: [{ name: 'GRAPH', value: 'x' }] },
          { layer: 'component', path: 'spec.services.decode.envs', entries: [] },
          { layer: 'container', path: 'spec.services.decode.extraPodSpec.mainContainer.env', entries: [] },
        ],
      },
    ]);
    expect(workerSpecs(beta, dgdRef('ns', 'g', 'v1beta1')).map((w) => w.component)).toEqual(['decode']);
  });
});
