// compare-modes building blocks against real Dynamo: 2 mocker workers (prefix caching and KV
// events on, speedup 2 so prefill time counts) shared by a kv frontend and a round-robin
// frontend. The same workload shape runs through both; each mode gets its own word variant, as
// the workers' KV caches outlive a mode switch. Needs scripts/setup-dynamo.sh.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  metricSum,
  metricsText,
  startFrontend,
  startWorkers,
  TINY_MODEL_NAME,
  waitForModels,
  type FrontendHandle,
  type WorkerHandle,
} from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';
import { compare, routerKvHitRate } from '../../src/compare/analysis.js';
import { peakInFlight, runWorkload, type Sample } from '../../src/compare/stream.js';
import { buildWorkload } from '../../src/compare/workload.js';
import { comparisonText, renderComparison } from '../../src/report/summary-comparison.js';

const { describeDynamo: d } = dynamoSuite();

// Many groups, few repeats each: round-robin needs a cold miss per group on every worker, a
// KV-aware router only one per group. (With few groups both workers soon cache every prefix
// and round-robin catches up.)
const REQUESTS = 36;
const GROUPS = 12;
const CONCURRENCY = 3;
const MAX_TOKENS = 8;

const workload = (variant: number) =>
  buildWorkload({
    requests: REQUESTS,
    prefixGroups: GROUPS,
    prefixTokens: 400,
    maxTokens: MAX_TOKENS,
    seed: 42,
    model: TINY_MODEL_NAME,
    variant,
  });

/** Histogram _sum and _count summed over label sets, as the orchestrator would read them. */
function histogram(text: string, name: string): { sum: number; count: number } | undefined {
  const sum = metricSum(text, `${name}_sum`);
  const count = metricSum(text, `${name}_count`);
  return sum === undefined || count === undefined ? undefined : { sum, count };
}

interface ModeData {
  samples: Sample[];
  kvHitRate?: number;
  frontendTtft?: { sum: number; count: number };
  progress: number;
}

async function runMode(url: string, variant: number): Promise<ModeData> {
  const before = await metricsText(url);
  let progress = 0;
  const samples = await runWorkload(url, workload(variant), {
    concurrency: CONCURRENCY,
    timeoutMs: 20_000,
    onProgress: (done) => (progress = done),
  });
  const after = await metricsText(url);
  const hit = 'dynamo_component_router_kv_hit_rate';
  const ttft = 'dynamo_frontend_time_to_first_token_seconds';
  const ttftBefore = histogram(before, ttft);
  const ttftAfter = histogram(after, ttft);
  return {
    samples,
    kvHitRate: routerKvHitRate(histogram(before, hit), histogram(after, hit)),
    frontendTtft: ttftAfter && {
      sum: ttftAfter.sum - (ttftBefore?.sum ?? 0),
      count: ttftAfter.count - (ttftBefore?.count ?? 0),
    },
    progress,
  };
}

/** Requests whose prefix group already appeared earlier in the list. */
const repeats = (samples: Sample[]): Sample[] => {
  const seen = new Set<number>();
  return samples.filter((s) => {
    const again = seen.has(s.group);
    seen.add(s.group);
    return again;
  });
};

d('streaming workload against real Dynamo (kv vs round-robin on the same workers)', () => {
  let workers: WorkerHandle | undefined;
  let kvFrontend: FrontendHandle | undefined;
  let rrFrontend: FrontendHandle | undefined;
  let kv: ModeData;
  let rr: ModeData;
  let workerIds: string[];

  beforeAll(async () => {
    workers = await startWorkers({ workers: 2, speedupRatio: 2 });
    workerIds = workers.instances().map((i) => i.instanceId);
    [kvFrontend, rrFrontend] = await Promise.all([
      startFrontend({ discoveryDir: workers.discoveryDir, mode: 'kv' }),
      startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' }),
    ]);
    await Promise.all([waitForModels(kvFrontend.url, 60_000), waitForModels(rrFrontend.url, 60_000)]);
    kv = await runMode(kvFrontend.url, 0);
    rr = await runMode(rrFrontend.url, 1);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([kvFrontend?.stop(), rrFrontend?.stop()]);
    await workers?.stop();
  });

  it('records a complete sample for every request, in request order', () => {
    for (const mode of [kv, rr]) {
      expect(mode.progress).toBe(REQUESTS);
      expect(mode.samples.map((s) => s.index)).toEqual([...Array(REQUESTS).keys()]);
      for (const s of mode.samples) {
        expect(s.error).toBeUndefined();
        expect(s.ok).toBe(true);
        expect(s.ttftMs).toBeGreaterThan(0);
        expect(s.ttftMs!).toBeLessThanOrEqual(s.latencyMs);
        expect(s.outputTokens).toBe(MAX_TOKENS);
        expect(s.promptTokens).toBeGreaterThan(400);
        expect(s.finishReason).toBe('length');
        expect(s.workerId).toMatch(/^\d+$/);
        expect(workerIds).toContain(s.workerId);
      }
    }
    // Round-robin spreads over both workers.
    expect(new Set(rr.samples.map((s) => s.workerId)).size).toBe(2);
  });

  it('never has more than `concurrency` requests in flight', () => {
    expect(peakInFlight(kv.samples)).toBeLessThanOrEqual(CONCURRENCY);
    expect(peakInFlight(rr.samples)).toBeLessThanOrEqual(CONCURRENCY);
  });

  it('finds cached prefix tokens on repeated prefixes in kv mode, and the router hit rate', () => {
    const kvRepeats = repeats(kv.samples);
    const hits = kvRepeats.filter((s) => (s.cachedTokens ?? 0) > 0).length;
    // Not all: the kv router weighs load against overlap and sometimes sends a repeat to the
    // less busy worker (observed 15–23 of 24 on a busy 2-core machine).
    expect(hits / kvRepeats.length).toBeGreaterThanOrEqual(0.5);
    // First occurrences find nothing: each mode starts cold on its own variant.
    const firsts = kv.samples.filter((s) => !kvRepeats.includes(s));
    expect(firsts.every((s) => s.cachedTokens === 0)).toBe(true);
    const c = compare(
      [
        { mode: 'round-robin', samples: rr.samples, kvHitRate: rr.kvHitRate },
        { mode: 'kv', samples: kv.samples, kvHitRate: kv.kvHitRate },
      ],
      { seed: 42, settings: { requests: REQUESTS, concurrency: CONCURRENCY, maxTokens: MAX_TOKENS } },
    );
    const [rrSummary, kvSummary] = c.modes;
    // kv usually caches more than round-robin (observed 0.40–0.61 vs 0.35–0.45), but with 36
    // requests the ranges touch under load: logged, not asserted.
    // The router's own hit rate: recorded in kv mode only.
    expect(kvSummary.kvHitRate).toBeGreaterThan(0);
    expect(rrSummary.kvHitRate).toBeUndefined();
    // 36 samples per mode can never be more than a smoke comparison.
    expect(c.label).toBe('smoke comparison');
    expect(kvSummary.label).toBe('smoke comparison');
    expect(JSON.parse(JSON.stringify(c)).modes).toHaveLength(2);
    expect(renderComparison(c)).toContain('```mermaid');
    console.log(comparisonText(c));
    console.log(
      `kv repeats hit ${hits}/${kvRepeats.length}; cached-token ratio: kv ${kvSummary.cachedTokenRatio}, round-robin ${rrSummary.cachedTokenRatio}`,
    );
  });

  it('measures TTFT no earlier than the frontend itself does (the first chunk is the first token)', () => {
    for (const mode of [kv, rr]) {
      const server = mode.frontendTtft!;
      expect(server.count).toBe(REQUESTS);
      const serverMeanMs = (server.sum / server.count) * 1000;
      const ours = mode.samples.map((s) => s.ttftMs!);
      const oursMean = ours.reduce((a, b) => a + b, 0) / ours.length;
      // Client-side TTFT adds HTTP overhead, so it is at least the frontend's; a role chunk
      // sent before prefill would make it far smaller. How much more it is (the overhead) is a
      // fidelity figure, measured quietly by bench/comparison-fidelity.ts, not asserted here.
      expect(oursMean).toBeGreaterThanOrEqual(serverMeanMs * 0.9);
    }
  });
});
