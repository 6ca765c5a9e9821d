// The evidence around the smoke chat: KV events from the metrics, and a /metrics without the
// router series.
import { describe, expect, it } from '@jest/globals';
import type { HttpClient, HttpRequest } from '../../../src/check/http.js';
import {
  COUNTER_WAIT_MS,
  gatherEvidence,
  kvEventsFromMetrics,
  noRouterSeries,
  openEvidenceWindow,
} from '../../../src/verify/gather.js';
import { verifyMode, type ModeEvidence } from '../../../src/verify/log-metrics-verdict.js';

const totals = (entries: Record<string, number>) => new Map(Object.entries(entries));
const evidence = (e: Partial<ModeEvidence>): ModeEvidence => ({ requests: 3, ...e });

// A frontend whose /metrics answers the given scrapes in turn (the last one repeats): every read
// is recorded, so a polling wait shows as extra reads, without timing anything.
function scripted(scrapes: string[]): { http: HttpClient; metricsReads: () => number } {
  const paths: string[] = [];
  const http: HttpClient = {
    async request(req: HttpRequest) {
      const path = new URL(req.url).pathname;
      paths.push(path);
      const body =
        path === '/metrics'
          ? scrapes[Math.min(paths.filter((p) => p === path).length - 1, scrapes.length - 1)]
          : '{}';
      return { status: 200, headers: new Headers(), body, elapsedMs: 1 };
    },
  };
  return { http, metricsReads: () => paths.filter((p) => p === '/metrics').length };
}

const GATEWAY =
  '# TYPE gateway_requests_total counter\ngateway_requests_total{route="/v1"} 41\nprocess_cpu_seconds_total 2.5\n';
const options = {
  baseUrl: 'http://127.0.0.1:1',
  model: 'm',
  approximateKv: false,
  headers: {},
  timeoutMs: 1000,
};

describe('KV events from metrics', () => {
  const m = (mismatch: number | undefined, applied: number) => ({
    before: totals({ dynamo_component_kv_cache_events_applied: 0 }),
    after: totals({
      dynamo_component_kv_cache_events_applied: applied,
      ...(mismatch === undefined
        ? {}
        : { dynamo_component_router_kv_event_source_mismatch_workers: mismatch }),
    }),
  });
  it('reports workers without publishers', () => {
    const { before, after } = m(2, 0);
    expect(kvEventsFromMetrics(before, after, false)).toMatchObject({ value: 'false' });
  });
  it('reports events arriving', () => {
    const { before, after } = m(0, 2);
    expect(kvEventsFromMetrics(before, after, false)).toMatchObject({ value: 'true' });
  });
  it('reports events arriving on a release without the mismatch gauge (1.2/1.3), and nothing from silence there', () => {
    const arriving = m(undefined, 3);
    expect(kvEventsFromMetrics(arriving.before, arriving.after, false)).toMatchObject({
      value: 'true',
      reason: expect.stringContaining('+3'),
    });
    const silent = m(undefined, 0);
    expect(kvEventsFromMetrics(silent.before, silent.after, false)).toBeUndefined();
  });
  it('does not count approximate mode predictions as events', () => {
    const { before, after } = m(undefined, 6);
    expect(kvEventsFromMetrics(before, after, true)).toBeUndefined();
  });
});

describe('verification against a /metrics without the router series', () => {
  it('reads once after the chat, does not poll, and says which series were missing', async () => {
    const { http, metricsReads } = scripted([GATEWAY, GATEWAY.replace('41', '42')]);
    const window = await openEvidenceWindow(http, { baseUrl: options.baseUrl, headers: {}, timeoutMs: 1000 });
    const e = await gatherEvidence(http, options, window);
    expect(metricsReads()).toBe(2);
    expect(e.verdict).toBe('unverifiable');
    expect(e.evidence).toMatch(/GET \/metrics answered with 2 series but none of the router's/);
    expect(e.evidence).toMatch(/dynamo_frontend_requests_total/);
    expect(e.evidence).toMatch(/dynamo_routing_overhead_total_ms_count/);
    expect(e.evidence).toMatch(/gateway's own metrics/);
    expect(e.kvEvents).toBeUndefined();
  });

  it('does not wait for a counter the first scrape lacked, and still uses series that appear after', async () => {
    // Counters registered on first use: absent before the chat, present (and moved) after it.
    const after = 'dynamo_frontend_requests_total 1\ndynamo_component_router_kv_hit_rate_count 1\n';
    const { http, metricsReads } = scripted(['dynamo_frontend_inflight_requests 0\n', after]);
    const window = await openEvidenceWindow(http, { baseUrl: options.baseUrl, headers: {}, timeoutMs: 1000 });
    const e = await gatherEvidence(http, options, window);
    expect(metricsReads()).toBe(2);
    expect(e).toMatchObject({ verdict: 'verified', observed: 'kv' });
  });

  it("stops at the frontend's request counter when the router's own stays still (non-kv modes)", async () => {
    // 1.6.1 registers dynamo_component_router_requests_total in every mode; it moves only in kv.
    const scrape = (n: number) =>
      `dynamo_component_router_requests_total 0\ndynamo_frontend_requests_total ${n}\n`;
    for (const first of [scrape(5), 'dynamo_frontend_inflight_requests 0\n']) {
      const { http, metricsReads } = scripted([first, scrape(6)]);
      const window = await openEvidenceWindow(http, {
        baseUrl: options.baseUrl,
        headers: {},
        timeoutMs: 1000,
      });
      await gatherEvidence(http, options, window);
      expect(metricsReads()).toBe(2);
    }
  });

  it('polls a counter the first scrape showed until it caught up with the chat', async () => {
    const scrape = (n: number) =>
      `dynamo_frontend_requests_total ${n}\ndynamo_component_router_kv_hit_rate_count ${n}\n`;
    const { http, metricsReads } = scripted([scrape(5), scrape(5), scrape(5), scrape(6)]);
    const window = await openEvidenceWindow(http, { baseUrl: options.baseUrl, headers: {}, timeoutMs: 1000 });
    const e = await gatherEvidence(http, { ...options, timeoutMs: COUNTER_WAIT_MS }, window);
    expect(metricsReads()).toBe(4);
    expect(e).toMatchObject({ verdict: 'verified', observed: 'kv' });
  });

  it("takes the earlier release's dynamo_routing_overhead_* name as kv evidence", () => {
    const v = verifyMode(
      evidence({
        expected: 'kv',
        metrics: {
          before: totals({ dynamo_routing_overhead_total_ms_count: 0, dynamo_frontend_requests_total: 0 }),
          after: totals({ dynamo_routing_overhead_total_ms_count: 3, dynamo_frontend_requests_total: 3 }),
        },
      }),
    );
    expect(v).toMatchObject({ verdict: 'verified', observed: 'kv' });
    expect(v.evidence).toMatch(/dynamo_routing_overhead_total_ms_count \+3/);
  });

  it('names no problem as soon as either scrape carries a router series', () => {
    expect(
      noRouterSeries(totals({ x: 1 }), totals({ dynamo_component_kv_cache_events_applied: 0 })),
    ).toBeUndefined();
    expect(noRouterSeries(totals({ x: 1 }), totals({ x: 2, y: 1 }))).toMatch(/answered with 2 series/);
  });
});
