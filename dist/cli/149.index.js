export const id = 149;
export const ids = [149];
export const modules = {

/***/ 9898:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   UD: () => (/* binding */ compare),
/* harmony export */   _V: () => (/* binding */ formatMs),
/* harmony export */   mi: () => (/* binding */ routerKvHitRate)
/* harmony export */ });
/* unused harmony exports MIN_MEASURED_SAMPLES, COMPARISON_LABELS, definitions, interTokenLatency, summarizeMode */
/* harmony import */ var _stats_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6950);
// Turns the samples of each mode into the `comparison` output: per-mode numbers, then for every
// mode after the first a bootstrap interval of its median TTFT difference against the first.
// Pure: the caller runs the workload and reads the router metrics.
//
// Labelling (never claims more than the data carries):
// - `measured difference` only when every mode has at least MIN_MEASURED_SAMPLES successful
//   samples AND the 95% interval of median(mode) − median(baseline) excludes zero;
// - `smoke comparison` otherwise. A smoke comparison states the numbers and says that no
//   difference is shown; it never says a mode is faster or slower.
// The overall label is `measured difference` only when every comparison is one.

const MIN_MEASURED_SAMPLES = 100;
const COMPARISON_LABELS = (/* unused pure expression or super */ null && (['smoke comparison', 'measured difference']));
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
        ttftP50: round((0,_stats_js__WEBPACK_IMPORTED_MODULE_0__/* .percentile */ .Ym)(ttft, 50), 1),
        ttftP95: round((0,_stats_js__WEBPACK_IMPORTED_MODULE_0__/* .percentile */ .Ym)(ttft, 95), 1),
        latencyP50: round((0,_stats_js__WEBPACK_IMPORTED_MODULE_0__/* .percentile */ .Ym)(latency, 50), 1),
        latencyP95: round((0,_stats_js__WEBPACK_IMPORTED_MODULE_0__/* .percentile */ .Ym)(latency, 95), 1),
        itlP50: round((0,_stats_js__WEBPACK_IMPORTED_MODULE_0__/* .percentile */ .Ym)(itl, 50), 2),
        itlP95: round((0,_stats_js__WEBPACK_IMPORTED_MODULE_0__/* .percentile */ .Ym)(itl, 95), 2),
        outputTokensPerSec: wallMs > 0 && ok.length > 0 ? round(outputTokens / (wallMs / 1000), 1) : undefined,
        requestsPerSec: wallMs > 0 && ok.length > 0 ? round(ok.length / (wallMs / 1000), 2) : undefined,
        cachedTokenRatio: promptForRatio > 0 ? round(sum((s) => s.cachedTokens, withCache) / promptForRatio, 3) : undefined,
        kvHitRate: round(run.kvHitRate, 3),
        promptTokens: sum((s) => s.promptTokens),
        cachedTokens: sum((s) => s.cachedTokens),
        outputTokens,
        workers: new Set(ok.map((s) => s.workerId).filter((id) => id !== undefined)).size,
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
            return { ...partial, conclusion: conclusionFor(partial, base, lowSampleModes, minSamples) };
        }
        // A different seed per comparison: each interval stands on its own resampling.
        const interval = (0,_stats_js__WEBPACK_IMPORTED_MODULE_0__/* .bootstrapMedianDiff */ .G8)(baseTtft, ttftOf(runs[i]), {
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
        const measured = lowSampleModes.length === 0 && ttftDiff !== undefined && (0,_stats_js__WEBPACK_IMPORTED_MODULE_0__/* .excludesZero */ .Q$)(ttftDiff);
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
        return { ...partial, conclusion: conclusionFor(partial, base, lowSampleModes, minSamples) };
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


/***/ }),

/***/ 6950:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G8: () => (/* binding */ bootstrapMedianDiff),
/* harmony export */   HO: () => (/* binding */ randomInt),
/* harmony export */   Is: () => (/* binding */ seededRandom),
/* harmony export */   Q$: () => (/* binding */ excludesZero),
/* harmony export */   Ym: () => (/* binding */ percentile)
/* harmony export */ });
/* unused harmony exports median, MIN_BOOTSTRAP_VALUES */
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


/***/ }),

/***/ 9149:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  comparisonText: () => (/* binding */ comparisonText)
});

// UNUSED EXPORTS: renderComparison, renderComparisonChart, renderComparisonHtml

// EXTERNAL MODULE: ./lib/evidence/comparison.js
var comparison = __webpack_require__(9898);
// EXTERNAL MODULE: ./lib/runner/redact.js
var redact = __webpack_require__(981);
;// CONCATENATED MODULE: ./lib/report/escape.js
// Everything echoed into the job summary or an annotation comes from outside (model ids, error
// bodies, pod names, event messages) and is escaped here, in one place.

const HTML_ENTITIES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    // Markdown and autolink triggers: inert inside HTML blocks, but escaping them costs nothing
    // and keeps the text literal if a renderer ever treats the block as Markdown.
    '`': '&#96;',
    '|': '&#124;',
    '*': '&#42;',
    _: '&#95;',
    '[': '&#91;',
    ']': '&#93;',
    '@': '&#64;',
    '#': '&#35;',
    '~': '&#126;',
    '\\': '&#92;',
};
/**
 * Escapes text for the summary's HTML. Newlines become <br>: a blank line would end the HTML
 * block and let the rest be parsed as Markdown.
 */
function escape_escapeHtml(text) {
    return (text
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\uFFFD')
        .replace(/[&<>"'`|*_[\]@#~\\]/g, (c) => HTML_ENTITIES[c])
        .replace(/\r\n|\r|\n/g, '<br>'));
}
/**
 * Annotations are plain text, one line: workflow commands need %, CR and LF escaped by the toolkit.
 * Cut through quote(): secrets are redacted before the cut, so a key straddling `max` leaves no
 * fragment behind (the runner masks only whole copies).
 */
function oneLine(text, max = 1000) {
    return (0,redact/* quote */.hD)(text, max);
}
/** Text for a Mermaid label: only characters that cannot break out of a quoted label. */
function escape_mermaidLabel(text) {
    return text.replace(/[^A-Za-z0-9 .,:%()+/-]/g, '_');
}

;// CONCATENATED MODULE: ./lib/report/comparison.js
// The compare-modes section of the job summary (an HTML table, every value escaped, and a
// Mermaid bar chart of TTFT p50) and its short text form for the log. The label is shown
// before any number, so a smoke comparison is never read as a measurement.


const ms = (value) => (value === undefined ? 'n/a' : (0,comparison/* formatMs */._V)(value));
// Inter-token latencies of fast engines are well under a millisecond: keep two decimals there.
const itlMs = (value) => value === undefined ? 'n/a' : Math.abs(value) < 1 ? `${Number(value.toFixed(2))} ms` : (0,comparison/* formatMs */._V)(value);
const percent = (ratio) => ratio === undefined ? 'n/a' : `${Number((ratio * 100).toFixed(1))}%`;
const signed = (value) => (value > 0 ? `+${(0,comparison/* formatMs */._V)(value)}` : (0,comparison/* formatMs */._V)(value));
function diffText(m) {
    if (m.baseline)
        return 'baseline';
    if (!m.ttftDiff)
        return 'no interval';
    const d = m.ttftDiff;
    return `${signed(d.diff)} [${signed(d.low)}, ${signed(d.high)}]`;
}
function errorsText(m) {
    if (m.errors === 0)
        return '0';
    const kinds = Object.entries(m.errorKinds).map(([kind, n]) => `${kind} ×${n}`);
    return `${m.errors} (${kinds.join(', ')})`;
}
const cell = (text) => `<td>${escapeHtml(text)}</td>`;
const HEADERS = (/* unused pure expression or super */ null && ([
    'mode',
    'samples',
    'errors',
    'TTFT p50',
    'TTFT p95',
    'latency p50',
    'latency p95',
    'ITL p50',
    'ITL p95',
    'output tok/s',
    'requests/s',
    'cached-token ratio',
    'router KV hit rate',
    'TTFT p50 vs baseline [95% interval]',
    'label',
]));
function modeRow(m) {
    const cells = [
        m.baseline ? `${m.mode} (baseline)` : m.mode,
        `${m.samples}/${m.requests}`,
        errorsText(m),
        ms(m.ttftP50),
        ms(m.ttftP95),
        ms(m.latencyP50),
        ms(m.latencyP95),
        itlMs(m.itlP50),
        itlMs(m.itlP95),
        m.outputTokensPerSec === undefined ? 'n/a' : `${m.outputTokensPerSec}`,
        m.requestsPerSec === undefined ? 'n/a' : `${m.requestsPerSec}`,
        percent(m.cachedTokenRatio),
        percent(m.kvHitRate),
        diffText(m),
        m.label ?? '',
    ];
    return `<tr>${cells.map(cell).join('')}</tr>`;
}
function settingsLine(c) {
    const s = c.settings;
    if (!s)
        return `seed ${c.seed}`;
    const parts = [
        s.model !== undefined ? `model ${s.model}` : undefined,
        s.requests !== undefined ? `${s.requests} requests per mode` : undefined,
        s.concurrency !== undefined ? `concurrency ${s.concurrency}` : undefined,
        s.prefixGroups !== undefined ? `${s.prefixGroups} shared prefixes` : undefined,
        s.prefixTokens !== undefined ? `of about ${s.prefixTokens} tokens` : undefined,
        s.maxTokens !== undefined ? `max_tokens ${s.maxTokens}` : undefined,
        `seed ${c.seed}`,
    ];
    return parts.filter((p) => p !== undefined).join(', ');
}
function labelSentence(c) {
    return c.label === 'measured difference'
        ? `Every mode has at least ${c.minSamples} successful samples and each 95% interval excludes zero.`
        : `Not a measurement: a difference is only claimed when every mode has at least ${c.minSamples} successful samples and the 95% interval of the median TTFT difference excludes zero.`;
}
/** The HTML part (one block, no blank lines inside: a blank line would end the HTML block). */
function renderComparisonHtml(c) {
    const header = `<tr>${HEADERS.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
    const conclusions = c.modes.map((m) => `<li>${escapeHtml(m.conclusion)}</li>`).join('');
    const notes = Object.entries(c.definitions)
        .map(([term, text]) => `<li><b>${escapeHtml(term)}</b>: ${escapeHtml(text)}</li>`)
        .join('');
    return [
        `<h3>Mode comparison: ${escapeHtml(c.label)}</h3>`,
        `<p>${escapeHtml(labelSentence(c))}<br>${escapeHtml(settingsLine(c))}</p>`,
        `<table>${header}${c.modes.map(modeRow).join('')}</table>`,
        `<ul>${conclusions}</ul>`,
        `<details><summary>Definitions</summary><ul>${notes}</ul></details>`,
    ].join('\n');
}
/** A Mermaid bar chart of TTFT p50 per mode; undefined when no mode has a TTFT. */
function renderComparisonChart(c) {
    const shown = c.modes.filter((m) => m.ttftP50 !== undefined);
    if (shown.length === 0)
        return undefined;
    const values = shown.map((m) => m.ttftP50);
    // The axis starts at zero: an automatic range would make small differences look large.
    const top = Math.max(1, Math.ceil(Math.max(...values) * 1.1));
    const labels = shown.map((m) => `"${mermaidLabel(m.mode)}"`).join(', ');
    return [
        '```mermaid',
        'xychart-beta',
        `    title "${mermaidLabel(`TTFT p50 (ms), ${c.label}`)}"`,
        `    x-axis [${labels}]`,
        `    y-axis "${mermaidLabel('TTFT p50 (ms)')}" 0 --> ${top}`,
        `    bar [${values.map((v) => String(v)).join(', ')}]`,
        '```',
    ].join('\n');
}
/** The whole summary section: HTML, then the chart as Markdown, separated by blank lines. */
function renderComparison(c) {
    const chart = renderComparisonChart(c);
    return [renderComparisonHtml(c), chart].filter((part) => part !== undefined).join('\n\n') + '\n';
}
/** A few plain lines for the log; each outside value is kept on its own line (no injected newline). */
function comparisonText(c) {
    const lines = [oneLine(`compare-modes: ${c.label} (${settingsLine(c)})`)];
    for (const m of c.modes) {
        lines.push(`  ${oneLine(m.mode)}: ${m.samples}/${m.requests} ok, TTFT p50/p95 ${ms(m.ttftP50)}/${ms(m.ttftP95)}, latency p50/p95 ${ms(m.latencyP50)}/${ms(m.latencyP95)}, ITL p50/p95 ${itlMs(m.itlP50)}/${itlMs(m.itlP95)}, ${m.outputTokensPerSec ?? 'n/a'} tok/s, ${m.requestsPerSec ?? 'n/a'} req/s, cached ${percent(m.cachedTokenRatio)}, router KV hit ${percent(m.kvHitRate)}${m.baseline ? '' : `, vs baseline ${diffText(m)}`}`);
    }
    for (const m of c.modes)
        lines.push(`  ${oneLine(m.conclusion)}`);
    return lines.join('\n');
}


/***/ })

};
