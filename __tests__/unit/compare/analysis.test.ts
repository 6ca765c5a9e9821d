// Per-mode numbers, the bootstrap comparison against the first mode, and the labelling rules.
import { describe, expect, it } from '@jest/globals';
import { compare, routerKvHitRate, summarizeMode } from '../../../src/compare/analysis.js';
import type { ModeRun } from '../../../src/compare/analysis.js';
import { seededRandom } from '../../../src/compare/bootstrap.js';
import type { Sample } from '../../../src/compare/stream.js';

/** n successful samples with TTFT around `ttft` ms, issued 10 ms apart, 100 ms long. */
function samples(n: number, ttft: number, seed: number, extra: Partial<Sample> = {}): Sample[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    group: i % 4,
    ok: true,
    startMs: i * 10,
    latencyMs: 100,
    ttftMs: ttft + (random() - 0.5) * ttft * 0.4,
    outputTokens: 8,
    promptTokens: 100,
    cachedTokens: i % 4 === 0 ? 0 : 64,
    workerId: String(18446744073709551000n + BigInt(i % 2)),
    finishReason: 'length',
    status: 200,
    ...extra,
  }));
}

const failure = (index: number, kind: 'http' | 'timeout', status?: number): Sample => ({
  index,
  group: 0,
  ok: false,
  startMs: index * 10,
  latencyMs: 5,
  status,
  error: { kind, message: kind === 'http' ? `HTTP ${status}: busy` : 'no complete stream within 1 s' },
});

const FORBIDDEN_ON_SMOKE = /faster|slower|better|worse|lower than|higher than|improv/i;

describe('summarizeMode', () => {
  it('computes counts, percentiles, throughput and ratios', () => {
    const run: ModeRun = {
      mode: 'kv',
      samples: [
        ...samples(20, 50, 1),
        failure(20, 'http', 503),
        failure(21, 'http', 503),
        failure(22, 'timeout'),
      ],
      kvHitRate: 0.53333,
    };
    const s = summarizeMode(run);
    expect(s).toMatchObject({
      mode: 'kv',
      requests: 23,
      samples: 20,
      errors: 3,
      errorKinds: { 'HTTP 503': 2, timeout: 1 },
      firstError: 'HTTP 503: busy',
      latencyP50: 100,
      latencyP95: 100,
      outputTokens: 160,
      promptTokens: 2000,
      cachedTokens: 15 * 64,
      cachedTokenRatio: 0.48,
      kvHitRate: 0.533,
      workers: 2,
    });
    // 160 tokens over 0 … 290 ms (the last success ends at 190 + 100; failures end earlier).
    expect(s.outputTokensPerSec).toBeCloseTo(160 / 0.29, 0);
    expect(s.ttftP50).toBeGreaterThan(40);
    expect(s.ttftP95).toBeGreaterThanOrEqual(s.ttftP50!);
  });

  it('leaves numbers undefined when nothing succeeded', () => {
    const s = summarizeMode({ mode: 'kv', samples: [failure(0, 'timeout')] });
    expect(s).toMatchObject({ samples: 0, errors: 1, ttftP50: undefined, outputTokensPerSec: undefined });
    expect(s.cachedTokenRatio).toBeUndefined();
    expect(summarizeMode({ mode: 'kv', samples: [] }).requests).toBe(0);
  });

  it('leaves samples without usage counts out of the cached-token ratio', () => {
    const s = summarizeMode({
      mode: 'kv',
      samples: [
        ...samples(2, 50, 1, { cachedTokens: 50 }),
        ...samples(2, 50, 1, { cachedTokens: undefined }),
      ],
    });
    expect(s.cachedTokenRatio).toBe(0.5);
  });
});

describe('routerKvHitRate', () => {
  it('is the mean hit rate of the requests between two reads', () => {
    expect(routerKvHitRate({ sum: 1, count: 2 }, { sum: 4.2, count: 8 })).toBeCloseTo(3.2 / 6);
    expect(routerKvHitRate(undefined, { sum: 3, count: 6 })).toBe(0.5);
  });
  it('is undefined when the router recorded nothing (round-robin) or the metric is missing', () => {
    expect(routerKvHitRate({ sum: 0, count: 0 }, { sum: 0, count: 0 })).toBeUndefined();
    expect(routerKvHitRate(undefined, undefined)).toBeUndefined();
  });
});

describe('compare: labels', () => {
  it('calls a clear difference on few samples a smoke comparison and claims nothing', () => {
    const c = compare(
      [
        { mode: 'round-robin', samples: samples(40, 200, 1) },
        { mode: 'kv', samples: samples(40, 100, 2), kvHitRate: 0.6 },
      ],
      { seed: 1 },
    );
    expect(c.label).toBe('smoke comparison');
    expect(c.baseline).toBe('round-robin');
    const kv = c.modes[1];
    expect(kv.label).toBe('smoke comparison');
    expect(kv.ttftDiff!.high).toBeLessThan(0); // the interval excludes zero…
    expect(kv.why).toMatch(/fewer than 100 successful samples in round-robin, kv/);
    expect(kv.conclusion).toMatch(/smoke comparison/);
    expect(kv.conclusion).toMatch(/so no difference is claimed\.$/);
    for (const m of c.modes) expect(m.conclusion).not.toMatch(FORBIDDEN_ON_SMOKE);
    expect(c.modes[0].baseline).toBe(true);
    expect(c.modes[0].label).toBeUndefined();
    expect(c.modes[0].ttftDiff).toBeUndefined();
  });

  it('calls a clear difference on 100+ samples per mode a measured difference, with its interval', () => {
    const c = compare(
      [
        { mode: 'round-robin', samples: samples(120, 200, 1) },
        { mode: 'kv', samples: samples(120, 100, 2) },
      ],
      { seed: 1 },
    );
    expect(c.label).toBe('measured difference');
    const kv = c.modes[1];
    expect(kv.label).toBe('measured difference');
    expect(kv.ttftDiff!.diff).toBeLessThan(-80);
    expect(kv.conclusion).toMatch(
      /^kv: measured difference: median TTFT \d+(\.\d)? ms lower than round-robin \(difference -\d+(\.\d)? ms, 95% interval -\d/,
    );
  });

  it('calls identical distributions a smoke comparison whose interval includes zero', () => {
    const c = compare(
      [
        { mode: 'round-robin', samples: samples(150, 100, 3) },
        { mode: 'kv', samples: samples(150, 100, 4) },
      ],
      { seed: 2 },
    );
    expect(c.label).toBe('smoke comparison');
    expect(c.modes[1].why).toBe('the 95% interval includes zero');
    expect(c.modes[1].ttftDiff!.low).toBeLessThanOrEqual(0);
    expect(c.modes[1].ttftDiff!.high).toBeGreaterThanOrEqual(0);
    expect(c.modes[1].conclusion).toMatch(/the interval includes zero, so no difference is shown/);
  });

  it('needs 100 successful samples in every mode, not just 100 requests', () => {
    const c = compare(
      [
        { mode: 'round-robin', samples: samples(120, 200, 1) },
        { mode: 'kv', samples: samples(120, 100, 2) },
        {
          mode: 'random',
          samples: [...samples(95, 200, 5), ...[95, 96, 97, 98, 99].map((i) => failure(i, 'timeout'))],
        },
      ],
      { seed: 1 },
    );
    expect(c.modes.slice(1).map((m) => m.label)).toEqual(['smoke comparison', 'smoke comparison']);
    expect(c.modes[1].why).toMatch(/in random$/);
    expect(c.modes[2].conclusion).toMatch(/5 failed requests, not in the numbers|fewer than 100/);
    expect(c.label).toBe('smoke comparison');
  });

  it('gives no interval for tiny samples and says so', () => {
    const c = compare(
      [
        { mode: 'round-robin', samples: samples(3, 200, 1) },
        { mode: 'kv', samples: samples(3, 100, 2) },
      ],
      { seed: 1 },
    );
    expect(c.modes[1].ttftDiff).toBeUndefined();
    expect(c.modes[1].label).toBe('smoke comparison');
    expect(c.modes[1].conclusion).toMatch(/too few successful samples for an interval/);
  });

  it('says there is nothing to compare when a mode has no successful request', () => {
    const c = compare(
      [
        { mode: 'round-robin', samples: [failure(0, 'http', 503)] },
        { mode: 'kv', samples: samples(10, 100, 2) },
      ],
      { seed: 1 },
    );
    expect(c.modes[0].conclusion).toMatch(/no successful request \(1 failed request, not in the numbers\)/);
    expect(c.modes[1].conclusion).toMatch(
      /baseline round-robin has no successful request, nothing to compare/,
    );
  });

  it('is deterministic and JSON-serialisable', () => {
    const runs: ModeRun[] = [
      { mode: 'round-robin', samples: samples(30, 200, 1) },
      { mode: 'kv', samples: samples(30, 150, 2), kvHitRate: 0.5 },
    ];
    const settings = {
      requests: 30,
      concurrency: 4,
      prefixGroups: 4,
      prefixTokens: 256,
      maxTokens: 8,
      model: 'm',
    };
    const a = compare(runs, { seed: 5, settings });
    expect(compare(runs, { seed: 5, settings })).toEqual(a);
    const json = JSON.stringify(a);
    expect(json).not.toMatch(/NaN|Infinity/);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(a)));
    expect(JSON.parse(json)).toMatchObject({ baseline: 'round-robin', seed: 5, settings, minSamples: 100 });
    expect(Object.keys(a.definitions)).toEqual(
      expect.arrayContaining(['ttft', 'percentiles', 'interval', 'label', 'cachedTokenRatio', 'kvHitRate']),
    );
  });

  it('labels a single mode a smoke comparison', () => {
    expect(compare([{ mode: 'kv', samples: samples(200, 100, 1) }], { seed: 1 }).label).toBe(
      'smoke comparison',
    );
    expect(() => compare([], { seed: 1 })).toThrow(RangeError);
  });
});

describe('inter-token latency and request throughput (as aiperf reports them)', () => {
  it('takes (latency - TTFT) / (output tokens - 1) per request and requests per wall second', () => {
    const run: ModeRun = {
      mode: 'kv',
      samples: [
        // 100 ms long, first token at 20 ms, 9 tokens: 10 ms between tokens.
        { ...samples(1, 20, 1)[0], ttftMs: 20, latencyMs: 100, outputTokens: 9, startMs: 0 },
        // 50 ms, first token at 10 ms, 5 tokens: 10 ms.
        { ...samples(1, 20, 2)[0], index: 1, ttftMs: 10, latencyMs: 50, outputTokens: 5, startMs: 100 },
        // One token: no inter-token latency, still a request.
        { ...samples(1, 20, 3)[0], index: 2, ttftMs: 5, latencyMs: 5, outputTokens: 1, startMs: 195 },
        failure(3, 'timeout'),
      ],
    };
    const s = summarizeMode(run);
    expect(s.itlP50).toBe(10);
    expect(s.itlP95).toBe(10);
    // 3 successful requests over 200 ms of wall time (0 → 200).
    expect(s.requestsPerSec).toBe(15);
  });

  it('has no inter-token latency without two output tokens', () => {
    const s = summarizeMode({ mode: 'rr', samples: samples(3, 10, 1, { outputTokens: 1 }) });
    expect(s.itlP50).toBeUndefined();
  });
});
