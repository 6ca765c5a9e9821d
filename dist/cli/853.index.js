export const id = 853;
export const ids = [853];
export const modules = {

/***/ 5234:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  gatherEvidence: () => (/* binding */ gatherEvidence),
  openEvidenceWindow: () => (/* binding */ openEvidenceWindow)
});

// UNUSED EXPORTS: COUNTER_WAIT_MS, ROUTER_SERIES, kvEventsFromMetrics, noRouterSeries

// EXTERNAL MODULE: ./lib/check/direct-worker.js
var direct_worker = __webpack_require__(2346);
// EXTERNAL MODULE: ./lib/check/retry.js
var retry = __webpack_require__(7122);
;// CONCATENATED MODULE: ./lib/verify/logs.js
// The frontend logs one line per routed request naming the router mode, e.g.
//   … push_router: Selected worker router_mode="round-robin" worker_id=…
//   … kv_router::scheduling::selector: Selected worker router_mode="kv" …
// Counting those lines in a window is the most direct evidence of the mode in effect.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const SELECTED = /Selected worker\s+router_mode="?([a-z][a-z-]*)"?/g;
// Log names that differ from the CLI's mode names (Dynamo 1.6.1).
const LOG_NAMES = { 'power-of-two-choices': 'power-of-two' };
// Dynamo 1.3.x logs each kv-routed request twice: the kv selector's line, then the push router's
// `Selected worker router_mode="direct"` for the hop to the chosen worker, inside the
// `kv_router.route_request` span. That second line is kv routing, not direct mode.
const KV_HOP = /kv_router\.route_request[^\n]*push_router: Selected worker\s+router_mode="?direct"?/;
function routerModesInLog(text) {
    const counts = {};
    for (const line of text.replace(ANSI, '').split('\n')) {
        if (KV_HOP.test(line))
            continue;
        for (const match of line.matchAll(SELECTED)) {
            const mode = LOG_NAMES[match[1]] ?? match[1];
            counts[mode] = (counts[mode] ?? 0) + 1;
        }
    }
    return counts;
}

// EXTERNAL MODULE: ./lib/verify/metrics.js
var verify_metrics = __webpack_require__(5720);
// EXTERNAL MODULE: ./lib/verify/probe/traffic.js
var probe_traffic = __webpack_require__(6073);
// EXTERNAL MODULE: ./lib/model/modes.js
var modes = __webpack_require__(2938);
;// CONCATENATED MODULE: ./lib/verify/log-metrics-verdict.js
// Decides whether the frontend really runs the requested router mode, from whatever evidence
// the target can give: the frontend's own per-request log lines, the router's metrics before
// and after a few requests, the running pod's spec, and (direct mode) how a request without a
// worker id is treated. Pure: the caller gathers the evidence.
//
// What moves, measured on Dynamo 1.6.1 (docs/dynamo-observed.md): router_requests_total counts
// in every mode; kv_hit_rate_count and router_overhead_total_ms_count move only in kv mode
// (approximate or not). A metric a release does not expose is "unverifiable", never a failure.
// Every 1.x release in src/releases/releases.json names the overhead histograms
// dynamo_router_overhead_* (routerOverheadPrefix); dynamo_routing_overhead_total_ms_count is read
// too, though no release recorded there uses that name.


const KV_ONLY_METRICS = [
    'dynamo_component_router_kv_hit_rate_count',
    'dynamo_router_overhead_total_ms_count',
    'dynamo_routing_overhead_total_ms_count',
];
const ROUTED_METRICS = ['dynamo_component_router_requests_total', 'dynamo_frontend_requests_total'];
/** The modes each source of the evidence allows (see Verification.allows). */
function allowedBy(e, metrics) {
    const allows = {};
    const logged = Object.keys(e.logModes ?? {});
    if (logged.length === 1 && (0,modes/* isRouterMode */.pX)(logged[0]))
        allows.log = [logged[0]];
    if (metrics.kind === 'kv')
        allows.metrics = ['kv'];
    if (metrics.kind === 'not-kv')
        allows.metrics = modes/* ROUTER_MODES */.DC.filter((m) => m !== 'kv');
    const plain = e.plainRequestStatus;
    if (plain !== undefined && plain >= 200 && plain < 300)
        allows.plain = modes/* ROUTER_MODES */.DC.filter((m) => m !== 'direct');
    if (plain !== undefined && plain >= 400 && plain < 500)
        allows.plain = ['direct'];
    return allows;
}
const requestCount = (n) => `${n} request${n === 1 ? '' : 's'}`;
/** Whether the kv-only router metrics moved over the requests (metrics.ts reads them). */
function kvMetricMovement(e) {
    if (!e.metrics)
        return { kind: 'none', text: e.metricsProblem ?? 'no metrics read' };
    const { before, after } = e.metrics;
    const routed = ROUTED_METRICS.map((m) => (0,verify_metrics/* delta */.pU)(before, after, m)).find((d) => d !== undefined);
    const kvMoves = KV_ONLY_METRICS.map((m) => [m, (0,verify_metrics/* delta */.pU)(before, after, m)]).filter(([, d]) => d !== undefined);
    if (kvMoves.length === 0)
        return { kind: 'none', text: 'this release exposes none of the kv router metrics' };
    if (routed !== undefined && routed <= 0)
        return { kind: 'none', text: 'the router counted none of the requests' };
    const moved = kvMoves.filter(([, d]) => (d ?? 0) > 0);
    if (moved.length > 0)
        return {
            kind: 'kv',
            text: `${moved.map(([m, d]) => `${m} +${d}`).join(', ')} over ${requestCount(e.requests)}`,
        };
    return {
        kind: 'not-kv',
        text: `${kvMoves.map(([m]) => m).join(' and ')} did not move over ${requestCount(e.requests)}`,
    };
}
function majority(counts) {
    return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}
function verifyMode(e) {
    const metrics = kvMetricMovement(e);
    return { ...decide(e, metrics), allows: allowedBy(e, metrics) };
}
function decide(e, metrics) {
    const logCounts = e.logModes ?? {};
    const logged = Object.keys(logCounts);
    const logText = logged.length
        ? `frontend log: ${Object.entries(logCounts)
            .map(([m, n]) => `${n}× router_mode=${m}`)
            .join(', ')}`
        : (e.logProblem ?? 'no frontend log available');
    const expected = e.expected;
    // Check-only run: report what the evidence shows.
    if (!expected) {
        if (logged.length === 1)
            return { verdict: 'verified', observed: logged[0], evidence: `Observed, not requested: ${logText}.` };
        if (logged.length > 1)
            return {
                verdict: 'unverifiable',
                observed: majority(logCounts),
                evidence: `Mixed modes in the ${logText}.`,
            };
        if (metrics.kind === 'kv')
            return { verdict: 'verified', observed: 'kv', evidence: `Observed kv routing: ${metrics.text}.` };
        if (metrics.kind === 'not-kv')
            return {
                verdict: 'unverifiable',
                observed: '',
                evidence: `Not kv (${metrics.text}); which non-kv mode cannot be told from metrics, and ${logText}.`,
            };
        return { verdict: 'unverifiable', observed: '', evidence: `${metrics.text}; ${logText}.` };
    }
    // Contradictions first: any single source that shows another mode fails the run.
    const others = logged.filter((m) => m !== expected);
    if (others.length > 0) {
        return {
            verdict: 'contradicted',
            observed: majority(logCounts),
            evidence: `Expected ${expected}, but the ${logText}.`,
        };
    }
    if (expected === 'kv' && metrics.kind === 'not-kv') {
        return {
            verdict: 'contradicted',
            observed: '',
            evidence: `Expected kv, but ${metrics.text}: the router is not scoring KV overlap.`,
        };
    }
    if (expected !== 'kv' && metrics.kind === 'kv') {
        return {
            verdict: 'contradicted',
            observed: 'kv',
            evidence: `Expected ${expected}, but the kv router is active: ${metrics.text}.`,
        };
    }
    if (expected === 'direct' &&
        e.plainRequestStatus !== undefined &&
        e.plainRequestStatus >= 200 &&
        e.plainRequestStatus < 300) {
        return {
            verdict: 'contradicted',
            observed: '',
            evidence: 'Expected direct, but a request without a worker id was served: direct mode would reject it.',
        };
    }
    // Confirmations.
    if (logged.length === 1) {
        const extra = metrics.kind !== 'none' ? `; metrics agree (${metrics.text})` : '';
        return { verdict: 'verified', observed: expected, evidence: `${logText}${extra}.` };
    }
    if (expected === 'kv' && metrics.kind === 'kv')
        return { verdict: 'verified', observed: 'kv', evidence: `kv router metrics moved: ${metrics.text}.` };
    if (expected === 'direct' &&
        e.plainRequestStatus !== undefined &&
        e.plainRequestStatus >= 400 &&
        e.plainRequestStatus < 500) {
        return {
            verdict: 'verified',
            observed: 'direct',
            evidence: `A request without a worker id was rejected (${e.plainRequestStatus}) and one naming a worker was served, as only direct mode does.`,
        };
    }
    const partial = metrics.kind === 'not-kv'
        ? `metrics show a non-kv router (${metrics.text}), but cannot tell ${expected} from other non-kv modes`
        : metrics.text;
    return { verdict: 'unverifiable', observed: '', evidence: `${partial}; ${logText}.` };
}

;// CONCATENATED MODULE: ./lib/verify/gather.js
// Gathers the evidence that the mode is in effect: metrics before and after a few requests,
// the frontend's log lines for those requests, and in direct mode the fate of a request that
// names no worker. Then decides (log-metrics-verdict.ts) and reads what the metrics say about KV events.






const MISMATCH = 'dynamo_component_router_kv_event_source_mismatch_workers';
const EVENTS_APPLIED = 'dynamo_component_kv_cache_events_applied';
/** Every series of the router's that the evidence reads. */
const ROUTER_SERIES = [...ROUTED_METRICS, ...KV_ONLY_METRICS, MISMATCH, EVENTS_APPLIED];
/**
 * Why metrics cannot prove the mode when neither scrape carries any of the router's series: a
 * release that names them differently, or a gateway in front that serves its own metrics.
 */
function noRouterSeries(before, after) {
    if (ROUTER_SERIES.some((name) => before.has(name) || after.has(name)))
        return undefined;
    const seen = new Set([...before.keys(), ...after.keys()]).size;
    const looked = [...ROUTED_METRICS, ...KV_ONLY_METRICS].join(', ');
    return `GET /metrics answered with ${seen} series but none of the router's (${looked}): a release that names them differently, or a gateway's own metrics, so metrics cannot show the mode`;
}
/** Runtime evidence of worker KV events, from the router's own metrics (kv mode only). */
function kvEventsFromMetrics(before, after, approximateKv) {
    const mismatch = after.get(MISMATCH);
    if (mismatch !== undefined && mismatch > 0) {
        return {
            value: 'false',
            reason: `the router reports ${mismatch} worker(s) that publish no KV events (${MISMATCH} = ${mismatch})`,
        };
    }
    // Approximate mode counts its own predictions as applied events: no proof of publishers.
    if (approximateKv)
        return undefined;
    const applied = (0,verify_metrics/* delta */.pU)(before, after, EVENTS_APPLIED);
    // Releases before 1.4 have no mismatch gauge: events that arrived still prove publishers.
    if (mismatch !== undefined && mismatch > 0)
        return undefined;
    if (applied !== undefined && applied > 0) {
        return {
            value: 'true',
            reason: mismatch === 0
                ? `KV events reached the router (${EVENTS_APPLIED} +${applied}) and no worker is missing a publisher`
                : `KV events reached the router (${EVENTS_APPLIED} +${applied})`,
        };
    }
    if (mismatch === 0)
        return {
            value: 'true',
            reason: `the router reports no worker without a KV event publisher (${MISMATCH} = 0)`,
        };
    return undefined;
}
async function chatOnce(http, o, headers, i) {
    try {
        const response = await http.request({
            method: 'POST',
            url: `${o.baseUrl}/v1/chat/completions`,
            headers: { 'Content-Type': 'application/json', ...o.headers, ...headers },
            body: JSON.stringify({
                model: o.model,
                messages: [{ role: 'user', content: `Router check ${i}: reply with one word.` }],
                max_tokens: 1,
            }),
            timeoutMs: o.timeoutMs,
            maxBytes: 1024 * 1024,
        });
        return response.status;
    }
    catch {
        return 0;
    }
}
async function openEvidenceWindow(http, at) {
    const before = at.metrics ?? (await (0,verify_metrics/* readMetrics */.Uw)(http, at.baseUrl, at.headers, at.timeoutMs));
    return { before, mark: at.logs ? await at.logs.mark() : 0 };
}
/** How long the read after the chat waits for the request counters to catch up. */
const COUNTER_WAIT_MS = 1000;
/**
 * Counters are written as the response leaves: poll briefly instead of sleeping a fixed time,
 * but only for request counters the first scrape showed. Counters it lacked may never appear
 * (another release's names, a gateway's own /metrics), so waiting for them would be pure loss:
 * one read then.
 */
async function metricsAfter(http, o, before, served, sent) {
    const totals = before.ok ? before.totals : undefined;
    const counters = totals ? ROUTED_METRICS.filter((m) => totals.has(m)) : [];
    const deadline = Date.now() + COUNTER_WAIT_MS;
    for (;;) {
        const after = await (0,verify_metrics/* readMetrics */.Uw)(http, o.baseUrl, o.headers, o.timeoutMs);
        if (!after.ok || Date.now() > deadline)
            return after;
        // Any one counter that saw every request will do (the router's own moves only in kv mode).
        const counted = !totals ||
            served === 0 ||
            counters.length === 0 ||
            counters.some((m) => ((0,verify_metrics/* delta */.pU)(totals, after.totals, m) ?? 0) >= served);
        // After a probe, also every request it sent (cancelled held streams are counted last), unless
        // this /metrics has no request counter at all (a gateway's own).
        const probed = sent === undefined ||
            !before.ok ||
            (0,probe_traffic/* modelTotal */.SW)(after.text, probe_traffic/* REQUESTS_TOTAL */.Qe, o.model) === undefined ||
            (0,probe_traffic/* settled */.gu)(before.text, after.text, o.model, sent);
        if (counted && probed)
            return after;
        await (0,retry/* sleep */.yy)(50);
    }
}
/**
 * With a window opened before the smoke chat, that chat is the evidence and no request is added
 * (direct mode adds one request naming no worker). Without one, a few requests are sent here.
 */
async function gatherEvidence(http, o, window, during) {
    const useWindow = window !== undefined && window.before.ok;
    const before = useWindow ? window.before : await (0,verify_metrics/* readMetrics */.Uw)(http, o.baseUrl, o.headers, o.timeoutMs);
    const mark = useWindow ? window.mark : o.logs ? await o.logs.mark() : 0;
    const workerHeader = o.workerId ? (0,direct_worker/* directWorkerHeaders */.UV)(o.workerId) : {};
    let served = useWindow ? 1 : 0;
    const requests = useWindow ? 0 : (o.requests ?? 2);
    for (let i = 0; i < requests; i++)
        if ((await chatOnce(http, o, workerHeader, i)) === 200)
            served++;
    const plainRequestStatus = o.expected === 'direct' ? await chatOnce(http, o, {}, requests) : undefined;
    const probeSent = during ? await during() : 0;
    served += probeSent;
    const sent = (useWindow ? (o.smokeRequests ?? 1) : 0) +
        requests +
        (plainRequestStatus === undefined ? 0 : 1) +
        probeSent;
    const after = await metricsAfter(http, o, before, served, probeSent > 0 ? sent : undefined);
    const logs = o.logs ? await o.logs.since(mark) : { problem: 'a frontend reached by URL offers no log' };
    const foreign = before.ok && after.ok ? noRouterSeries(before.totals, after.totals) : undefined;
    const metrics = before.ok && after.ok && !foreign ? { before: before.totals, after: after.totals } : undefined;
    const verification = verifyMode({
        expected: o.expected,
        requests: served,
        metrics,
        metricsProblem: !before.ok ? before.problem : !after.ok ? after.problem : foreign,
        logModes: logs.text !== undefined ? routerModesInLog(logs.text) : undefined,
        logProblem: logs.problem,
        plainRequestStatus,
    });
    const kvEvents = metrics ? kvEventsFromMetrics(metrics.before, metrics.after, o.approximateKv) : undefined;
    const traffic = probeSent > 0
        ? (0,probe_traffic/* trafficBetween */.a7)(before.ok ? before.text : undefined, after.ok ? after.text : undefined, o.model, sent)
        : undefined;
    return { ...verification, kvEvents, traffic };
}


/***/ }),

/***/ 6073:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Qe: () => (/* binding */ REQUESTS_TOTAL),
/* harmony export */   SW: () => (/* binding */ modelTotal),
/* harmony export */   a7: () => (/* binding */ trafficBetween),
/* harmony export */   gu: () => (/* binding */ settled)
/* harmony export */ });
/* unused harmony export INFLIGHT */
/* harmony import */ var _metrics_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5720);
// Whether anything but the run's own requests reached the frontend while the probe ran, from the
// frontend's /metrics read before and after: its request counter for the model must have risen by
// exactly what the run sent, with nothing in flight at either end. Pure.

const REQUESTS_TOTAL = 'dynamo_frontend_requests_total';
const INFLIGHT = 'dynamo_frontend_inflight_requests';
/** The counter or gauge summed over the model's series (all series when none names a model). */
function modelTotal(text, name, model) {
    const samples = (0,_metrics_js__WEBPACK_IMPORTED_MODULE_0__/* .parseSamples */ .rI)(text).filter((s) => s.name === name);
    if (samples.length === 0)
        return undefined;
    const labelled = samples.some((s) => s.labels.model !== undefined);
    return samples
        .filter((s) => !labelled || s.labels.model === model)
        .reduce((sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0), 0);
}
/** What the counts say, once the run's `sent` requests are all counted (or the wait ran out). */
function trafficBetween(before, after, model, sent) {
    if (before === undefined || after === undefined)
        return {
            otherTraffic: 'unknown',
            detail: "the frontend's /metrics could not be read, so other traffic cannot be ruled out",
        };
    const counted = [before, after].map((t) => modelTotal(t, REQUESTS_TOTAL, model));
    const inflight = [before, after].map((t) => modelTotal(t, INFLIGHT, model));
    if (counted[1] === undefined)
        return {
            otherTraffic: 'unknown',
            detail: `the frontend's /metrics has no ${REQUESTS_TOTAL}, so other traffic cannot be ruled out`,
        };
    // A frontend that has served nothing yet shows no series: its count starts at zero.
    const delta = counted[1] - (counted[0] ?? 0);
    const busy = inflight.some((n) => (n ?? 0) > 0);
    if (delta > sent || busy)
        return {
            otherTraffic: 'seen',
            detail: busy
                ? `other requests were in flight at the frontend (${INFLIGHT} ${inflight.map((n) => n ?? 0).join(' → ')})`
                : `the frontend counted ${delta} requests while the run sent ${sent}: other traffic ran`,
        };
    if (delta < sent)
        return {
            otherTraffic: 'unknown',
            detail: `the frontend counted ${delta} of the ${sent} requests the run sent: another frontend replica behind the URL may have served some`,
        };
    return {
        otherTraffic: 'none',
        detail: `the frontend counted exactly the ${sent} requests the run sent, and nothing else was in flight`,
    };
}
/** True once `after` shows all `sent` requests counted and nothing in flight: the read can stop. */
function settled(before, after, model, sent) {
    const a = modelTotal(after, REQUESTS_TOTAL, model);
    if (a === undefined)
        return false;
    return (a - (modelTotal(before, REQUESTS_TOTAL, model) ?? 0) >= sent &&
        (modelTotal(after, INFLIGHT, model) ?? 0) === 0);
}


/***/ })

};
