export const id = 876;
export const ids = [876];
export const modules = {

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


/***/ }),

/***/ 9570:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z8: () => (/* binding */ applyEvent),
/* harmony export */   ZE: () => (/* binding */ createSseParser),
/* harmony export */   ec: () => (/* binding */ StreamTooLarge)
/* harmony export */ });
/* unused harmony export parseChunk */
/* harmony import */ var eventsource_parser__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6085);
/* harmony import */ var _check_u64_json_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6680);
/* harmony import */ var _runner_redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(981);
// A streamed chat's server-sent events, read: the event-stream grammar (eventsource-parser, with
// a bound on each event), then each chat chunk folded into the state a Sample is made of (the
// time to the first event, token counts, cached tokens, the serving worker, an error). Pure.
//
// TTFT definition: the time from sending the request to the first SSE event that carries a
// choice (any delta, even a role-only one, or a finish_reason) or usage. Observed on Dynamo
// 1.6.1: response headers arrive within ~10 ms, and the first event (`delta: {role}`) arrives
// only once the engine produced its first token: its arrival tracks prefill time (≈670 ms for
// a cold 6,500-token prompt vs ≈90 ms for 70 tokens at mocker speedup 0.2), and for
// max_tokens 1 it arrives together with the finish chunk. So skipping the role-only event would
// measure the second token. The mocker sends no text at all (every delta is empty), so
// "first non-empty content" would never fire there.



/** A stream over one of the caps of StreamLimits: the request ends as `stream-too-large`. */
class StreamTooLarge extends Error {
}
/**
 * The WHATWG event-stream grammar (LF, CRLF or CR line ends, also split across chunks; `:`
 * comments; data lines joined by LF; dispatch on a blank line) from eventsource-parser, with one
 * bound: an event may hold at most maxEventChars characters while it is being assembled (the
 * parser's maxBufferSize: its unfinished line plus the event's data so far), so a `data:` line
 * or an event that never ends costs at most that much memory; beyond it, StreamTooLarge.
 * Lines the grammar ignores (unknown fields, comments) are skipped without being buffered.
 */
function createSseParser(maxEventChars = 256 * 1024) {
    let events = [];
    let overflow = false;
    const parser = (0,eventsource_parser__WEBPACK_IMPORTED_MODULE_1__/* .createParser */ .C)({
        maxBufferSize: maxEventChars,
        onEvent: (e) => {
            // The buffer bound holds only while an event is incomplete; one that arrived whole in a
            // chunk is measured here, so the cap means the same however the bytes were split.
            if (e.data.length > maxEventChars)
                overflow = true;
            else
                events.push(e.event === undefined ? { data: e.data } : { event: e.event, data: e.data });
        },
        onError: (e) => {
            if (e.type === 'max-buffer-size-exceeded')
                overflow = true;
        },
    });
    const take = () => {
        if (overflow)
            throw new StreamTooLarge(`an SSE event exceeded ${maxEventChars} characters`);
        const out = events;
        events = [];
        return out;
    };
    return {
        push(text) {
            parser.feed(text);
            return take();
        },
        // The spec drops an event left without its blank line at the end of the stream; a frontend
        // that closes right after `data: [DONE]` still finished, so the end completes it.
        end() {
            parser.feed('\n\n');
            return take();
        },
    };
}
/** A chunk, with worker ids kept as decimal text (u64, see check/u64-json.ts). */
function parseChunk(text) {
    return (0,_check_u64_json_js__WEBPACK_IMPORTED_MODULE_2__/* .parseKeepingIds */ .T)(text, _check_u64_json_js__WEBPACK_IMPORTED_MODULE_2__/* .isWorkerIdKey */ .P);
}
const count = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
function errorText(error) {
    if (typeof error === 'string')
        return error;
    const message = error?.message;
    return typeof message === 'string' ? message : JSON.stringify(error);
}
/** Folds one SSE event into the state; atMs is when it arrived (ms since the request was sent). */
function applyEvent(state, event, atMs) {
    if (state.error || state.done)
        return;
    if (event.event === 'error') {
        state.error = `error event: ${(0,_runner_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quote */ .hD)(event.data) || 'no detail'}`;
        return;
    }
    const data = event.data.trim();
    if (data === '[DONE]') {
        state.done = true;
        return;
    }
    let chunk;
    try {
        // The reviver (worker ids kept exact) costs most of the parse; the id does not change
        // within a stream, so later chunks parse plainly.
        chunk = (state.workerId === undefined ? parseChunk(data) : JSON.parse(data));
    }
    catch {
        state.error = `a chunk is not JSON: ${(0,_runner_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quote */ .hD)(data) || 'empty'}`;
        return;
    }
    if (!chunk || typeof chunk !== 'object') {
        state.error = `a chunk is not a JSON object: ${(0,_runner_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quote */ .hD)(data)}`;
        return;
    }
    if (chunk.error !== undefined && chunk.error !== null) {
        state.error = `error in stream: ${(0,_runner_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quote */ .hD)(errorText(chunk.error))}`;
        return;
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const usage = chunk.usage && typeof chunk.usage === 'object' ? chunk.usage : undefined;
    if (state.ttftMs === undefined && (choices.length > 0 || usage))
        state.ttftMs = atMs;
    const finish = choices[0]?.finish_reason;
    if (typeof finish === 'string' && finish !== '')
        state.finishReason = finish;
    const worker = chunk.nvext?.worker_id?.decode_worker_id;
    if (typeof worker === 'string' && /^\d+$/.test(worker))
        state.workerId = worker;
    if (usage) {
        state.promptTokens = count(usage.prompt_tokens) ?? state.promptTokens;
        state.outputTokens = count(usage.completion_tokens) ?? state.outputTokens;
        const details = usage.prompt_tokens_details;
        state.cachedTokens = count(details?.cached_tokens) ?? state.cachedTokens;
    }
}


/***/ }),

/***/ 1871:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   JX: () => (/* binding */ chatBody),
/* harmony export */   O7: () => (/* binding */ createStreamAgent),
/* harmony export */   PY: () => (/* binding */ runWorkload),
/* harmony export */   dI: () => (/* binding */ streamLimits)
/* harmony export */ });
/* unused harmony exports streamChat, peakInFlight */
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6752);
/* harmony import */ var _check_http_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4894);
/* harmony import */ var _sse_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9570);
/* harmony import */ var _runner_redact_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(981);
// Streaming chat requests for compare-modes: one request gives one Sample (time to first
// token, end-to-end latency, token counts, cached prefix tokens, serving worker, or the
// error), and runWorkload sends a whole workload through a fixed-size pool. Over undici: a pool
// sized by the concurrency, a deadline per request, caps on every response (StreamLimits), no
// redirects. The events are read by sse.ts (pure), which also defines TTFT.




function streamLimits(maxTokens) {
    return {
        eventChars: 256 * 1024,
        streamBytes: 64 * 1024 + 1024 * maxTokens,
        events: 64 + 2 * maxTokens,
        errorBodyBytes: 4096,
    };
}
/** The request body: the same sampling settings in every mode. */
function chatBody(request) {
    return {
        model: request.model,
        messages: request.messages,
        max_tokens: request.maxTokens,
        temperature: 0,
        // Real engines may stop at an end-of-sequence token, which would make output lengths
        // (and latency) differ between modes for reasons that are not routing. Dynamo 1.6.1
        // accepts this top-level extension; nvext.ignore_eos is rejected there.
        ignore_eos: true,
        stream: true,
        stream_options: { include_usage: true },
        nvext: { extra_fields: ['worker_id'] },
    };
}
/** The start of a body, at most maxBytes of it; the rest is never read. */
async function readSome(body, maxBytes) {
    const chunks = [];
    let total = 0;
    try {
        for await (const chunk of body) {
            chunks.push(chunk);
            total += chunk.length;
            if (total >= maxBytes)
                break;
        }
    }
    catch {
        /* a partial body is still worth showing */
    }
    // Streaming decode drops a character the byte cap cut in half instead of leaving U+FFFD, so
    // the text ends where the cut was (where quote() looks for a secret's cut-off start).
    return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes), { stream: true });
}
/**
 * The pool for a workload: at most `concurrency` connections per origin, so the client never
 * queues a request behind its own slots; idle connections close after keepAliveTimeout.
 */
function createStreamAgent(concurrency) {
    return new undici__WEBPACK_IMPORTED_MODULE_0__/* .Agent */ .g6({ connections: Math.max(1, Math.floor(concurrency)), keepAliveTimeout: 10_000 });
}
function header(headers, name) {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
/** Sends one streaming chat request and measures it. Never throws: failures are in the Sample. */
async function streamChat(baseUrl, request, options) {
    const started = performance.now();
    // Unrounded, so that start + latency of one request never passes the start of the next one
    // in the same slot; reports round.
    const since = () => performance.now() - started;
    const base = { index: request.index, group: request.group, startMs: started - (options.epoch ?? started) };
    let endMs;
    const fail = (kind, message, status, state) => ({
        ...base,
        ok: false,
        latencyMs: endMs ?? since(),
        ttftMs: state?.ttftMs,
        workerId: state?.workerId,
        status,
        error: { kind, message },
    });
    if (options.signal?.aborted)
        return fail('aborted', 'the run was stopped before this request was sent');
    const limits = { ...streamLimits(request.maxTokens), ...options.limits };
    const own = options.dispatcher ? undefined : createStreamAgent(1);
    const dispatcher = options.dispatcher ?? own;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
    const state = { done: false };
    let status;
    let body;
    try {
        const url = new URL(`${baseUrl}/v1/chat/completions`);
        const response = await dispatcher.request({
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method: 'POST',
            headers: {
                'Content-Type': 'application/json',
                Accept: 'text/event-stream',
                ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
                ...options.headers,
            },
            // Connection: close on a fresh connection per request (see StreamOptions.keepAlive).
            reset: !options.keepAlive,
            body: JSON.stringify(chatBody(request)),
            signal,
            // Backstops under the deadline: undici's own idle timers for headers and between chunks.
            headersTimeout: options.timeoutMs,
            bodyTimeout: options.timeoutMs,
        });
        body = response.body;
        status = response.statusCode;
        // Redirects are never followed (undici follows none unless told): a 3xx is an error here,
        // so the API key never goes to another host.
        if (status !== 200) {
            const text = (0,_runner_redact_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(await readSome(body, limits.errorBodyBytes));
            return fail('http', `HTTP ${status}: ${text || 'no body'}`, status);
        }
        const type = header(response.headers, 'content-type');
        if (!type.includes('text/event-stream')) {
            const text = (0,_runner_redact_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(await readSome(body, limits.errorBodyBytes));
            return fail('stream', `expected an event stream, got ${(0,_runner_redact_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(type, 100) || 'no content-type'}: ${text}`, status);
        }
        const parser = (0,_sse_js__WEBPACK_IMPORTED_MODULE_2__/* .createSseParser */ .ZE)(limits.eventChars);
        const decoder = new TextDecoder();
        let bytes = 0;
        let events = 0;
        const apply = (batch) => {
            events += batch.length;
            if (events > limits.events)
                throw new _sse_js__WEBPACK_IMPORTED_MODULE_2__/* .StreamTooLarge */ .ec(`the stream sent more than ${limits.events} events`);
            const at = since();
            for (const event of batch)
                (0,_sse_js__WEBPACK_IMPORTED_MODULE_2__/* .applyEvent */ .Z8)(state, event, at);
        };
        let finished = false;
        // One iterator for the events and the drain below (leaving a for-await loop would destroy
        // the body, and with it a connection worth keeping).
        const chunks = body[Symbol.asyncIterator]();
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
            const chunk = next.value;
            bytes += chunk.length;
            if (bytes > limits.streamBytes)
                throw new _sse_js__WEBPACK_IMPORTED_MODULE_2__/* .StreamTooLarge */ .ec(`the stream exceeded ${limits.streamBytes} bytes`);
            apply(parser.push(decoder.decode(chunk, { stream: true })));
            if (state.error || state.done) {
                finished = true;
                break;
            }
        }
        if (!finished)
            apply([...parser.push(decoder.decode()), ...parser.end()]);
        endMs = since();
        // On a kept-alive connection, read the (empty) end of the body so the connection can be
        // reused; bounded like the rest, and never longer than the deadline.
        if (finished && options.keepAlive && !state.error) {
            for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
                bytes += next.value.length;
                if (bytes > limits.streamBytes)
                    break;
            }
        }
    }
    catch (error) {
        if (endMs !== undefined && state.done) {
            // Only the drain after [DONE] failed: the sample is complete.
        }
        else if (error instanceof _sse_js__WEBPACK_IMPORTED_MODULE_2__/* .StreamTooLarge */ .ec) {
            return fail('stream-too-large', error.message, status, state);
        }
        else if (timeout.signal.aborted) {
            return fail('timeout', `no complete stream within ${Math.round(options.timeoutMs / 100) / 10} s`, status, state);
        }
        else if (options.signal?.aborted) {
            return fail('aborted', 'the run was stopped during this request', status, state);
        }
        else {
            const { kind, detail } = (0,_check_http_js__WEBPACK_IMPORTED_MODULE_1__/* .classifyNetworkError */ .LW)(error);
            // A socket closed mid-stream: name it, the first events may have counted already.
            return fail(kind, state.ttftMs === undefined ? detail : `${detail} (mid-stream)`, status, state);
        }
    }
    finally {
        clearTimeout(timer);
        // A body left unread (an error, a cap, a stop) releases its connection; no-op once ended.
        body?.destroy();
        if (own)
            await own.destroy().catch(() => undefined);
    }
    if (state.error)
        return fail('stream', state.error, status, state);
    if (!state.done && !state.finishReason)
        return fail('stream', 'the stream ended before a finish_reason or [DONE]', status, state);
    return {
        ...base,
        ok: true,
        latencyMs: endMs ?? since(),
        ttftMs: state.ttftMs,
        outputTokens: state.outputTokens,
        promptTokens: state.promptTokens,
        cachedTokens: state.cachedTokens,
        workerId: state.workerId,
        finishReason: state.finishReason,
        status,
    };
}
/**
 * Sends the requests through a fixed pool of `concurrency` slots: requests start in list order,
 * a slot takes the next request only when its previous one finished, so at most `concurrency`
 * are in flight. Each request is bounded by timeoutMs, so the run is bounded by
 * ceil(n / concurrency) · timeoutMs. Samples come back in request order. Without a dispatcher
 * in the options, the connections are a pool of `concurrency` made for this run and closed
 * at its end.
 */
async function runWorkload(baseUrl, requests, options) {
    const slots = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, requests.length));
    const samples = new Array(requests.length);
    const own = options.dispatcher ? undefined : createStreamAgent(slots);
    const dispatcher = options.dispatcher ?? own;
    const epoch = performance.now();
    let next = 0;
    let completed = 0;
    const slot = async () => {
        while (next < requests.length) {
            const position = next++;
            const sample = await streamChat(baseUrl, requests[position], { ...options, dispatcher, epoch });
            samples[position] = sample;
            completed++;
            options.onProgress?.(completed, requests.length, sample);
        }
    };
    try {
        await Promise.all(Array.from({ length: slots }, slot));
    }
    finally {
        await own?.close().catch(() => own.destroy().catch(() => undefined));
    }
    return samples;
}
/** The most requests that were in flight at one time, from the samples' own timings. */
function peakInFlight(samples) {
    const edges = [];
    for (const s of samples) {
        edges.push([s.startMs, 1], [s.startMs + s.latencyMs, -1]);
    }
    // Ends sort before starts at the same instant: back-to-back requests do not overlap.
    edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let current = 0;
    let peak = 0;
    for (const [, delta] of edges) {
        current += delta;
        peak = Math.max(peak, current);
    }
    return peak;
}


/***/ }),

/***/ 4202:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   y: () => (/* binding */ buildWorkload)
/* harmony export */ });
/* unused harmony export groupOrder */
/* harmony import */ var _bootstrap_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7793);
// The matched workload for compare-modes: a fixed list of chat requests, built only from the
// settings and a seed, so every mode is sent exactly the same prompts in the same order.
//
// Shape: `prefixGroups` long shared prefixes; each request is one group's prefix plus a short
// unique suffix. Repeats of a prefix are what a KV-aware router can exploit (a worker that
// served the prefix holds its KV blocks), so the groups are interleaved: repeats of one prefix
// arrive spread out, with other groups' requests in between, as in real multi-tenant traffic.
//
// Token counts are approximate by design: a prefix is `prefixTokens` common English words, and
// one such word is about one token for the tokenizers of real models (30k–200k vocabularies; a
// tiny test tokenizer splits words further). The frontend's tokenizer decides the real count,
// which each sample reports from `usage.prompt_tokens`.

/** Words short and common enough to be single tokens in real model vocabularies. */
const WORDS = ('time year people way day man thing woman life child world school state family student group ' +
    'country problem hand part place case week company system program question work government ' +
    'number night point home water room mother area money story fact month lot right study book ' +
    'eye job word business issue side kind head house service friend father power hour game line ' +
    'end member law car city community name president team minute idea kid body information back ' +
    'parent face others level office door health person art war history party result change ' +
    'morning reason research girl guy moment air teacher force education foot boy age policy ' +
    'music market sense nation plan college interest death experience effect use class control ' +
    'care field development role effort rate heart drug show leader light voice wife police mind ' +
    'price report decision son view relationship town road arm difference value building action ' +
    'model season society tax director position player record paper space ground form event ' +
    'official matter center couple site project activity star table need court oil situation cost ' +
    'industry figure street image phone data picture practice piece land product doctor wall ' +
    'patient worker news test movie north love support technology step baby computer type ' +
    'attention film tree source organization hair window evidence population river garden').split(' ');
const SUFFIX_WORDS = 6;
function words(random, count) {
    const out = [];
    for (let i = 0; i < count; i++)
        out.push(WORDS[(0,_bootstrap_js__WEBPACK_IMPORTED_MODULE_0__/* .randomInt */ .HO)(random, WORDS.length)]);
    return out.join(' ');
}
function shuffle(random, items) {
    for (let i = items.length - 1; i > 0; i--) {
        const j = (0,_bootstrap_js__WEBPACK_IMPORTED_MODULE_0__/* .randomInt */ .HO)(random, i + 1);
        [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
}
/**
 * The group of each request: rounds of a seeded shuffle of all groups. A fresh shuffle per
 * round (rather than one order repeated) keeps a group from always landing on the same worker
 * under round-robin when the group count is a multiple of the worker count, which would hand
 * round-robin KV reuse by accident. A round never starts with the group that ended the last
 * one, so no prefix is repeated back to back.
 */
function groupOrder(requests, groups, seed) {
    const random = (0,_bootstrap_js__WEBPACK_IMPORTED_MODULE_0__/* .seededRandom */ .Is)(seed);
    const order = [];
    while (order.length < requests) {
        const round = shuffle(random, Array.from({ length: groups }, (_, g) => g));
        if (groups > 1 && round[0] === order[order.length - 1])
            [round[0], round[1]] = [round[1], round[0]];
        order.push(...round);
    }
    return order.slice(0, requests);
}
/** Builds the request list; throws on settings that cannot make one (validated earlier by the caller). */
function buildWorkload(settings) {
    const { requests, prefixGroups, prefixTokens, maxTokens, seed, model } = settings;
    for (const [name, value, min] of [
        ['requests', requests, 1],
        ['prefixGroups', prefixGroups, 1],
        ['prefixTokens', prefixTokens, 0],
        ['maxTokens', maxTokens, 1],
    ]) {
        if (!Number.isInteger(value) || value < min)
            throw new RangeError(`${name} must be an integer ≥ ${min}`);
    }
    // Separate streams: the order depends only on the seed, the words also on the variant.
    const order = groupOrder(requests, prefixGroups, seed);
    const text = (0,_bootstrap_js__WEBPACK_IMPORTED_MODULE_0__/* .seededRandom */ .Is)((seed ^ Math.imul((settings.variant ?? 0) + 1, 0x9e3779b1)) >>> 0);
    const prefixes = Array.from({ length: prefixGroups }, () => words(text, prefixTokens));
    return order.map((group, index) => {
        const suffix = `Request ${index + 1}: ${words(text, SUFFIX_WORDS)}?`;
        const prefix = prefixes[group];
        return {
            index,
            group,
            model,
            messages: [{ role: 'user', content: prefix ? `${prefix}\n\n${suffix}` : suffix }],
            maxTokens,
        };
    });
}


/***/ })

};
