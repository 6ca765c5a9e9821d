// Where the frontend lives inside a DynamoGraphDeployment (either version) or a Deployment.
import { describe, expect, it } from '@jest/globals';
import {
  deploymentRef,
  dgdRef,
  envAt,
  locateFrontend,
} from '../../../../../src/targets/kubernetes/object/dgd.ts';
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

describe('locateFrontend', () => {
  it('finds the v1alpha1 frontend service and its two env lists', () => {
    const loc = locateFrontend(alpha, dgdRef('ns', 'g', 'v1alpha1'));
    expect(loc.component).toBe('Frontend');
    expect(loc.replicas).toBe(2);
    expect(envAt(alpha, loc.componentEnvPath)).toEqual([{ name: 'A', value: '1' }]);
    expect(envAt(alpha, loc.containerEnvPath)).toEqual([{ name: 'M', value: 'm' }]);
  });

  it('finds the v1beta1 frontend component and its main container', () => {
    const loc = locateFrontend(beta, dgdRef('ns', 'g', 'v1beta1'));
    expect(loc.component).toBe('Frontend');
    expect(loc.componentEnvPath).toBeUndefined();
    expect(loc.containerEnvPath).toEqual([
      'spec',
      'components',
      '1',
      'podTemplate',
      'spec',
      'containers',
      '1',
      'env',
    ]);
  });

  it('finds the dynamo.frontend container of a plain Deployment', () => {
    const deployment: JsonObject = {
      metadata: { name: 'fe', resourceVersion: '3' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'fe' } },
        template: {
          spec: {
            containers: [
              { name: 'proxy', image: 'p' },
              { name: 'frontend', command: ['python3', '-m', 'dynamo.frontend'] },
            ],
          },
        },
      },
    };
    const loc = locateFrontend(deployment, deploymentRef('ns', 'fe'));
    expect(loc.containerName).toBe('frontend');
    expect(loc.podLabels).toEqual({ app: 'fe' });
  });

  it('fails clearly without a frontend component', () => {
    expect(() => locateFrontend({ spec: { services: {} } }, dgdRef('ns', 'g', 'v1alpha1'))).toThrow(
      /no frontend component/,
    );
  });

  it('names the frontendSidecar case (both API versions) instead of "no frontend component"', () => {
    const alphaSidecar = {
      spec: {
        services: {
          VllmWorker: { componentType: 'worker', frontendSidecar: { image: 'nvcr.io/x:1.6.1', args: [] } },
        },
      },
    };
    const betaSidecar = {
      spec: { components: [{ name: 'worker', type: 'worker', frontendSidecar: 'sidecar-frontend' }] },
    };
    for (const [obj, version, host] of [
      [alphaSidecar, 'v1alpha1', 'VllmWorker'],
      [betaSidecar, 'v1beta1', 'worker (container sidecar-frontend)'],
    ] as const) {
      let message = '';
      try {
        locateFrontend(obj, dgdRef('ns', 'g', version));
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`runs its frontend as a frontendSidecar of ${host}`);
      expect(message).not.toMatch(/has no frontend component/);
    }
  });
});
