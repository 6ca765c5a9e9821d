// The frontend's log lines and the router's metrics → a verdict on the mode.
import { describe, expect, it } from '@jest/globals';
import { verifyMode, type ModeEvidence } from '../../../src/verify/log-metrics-verdict.js';

const totals = (entries: Record<string, number>) => new Map(Object.entries(entries));
const kvMetrics = (hit: number, overhead: number, routed = 3) => ({
  before: totals({
    dynamo_component_router_kv_hit_rate_count: 0,
    dynamo_router_overhead_total_ms_count: 0,
    dynamo_component_router_requests_total: 0,
  }),
  after: totals({
    dynamo_component_router_kv_hit_rate_count: hit,
    dynamo_router_overhead_total_ms_count: overhead,
    dynamo_component_router_requests_total: routed,
  }),
});
const evidence = (e: Partial<ModeEvidence>): ModeEvidence => ({ requests: 3, ...e });

describe('verifyMode', () => {
  it('verifies a mode from the log lines, with metrics agreeing', () => {
    const v = verifyMode(evidence({ expected: 'kv', logModes: { kv: 3 }, metrics: kvMetrics(3, 3) }));
    expect(v.verdict).toBe('verified');
    expect(v.evidence).toMatch(/3× router_mode=kv/);
  });

  it('verifies kv from metrics alone when no log is available', () => {
    expect(verifyMode(evidence({ expected: 'kv', metrics: kvMetrics(3, 3) })).verdict).toBe('verified');
  });

  it('contradicts kv when the kv metrics stay still although the router counted the requests', () => {
    const v = verifyMode(evidence({ expected: 'kv', metrics: kvMetrics(0, 0) }));
    expect(v.verdict).toBe('contradicted');
    expect(v.evidence).toMatch(/did not move/);
  });

  it('contradicts a non-kv mode when the kv router is active', () => {
    const v = verifyMode(evidence({ expected: 'round-robin', metrics: kvMetrics(3, 3) }));
    expect(v).toMatchObject({ verdict: 'contradicted', observed: 'kv' });
  });

  it('contradicts when the log names another mode (an ignored env patch)', () => {
    const v = verifyMode(evidence({ expected: 'kv', logModes: { 'round-robin': 3 } }));
    expect(v).toMatchObject({ verdict: 'contradicted', observed: 'round-robin' });
  });

  it('is unverifiable, not failed, when the release lacks the metrics and no log is readable', () => {
    const v = verifyMode(
      evidence({
        expected: 'least-loaded',
        metrics: { before: totals({}), after: totals({ other: 1 }) },
        logProblem: 'no log',
      }),
    );
    expect(v.verdict).toBe('unverifiable');
    expect(v.evidence).toMatch(/exposes none of the kv router metrics/);
  });

  it('cannot tell non-kv modes apart from metrics alone', () => {
    const v = verifyMode(evidence({ expected: 'random', metrics: kvMetrics(0, 0) }));
    expect(v.verdict).toBe('unverifiable');
    expect(v.evidence).toMatch(/cannot tell random from other non-kv modes/);
  });

  it('verifies direct mode from a rejected plain request and contradicts it when served', () => {
    expect(verifyMode(evidence({ expected: 'direct', plainRequestStatus: 400 })).verdict).toBe('verified');
    expect(verifyMode(evidence({ expected: 'direct', plainRequestStatus: 200 })).verdict).toBe(
      'contradicted',
    );
  });

  it('observes the mode in a check-only run', () => {
    expect(verifyMode(evidence({ logModes: { random: 3 } }))).toMatchObject({
      verdict: 'verified',
      observed: 'random',
    });
    expect(verifyMode(evidence({ metrics: kvMetrics(3, 3) }))).toMatchObject({
      verdict: 'verified',
      observed: 'kv',
    });
  });

  it('does not judge when the router counted nothing', () => {
    expect(verifyMode(evidence({ expected: 'kv', metrics: kvMetrics(0, 0, 0) })).verdict).toBe(
      'unverifiable',
    );
  });
});
