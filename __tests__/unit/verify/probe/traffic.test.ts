// Other traffic during the probe, from the frontend's /metrics.
import { describe, expect, it } from '@jest/globals';
import { trafficBetween } from '../../../../src/verify/probe/traffic.js';

describe('traffic evidence', () => {
  const m = (n: number, inflight = 0): string =>
    `dynamo_frontend_requests_total{model="tiny",status="success"} ${n}\ndynamo_frontend_requests_total{model="other",status="success"} 5\ndynamo_frontend_inflight_requests{model="tiny"} ${inflight}\n`;
  it('is clean only when the model counter rose by exactly what was sent and nothing was in flight', () => {
    expect(trafficBetween(m(10), m(70), 'tiny', 60).otherTraffic).toBe('none');
    expect(trafficBetween(m(10), m(75), 'tiny', 60)).toMatchObject({
      otherTraffic: 'seen',
      detail: expect.stringMatching(/counted 65 requests while the run sent 60/),
    });
    expect(trafficBetween(m(10, 1), m(70), 'tiny', 60).otherTraffic).toBe('seen');
    expect(trafficBetween(m(10), m(40), 'tiny', 60)).toMatchObject({
      otherTraffic: 'unknown',
      detail: expect.stringMatching(/another frontend replica/),
    });
    expect(trafficBetween(undefined, m(40), 'tiny', 60).otherTraffic).toBe('unknown');
    // A fresh frontend shows no series before its first request.
    expect(trafficBetween('process_cpu_seconds_total 1\n', m(60), 'tiny', 60).otherTraffic).toBe('none');
    expect(trafficBetween(m(1), 'gateway_requests_total 9\n', 'tiny', 60).otherTraffic).toBe('unknown');
  });
});
