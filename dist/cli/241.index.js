export const id = 241;
export const ids = [241];
export const modules = {

/***/ 6241:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runComparison: () => (/* binding */ runComparison)
});

// EXTERNAL MODULE: ./lib/check/smoke.js + 2 modules
var smoke = __webpack_require__(3497);
// EXTERNAL MODULE: ./lib/check/direct-worker.js
var direct_worker = __webpack_require__(2346);
// EXTERNAL MODULE: ./lib/model/failure.js
var failure = __webpack_require__(8675);
// EXTERNAL MODULE: ./lib/compare/bootstrap.js
var bootstrap = __webpack_require__(7793);
// EXTERNAL MODULE: ./lib/report/comparison-sentences.js
var comparison_sentences = __webpack_require__(146);
;// CONCATENATED MODULE: ./lib/model/comparison.js
// The shape of a comparison as the Contract carries it (the `comparison` output): per-mode
// numbers, the label rule's constants, and the whole result. Types and constants only:
// compare/analysis.ts fills them, report/ words and renders them.
const MIN_MEASURED_SAMPLES = 100;
const COMPARISON_LABELS = (/* unused pure expression or super */ null && (['smoke comparison', 'measured difference']));

;// CONCATENATED MODULE: ./lib/compare/analysis.js
// Turns the samples of each mode into the `comparison` output: per-mode numbers, then for every
// mode after the first a bootstrap interval of its median TTFT difference against the first.
// Pure: the caller runs the workload and reads the router metrics; report/comparison-sentences.ts words
// each mode's conclusion.
//
// Labelling (never claims more than the data carries):
// - `measured difference` only when every mode has at least MIN_MEASURED_SAMPLES successful
//   samples AND the 95% interval of median(mode) − median(baseline) excludes zero;
// - `smoke comparison` otherwise. A smoke comparison states the numbers and says that no
//   difference is shown; it never says a mode is faster or slower.
// The overall label is `measured difference` only when every comparison is one.



const definitions = (minSamples) => ({
    ttft: 'time from sending the request to the first streamed chunk carrying a choice or usage (Dynamo sends it with the first generated token)',
    latency: 'time from sending the request to the end of the stream',
    itl: 'inter-token latency per request: (latency - TTFT) / (output tokens - 1), as aiperf defines it; percentiles over requests with at least two output tokens',
    throughput: 'output tokens and successful requests per second of wall time (first request sent to last stream ended)',
    percentiles: 'nearest-rank over successful requests; p50 is the median',
    interval: '95% percentile-bootstrap interval of median TTFT(mode) - median TTFT(baseline), resampling both modes, seeded',
    label: `"measured difference" only when every mode has at least ${minSamples} successful samples and the interval excludes zero; otherwise "smoke comparison"`,
    cachedTokenRatio: 'sum of usage.prompt_tokens_details.cached_tokens / sum of usage.prompt_tokens',
    kvHitRate: "router's mean per-request KV hit rate from /metrics; recorded by the kv router only",
});
const round = (value, digits) => value === undefined || !Number.isFinite(value) ? undefined : Number(value.toFixed(digits));
function errorKey(sample) {
    const error = sample.error;
    if (!error)
        return 'unknown';
    return error.kind === 'http' && sample.status !== undefined ? `HTTP ${sample.status}` : error.kind;
}
/** aiperf's inter-token latency of one request; undefined without a TTFT or two output tokens. */
function interTokenLatency(sample) {
    const tokens = sample.outputTokens;
    if (sample.ttftMs === undefined || tokens === undefined || tokens < 2)
        return undefined;
    return (sample.latencyMs - sample.ttftMs) / (tokens - 1);
}
/** Successful samples per serving worker (samples whose stream named one). */
function perWorker(samples) {
    const counts = {};
    for (const s of samples)
        if (s.workerId !== undefined)
            counts[s.workerId] = (counts[s.workerId] ?? 0) + 1;
    return counts;
}
/** Per-mode numbers from its samples (pure). */
function summarizeMode(run) {
    const ok = run.samples.filter((s) => s.ok);
    const failed = run.samples.filter((s) => !s.ok);
    const errorKinds = {};
    for (const s of failed)
        errorKinds[errorKey(s)] = (errorKinds[errorKey(s)] ?? 0) + 1;
    const ttft = ok.map((s) => s.ttftMs).filter((v) => v !== undefined);
    const latency = ok.map((s) => s.latencyMs);
    const itl = ok.map(interTokenLatency).filter((v) => v !== undefined);
    const sum = (pick, from = ok) => from.reduce((total, s) => total + (pick(s) ?? 0), 0);
    const outputTokens = sum((s) => s.outputTokens);
    // Only samples that report both counts enter the ratio: a missing count is not a zero.
    const withCache = ok.filter((s) => s.promptTokens !== undefined && s.cachedTokens !== undefined);
    const promptForRatio = sum((s) => s.promptTokens, withCache);
    const starts = run.samples.map((s) => s.startMs);
    const ends = run.samples.map((s) => s.startMs + s.latencyMs);
    const wallMs = run.samples.length ? Math.max(...ends) - Math.min(...starts) : 0;
    return {
        mode: run.mode,
        requests: run.samples.length,
        samples: ok.length,
        errors: failed.length,
        errorKinds,
        firstError: failed[0]?.error?.message,
        ttftP50: round((0,bootstrap/* percentile */.Ym)(ttft, 50), 1),
        ttftP95: round((0,bootstrap/* percentile */.Ym)(ttft, 95), 1),
        latencyP50: round((0,bootstrap/* percentile */.Ym)(latency, 50), 1),
        latencyP95: round((0,bootstrap/* percentile */.Ym)(latency, 95), 1),
        itlP50: round((0,bootstrap/* percentile */.Ym)(itl, 50), 2),
        itlP95: round((0,bootstrap/* percentile */.Ym)(itl, 95), 2),
        outputTokensPerSec: wallMs > 0 && ok.length > 0 ? round(outputTokens / (wallMs / 1000), 1) : undefined,
        requestsPerSec: wallMs > 0 && ok.length > 0 ? round(ok.length / (wallMs / 1000), 2) : undefined,
        cachedTokenRatio: promptForRatio > 0 ? round(sum((s) => s.cachedTokens, withCache) / promptForRatio, 3) : undefined,
        kvHitRate: round(run.kvHitRate, 3),
        promptTokens: sum((s) => s.promptTokens),
        cachedTokens: sum((s) => s.cachedTokens),
        outputTokens,
        workers: new Set(ok.map((s) => s.workerId).filter((id) => id !== undefined)).size,
        workerRequests: perWorker(ok),
    };
}
/**
 * The router's mean per-request KV hit rate between two /metrics reads, from the
 * `dynamo_component_router_kv_hit_rate` histogram's _sum and _count (summed over label sets).
 * Undefined when the count did not move: the router recorded no hit rate (any mode but kv).
 */
function routerKvHitRate(before, after) {
    if (!after)
        return undefined;
    const count = after.count - (before?.count ?? 0);
    const sum = after.sum - (before?.sum ?? 0);
    if (!(count > 0) || !Number.isFinite(sum))
        return undefined;
    return Math.min(1, Math.max(0, sum / count));
}
/** Compares every mode with the first one. `runs` in the order they were run; the first is the baseline. */
function compare(runs, options) {
    if (runs.length === 0)
        throw new RangeError('compare needs at least one mode');
    const minSamples = options.minSamples ?? MIN_MEASURED_SAMPLES;
    const summaries = runs.map(summarizeMode);
    const base = summaries[0];
    const lowSampleModes = summaries.filter((s) => s.samples < minSamples).map((s) => s.mode);
    const ttftOf = (run) => run.samples.filter((s) => s.ok && s.ttftMs !== undefined).map((s) => s.ttftMs);
    const baseTtft = ttftOf(runs[0]);
    const modes = summaries.map((summary, i) => {
        if (i === 0) {
            const partial = { ...summary, baseline: true };
            return { ...partial, conclusion: (0,comparison_sentences/* conclusionFor */.H)(partial, base, lowSampleModes, minSamples) };
        }
        // A different seed per comparison: each interval stands on its own resampling.
        const interval = (0,bootstrap/* bootstrapMedianDiff */.G8)(baseTtft, ttftOf(runs[i]), {
            iterations: options.iterations,
            seed: (options.seed + i) >>> 0,
        });
        const ttftDiff = interval && {
            diff: round(interval.diff, 1),
            low: round(interval.low, 1),
            high: round(interval.high, 1),
            confidence: interval.confidence,
            iterations: interval.iterations,
        };
        // Decided on the rounded interval: the label must agree with the numbers shown.
        const measured = lowSampleModes.length === 0 && ttftDiff !== undefined && (0,bootstrap/* excludesZero */.Q$)(ttftDiff);
        const why = measured
            ? `every mode has at least ${minSamples} successful samples and the 95% interval excludes zero`
            : lowSampleModes.length > 0
                ? `fewer than ${minSamples} successful samples in ${lowSampleModes.join(', ')}`
                : interval
                    ? 'the 95% interval includes zero'
                    : 'too few successful samples for an interval';
        const partial = {
            ...summary,
            baseline: false,
            label: measured ? 'measured difference' : 'smoke comparison',
            ttftDiff,
            why,
        };
        return { ...partial, conclusion: (0,comparison_sentences/* conclusionFor */.H)(partial, base, lowSampleModes, minSamples) };
    });
    const compared = modes.slice(1);
    const label = compared.length > 0 && compared.every((m) => m.label === 'measured difference')
        ? 'measured difference'
        : 'smoke comparison';
    return {
        baseline: base.mode,
        label,
        minSamples,
        seed: options.seed,
        settings: options.settings,
        modes,
        definitions: definitions(minSamples),
    };
}

// EXTERNAL MODULE: ./lib/verify/metrics.js
var metrics = __webpack_require__(5720);
// EXTERNAL MODULE: ./lib/compare/stream.js
var stream = __webpack_require__(1871);
// EXTERNAL MODULE: ./lib/compare/workload.js
var compare_workload = __webpack_require__(4202);
;// CONCATENATED MODULE: ./lib/compare/compare-run.js
// Runs the mode comparison: for each mode, switch the deployment (restart the launched frontend,
// or patch and roll the Kubernetes frontend), wait for the model, warm up, then send the same
// workload shape with the same concurrency and sampling, and read the router's KV hit rate
// around it. Whatever happens, the deployment is put back as the run should leave it.







const HIT_SUM = 'dynamo_component_router_kv_hit_rate_sum';
const HIT_COUNT = 'dynamo_component_router_kv_hit_rate_count';
function hitTotals(totals) {
    if (!totals || !totals.has(HIT_COUNT))
        return undefined;
    return { sum: totals.get(HIT_SUM) ?? 0, count: totals.get(HIT_COUNT) ?? 0 };
}
async function runComparison(http, switcher, o) {
    const c = o.compare;
    const auth = o.apiKey ? { Authorization: `Bearer ${o.apiKey}` } : {};
    const runs = [];
    // One pool for all modes: `compare-concurrency` connections per origin, so requests never
    // wait for a connection of their own client; closed before the deployment is put back.
    const pool = (0,stream/* createStreamAgent */.O7)(c.concurrency);
    try {
        for (const [i, mode] of c.modes.entries()) {
            o.log.info(`Comparison ${i + 1}/${c.modes.length}: switching to ${mode} …`);
            let baseUrl;
            try {
                baseUrl = await switcher.switchTo(mode);
            }
            catch (error) {
                const reason = error instanceof failure/* RunFailure */.ae ? `${error.code}: ${error.message}` : error.message;
                throw new failure/* RunFailure */.ae('compare-failed', `Could not switch to ${mode} for the comparison (${reason}).`);
            }
            // Workers re-register with a restarted frontend: wait for the model like the smoke check.
            const ready = await (0,smoke/* smokeCheck */.C)(http, {
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
                throw new failure/* RunFailure */.ae('compare-failed', `In ${mode} mode the frontend did not list the model: ${ready.failure?.message ?? ''}`);
            const headers = {};
            if (mode === 'direct') {
                const pick = await (0,direct_worker/* pickDirectWorker */.LU)(http, baseUrl, o.model, auth, o.timeoutMs);
                if (!pick.id)
                    throw new failure/* RunFailure */.ae('compare-failed', 'In direct mode no worker instance id that the frontend accepts could be found.');
                Object.assign(headers, (0,direct_worker/* directWorkerHeaders */.UV)(pick.id));
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
            const warmup = (0,compare_workload/* buildWorkload */.y)({
                ...shape,
                requests: Math.min(2 * c.concurrency, c.requests),
                variant: 1000 + i,
            });
            await (0,stream/* runWorkload */.PY)(baseUrl, warmup, {
                dispatcher: pool,
                concurrency: c.concurrency,
                timeoutMs: o.timeoutMs,
                apiKey: o.apiKey,
                headers,
            });
            // A different variant per mode: worker KV caches outlive a frontend restart, so the same
            // words would hand every later mode the earlier modes' cached prefixes.
            const workload = (0,compare_workload/* buildWorkload */.y)({ ...shape, variant: i });
            const before = await (0,metrics/* readMetrics */.Uw)(http, baseUrl, auth, o.timeoutMs);
            let reported = 0;
            const samples = await (0,stream/* runWorkload */.PY)(baseUrl, workload, {
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
            const after = await (0,metrics/* readMetrics */.Uw)(http, baseUrl, auth, o.timeoutMs);
            const kvHitRate = routerKvHitRate(hitTotals(before.ok ? before.totals : undefined), hitTotals(after.ok ? after.totals : undefined));
            const errors = samples.filter((s) => !s.ok).length;
            o.log.info(`  ${mode}: ${samples.length - errors} ok, ${errors} errors${kvHitRate !== undefined ? `, router KV hit rate ${(kvHitRate * 100).toFixed(1)}%` : ''}`);
            runs.push({ mode, samples, kvHitRate });
        }
    }
    finally {
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


/***/ }),

/***/ 146:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ conclusionFor),
/* harmony export */   _: () => (/* binding */ formatMs)
/* harmony export */ });
// The sentences a comparison states per mode: numbers in milliseconds and a conclusion that
// never claims more than its label allows (compare/analysis.ts decides the label).
function formatMs(ms) {
    const abs = Math.abs(ms);
    return `${abs < 100 ? Number(ms.toFixed(1)) : Math.round(ms)} ms`;
}
const signed = (ms) => (ms > 0 ? `+${formatMs(ms)}` : formatMs(ms));
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
function failedNote(s) {
    return s.errors > 0 ? ` (${plural(s.errors, 'failed request')}, not in the numbers)` : '';
}
function conclusionFor(result, base, lowSampleModes, minSamples) {
    if (result.baseline) {
        return result.ttftP50 === undefined
            ? `${result.mode} (baseline): no successful request${failedNote(result)}.`
            : `${result.mode} (baseline): TTFT p50 ${formatMs(result.ttftP50)} over ${plural(result.samples, 'successful request')}${failedNote(result)}.`;
    }
    if (result.ttftP50 === undefined)
        return `${result.mode}: no successful request${failedNote(result)}, nothing to compare.`;
    if (base.ttftP50 === undefined)
        return `${result.mode}: TTFT p50 ${formatMs(result.ttftP50)}; the baseline ${base.mode} has no successful request, nothing to compare.`;
    const d = result.ttftDiff;
    const numbers = `TTFT p50 ${formatMs(result.ttftP50)} vs ${formatMs(base.ttftP50)} for ${base.mode}`;
    if (!d)
        return `${result.mode}: smoke comparison: ${numbers}; too few successful samples for an interval, so no difference is shown.`;
    const interval = `95% interval ${signed(d.low)} to ${signed(d.high)}`;
    if (result.label === 'measured difference') {
        const direction = d.diff < 0 ? 'lower' : 'higher';
        return `${result.mode}: measured difference: median TTFT ${formatMs(Math.abs(d.diff))} ${direction} than ${base.mode} (difference ${signed(d.diff)}, ${interval}; ${result.samples} and ${base.samples} successful samples).`;
    }
    // Too few samples: the interval may exclude zero, but the rule does not let it count.
    const reason = lowSampleModes.length > 0
        ? `fewer than ${minSamples} successful samples in ${lowSampleModes.join(', ')}, so no difference is claimed`
        : 'the interval includes zero, so no difference is shown';
    return `${result.mode}: smoke comparison: ${numbers} (difference ${signed(d.diff)}, ${interval}); ${reason}.`;
}


/***/ })

};
