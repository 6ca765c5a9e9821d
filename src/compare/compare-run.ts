// Runs the mode comparison: for each mode, switch the deployment (restart the launched frontend,
// or patch and roll the Kubernetes frontend), wait for the model, warm up, then send the same
// workload shape with the same concurrency and sampling, and read the router's KV hit rate
// around it. Whatever happens, the deployment is put back as the run should leave it.

import type { HttpClient } from '../check/http.js';
import { smokeCheck } from '../check/smoke.js';
import { directWorkerHeaders, pickDirectWorker } from '../check/direct-worker.js';
import { RunFailure } from '../model/failure.js';
import type { Logger, ModeSwitcher } from '../session.js';
import type { CompareInputs } from '../settings/compare.js';
import { compare, routerKvHitRate, type ModeRun } from './analysis.js';
import type { Comparison } from '../model/comparison.js';
import { readMetrics, type MetricTotals } from '../verify/metrics.js';
import { createStreamAgent, runWorkload } from './stream.js';
import { buildWorkload } from './workload.js';

export interface CompareRunOptions {
  compare: CompareInputs;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  log: Logger;
}

const HIT_SUM = 'dynamo_component_router_kv_hit_rate_sum';
const HIT_COUNT = 'dynamo_component_router_kv_hit_rate_count';

function hitTotals(totals: MetricTotals | undefined): { sum: number; count: number } | undefined {
  if (!totals || !totals.has(HIT_COUNT)) return undefined;
  return { sum: totals.get(HIT_SUM) ?? 0, count: totals.get(HIT_COUNT) ?? 0 };
}

export async function runComparison(
  http: HttpClient,
  switcher: ModeSwitcher,
  o: CompareRunOptions,
): Promise<Comparison> {
  const c = o.compare;
  const auth: Record<string, string> = o.apiKey ? { Authorization: `Bearer ${o.apiKey}` } : {};
  const runs: ModeRun[] = [];
  // One pool for all modes: `compare-concurrency` connections per origin, so requests never
  // wait for a connection of their own client; closed before the deployment is put back.
  const pool = createStreamAgent(c.concurrency);
  try {
    for (const [i, mode] of c.modes.entries()) {
      o.log.info(`Comparison ${i + 1}/${c.modes.length}: switching to ${mode} …`);
      let baseUrl: string;
      try {
        baseUrl = await switcher.switchTo(mode);
      } catch (error) {
        const reason =
          error instanceof RunFailure ? `${error.code}: ${error.message}` : (error as Error).message;
        throw new RunFailure('compare-failed', `Could not switch to ${mode} for the comparison (${reason}).`);
      }
      // Workers re-register with a restarted frontend: wait for the model like the smoke check.
      const ready = await smokeCheck(http, {
        baseUrl,
        model: o.model,
        prompt: 'warm-up',
        maxTokens: 1,
        skipChat: true,
        retries: o.retries,
        retryDelayMs: o.retryDelayMs,
        timeoutMs: o.timeoutMs,
        apiKey: o.apiKey,
      });
      if (!ready.ok)
        throw new RunFailure(
          'compare-failed',
          `In ${mode} mode the frontend did not list the model: ${ready.failure?.message ?? ''}`,
        );
      const headers: Record<string, string> = {};
      if (mode === 'direct') {
        const pick = await pickDirectWorker(http, baseUrl, o.model, auth, o.timeoutMs);
        if (!pick.id)
          throw new RunFailure(
            'compare-failed',
            'In direct mode no worker instance id that the frontend accepts could be found.',
          );
        Object.assign(headers, directWorkerHeaders(pick.id));
      }
      const shape = {
        requests: c.requests,
        prefixGroups: c.prefixGroups,
        prefixTokens: c.prefixTokens,
        maxTokens: c.maxTokens,
        seed: c.seed,
        model: o.model,
      };
      // Warm-up prompts use words of their own, so they prime connections and code paths
      // without caching any prefix of the measured workload.
      const warmup = buildWorkload({
        ...shape,
        requests: Math.min(2 * c.concurrency, c.requests),
        variant: 1000 + i,
      });
      await runWorkload(baseUrl, warmup, {
        dispatcher: pool,
        concurrency: c.concurrency,
        timeoutMs: o.timeoutMs,
        apiKey: o.apiKey,
        headers,
      });
      // A different variant per mode: worker KV caches outlive a frontend restart, so the same
      // words would hand every later mode the earlier modes' cached prefixes.
      const workload = buildWorkload({ ...shape, variant: i });
      const before = await readMetrics(http, baseUrl, auth, o.timeoutMs);
      let reported = 0;
      const samples = await runWorkload(baseUrl, workload, {
        dispatcher: pool,
        concurrency: c.concurrency,
        timeoutMs: o.timeoutMs,
        apiKey: o.apiKey,
        headers,
        onProgress: (done, total) => {
          if (done === total || done - reported >= Math.max(10, Math.ceil(total / 5))) {
            reported = done;
            o.log.info(`  ${mode}: ${done}/${total} requests`);
          }
        },
      });
      await new Promise((r) => setTimeout(r, 200));
      const after = await readMetrics(http, baseUrl, auth, o.timeoutMs);
      const kvHitRate = routerKvHitRate(
        hitTotals(before.ok ? before.totals : undefined),
        hitTotals(after.ok ? after.totals : undefined),
      );
      const errors = samples.filter((s) => !s.ok).length;
      o.log.info(
        `  ${mode}: ${samples.length - errors} ok, ${errors} errors${kvHitRate !== undefined ? `, router KV hit rate ${(kvHitRate * 100).toFixed(1)}%` : ''}`,
      );
      runs.push({ mode, samples, kvHitRate });
    }
  } finally {
    await pool.close().catch(() => pool.destroy().catch(() => undefined));
    o.log.info('Comparison done: putting the deployment back …');
    await switcher.restore();
  }
  return compare(runs, {
    seed: c.seed,
    settings: {
      requests: c.requests,
      concurrency: c.concurrency,
      prefixGroups: c.prefixGroups,
      prefixTokens: c.prefixTokens,
      maxTokens: c.maxTokens,
      model: o.model,
    },
  });
}
