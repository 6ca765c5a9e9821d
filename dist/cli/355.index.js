export const id = 355;
export const ids = [355];
export const modules = {

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


/***/ }),

/***/ 1355:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  comparisonText: () => (/* binding */ comparisonText)
});

// UNUSED EXPORTS: renderComparison, renderComparisonChart, renderComparisonHtml

// EXTERNAL MODULE: ./lib/report/comparison-sentences.js
var comparison_sentences = __webpack_require__(146);
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

// EXTERNAL MODULE: ./lib/report/next-command.js
var next_command = __webpack_require__(1017);
;// CONCATENATED MODULE: ./lib/report/summary-comparison.js
// The compare-modes section of the job summary (an HTML table, every value escaped, and a
// Mermaid bar chart of TTFT p50) and its short text form for the log. The label is shown
// before any number, so a smoke comparison is never read as a measurement.



const ms = (value) => (value === undefined ? 'n/a' : (0,comparison_sentences/* formatMs */._)(value));
// Inter-token latencies of fast engines are well under a millisecond: keep two decimals there.
const itlMs = (value) => value === undefined ? 'n/a' : Math.abs(value) < 1 ? `${Number(value.toFixed(2))} ms` : (0,comparison_sentences/* formatMs */._)(value);
const percent = (ratio) => ratio === undefined ? 'n/a' : `${Number((ratio * 100).toFixed(1))}%`;
const signed = (value) => (value > 0 ? `+${(0,comparison_sentences/* formatMs */._)(value)}` : (0,comparison_sentences/* formatMs */._)(value));
function diffText(m) {
    if (m.baseline)
        return 'baseline';
    if (!m.ttftDiff)
        return 'no interval';
    const d = m.ttftDiff;
    return `${signed(d.diff)} [${signed(d.low)}, ${signed(d.high)}]`;
}
/** e.g. `3 (40%)`: workers that served the mode's requests and the busiest one's share. */
function workersText(m) {
    const counts = Object.values(m.workerRequests ?? {});
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0)
        return m.workers > 0 ? String(m.workers) : 'n/a';
    return `${counts.length} (${percent(Math.max(...counts) / total)})`;
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
    'workers (busiest share)',
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
        workersText(m),
        diffText(m),
        m.label ?? '',
    ];
    return `<tr>${cells.map(cell).join('')}</tr>`;
}
/**
 * The prefix length as the next command states it: the workload's words, and the tokens the
 * frontend counted for them when the run measured any (a small tokenizer splits words further).
 */
function prefixText(c, words) {
    const lengths = (0,next_command/* tokenLengths */.jg)(words, (0,next_command/* measuredPrompts */.Ip)({ comparison: c }));
    return lengths.from === 'measured'
        ? `of ${words} words (about ${lengths.prefix} tokens as the frontend counted them)`
        : `of about ${words} tokens`;
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
        s.prefixTokens !== undefined ? prefixText(c, s.prefixTokens) : undefined,
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
