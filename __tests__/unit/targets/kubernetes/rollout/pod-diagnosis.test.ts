// Why a frontend pod is not serving, in words and as data: a crash loop, an image pull, scheduling,
// readiness.
import { describe, expect, it } from '@jest/globals';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';
import { diagnosePod, telling } from '../../../../../src/targets/kubernetes/rollout/pod-diagnosis.ts';

function pod(
  name: string,
  mode: string | undefined,
  opts: { ready?: boolean; phase?: string; terminating?: boolean; status?: JsonObject } = {},
): JsonObject {
  return {
    metadata: { name, uid: name, ...(opts.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'main', env: mode ? [{ name: 'DYN_ROUTER_MODE', value: mode }] : [] }] },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
      ...opts.status,
    },
  };
}

describe('diagnosePod', () => {
  it('Pending with a FailedScheduling event', () => {
    const p = pod('a', 'kv', { phase: 'Pending', ready: false });
    const events = [
      {
        reason: 'FailedScheduling',
        type: 'Warning',
        message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
      },
    ];
    expect(diagnosePod(p, events)).toEqual({
      text: 'a is Pending and cannot be scheduled: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
      problem: { kind: 'unschedulable', pod: 'a' },
    });
  });

  it('image pull errors', () => {
    const p = pod('a', 'kv', {
      phase: 'Pending',
      ready: false,
      status: {
        containerStatuses: [
          {
            name: 'main',
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x:1"' } },
          },
        ],
      },
    });
    expect(diagnosePod(p, [])).toEqual({
      text: 'a cannot pull its image (ImagePullBackOff: Back-off pulling image "x:1")',
      problem: { kind: 'image-pull', pod: 'a', reason: 'ImagePullBackOff' },
    });
  });

  it('crash loops with restart count and the last termination message', () => {
    const p = pod('a', 'kv', {
      ready: false,
      status: {
        containerStatuses: [
          {
            name: 'main',
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, message: 'ValueError: bad mode' } },
          },
        ],
      },
    });
    expect(diagnosePod(p, [])).toEqual({
      text: 'a is in CrashLoopBackOff (container main, 4 restart(s), last exit code 1); last termination message: ValueError: bad mode',
      problem: { kind: 'crash-loop', pod: 'a', container: 'main' },
    });
  });

  it('a crash loop caught while the container runs again between back-offs is still the crash loop', () => {
    const p = pod('a', 'kv', {
      ready: false,
      status: {
        containerStatuses: [
          {
            name: 'main',
            restartCount: 3,
            state: { running: { startedAt: '2026-11-29T10:00:00Z' } },
            lastState: { terminated: { exitCode: 3, reason: 'Error' } },
          },
        ],
      },
    });
    const probe = { reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed' };
    expect(diagnosePod(p, [probe])).toEqual({
      text: 'a is in CrashLoopBackOff (container main, 3 restart(s), last exit code 3 (Error); running again, not Ready)',
      problem: { kind: 'crash-loop', pod: 'a', container: 'main' },
    });
    // A container that exited cleanly once (a restart by hand) is judged by its probe as before.
    const clean = pod('a', 'kv', {
      ready: false,
      status: {
        containerStatuses: [
          {
            name: 'main',
            restartCount: 1,
            state: { running: {} },
            lastState: { terminated: { exitCode: 0 } },
          },
        ],
      },
    });
    expect(diagnosePod(clean, [probe])).toEqual({
      text: 'a is Running but not Ready (Unhealthy: Readiness probe failed)',
      problem: { kind: 'not-ready', pod: 'a' },
    });
  });

  it('Running but not Ready, with the probe event', () => {
    const p = pod('a', 'kv', { ready: false });
    expect(
      diagnosePod(p, [
        {
          reason: 'Unhealthy',
          type: 'Warning',
          message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
        },
      ]).text,
    ).toBe(
      'a is Running but not Ready (Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503)',
    );
  });
});

describe('the problem that says most about a stall', () => {
  it('a crash loop anywhere, then an image, then scheduling, then readiness', () => {
    const crash = { kind: 'crash-loop', pod: 'b', container: 'main' } as const;
    const pull = { kind: 'image-pull', pod: 'a', reason: 'ErrImagePull' } as const;
    const ready = { kind: 'not-ready', pod: 'c' } as const;
    expect(telling([ready, pull, crash])).toEqual(crash);
    expect(telling([ready, undefined, pull])).toEqual(pull);
    expect(telling([undefined, ready])).toEqual(ready);
    expect(telling([undefined])).toBeUndefined();
  });
});
