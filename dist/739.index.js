export const id = 739;
export const ids = [739];
export const modules = {

/***/ 9739:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  prepareProbe: () => (/* binding */ prepareProbe)
});

// UNUSED EXPORTS: MAX_REPLICAS, judgeReplicas

// EXTERNAL MODULE: ./lib/check/direct-worker.js
var direct_worker = __webpack_require__(461);
// EXTERNAL MODULE: ./lib/check/retry.js
var retry = __webpack_require__(6957);
// EXTERNAL MODULE: ./lib/verify/probe/analyse.js
var probe_analyse = __webpack_require__(1952);
// EXTERNAL MODULE: ./lib/verify/probe/stats.js
var stats = __webpack_require__(4486);
;// CONCATENATED MODULE: ./lib/verify/probe/design.js
// How many probe requests of each kind to send, sized by the number of workers so that each test
// of analyse.ts can reach its ALPHA (stats.ts) when the mode it tests for is not running. Pure.
//
// The probe, in the order it is sent (every request sequential, max_tokens 1, asking for the
// worker id):
//   1. the core: requests sharing one long prefix, interleaved with requests of distinct long
//      prefixes in the unit "S D S D D" (shared-prefix requests never back to back, and at gaps of
//      2 and 3, so a router that takes workers in turn cannot put them all on one worker);
//   2. one stream held open (a long generation), then short requests: which go to the busy worker;
//   3. more streams held open (up to workers − 1 in all), then short requests again.
// What each mode does with that is in analyse.ts.

/** The most requests `auto` sends (more workers then leave some modes unverifiable: say so). */
const AUTO_CAP = 80;
/** Worker count assumed when GET /health lists none. */
const DEFAULT_WORKERS = 3;
/** Streams held open at once, at most. */
const MAX_HOLDS = 8;
/** Shared-prefix requests so that the busiest worker of a random router rarely gets all but one. */
function sharedPrefixCount(workers) {
    for (let n = 3; n < 40; n++) {
        const allowed = workers >= 3 ? n - 1 : n;
        if ((0,stats/* uniformBusiestTail */.Q9)(n, workers, allowed) <= stats/* ALPHA */.Nh)
            return n;
    }
    return 40;
}
/** The core's order: units of S D S D D, cut to the counts asked for. */
function coreOrder(shared, distinct) {
    const order = [];
    let s = 0;
    let d = 0;
    const unit = [
        'shared-prefix',
        'distinct-prefix',
        'shared-prefix',
        'distinct-prefix',
        'distinct-prefix',
    ];
    while (s < shared || d < distinct) {
        for (const phase of unit) {
            if (phase === 'shared-prefix' && s < shared) {
                order.push(phase);
                s++;
            }
            else if (phase === 'distinct-prefix' && d < distinct) {
                order.push(phase);
                d++;
            }
        }
    }
    return order;
}
function autoCounts(workers) {
    const shared = sharedPrefixCount(workers);
    let distinct = Math.ceil(1.5 * shared);
    // Enough core requests that a random router almost never takes the workers in turn by chance.
    while ((0,stats/* uniformCycleChance */.Zv)(shared + distinct, workers) > stats/* ALPHA */.Nh / 10 || shared + distinct < 2 * workers + 2)
        distinct++;
    const oneHeld = (0,stats/* trialsToSee */.G2)(1 / workers);
    const manyHolds = workers >= 3 ? Math.min(workers - 1, MAX_HOLDS) : 0;
    const q = (manyHolds * (manyHolds - 1)) / (workers * (workers - 1));
    const manyHeld = manyHolds >= 2 ? (0,stats/* trialsToSee */.G2)(q) : 0;
    return { shared, distinct, oneHeld, manyHolds, manyHeld };
}
/** The probe for about `workers` workers (0: unknown), `auto` or about `size` requests in all. */
function designProbe(workers, size) {
    const w = Math.min(Math.max(workers > 0 ? workers : DEFAULT_WORKERS, 2), 32);
    const c = autoCounts(w);
    const n = { shared: c.shared, distinct: c.distinct, oneHeld: c.oneHeld, manyHeld: c.manyHeld };
    const design = () => build(w, n.shared, n.distinct, n.oneHeld, c.manyHolds, n.manyHeld);
    const limit = size === 'auto' ? AUTO_CAP : size;
    if (size !== 'auto') {
        // A requested size scales the auto design alike; the tests then decide on what was sent.
        const auto = designProbe(workers, 'auto');
        const scale = size / auto.total;
        const part = (k, min) => (k === 0 ? 0 : Math.max(min, Math.round(k * scale)));
        n.shared = part(auto.core.filter((p) => p === 'shared-prefix').length, 2);
        n.distinct = part(auto.core.filter((p) => p === 'distinct-prefix').length, 2);
        n.oneHeld = part(auto.oneHeld, 1);
        n.manyHeld = part(auto.manyHeld, 1);
    }
    // Over the limit, the one-held phase (the random / power-of-two split) gives way first, then
    // the largest phase, one request at a time (many workers: some modes may then be unverifiable,
    // and the run says so).
    let d = design();
    while (d.total > limit && n.oneHeld > 4) {
        n.oneHeld--;
        d = design();
    }
    while (d.total > limit && Math.max(n.distinct, n.oneHeld, n.manyHeld) > 1) {
        const key = ['distinct', 'oneHeld', 'manyHeld'].reduce((a, b) => (n[b] > n[a] ? b : a));
        n[key]--;
        d = design();
    }
    return d;
}
function build(workers, shared, distinct, oneHeld, manyHolds, manyHeld) {
    const holds = (oneHeld > 0 ? 1 : 0) + (manyHeld > 0 ? Math.max(0, manyHolds - 1) : 0);
    return {
        workers,
        core: coreOrder(shared, distinct),
        oneHeld,
        manyHolds: manyHeld > 0 ? manyHolds : 0,
        manyHeld,
        total: shared + distinct + oneHeld + manyHeld + holds,
    };
}

// EXTERNAL MODULE: ./lib/check/u64-json.js
var u64_json = __webpack_require__(8085);
// EXTERNAL MODULE: ./lib/compare/stream.js
var stream = __webpack_require__(4130);
// EXTERNAL MODULE: ../../main/node_modules/undici/index.js
var undici = __webpack_require__(4718);
// EXTERNAL MODULE: ./lib/verify/metrics.js
var metrics = __webpack_require__(997);
;// CONCATENATED MODULE: ./lib/verify/probe/http-transport.js
// The routing probe's transport over HTTP: short chats through the run's one HTTP client, and
// streams held open through undici (the comparison's SSE reader), each with a deadline and caps.





/** Tokens a held stream asks for: enough to keep a worker busy for the probe (a fast GPU: seconds). */
const HOLD_TOKENS = 4000;
/** Asked for instead when a model's context is too short for HOLD_TOKENS (a 4xx on the first try). */
const HOLD_TOKENS_SHORT = 512;
const MAX_REPLY_BYTES = 1024 * 1024;
/** The worker and prompt tokens of a non-streamed reply. */
function readReply(body) {
    try {
        const reply = (0,u64_json/* parseKeepingIds */.T)(body, u64_json/* isWorkerIdKey */.P);
        const ids = reply?.nvext?.worker_id;
        const id = typeof ids?.decode_worker_id === 'string' ? ids.decode_worker_id : ids?.prefill_worker_id;
        const tokens = reply?.usage?.prompt_tokens;
        return {
            worker: typeof id === 'string' && /^\d+$/.test(id) ? id : undefined,
            promptTokens: typeof tokens === 'number' && Number.isFinite(tokens) ? tokens : undefined,
        };
    }
    catch {
        return {};
    }
}
function httpTransport(http, o) {
    // One connection per held stream: they stay open side by side.
    const agent = new undici/* Agent */.g6({ connections: 16, keepAliveTimeout: 1000 });
    const open = new Set();
    const transport = {
        async chat(content, headers = {}) {
            const started = performance.now();
            try {
                const response = await http.request({
                    method: 'POST',
                    url: `${o.baseUrl}/v1/chat/completions`,
                    headers: { 'Content-Type': 'application/json', ...o.headers, ...headers },
                    body: JSON.stringify({
                        model: o.model,
                        messages: [{ role: 'user', content }],
                        max_tokens: 1,
                        stream: false,
                        nvext: { extra_fields: ['worker_id'] },
                    }),
                    timeoutMs: o.timeoutMs,
                    maxBytes: MAX_REPLY_BYTES,
                });
                const latencyMs = Math.round(performance.now() - started);
                if (response.status !== 200)
                    return { status: response.status, latencyMs, error: `HTTP ${response.status}` };
                return { status: 200, latencyMs, ...readReply(response.body) };
            }
            catch (error) {
                return {
                    status: 0,
                    latencyMs: Math.round(performance.now() - started),
                    error: error.message,
                };
            }
        },
        async hold(content) {
            let held = await holdStream(agent, o, content, HOLD_TOKENS);
            if (held.status >= 400 && held.status < 500) {
                await held.close();
                held = await holdStream(agent, o, content, HOLD_TOKENS_SHORT);
            }
            open.add(held);
            return held;
        },
        instances: () => (0,direct_worker.listedInstances)(http, o.baseUrl, o.headers, o.timeoutMs),
        async metrics() {
            const read = await (0,metrics/* readMetrics */.Uw)(http, o.baseUrl, o.headers, o.timeoutMs);
            return read.ok ? read.text : undefined;
        },
        async dispose() {
            await Promise.all([...open].map((h) => h.close()));
            await agent.close().catch(() => agent.destroy().catch(() => undefined));
        },
    };
    return transport;
}
/** Closes the transport's held streams and connections (the probe does it when done). */
async function disposeTransport(t) {
    await t.dispose?.();
}
/**
 * A streamed request that generates `maxTokens` tokens (ignore_eos), read in the background and
 * discarded: its first chunk names the worker; it counts as ended when it finishes, fails, passes
 * the comparison's caps for that many tokens, or outlives holdLifetimeMs.
 */
async function holdStream(agent, o, content, maxTokens) {
    const started = performance.now();
    const stop = new AbortController();
    const lifetime = setTimeout(() => stop.abort(), o.holdLifetimeMs);
    const state = { done: false };
    let ended = false;
    let firstChunk;
    const named = new Promise((resolve) => (firstChunk = resolve));
    let status = 0;
    let latencyMs = 0;
    const limits = (0,stream/* streamLimits */.dI)(maxTokens);
    const reading = (async () => {
        try {
            const url = new URL(`${o.baseUrl}/v1/chat/completions`);
            const response = await agent.request({
                origin: url.origin,
                path: url.pathname,
                method: 'POST',
                headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...o.headers },
                body: JSON.stringify((0,stream/* chatBody */.JX)({ index: 0, group: 0, model: o.model, messages: [{ role: 'user', content }], maxTokens })),
                signal: stop.signal,
                headersTimeout: o.timeoutMs,
                bodyTimeout: o.holdLifetimeMs,
            });
            status = response.statusCode;
            if (status !== 200) {
                response.body.destroy();
                return;
            }
            const parser = (0,stream/* createSseParser */.ZE)(limits.eventChars);
            const decoder = new TextDecoder();
            let bytes = 0;
            for await (const chunk of response.body) {
                bytes += chunk.length;
                if (bytes > limits.streamBytes)
                    break;
                for (const event of parser.push(decoder.decode(chunk, { stream: true })))
                    (0,stream/* applyEvent */.Z8)(state, event, 0);
                if (state.workerId !== undefined && latencyMs === 0) {
                    latencyMs = Math.round(performance.now() - started);
                    firstChunk?.();
                }
                if (state.done || state.error || state.finishReason)
                    break;
            }
            response.body.destroy();
        }
        catch {
            /* aborted, reset or timed out: it ended */
        }
        finally {
            ended = true;
            clearTimeout(lifetime);
            firstChunk?.();
        }
    })();
    // The first chunk comes with the first generated token; past the request deadline, give up.
    const deadline = setTimeout(() => stop.abort(), o.timeoutMs);
    await named;
    clearTimeout(deadline);
    if (latencyMs === 0)
        latencyMs = Math.round(performance.now() - started);
    return {
        status,
        worker: state.workerId,
        latencyMs,
        ended: () => ended,
        async close() {
            stop.abort();
            await reading;
        },
    };
}

// EXTERNAL MODULE: ./lib/compare/workload.js
var workload = __webpack_require__(9823);
;// CONCATENATED MODULE: ./lib/verify/probe/run-probe.js
// Sends the routing probe (design.ts) through a transport and records which worker served each
// request; analyse.ts reads the result. Every request is sequential and bounded by the transport's
// deadline; held streams are closed before this returns, whatever happens.

/** Words of each long prefix: ~640 tokens for real tokenizers, ten KV blocks of 64 (the mocker's). */
const PREFIX_WORDS = 640;
/** Consecutive failed requests after which the probe stops (the frontend is not serving). */
const MAX_FAILURES_IN_A_ROW = 3;
/** The probe's prompts: one shared long prefix, distinct long prefixes, short ones. */
function probePrompts(design, o) {
    const shared = design.core.filter((p) => p === 'shared-prefix').length;
    const distinct = design.core.length - shared;
    const base = { prefixTokens: PREFIX_WORDS, maxTokens: 1, seed: 1 + (o.variant % 100000), model: o.model };
    const text = (r) => r.messages[0].content;
    return {
        shared: shared
            ? (0,workload/* buildWorkload */.y)({ ...base, requests: shared, prefixGroups: 1, variant: o.variant }).map(text)
            : [],
        distinct: distinct
            ? (0,workload/* buildWorkload */.y)({ ...base, requests: distinct, prefixGroups: distinct, variant: o.variant + 1 }).map(text)
            : [],
        short: (i) => `Routing probe ${o.variant}-${i}: reply with one word.`,
    };
}
async function runProbe(t, design, o) {
    const started = performance.now();
    const requests = [];
    const holds = [];
    const prompts = o.prompts ?? probePrompts(design, o);
    const promptTokens = [];
    let sent = 0;
    let shortIndex = 0;
    const listed = o.listed ?? (await t.instances());
    const chat = async (phase, content, busy) => {
        const reply = await t.chat(content);
        sent++;
        const record = {
            phase,
            worker: reply.worker,
            status: reply.status,
            latencyMs: reply.latencyMs,
        };
        if (busy) {
            record.heldWorker = reply.worker !== undefined && busy.has(reply.worker);
            // A stream that ended while this request ran no longer loaded its worker: it does not count.
            record.counted = !holds.some((h) => h.ended());
        }
        requests.push(record);
        return reply;
    };
    /** Sends everything; returns why it stopped early, if it did. */
    const send = async () => {
        // 1. The core: shared and distinct prefixes, interleaved.
        let s = 0;
        let d = 0;
        let failures = 0;
        for (const phase of design.core) {
            const shared = phase === 'shared-prefix';
            const reply = await chat(phase, shared ? prompts.shared[s++] : prompts.distinct[d++]);
            if (reply.status === 200 && reply.worker === undefined)
                return { noWorkerIds: true };
            if (shared && reply.promptTokens !== undefined)
                promptTokens.push(reply.promptTokens);
            failures = reply.status === 200 ? 0 : failures + 1;
            if (failures >= MAX_FAILURES_IN_A_ROW)
                return {
                    stoppedBecause: `${failures} probe requests in a row failed (${reply.error ?? `HTTP ${reply.status}`})`,
                };
        }
        // 2. and 3. Short requests while held streams keep some workers busy.
        const heldPhase = async (phase, count) => {
            const busy = new Set(holds.filter((h) => h.worker && !h.ended()).map((h) => h.worker));
            for (let i = 0; i < count && busy.size > 0 && !holds.some((h) => h.ended()); i++)
                await chat(phase, prompts.short(shortIndex++), busy);
        };
        const openHold = async () => {
            const held = await t.hold(prompts.short(shortIndex++));
            sent++;
            holds.push(held);
            requests.push({ phase: 'hold', worker: held.worker, status: held.status, latencyMs: held.latencyMs });
            return held.worker !== undefined && !held.ended();
        };
        if (design.oneHeld > 0 && (await openHold())) {
            await heldPhase('one-held', design.oneHeld);
            if (design.manyHeld > 0) {
                let open = true;
                for (let i = 1; i < design.manyHolds && open; i++)
                    open = await openHold();
                if (open)
                    await heldPhase('many-held', design.manyHeld);
            }
        }
        return {};
    };
    let outcome;
    try {
        outcome = await send();
    }
    finally {
        await Promise.all(holds.map((h) => h.close()));
    }
    const listedAfter = await t.instances();
    const durationMs = Math.round(performance.now() - started);
    o.log?.(`Routing probe: ${sent} requests in ${durationMs} ms`);
    return {
        observation: {
            requests,
            listed,
            listedAfter,
            sharedPrefixTokens: promptTokens.length
                ? promptTokens.reduce((a, b) => a + b, 0) / promptTokens.length
                : undefined,
            durationMs,
        },
        sent,
        ...outcome,
    };
}
/** Direct mode: each listed worker named twice in turn; the reply must come from the named one. */
async function runNamedProbe(t, headersFor, o) {
    const started = performance.now();
    const listed = await t.instances();
    const requests = [];
    let sent = 0;
    for (const { id } of listed.slice(0, o.maxWorkers ?? 8)) {
        for (let i = 0; i < 2; i++) {
            const reply = await t.chat(`Routing probe ${o.variant}-${id}-${i}: reply with one word.`, headersFor(id));
            sent++;
            requests.push({
                phase: 'named',
                named: id,
                worker: reply.worker,
                status: reply.status,
                latencyMs: reply.latencyMs,
            });
            // A worker of another graph in a shared discovery scope is rejected: name the next one.
            if (reply.status !== 200)
                break;
        }
    }
    const durationMs = Math.round(performance.now() - started);
    return { observation: { requests, listed, durationMs }, sent };
}

// EXTERNAL MODULE: ./lib/verify/probe/traffic.js
var traffic = __webpack_require__(2696);
;// CONCATENATED MODULE: ./lib/verify/probe/step.js
// The routing probe as a step of verification: whether to run it (probe-requests, the release,
// the worker count), where (the run's URL inside the evidence window, or each frontend replica in
// turn), and what it found, as the Contract's `routing` data. combine.ts weighs it against the
// router's log and metrics.







/** Frontend replicas probed one by one, at most (the rest are named as not probed). */
const MAX_REPLICAS = 8;
const UNKNOWN_TRAFFIC = {
    otherTraffic: 'unknown',
    detail: "the frontend's /metrics was not read around the probe, so other traffic cannot be ruled out",
};
/** The Contract's view of an analysis (the test details stay inside). */
function routingProbe(a) {
    const { exclusions: _e, softContradiction: _s, limits: _l, ...probe } = a;
    return probe;
}
function noWorkerIdsLimitation() {
    return "The frontend's replies name no serving worker (nvext.worker_id: Dynamo before 1.3 reports it only in kv mode, and a proxy may strip it), so the mode rests on the router's log and metrics, not on what it did to requests.";
}
function prepareProbe(i) {
    const limitations = [];
    const skipped = (why, limitation) => ({
        finish: async () => ({ routing: { skipped: why }, limitations: limitation ? [limitation] : [] }),
    });
    if (i.size === 0)
        return skipped('`probe-requests` is 0: no routing probe was sent');
    const series = i.release?.series;
    if (series?.workerIdInResponse === 'kv-only' && i.expected !== 'kv')
        return skipped(`Dynamo ${series.series}.x names the serving worker only for kv-routed requests`, `Dynamo ${series.series}.x names the serving worker (nvext.worker_id) only for kv-routed requests, so the ${i.expected ?? 'router'} mode rests on the router's log and metrics, not on what it did to requests.`);
    const transportFor = i.transportFor ??
        ((baseUrl) => httpTransport(i.http, {
            baseUrl,
            model: i.model,
            headers: i.headers,
            timeoutMs: i.timeoutMs,
            holdLifetimeMs: i.timeoutMs * 100,
        }));
    const variant = Math.floor(Math.random() * 1e9);
    const send = async (t) => {
        if (i.expected === 'direct')
            return runNamedProbe(t, direct_worker/* directWorkerHeaders */.UV, { model: i.model, variant, log: (l) => i.log.info(l) });
        const listed = await t.instances();
        if (listed.length === 1)
            return `GET /health lists one worker (${listed[0].id}): every mode sends every request to it, so requests cannot show the mode`;
        const design = designProbe(listed.length, i.size);
        i.log.info(`Routing probe: ${design.total} requests sized for ${listed.length || `an unknown number of (assumed ${design.workers})`} workers …`);
        return runProbe(t, design, { model: i.model, variant, listed, log: (l) => i.log.info(l) });
    };
    const analyse = (run, traffic) => {
        if (run.noWorkerIds) {
            limitations.push(noWorkerIdsLimitation());
            return undefined;
        }
        if (run.stoppedBecause)
            limitations.push(`The routing probe stopped early: ${run.stoppedBecause}.`);
        const options = { asked: i.expected, available: i.available, traffic };
        return i.expected === 'direct'
            ? (0,probe_analyse/* analyseNamed */.V7)(run.observation, options)
            : (0,probe_analyse/* analyseProbe */.g3)(run.observation, options);
    };
    const replicas = i.session.replicas ?? [];
    if (replicas.length > 1)
        return { finish: async () => probeReplicas(replicas, i, transportFor, send, analyse, limitations) };
    let result;
    return {
        during: async () => {
            const t = transportFor(i.session.baseUrl);
            try {
                result = await send(t);
            }
            finally {
                await disposeTransport(t);
            }
            return typeof result === 'string' ? 0 : result.sent;
        },
        finish: async (traffic) => {
            if (result === undefined)
                return { routing: { skipped: 'the routing probe did not run' }, limitations };
            if (typeof result === 'string')
                return { routing: { skipped: result }, limitations };
            const analysis = analyse(result, traffic ?? UNKNOWN_TRAFFIC);
            if (!analysis)
                return { routing: { skipped: 'the replies named no serving worker' }, limitations };
            return { routing: { probe: routingProbe(analysis) }, analysis, limitations };
        },
    };
}
/** Reads /metrics until the probe's requests are all counted, for at most a second. */
async function metricsAfter(t, before, model, sent) {
    const deadline = Date.now() + 1000;
    for (;;) {
        const after = await t.metrics();
        if (after === undefined ||
            before === undefined ||
            Date.now() > deadline ||
            (0,traffic/* settled */.gu)(before, after, model, sent))
            return after;
        await (0,retry/* sleep */.yy)(50);
    }
}
async function probeReplicas(replicas, i, transportFor, send, analyse, limitations) {
    const results = [];
    const analyses = [];
    for (const replica of replicas.slice(0, MAX_REPLICAS)) {
        i.log.info(`Routing probe on frontend replica ${replica.name} …`);
        let connection;
        try {
            connection = await replica.open();
            const t = transportFor(connection.baseUrl);
            try {
                const before = await t.metrics();
                const run = await send(t);
                if (typeof run === 'string') {
                    results.push({ name: replica.name, problem: run });
                    continue;
                }
                const after = await metricsAfter(t, before, i.model, run.sent);
                const analysis = analyse(run, (0,traffic/* trafficBetween */.a7)(before, after, i.model, run.sent));
                if (!analysis) {
                    results.push({ name: replica.name, problem: 'its replies named no serving worker' });
                    continue;
                }
                analyses.push({ name: replica.name, analysis });
                results.push({ name: replica.name, probe: routingProbe(analysis) });
            }
            finally {
                await disposeTransport(t);
            }
        }
        catch (error) {
            results.push({ name: replica.name, problem: `could not be reached: ${error.message}` });
        }
        finally {
            await connection?.close().catch(() => undefined);
        }
    }
    if (replicas.length > MAX_REPLICAS)
        limitations.push(`The routing probe reached ${MAX_REPLICAS} of ${replicas.length} frontend replicas; the others were not proven.`);
    const routing = { replicas: results };
    return { routing, ...judgeReplicas(analyses, i.expected), limitations };
}
/**
 * Replicas that disagree: with a mode asked, those whose requests rule it out while others' do
 * not; without one, replicas that each single out a different mode. When every replica rules the
 * asked mode out, that is the run's contradiction (mode-not-applied), not a mismatch.
 */
function judgeReplicas(analyses, expected) {
    if (analyses.length === 0)
        return {};
    const against = expected
        ? analyses.filter((a) => a.analysis.verdict === 'contradicted' && !a.analysis.softContradiction)
        : [];
    const observed = new Set(analyses.map((a) => a.analysis.observed).filter((m) => m !== undefined));
    const describe = (a) => `${a.name} ${a.analysis.observed ? `routes as ${a.analysis.observed}` : 'does not route as asked'} (${a.analysis.reason})`;
    if (expected && against.length > 0 && against.length < analyses.length) {
        const fine = analyses.filter((a) => !against.includes(a)).map((a) => a.name);
        return {
            analysis: against[0].analysis,
            mismatch: {
                pods: against.map((a) => a.name),
                message: `Frontend replica ${against.map(describe).join('; ')}, not ${expected}, while ${fine.join(', ')} ${fine.length === 1 ? 'does' : 'do'} not show that.`,
            },
        };
    }
    if (!expected && observed.size > 1) {
        const byMode = analyses.filter((a) => a.analysis.observed);
        return {
            analysis: byMode[0].analysis,
            mismatch: {
                pods: byMode.map((a) => a.name),
                message: `The frontend replicas route differently: ${byMode.map((a) => `${a.name} as ${a.analysis.observed}`).join(', ')}.`,
            },
        };
    }
    // They agree: the modes every replica allows, and the first replica's pattern as the example.
    const consistent = analyses
        .map((a) => a.analysis.consistent)
        .reduce((acc, c) => acc.filter((m) => c.includes(m)));
    const verified = analyses.every((a) => a.analysis.verdict === 'verified');
    const first = analyses[0].analysis;
    const names = analyses.map((a) => a.name).join(', ');
    return {
        analysis: {
            ...first,
            consistent,
            verdict: against.length === analyses.length ? 'contradicted' : verified ? 'verified' : first.verdict,
            reason: `on each of ${analyses.length} frontend replicas (${names}): ${first.reason}`,
        },
    };
}


/***/ }),

/***/ 2696:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Qe: () => (/* binding */ REQUESTS_TOTAL),
/* harmony export */   SW: () => (/* binding */ modelTotal),
/* harmony export */   a7: () => (/* binding */ trafficBetween),
/* harmony export */   gu: () => (/* binding */ settled)
/* harmony export */ });
/* unused harmony export INFLIGHT */
/* harmony import */ var _metrics_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(997);
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
