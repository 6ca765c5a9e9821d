// Pins a Kubernetes frontend honours besides its flags: DYN_ROUTER_LOAD_AWARE at any env level,
// and a router policy file.
import { describe, expect, it } from '@jest/globals';
import { dgdRef, locateFrontend } from '../../../src/targets/kubernetes/object/dgd.ts';
import type { JsonObject } from '../../../src/targets/kubernetes/object/json.ts';
import { routingPins } from '../../../src/pins/kubernetes-env.ts';

function alpha(opts: { graph?: unknown[]; envs?: unknown[]; env?: unknown[]; args?: string[] }): JsonObject {
  return {
    apiVersion: 'nvidia.com/v1alpha1',
    kind: 'DynamoGraphDeployment',
    metadata: { name: 'g', namespace: 'ns' },
    spec: {
      ...(opts.graph ? { envs: opts.graph } : {}),
      services: {
        Frontend: {
          componentType: 'frontend',
          ...(opts.envs ? { envs: opts.envs } : {}),
          extraPodSpec: {
            mainContainer: {
              image: 'i',
              ...(opts.env ? { env: opts.env } : {}),
              ...(opts.args ? { args: opts.args } : {}),
            },
          },
        },
      },
    },
  };
}

const pins = (object: JsonObject, mode: string, off = false) =>
  routingPins(object, locateFrontend(object, dgdRef('ns', 'g', 'v1alpha1')), mode, off);

describe('routing pins on a Kubernetes frontend', () => {
  it('refuses DYN_ROUTER_LOAD_AWARE wherever it reaches the frontend, naming where', () => {
    const graph = pins(alpha({ graph: [{ name: 'DYN_ROUTER_LOAD_AWARE', value: 'true' }] }), 'round-robin');
    expect(graph.failure?.code).toBe('args-pin-mode');
    expect(graph.failure?.message).toContain('spec.envs (graph-level env');
    const component = pins(alpha({ envs: [{ name: 'DYN_ROUTER_LOAD_AWARE', value: '1' }] }), 'kv');
    expect(component.failure?.message).toContain('spec.services.Frontend.envs');
    expect(component.failure?.hint).toMatch(/kv-events: false/);
    const container = pins(alpha({ env: [{ name: 'DYN_ROUTER_LOAD_AWARE', value: 'on' }] }), 'random');
    expect(container.failure?.message).toContain('spec.services.Frontend.extraPodSpec.mainContainer.env');
  });

  it('does not refuse DYN_ROUTER_LOAD_AWARE=true when the args say --no-load-aware (the flag wins)', () => {
    const object = alpha({
      envs: [{ name: 'DYN_ROUTER_LOAD_AWARE', value: 'true' }],
      args: ['-m', 'dynamo.frontend', '--no-load-aware'],
    });
    expect(pins(object, 'round-robin').failure).toBeUndefined();
  });

  it('lets the stronger list win and accepts what load-aware selects', () => {
    // The container says false: the graph's true never reaches the frontend.
    const overridden = alpha({
      graph: [{ name: 'DYN_ROUTER_LOAD_AWARE', value: 'true' }],
      env: [{ name: 'DYN_ROUTER_LOAD_AWARE', value: 'false' }],
    });
    expect(pins(overridden, 'random').failure).toBeUndefined();
    expect(
      pins(alpha({ envs: [{ name: 'DYN_ROUTER_LOAD_AWARE', value: 'true' }] }), 'kv', true).failure,
    ).toBeUndefined();
  });

  it('reports a router policy file by flag or env, saying its content is not visible', () => {
    const flag = pins(
      alpha({ args: ['-m', 'dynamo.frontend', '--router-policy-config', '/etc/router.yaml'] }),
      'kv',
    );
    expect(flag.failure).toBeUndefined();
    expect(flag.limitations[0].text).toContain(
      '`--router-policy-config /etc/router.yaml` in spec.services.Frontend.extraPodSpec.mainContainer.args',
    );
    expect(flag.limitations[0].text).toMatch(/not visible/);
    const env = pins(alpha({ graph: [{ name: 'DYN_ROUTER_POLICY_CONFIG', value: '/p.yaml' }] }), 'kv');
    expect(env.limitations[0].text).toContain('DYN_ROUTER_POLICY_CONFIG in spec.envs');
    expect(pins(alpha({}), 'kv').limitations).toEqual([]);
  });
});
