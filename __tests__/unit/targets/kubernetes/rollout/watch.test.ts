// The rollout wait ends early, naming the cause, when a GitOps sync puts the old env back.
import { describe, expect, it } from '@jest/globals';
import { RunFailure } from '../../../../../src/model/failure.ts';
import type { KubeApi } from '../../../../../src/targets/kubernetes/api/kube-api.ts';
import { routerExpectation } from '../../../../../src/targets/kubernetes/decide/env-change.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';
import { waitForRollout } from '../../../../../src/targets/kubernetes/rollout/watch.ts';

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

describe('a rollout that stalls carries what kept its pods from serving, as data', () => {
  it('the crash-looping container, whatever the message around it says', async () => {
    const crashing: JsonObject = {
      metadata: { name: 'fe-new', uid: '2' },
      spec: { containers: [{ name: 'main', env: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'main',
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 2, reason: 'Error' } },
          },
        ],
      },
    };
    const api = {
      listPods: async () => ({ items: [crashing], resourceVersion: '1' }),
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
      },
      { timeoutMs: 300, log: () => undefined },
    ).catch((e: unknown) => e as RunFailure);
    expect(error).toBeInstanceOf(RunFailure);
    expect((error as RunFailure).code).toBe('rollout-timeout');
    expect((error as RunFailure).cause).toEqual({ kind: 'crash-loop', pod: 'fe-new', container: 'main' });
  });
});
