export const id = 705;
export const ids = [705];
export const modules = {

/***/ 1705:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ latencyFigures),
/* harmony export */   listedWorkers: () => (/* binding */ listedWorkers),
/* harmony export */   sampleLatency: () => (/* binding */ sampleLatency)
/* harmony export */ });
/* unused harmony export SMOKE_SAMPLE_REQUESTS */
/* harmony import */ var node_perf_hooks__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(643);
/* harmony import */ var _compare_bootstrap_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7793);
/* harmony import */ var _direct_worker_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2346);
// A small, bounded latency sample of the smoke kind, for the history: the same chat as the smoke
// check (model, prompt, max_tokens, headers), sent a fixed number of times one after the other,
// each within `timeout`. Used when the routing probe gives no per-request latencies. Also the
// worker instances GET /health lists, when no probe named the workers that served.



/** Requests in a smoke-kind sample: enough for a median that one slow request cannot move. */
const SMOKE_SAMPLE_REQUESTS = 8;
/** Two failures in a row end the sample: the frontend is failing, not slow. */
const STOP_AFTER_ERRORS = 2;
const MAX_REPLY_BYTES = 4 * 1024 * 1024;
/** Figures of a list of successful latencies, with how many requests were sent and failed. */
function latencyFigures(source, samplesMs, requests, errors) {
    return {
        source,
        requests,
        errors,
        samplesMs,
        p50Ms: (0,_compare_bootstrap_js__WEBPACK_IMPORTED_MODULE_1__/* .percentile */ .Ym)(samplesMs, 50) ?? null,
        p90Ms: (0,_compare_bootstrap_js__WEBPACK_IMPORTED_MODULE_1__/* .percentile */ .Ym)(samplesMs, 90) ?? null,
    };
}
async function sampleLatency(http, o) {
    const requests = o.requests ?? SMOKE_SAMPLE_REQUESTS;
    const samples = [];
    let errors = 0;
    let inARow = 0;
    let sent = 0;
    const headers = {
        'Content-Type': 'application/json',
        ...o.headers,
        ...(o.workerId ? (0,_direct_worker_js__WEBPACK_IMPORTED_MODULE_2__/* .directWorkerHeaders */ .UV)(o.workerId) : {}),
    };
    const body = JSON.stringify({
        model: o.model,
        messages: [{ role: 'user', content: o.prompt }],
        max_tokens: o.maxTokens,
    });
    while (sent < requests && inARow < STOP_AFTER_ERRORS) {
        sent++;
        const started = node_perf_hooks__WEBPACK_IMPORTED_MODULE_0__.performance.now();
        let ok;
        try {
            const response = await http.request({
                method: 'POST',
                url: `${o.baseUrl}/v1/chat/completions`,
                headers,
                body,
                timeoutMs: o.timeoutMs,
                maxBytes: MAX_REPLY_BYTES,
            });
            ok = response.status === 200;
        }
        catch {
            ok = false;
        }
        if (ok) {
            samples.push(node_perf_hooks__WEBPACK_IMPORTED_MODULE_0__.performance.now() - started);
            inARow = 0;
        }
        else {
            errors++;
            inARow++;
        }
    }
    return latencyFigures('smoke', samples, sent, errors);
}
/** The worker instances the frontend lists in GET /health (sorted; empty when it lists none). */
async function listedWorkers(http, baseUrl, headers, timeoutMs) {
    return [...(await (0,_direct_worker_js__WEBPACK_IMPORTED_MODULE_2__/* .workerInstanceIds */ ._5)(http, baseUrl, headers, timeoutMs))].sort();
}


/***/ }),

/***/ 7793:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G8: () => (/* binding */ bootstrapMedianDiff),
/* harmony export */   HO: () => (/* binding */ randomInt),
/* harmony export */   Is: () => (/* binding */ seededRandom),
/* harmony export */   JZ: () => (/* binding */ median),
/* harmony export */   Q$: () => (/* binding */ excludesZero),
/* harmony export */   Ym: () => (/* binding */ percentile)
/* harmony export */ });
/* unused harmony export MIN_BOOTSTRAP_VALUES */
// Small, deterministic statistics for the mode comparison. Everything here is pure: the same
// numbers and seed give the same result on every run, so a summary can be reproduced.
//
// Percentiles use the nearest-rank method: the p-th percentile of n sorted values is the value
// at rank ceil(p/100 · n) (1-based); p = 0 gives the minimum. It always returns an observed
// value (no interpolation), and the median is the 50th percentile by the same rule (for even n
// the lower of the two middle values), so the bootstrap difference of medians is exactly the
// difference of the p50 columns the report shows.
/** mulberry32: a tiny 32-bit seeded PRNG, good enough for shuffles and resampling. Returns [0, 1). */
function seededRandom(seed) {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
/** A uniform integer in [0, n). */
function randomInt(random, n) {
    return Math.floor(random() * n);
}
function finiteSorted(values) {
    const sorted = Float64Array.from(values.filter((v) => Number.isFinite(v)));
    return sorted.sort();
}
function rankIn(sorted, p) {
    const n = sorted.length;
    const rank = Math.max(1, Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * n));
    return sorted[rank - 1];
}
/** Nearest-rank percentile (p from 0 to 100); undefined for no finite values. */
function percentile(values, p) {
    const sorted = finiteSorted(values);
    return sorted.length === 0 ? undefined : rankIn(sorted, p);
}
/** Nearest-rank median (the lower middle value for an even count); undefined when empty. */
function median(values) {
    return percentile(values, 50);
}
/**
 * Below this many values per side, resampled medians take so few distinct values that the
 * interval is an artefact of the resampling, not evidence: no interval is computed.
 */
const MIN_BOOTSTRAP_VALUES = 5;
/**
 * Percentile bootstrap interval of median(b) − median(a): resample each side with replacement,
 * take the difference of medians, and read the (1−c)/2 and (1+c)/2 nearest-rank percentiles of
 * those differences. Deterministic from the seed. Undefined when either side has fewer than
 * MIN_BOOTSTRAP_VALUES finite values.
 */
function bootstrapMedianDiff(a, b, { iterations = 2000, seed, confidence = 0.95 }) {
    const sa = finiteSorted(a);
    const sb = finiteSorted(b);
    if (sa.length < MIN_BOOTSTRAP_VALUES || sb.length < MIN_BOOTSTRAP_VALUES)
        return undefined;
    const rounds = Math.max(1, Math.floor(iterations));
    const random = seededRandom(seed);
    const counts = new Uint32Array(Math.max(sa.length, sb.length));
    const diffs = new Float64Array(rounds);
    // The source is sorted, so a resample's median is found by counting how often each index was
    // drawn and walking to the median rank: O(n) per resample instead of a sort.
    const resampledMedian = (source) => {
        const n = source.length;
        counts.fill(0, 0, n);
        for (let i = 0; i < n; i++)
            counts[randomInt(random, n)]++;
        const rank = Math.ceil(n / 2);
        let seen = 0;
        for (let i = 0; i < n; i++) {
            seen += counts[i];
            if (seen >= rank)
                return source[i];
        }
        return source[n - 1];
    };
    for (let r = 0; r < rounds; r++)
        diffs[r] = resampledMedian(sb) - resampledMedian(sa);
    diffs.sort();
    const tail = ((1 - confidence) / 2) * 100;
    return {
        diff: rankIn(sb, 50) - rankIn(sa, 50),
        low: rankIn(diffs, tail),
        high: rankIn(diffs, 100 - tail),
        confidence,
        iterations: rounds,
    };
}
/** True when the interval lies entirely above or entirely below zero. */
function excludesZero(interval) {
    return interval.low > 0 || interval.high < 0;
}


/***/ })

};
