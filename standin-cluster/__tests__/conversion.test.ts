// Golden cases for the stand-in's DGD env conversion, which is ported from ai-dynamo/dynamo
// deploy/operator/api/v1alpha1/shared_spec_conversion.go. Each case states the Go function whose
// behaviour it pins; the product's patches are only as trustworthy as this conversion.
import { describe, expect, test } from '@jest/globals';
import { DGD_SPEC_ANNOTATION, dgdAlphaToBeta, dgdBetaToAlpha, mergeEnvs } from '../resources.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary Kubernetes JSON
type AnyObj = Record<string, any>;
const e = (name: string, value: string) => ({ name, value });

function alpha(frontend: AnyObj): AnyObj {
  return {
    apiVersion: 'nvidia.com/v1alpha1',
    kind: 'DynamoGraphDeployment',
    metadata: { name: 'g', namespace: 'ns' },
    spec: { services: { Frontend: { componentType: 'frontend', replicas: 1, ...frontend } } },
  };
}
const betaMain = (b: AnyObj) => b.spec.components[0].podTemplate.spec.containers[0];

describe('mergeEnvs (shared_spec_conversion.go): common then specific, de-duplicated by name', () => {
  test('a specific entry replaces the common one in place; new ones are appended', () => {
    expect(mergeEnvs([e('A', '1'), e('B', '2')], [e('B', '3'), e('C', '4')])).toEqual([
      e('A', '1'),
      e('B', '3'),
      e('C', '4'),
    ]);
  });
  test('empty inputs give an empty list', () => {
    expect(mergeEnvs([], [])).toEqual([]);
  });
});

describe('v1alpha1 -> v1beta1 (buildPodTemplateToHub, saveSharedMainContainerOrigins)', () => {
  test('envs and mainContainer.env merge into the main container; the split is saved in nvidia.com/dgd-spec', () => {
    const b = dgdAlphaToBeta(
      alpha({
        envs: [e('A', '1'), e('X', 'envs')],
        extraPodSpec: { mainContainer: { image: 'i', env: [e('X', 'main'), e('B', '2')] } },
      }),
    );
    expect(betaMain(b)).toMatchObject({
      name: 'main',
      image: 'i',
      env: [e('A', '1'), e('X', 'main'), e('B', '2')],
    });
    expect(JSON.parse(b.metadata.annotations[DGD_SPEC_ANNOTATION])).toEqual({
      services: {
        Frontend: {
          envs: [e('A', '1'), e('X', 'envs')],
          extraPodSpec: { mainContainer: { env: [e('X', 'main'), e('B', '2')] } },
        },
      },
    });
  });
  test('envs without a mainContainer need no save (saveSharedMainContainerOrigins returns early)', () => {
    const b = dgdAlphaToBeta(alpha({ envs: [e('A', '1')] }));
    expect(betaMain(b).env).toEqual([e('A', '1')]);
    expect(b.metadata.annotations?.[DGD_SPEC_ANNOTATION]).toBeUndefined();
  });
});

describe('v1beta1 -> v1alpha1 (restoreDedicatedFieldsFromMain, restoreMainContainerFieldOrigins)', () => {
  const original = alpha({
    envs: [e('A', '1')],
    extraPodSpec: { mainContainer: { image: 'i', env: [e('B', '2')] } },
  });
  test('unchanged merged env: the alpha split comes back exactly, annotation scrubbed', () => {
    const back = dgdBetaToAlpha(dgdAlphaToBeta(original));
    expect(back.spec.services.Frontend.envs).toEqual([e('A', '1')]);
    expect(back.spec.services.Frontend.extraPodSpec.mainContainer.env).toEqual([e('B', '2')]);
    expect(back.metadata.annotations?.[DGD_SPEC_ANNOTATION]).toBeUndefined();
  });
  test('an edit through v1beta1 changes the merged env: the whole env moves into envs (GitOps drift)', () => {
    const b = dgdAlphaToBeta(original);
    betaMain(b).env.push(e('DYN_ROUTER_MODE', 'kv'));
    const back = dgdBetaToAlpha(b);
    expect(back.spec.services.Frontend.envs).toEqual([e('A', '1'), e('B', '2'), e('DYN_ROUTER_MODE', 'kv')]);
    expect(back.spec.services.Frontend.extraPodSpec.mainContainer.env).toBeUndefined();
  });
  test('no annotation (a v1beta1 author): the whole main-container env is envs', () => {
    const b = dgdAlphaToBeta(original);
    delete b.metadata.annotations;
    const back = dgdBetaToAlpha(b);
    expect(back.spec.services.Frontend.envs).toEqual([e('A', '1'), e('B', '2')]);
    expect(back.spec.services.Frontend.extraPodSpec.mainContainer.env).toBeUndefined();
  });
  test('a duplicate name across envs and mainContainer.env survives the round trip', () => {
    const dup = alpha({ envs: [e('X', '1')], extraPodSpec: { mainContainer: { env: [e('X', '2')] } } });
    const b = dgdAlphaToBeta(dup);
    expect(betaMain(b).env).toEqual([e('X', '2')]);
    const back = dgdBetaToAlpha(b);
    expect(back.spec.services.Frontend.envs).toEqual([e('X', '1')]);
    expect(back.spec.services.Frontend.extraPodSpec.mainContainer.env).toEqual([e('X', '2')]);
  });
});
