import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpClient, HttpRequest } from '../../src/check/http.js';
import {
  COUNTER_WAIT_MS,
  gatherEvidence,
  kvEventsFromMetrics,
  noRouterSeries,
  openEvidenceWindow,
} from '../../src/verify/gather.js';
import { routerModesInLog } from '../../src/verify/logs.js';
import { parseMetrics, parseSamples } from '../../src/verify/metrics.js';
import { verifyMode, type ModeEvidence } from '../../src/verify/log-metrics-verdict.js';
import { ROOT } from '../support/action.ts';

const fixture = (name: string) => readFileSync(path.join(ROOT, '__tests__/fixtures/metrics', name), 'utf8');

describe('Prometheus text parsing', () => {
  it('sums labelled histogram series of a real Dynamo 1.6.1 frontend', () => {
    const totals = parseMetrics(fixture('dynamo-1.6.1-kv-after-3-requests.txt'));
    expect(totals.get('dynamo_component_router_kv_hit_rate_count')).toBe(3);
    expect(totals.get('dynamo_router_overhead_total_ms_count')).toBe(3);
    expect(totals.get('dynamo_component_router_requests_total')).toBe(3);
  });

  it('handles escaped label values, braces in labels, +Inf, timestamps and junk', () => {
    const samples = parseSamples(
      [
        '# HELP x help',
        'a_total{path="/v1/{id}",msg="say \\"hi\\"\\n"} 2 1700000000',
        'a_total{path="/x"} 3',
        'b_bucket{le="+Inf"} 7',
        'c +Inf',
        'not a metric line',
        'd{broken="x} 1',
      ].join('\n'),
    );
    expect(samples[0]).toEqual({
      name: 'a_total',
      labels: { path: '/v1/{id}', msg: 'say "hi"\n' },
      value: 2,
    });
    expect(samples.find((s) => s.name === 'b_bucket')?.labels.le).toBe('+Inf');
    expect(samples.find((s) => s.name === 'c')?.value).toBe(Infinity);
    expect(samples.some((s) => s.name === 'd')).toBe(false);
    expect(parseMetrics('a_total{x="1"} 2\na_total{x="2"} 3\n').get('a_total')).toBe(5);
  });
});

describe('router mode from the frontend log', () => {
  it('counts per-request lines, with colour codes and release-specific names', () => {
    const log = [
      '\u001b[2m2026\u001b[0m INFO push_router: Selected worker \u001b[3mrouter_mode\u001b[0m=\u001b[0m"round-robin" worker_id=1',
      'INFO selector: Selected worker router_mode="kv" request_id="a"',
      'INFO push_router: Selected worker router_mode="power-of-two-choices" worker_id=2',
      'INFO span: route request completed router_mode=RoundRobin',
      'INFO preprocessor: Selected model parser route model=tiny',
    ].join('\n');
    expect(routerModesInLog(log)).toEqual({ 'round-robin': 1, kv: 1, 'power-of-two': 1 });
  });

  it('counts the push-router hop of a kv-routed request (Dynamo 1.3.x) as kv, and real direct lines as direct', () => {
    // Lines as ai-dynamo 1.3.1's frontend writes them in kv mode (colours stripped), then one of direct mode.
    const log = [
      '2026-11-29T16:07:51.840259Z  INFO dynamo_kv_router::scheduling::selector: Selected worker router_mode="kv" worker_id=6801939870227777323 worker_type=decode dp_rank=0',
      '2026-11-29T16:07:51.840379Z  INFO http-request:kv_router.route_request: dynamo_runtime::pipeline::network::egress::push_router: Selected worker router_mode="direct" worker_id=6801939870227777323 method=POST uri=/v1/chat/completions',
      '2026-11-29T16:07:52.000000Z  INFO http-request: dynamo_runtime::pipeline::network::egress::push_router: Selected worker router_mode="direct" worker_id=6801939870227777323 method=POST',
    ].join('\n');
    expect(routerModesInLog(log)).toEqual({ kv: 1, direct: 1 });
  });
});

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
