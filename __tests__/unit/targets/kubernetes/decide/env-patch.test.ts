// The merge patch that writes new env lists into a fresh copy of the object.
import { describe, expect, it } from '@jest/globals';
import {
  dgdRef,
  locateFrontend,
  mergePatchFor,
  withValueAt,
} from '../../../../../src/targets/kubernetes/object/dgd.ts';
import { computeEnvChange } from '../../../../../src/targets/kubernetes/decide/env-change.ts';
import { envPatchFor, listsOf } from '../../../../../src/targets/kubernetes/decide/env-patch.ts';
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

describe('merge patch', () => {
  it('v1alpha1: only the frontend env lists, with resourceVersion; never the graph env', () => {
    const loc = locateFrontend(alpha, dgdRef('ns', 'g', 'v1alpha1'));
    const before = listsOf(alpha, loc);
    const change = computeEnvChange(before, 'kv', 'off');
    const { patch } = envPatchFor(alpha, loc, before, change.lists);
    expect(patch).toEqual({
      // The mark lets a later run tell that an apply overwrote this change (router-env-annotation.ts).
      metadata: {
        resourceVersion: '7',
        annotations: {
          'dynamo-router-starter.nvidia.com/router-env': 'DYN_ROUTER_MODE=kv,DYN_ROUTER_USE_KV_EVENTS=false',
        },
      },
      spec: {
        services: {
          Frontend: {
            envs: [
              { name: 'A', value: '1' },
              { name: 'DYN_ROUTER_MODE', value: 'kv' },
              { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
            ],
          },
        },
      },
    });
  });

  it('v1beta1: the whole components list from the fresh read (merge patch replaces lists)', () => {
    const loc = locateFrontend(beta, dgdRef('ns', 'g', 'v1beta1'));
    const before = listsOf(beta, loc);
    const change = computeEnvChange(before, 'random', 'leave');
    const { patch } = envPatchFor(beta, loc, before, change.lists);
    const components = (patch.spec as JsonObject).components as JsonObject[];
    expect(components).toHaveLength(2);
    expect(components[0]).toEqual((beta.spec as JsonObject as { components: JsonObject[] }).components[0]);
    expect(JSON.stringify(components[1])).toContain(
      '"env":[{"name":"A","value":"1"},{"name":"DYN_ROUTER_MODE","value":"random"}]',
    );
    expect((patch.metadata as JsonObject).resourceVersion).toBe('9');
    expect(Object.keys(patch.spec as JsonObject)).toEqual(['components']);
  });

  it('the cluster write refuses to add a v1beta1 main container, which would have no image', () => {
    const obj: JsonObject = { metadata: {}, spec: { components: [{ name: 'Frontend', type: 'frontend' }] } };
    const loc = locateFrontend(obj, dgdRef('ns', 'g', 'v1beta1'));
    const before = listsOf(obj, loc);
    const change = computeEnvChange(before, 'kv', 'leave');
    expect(() => envPatchFor(obj, loc, before, change.lists)).toThrow(
      /no `main` container in spec\.components\[0\]\.podTemplate\.spec\.containers.*no `image`/,
    );
  });

  it('v1beta1 without a main container adds one named main', () => {
    const obj: JsonObject = { metadata: {}, spec: { components: [{ name: 'Frontend', type: 'frontend' }] } };
    const loc = locateFrontend(obj, dgdRef('ns', 'g', 'v1beta1'));
    const changed = withValueAt(obj, loc.containerEnvPath, [{ name: 'DYN_ROUTER_MODE', value: 'kv' }]);
    expect(mergePatchFor(changed, [loc.containerEnvPath], '1')).toEqual({
      metadata: { resourceVersion: '1' },
      spec: {
        components: [
          {
            name: 'Frontend',
            type: 'frontend',
            podTemplate: {
              spec: { containers: [{ name: 'main', env: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] }] },
            },
          },
        ],
      },
    });
  });
});
