// Resolving the frontend Service's name from the deployment, as the operator names it.
import { describe, expect, it } from '@jest/globals';
import { RunFailure } from '../../../../../src/model/failure.ts';
import type { KubernetesSettings } from '../../../../../src/settings/kubernetes.ts';
import type { KubeApi } from '../../../../../src/targets/kubernetes/api/kube-api.ts';
import type { ObjectRef } from '../../../../../src/targets/kubernetes/object/dgd.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';
import { resolveTarget } from '../../../../../src/targets/kubernetes/resolve/find-frontend.ts';

/** A DGD whose frontend component is not called Frontend: the operator names the Service after it. */
const dgd: JsonObject = {
  apiVersion: 'nvidia.com/v1beta1',
  kind: 'DynamoGraphDeployment',
  metadata: { name: 'llm', namespace: 'ns' },
  spec: {
    components: [
      { name: 'Router', type: 'frontend', podTemplate: { spec: { containers: [{ name: 'main' }] } } },
      { name: 'worker', type: 'worker' },
    ],
  },
};

function fakeApi(services: Record<string, JsonObject>): { api: KubeApi; asked: string[] } {
  const asked: string[] = [];
  const notFound = (what: string) =>
    new RunFailure('not-found', `Not found (404) while trying to get ${what}.`);
  const api = {
    server: 'https://fake',
    resourceVersions: async () => ['v1beta1'],
    getObject: async (ref: ObjectRef) => {
      if (ref.kind === 'dgd' && ref.name === 'llm') return structuredClone(dgd);
      throw notFound(ref.name);
    },
    getService: async (_ns: string, name: string) => {
      asked.push(name);
      if (services[name]) return services[name];
      throw notFound(`Service ${name}`);
    },
    namespaceExists: async () => true,
  } as unknown as KubeApi;
  return { api, asked };
}

const settings = (k: Partial<KubernetesSettings>) => k as KubernetesSettings;

describe('resolveTarget: the frontend Service name', () => {
  it('reads the DGD first and derives <dgd>-<frontend component lower case>', async () => {
    const svc = {
      metadata: { name: 'llm-router', labels: { 'nvidia.com/dynamo-graph-deployment-name': 'llm' } },
    };
    const { api, asked } = fakeApi({ 'llm-router': svc });
    const target = await resolveTarget(api, 'ns', settings({ deployment: 'llm' }), undefined);
    expect(asked).toEqual(['llm-router']);
    expect(target.serviceName).toBe('llm-router');
    expect(target.loc.component).toBe('Router');
  });

  it('reads the DGD once when the Service name came from it (same version)', async () => {
    const svc = {
      metadata: { name: 'llm-router', labels: { 'nvidia.com/dynamo-graph-deployment-name': 'llm' } },
    };
    const { api } = fakeApi({ 'llm-router': svc });
    const got: string[] = [];
    const getObject = api.getObject.bind(api);
    api.getObject = (ref: ObjectRef) => {
      got.push(`${ref.version}/${ref.name}`);
      return getObject(ref);
    };
    const target = await resolveTarget(api, 'ns', settings({ deployment: 'llm' }), undefined);
    expect(got).toEqual(['v1beta1/llm']);
    expect(target.ref.version).toBe('v1beta1');
    expect(target.loc.component).toBe('Router');
  });

  it('falls back to <name>-frontend without a DGD of that name, and the hint names the rule', async () => {
    const { api, asked } = fakeApi({});
    const error = await resolveTarget(api, 'ns', settings({ deployment: 'plain' }), undefined).catch(
      (e: unknown) => e as RunFailure,
    );
    expect(asked).toEqual(['plain-frontend']);
    expect(error).toBeInstanceOf(RunFailure);
    expect((error as RunFailure).hint).toMatch(
      /<dgd-name>-<frontend component name>` in lower case with dots as dashes/,
    );
  });
});
