// The history's latency sample and workers, taken from the routing probe's own requests.
import { describe, expect, it } from '@jest/globals';
import { probeLatency, probeWorkers } from '../../../src/canary/probe-sample.js';
import type { ProbeRequestRecord, RoutingProbe } from '../../../src/model/routing.js';

describe('the latency sample from the routing probe', () => {
  const request = (over: Partial<ProbeRequestRecord>): ProbeRequestRecord => ({
    phase: 'shared-prefix',
    worker: '18446744073709551557',
    status: 200,
    latencyMs: 50,
    ...over,
  });
  const probe = (requests: ProbeRequestRecord[]): RoutingProbe => ({
    verdict: 'verified',
    pattern: '',
    reason: '',
    consistent: ['kv'],
    observed: 'kv',
    workers: [{ id: '18446744073709551557', label: 'A', requests: 5, share: 1 }],
    listedWorkers: 2,
    idleWorkers: ['7'],
    maxMinRatio: null,
    otherTraffic: 'none',
    requests,
    durationMs: 1000,
  });

  it('takes the complete core requests, not the held streams or the requests sent while they are held', () => {
    const requests = [
      ...[40, 50, 60].map((latencyMs) => request({ latencyMs })),
      ...[45, 55].map((latencyMs) => request({ phase: 'distinct-prefix', latencyMs })),
      request({ phase: 'hold', latencyMs: 5 }),
      request({ phase: 'one-held', latencyMs: 900 }),
      request({ phase: 'distinct-prefix', status: 503, worker: undefined, latencyMs: 1 }),
    ];
    expect(probeLatency({ probe: probe(requests) })).toEqual({
      source: 'probe',
      requests: 6,
      errors: 1,
      samplesMs: [40, 50, 60, 45, 55],
      p50Ms: 50,
      p90Ms: 60,
    });
    expect(probeWorkers({ probe: probe(requests) })).toEqual({
      ids: ['18446744073709551557', '7'],
      count: 2,
      source: 'probe',
    });
  });

  it('gives way to the smoke-kind sample when the probe did not run or named no worker', () => {
    expect(probeLatency(undefined)).toBeUndefined();
    expect(probeLatency({ skipped: 'one worker listed' })).toBeUndefined();
    const unnamed = Array.from({ length: 10 }, () => request({ worker: undefined }));
    expect(probeLatency({ probe: probe(unnamed) })).toBeUndefined();
  });

  it('pools the replicas of a Kubernetes frontend', () => {
    const five = Array.from({ length: 3 }, () => request({}));
    const sample = probeLatency({
      replicas: [
        { name: 'a', probe: probe(five) },
        { name: 'b', probe: probe(five) },
      ],
    });
    expect(sample?.samplesMs).toHaveLength(6);
  });
});
