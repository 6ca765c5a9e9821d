// The next command after a failure, at the run's target, from the cause its detector found (a
// response over its cap counts the same list through the same path), and a stalled rollout's advice.
import { describe, expect, it } from '@jest/globals';
import type { FailureCause, FailureCode } from '../../../src/model/failure.ts';
import { failureCommand, rolloutAdvice } from '../../../src/report/failure-command.ts';

describe('the next command after a response over its cap', () => {
  it('counts the same list through the same path', () => {
    expect(
      failureCommand({
        failure: { code: 'cluster-response-too-large' },
        target: 'kubernetes',
        url: '',
        at: { namespace: 'dynamo', frontendSelector: 'app=frontend' },
        apiKeySet: false,
      }),
    ).toBe('kubectl get pods -n dynamo -l app=frontend -o name | wc -l');
  });
});

describe('the next command reads the cause the detector found, never the message', () => {
  const k8s = (code: FailureCode, cause?: FailureCause) =>
    failureCommand({
      failure: { code, ...(cause ? { cause } : {}) },
      target: 'kubernetes',
      url: '',
      service: 'dynamo/agg-frontend',
      at: { namespace: 'dynamo', frontendSelector: 'app=frontend' },
      apiKeySet: false,
    });

  it('a crash loop: that container’s previous log; without the cause, the pods’ events', () => {
    expect(k8s('rollout-timeout', { kind: 'crash-loop', pod: 'fe-1', container: 'main' })).toBe(
      'kubectl logs -n dynamo fe-1 -c main --previous --tail=100',
    );
    expect(k8s('rollout-timeout')).toBe('kubectl describe pods -n dynamo -l app=frontend');
    expect(k8s('rollout-timeout', { kind: 'image-pull', pod: 'fe-1', reason: 'ErrImagePull' })).toBe(
      'kubectl describe pods -n dynamo -l app=frontend',
    );
  });

  it('a denial: kubectl auth can-i for exactly the verb and resource denied', () => {
    expect(
      k8s('cluster-forbidden', {
        kind: 'forbidden',
        verb: 'get',
        resource: 'pods/portforward',
        group: '',
        namespace: 'dynamo',
      }),
    ).toBe('kubectl auth can-i get pods/portforward -n dynamo');
    expect(k8s('cluster-forbidden')).toBe('kubectl auth can-i --list -n dynamo');
  });

  it('something missing: the command that lists what exists; no kubeconfig: the contexts', () => {
    expect(k8s('not-found', { kind: 'missing', list: 'kubectl get namespaces' })).toBe(
      'kubectl get namespaces',
    );
    expect(k8s('not-found')).toBe('kubectl get dgd -n dynamo');
    expect(k8s('cluster-unreachable', { kind: 'no-kubeconfig' })).toBe('kubectl config get-contexts');
    expect(k8s('cluster-unreachable')).toBe('kubectl cluster-info');
  });

  it('workers that advertise a mode: the command that shows their settings', () => {
    expect(k8s('workers-pin-mode', { kind: 'workers-advertise', show: 'grep -n x deploy.yaml' })).toBe(
      'grep -n x deploy.yaml',
    );
    expect(k8s('workers-pin-mode')).toBe('');
  });
});

describe('the advice for a stalled rollout, by what kept its pod from serving', () => {
  it('names the cause the rollout found; none for a stall it could not place', () => {
    expect(rolloutAdvice({ kind: 'crash-loop', pod: 'a', container: 'main' })).toMatch(
      /exits at start.*will not help/,
    );
    expect(rolloutAdvice({ kind: 'image-pull', pod: 'a', reason: 'ErrImagePull' })).toMatch(
      /image reference/,
    );
    expect(rolloutAdvice({ kind: 'unschedulable', pod: 'a' })).toMatch(/capacity/);
    expect(rolloutAdvice({ kind: 'not-ready', pod: 'a' })).toMatch(/readiness probe/);
    expect(rolloutAdvice(undefined)).toBeUndefined();
  });
});
