import { describe, expect, it } from '@jest/globals';
import type { KubeApi } from '../../src/targets/kubernetes/cluster.ts';
import { routerExpectation } from '../../src/targets/kubernetes/env-change.ts';
import {
  describeRevert,
  gitopsLimitation,
  gitopsOwner,
  ownerLimitation,
  revertedBy,
} from '../../src/targets/kubernetes/gitops.ts';
import type { JsonObject } from '../../src/targets/kubernetes/json.ts';
import { waitForRollout } from '../../src/targets/kubernetes/rollout-wait.ts';

const meta = (metadata: JsonObject): JsonObject => ({ metadata });

describe('gitopsOwner', () => {
  it('reads each tracking signal of Argo CD and Flux', () => {
    expect(
      gitopsOwner(meta({ annotations: { 'argocd.argoproj.io/tracking-id': 'app:nvidia.com/x' } })),
    ).toEqual({ controller: 'Argo CD', signal: 'annotation argocd.argoproj.io/tracking-id' });
    expect(gitopsOwner(meta({ labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' } }))?.controller).toBe(
      'Flux (kustomize-controller)',
    );
    expect(gitopsOwner(meta({ labels: { 'helm.toolkit.fluxcd.io/name': 'dynamo' } }))?.controller).toBe(
      'Flux (helm-controller)',
    );
    for (const [manager, controller] of [
      ['argocd-controller', 'Argo CD'],
      ['kustomize-controller', 'Flux (kustomize-controller)'],
      ['helm-controller', 'Flux (helm-controller)'],
    ])
      expect(gitopsOwner(meta({ managedFields: [{ manager, operation: 'Apply' }] }))?.controller).toBe(
        controller,
      );
    expect(
      gitopsOwner(
        meta({
          labels: { 'app.kubernetes.io/instance': 'dynamo' },
          annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' },
        }),
      )?.controller,
    ).toBe('Argo CD');
  });

  it('stays quiet for plain kubectl or Helm objects', () => {
    expect(gitopsOwner(meta({ labels: { 'app.kubernetes.io/instance': 'my-release' } }))).toBeUndefined();
    expect(gitopsOwner(meta({ managedFields: [{ manager: 'kubectl-client-side-apply' }] }))).toBeUndefined();
  });

  it('advises committing the change to Git with write-recipe', () => {
    const note = gitopsLimitation({ controller: 'Argo CD', signal: 'x' }, 'dgd/x');
    expect(note).toMatch(/managed by Argo CD/);
    expect(note).toMatch(/write-recipe: true/);
  });
});

describe('revertedBy', () => {
  const expected = routerExpectation({
    container: [],
    component: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
  });
  const object = meta({
    managedFields: [
      { manager: 'dynamo-router-starter', operation: 'Update', time: '2026-11-29T10:00:05Z' },
      { manager: 'argocd-controller', operation: 'Apply', time: '2026-11-29T10:00:09Z' },
      { manager: 'kubectl-create', operation: 'Update', time: '2026-11-29T09:00:00Z' },
      {
        manager: 'dynamo-operator',
        operation: 'Update',
        subresource: 'status',
        time: '2026-11-29T10:00:10Z',
      },
    ],
  });

  it('is undefined while the entries the run set are still there (graph layer counted)', () => {
    expect(
      revertedBy(object, { container: [], component: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] }, expected),
    ).toBeUndefined();
    expect(
      revertedBy(object, { graph: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }], container: [] }, expected),
    ).toBeUndefined();
  });

  it('names the last writer other than this action when they are gone', () => {
    const gone = revertedBy(object, { container: [], component: [] }, expected);
    expect(gone).toEqual({ manager: 'argocd-controller', time: '2026-11-29T10:00:09Z' });
    expect(describeRevert(gone!)).toBe('reverted by argocd-controller at 2026-11-29T10:00:09Z');
  });
});

describe('waitForRollout with a revert mid-rollout', () => {
  it('stops early and names the revert instead of blaming the operator', async () => {
    const oldPod: JsonObject = {
      metadata: { name: 'fe-old', uid: '1' },
      spec: { containers: [{ name: 'main', env: [] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const api = {
      listPods: async () => ({ items: [oldPod], resourceVersion: '1' }),
      listEvents: async () => [],
      watchPods: async () => () => undefined,
    } as unknown as KubeApi;
    const error = await waitForRollout(
      api,
      {
        namespace: 'ns',
        selector: 'a=b',
        containerName: 'main',
        expected: routerExpectation({ container: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] }),
        replicas: 1,
        controller: 'the Dynamo operator',
        watchCommand: 'kubectl get pods -w',
        reverted: async () => 'reverted by argocd-controller at 2026-11-29T10:00:09Z',
      },
      { timeoutMs: 20_000, log: () => undefined, progressEveryMs: 50 },
    ).catch((e: unknown) => e as Error);
    // Stopped by the revert, not by the deadline (that message says "within 20 s").
    expect((error as Error).message).toMatch(/stopped waiting after \d+ s/);
    expect((error as Error).message).toMatch(/no longer on the object \(reverted by argocd-controller at/);
    expect((error as Error).message).not.toMatch(/has not rolled the frontend/);
  }, 30_000);
});

describe('ownerLimitation: where else the change must be made', () => {
  const what = 'dynamographdeployment.nvidia.com/qwen3-0.6b (v1alpha1), component Frontend';

  it('a DGDR-generated graph names the request and its spec.overrides.dgd', () => {
    const dgd = meta({
      name: 'qwen3-0.6b',
      namespace: 'serving',
      labels: {
        'dgdr.nvidia.com/name': 'qwen-request',
        'dgdr.nvidia.com/namespace': 'requests',
        'nvidia.com/managed-by': 'dynamo-operator',
      },
    });
    const note = ownerLimitation(dgd, what, 'kv');
    expect(note).toMatch(/generated by the DynamoGraphDeploymentRequest requests\/qwen-request/);
    expect(note).toMatch(
      /spec\.overrides\.dgd, the frontend component's main container env DYN_ROUTER_MODE=kv/,
    );
    expect(note).toMatch(/kubectl edit dynamographdeploymentrequest qwen-request -n requests/);
  });

  it('a Helm release is named, with the chart values as the place to change', () => {
    const byAnnotation = meta({
      name: 'g',
      namespace: 'dynamo',
      annotations: { 'meta.helm.sh/release-name': 'llm', 'meta.helm.sh/release-namespace': 'dynamo' },
      labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    });
    expect(ownerLimitation(byAnnotation, what, 'kv')).toMatch(
      /belongs to the Helm release llm in dynamo \(annotation meta\.helm\.sh\/release-name\): the next `helm upgrade`/,
    );
    const byLabel = meta({ name: 'g', labels: { 'app.kubernetes.io/managed-by': 'Helm' } });
    expect(ownerLimitation(byLabel, what, 'kv')).toMatch(/belongs to a Helm release \(label/);
  });

  it('says nothing for an object nobody else owns', () => {
    expect(ownerLimitation(meta({ name: 'g', labels: { app: 'x' } }), what, 'kv')).toBeUndefined();
  });
});
