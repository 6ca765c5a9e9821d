export const id = 730;
export const ids = [730];
export const modules = {

/***/ 193:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Be: () => (/* binding */ shares),
/* harmony export */   EZ: () => (/* binding */ served),
/* harmony export */   HY: () => (/* binding */ sequenceText),
/* harmony export */   LS: () => (/* binding */ plural),
/* harmony export */   T$: () => (/* binding */ takesTurns),
/* harmony export */   WN: () => (/* binding */ countsText),
/* harmony export */   lw: () => (/* binding */ graphInstances),
/* harmony export */   tQ: () => (/* binding */ counts),
/* harmony export */   wh: () => (/* binding */ busiest),
/* harmony export */   wx: () => (/* binding */ labeller)
/* harmony export */ });
// Small pure helpers the routing probe's readings share: counting requests per worker, turn
// order, the A B C labels and sentences the patterns are told in, shares per worker, and which
// listed workers belong to the probed graph.
const served = (r) => r.status === 200 && r.worker !== undefined;
function counts(workers) {
    const m = new Map();
    for (const w of workers)
        m.set(w, (m.get(w) ?? 0) + 1);
    return m;
}
function busiest(workers) {
    return Math.max(0, ...counts(workers).values());
}
/** seq takes `period` distinct workers in one fixed order, over and over. */
function takesTurns(seq, period) {
    if (period < 2 || seq.length < period)
        return false;
    if (new Set(seq.slice(0, period)).size !== period)
        return false;
    return seq.every((w, i) => i < period || w === seq[i - period]);
}
/** Worker labels A, B, C … in order of first appearance (AA, AB … after Z). */
function labeller(order) {
    const labels = new Map();
    const name = (i) => i < 26
        ? String.fromCharCode(65 + i)
        : `${name(Math.floor(i / 26) - 1)}${String.fromCharCode(65 + (i % 26))}`;
    for (const id of order)
        if (!labels.has(id))
            labels.set(id, name(labels.size));
    return (id) => labels.get(id) ?? '?';
}
function sequenceText(seq, label, max = 18) {
    const shown = seq.slice(0, max).map(label).join(' ');
    return seq.length > max ? `${shown} …` : shown;
}
function countsText(seq, label) {
    return [...counts(seq).entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([id, n]) => `${label(id)} ${n}`)
        .join(', ');
}
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** The listed instances of the graph the probe's workers belong to (other graphs may share /health). */
function graphInstances(listed, seen) {
    const mine = listed.filter((i) => seen.has(i.id));
    if (mine.length === 0)
        return [...listed];
    const key = (i) => `${i.namespace ?? ''}/${i.component ?? ''}`;
    const graphs = new Set(mine.map(key));
    return listed.filter((i) => graphs.has(key(i)));
}
function shares(all, label, graph) {
    const c = counts(all.map((r) => r.worker));
    const total = all.length;
    return [...c.entries()].map(([id, n]) => ({
        id,
        label: label(id),
        requests: n,
        share: Number((n / total).toFixed(3)),
        ...(graph.find((i) => i.id === id)?.deviceType
            ? { deviceType: graph.find((i) => i.id === id)?.deviceType }
            : {}),
    }));
}


/***/ }),

/***/ 3730:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  prepareProbe: () => (/* binding */ prepareProbe)
});

// UNUSED EXPORTS: agreedBehaviour

// EXTERNAL MODULE: ./lib/model/findings.js
var findings = __webpack_require__(7371);
// EXTERNAL MODULE: ./lib/check/direct-worker.js
var direct_worker = __webpack_require__(2346);
// EXTERNAL MODULE: ./lib/verify/probe/patterns.js
var patterns = __webpack_require__(193);
;// CONCATENATED MODULE: ./lib/verify/probe/describe.js
// The routing probe's findings in words: one sentence of what its requests did, and why the
// modes left could not be told apart. Pure.

function heldText(one, many) {
    const parts = [];
    if (one.counted > 0)
        parts.push(`with one worker held busy ${one.hits} of ${one.counted} requests went to it`);
    if (many.counted > 0 && many.held >= 2)
        parts.push(`with ${many.held} held busy ${many.hits} of ${many.counted} went to a busy one`);
    return parts.join(', and ');
}
/** One sentence of what the requests did, e.g. "24 requests took the 3 workers in turn (A B C …)". */
function patternText(f) {
    if (f.core.length === 0)
        return 'No probe request named the worker that served it.';
    const parts = [];
    parts.push(f.inTurn
        ? `${f.core.length} requests took the ${f.period} workers in turn (${(0,patterns/* sequenceText */.HY)(f.core, f.label, 12)})`
        : `${f.core.length} requests went ${(0,patterns/* sequenceText */.HY)(f.core, f.label)}`);
    if (f.shared.length)
        parts.push(`the ${f.shared.length} sharing one ${f.tokens}prefix went to ${(0,patterns/* plural */.LS)(new Set(f.shared).size, 'worker')} (${(0,patterns/* countsText */.WN)(f.shared, f.label)})`);
    if (f.distinct.length)
        parts.push(`the ${f.distinct.length} with distinct prefixes to ${(0,patterns/* plural */.LS)(new Set(f.distinct).size, 'worker')}`);
    const held = heldText(f.one, f.many);
    if (held)
        parts.push(held);
    return `${parts.join('; ')}.`;
}
/** Why the modes left could not be told apart, most decisive first. */
function separationLimits(modes, l) {
    const has = (m) => modes.includes(m);
    const reasons = [];
    if (l.workersSeen <= 1)
        reasons.push(l.graph.length > 1
            ? `every request went to one worker although /health lists ${l.graph.length}`
            : 'every request went to one worker: with one worker every mode routes alike');
    if (!l.clean)
        reasons.push(!l.stable
            ? 'the worker set changed during the probe'
            : `${l.traffic.detail}, so round-robin's turn order and the load-aware modes' avoidance of busy workers cannot be read`);
    const heldCounted = l.one.counted + l.many.counted;
    if (heldCounted === 0 && l.workersSeen > 1)
        reasons.push('the streams held open to load workers ended before requests could be sent (a fast engine finishes them quickly), so load-aware modes cannot be told from others');
    if (has('least-loaded') && has('device-aware-weighted')) {
        const devices = [...new Set(l.graph.map((i) => i.deviceType).filter(Boolean))];
        reasons.push(`device-aware-weighted routes as least-loaded when every worker is of one device class${devices.length === 1 ? ` (all ${devices[0]})` : ''}, so the two cannot be told apart from requests`);
    }
    if (has('least-loaded') && has('power-of-two') && l.pool === 2)
        reasons.push('with two workers power-of-two samples both and routes as least-loaded');
    if (has('kv') && has('least-loaded') && new Set(l.distinct).size <= 1 && l.distinct.length > 0)
        reasons.push('requests with distinct prefixes did not spread, so kv cannot be told from a least-loaded router that breaks ties toward the first worker');
    if (reasons.length === 0)
        reasons.push('the probe had too few requests to tell them apart at its error rate (raise `probe-requests`)');
    return reasons.join('; ');
}

;// CONCATENATED MODULE: ./lib/verify/probe/chance.js
// The probabilities the routing probe's tests rest on, exact and pure: how likely a pattern is
// under a router that picks workers at random (uniform, independent), and binomial tails for the
// held-worker phases. Each test rules a mode out only when its pattern has at most ALPHA chance
// under that mode (see design.ts for how the tests add up to the 1% per mode pair).
/** The chance a single test may rule out a mode that is in fact running (three tests at most per mode). */
const ALPHA = 0.002;
/**
 * The same when other traffic may have reached the frontend (or its /metrics could not tell):
 * thirty times stricter, so other traffic all but never turns into a contradiction.
 */
const ALPHA_BUSY = ALPHA / 30;
/** P(X ≤ k) for X ~ Binomial(n, p). */
function binomialCdf(n, p, k) {
    if (k < 0)
        return 0;
    if (k >= n)
        return 1;
    return sumOfBinomialsCdf([{ n, p }], k);
}
/** P(X₁ + … ≤ k) for independent Xᵢ ~ Binomial(nᵢ, pᵢ): the distribution of the sum, convolved. */
function sumOfBinomialsCdf(parts, k) {
    if (k < 0)
        return 0;
    let dist = [1];
    for (const { n, p } of parts) {
        const q = Math.min(1, Math.max(0, p));
        for (let i = 0; i < n; i++) {
            const next = new Array(dist.length + 1).fill(0);
            for (let j = 0; j < dist.length; j++) {
                next[j] += dist[j] * (1 - q);
                next[j + 1] += dist[j] * q;
            }
            dist = next;
        }
    }
    let total = 0;
    for (let j = 0; j <= Math.min(k, dist.length - 1); j++)
        total += dist[j];
    return Math.min(1, total);
}
/**
 * P(the busiest of `workers` workers gets at least m of n requests) when each request picks a
 * worker uniformly at random: 1 − P(every worker gets fewer than m), counted with the exponential
 * generating function (Σ_{j<m} x^j/j!)^W. Exact up to n = 150; beyond, a union bound.
 */
function uniformBusiestTail(n, workers, m) {
    if (workers <= 1)
        return m <= n ? 1 : 0;
    if (m <= Math.ceil(n / workers))
        return 1;
    if (m > n)
        return 0;
    if (n > 150)
        return Math.min(1, workers * (1 - binomialCdf(n, 1 / workers, m - 1)));
    const factorial = [1];
    for (let i = 1; i <= n; i++)
        factorial.push(factorial[i - 1] * i);
    const one = Array.from({ length: Math.min(m, n + 1) }, (_, j) => 1 / factorial[j]);
    let poly = [1];
    for (let w = 0; w < workers; w++) {
        const next = new Array(Math.min(poly.length + one.length - 1, n + 1)).fill(0);
        for (let a = 0; a < poly.length; a++)
            for (let b = 0; b < one.length && a + b <= n; b++)
                next[a + b] += poly[a] * one[b];
        poly = next;
    }
    const below = ((poly[n] ?? 0) * factorial[n]) / workers ** n;
    return Math.min(1, Math.max(0, 1 - below));
}
/** P(n uniform random picks over `workers` workers take them in one fixed turn order): W! · W^−n. */
function uniformCycleChance(n, workers) {
    if (workers < 2 || n < workers)
        return 1;
    let chance = 1;
    for (let i = 2; i <= workers; i++)
        chance *= i;
    return chance * workers ** -n;
}
/** The fewest trials n with (1 − p)^n ≤ alpha: enough to see at least one event of chance p. */
function trialsToSee(p, alpha = ALPHA) {
    if (p <= 0)
        return Infinity;
    if (p >= 1)
        return 1;
    return Math.ceil(Math.log(alpha) / Math.log(1 - p));
}
/**
 * P(X ≥ a) for X ~ Hypergeometric: `draws` taken from `total` items of which `marked` are marked
 * (Fisher's exact test, one-sided). Used to ask whether one group of requests went to a worker
 * more often than the requests around it, whatever the router's (prompt-blind) preferences.
 */
function hypergeometricTail(total, marked, draws, a) {
    const logChoose = (n, k) => {
        if (k < 0 || k > n)
            return -Infinity;
        let s = 0;
        for (let i = 1; i <= k; i++)
            s += Math.log((n - k + i) / i);
        return s;
    };
    const denominator = logChoose(total, draws);
    let tail = 0;
    for (let x = Math.max(a, 0); x <= Math.min(marked, draws); x++)
        tail += Math.exp(logChoose(marked, x) + logChoose(total - marked, draws - x) - denominator);
    return Math.min(1, tail);
}

;// CONCATENATED MODULE: ./lib/verify/probe/analyse.js
// Reads the routing probe's requests (which worker served each) as patterns, and decides which
// router modes fit them. Pure: run-probe.ts sends the requests, this only reads what came back.
//
// What each mode does with the probe (Dynamo's selectors: push_router.rs for the non-kv modes,
// the kv router's scheduler for kv; measured on 1.3.1 and 1.6.1):
// - round-robin: `counter % workers`, so sequential requests take the workers in turn whatever
//   the prompt; other traffic shares the counter and leaves gaps.
// - random: an independent uniform pick per request.
// - power-of-two: two distinct random candidates, the one with no more requests in flight; with
//   idle workers it is random, a busy worker is only picked when both candidates are busy.
// - least-loaded, device-aware-weighted: the fewest requests in flight (ties at random in 1.3+,
//   at the first worker in other sources); a busy worker is never picked while one is idle.
//   With one device class device-aware-weighted IS least-loaded.
// - kv: a prefix the router saw stays on the worker that cached it; distinct prefixes spread.
//
// Each test below rules modes out with at most ALPHA (chance.ts) chance of ruling out the mode
// that runs, also under other traffic unless it needs `clean` (no other traffic, read from the
// frontend's /metrics). A mode is verified only when every other mode is ruled out; a mode that
// every source rules out is a contradiction; anything else is unverifiable, with why.



const NON_KV = [
    'round-robin',
    'random',
    'power-of-two',
    'least-loaded',
    'device-aware-weighted',
];
const LOAD_AWARE = ['least-loaded', 'device-aware-weighted'];
function heldPhase(requests, phase, held) {
    const mine = requests.filter((r) => r.phase === phase && (0,patterns/* served */.EZ)(r) && r.counted === true);
    return { held, counted: mine.length, hits: mine.filter((r) => r.heldWorker).length };
}
/** Distinct workers of the holds that served each held phase (the first hold serves both). */
function heldCounts(requests) {
    const holds = [];
    let one = 0;
    for (const r of requests) {
        if (r.phase === 'hold' && (0,patterns/* served */.EZ)(r))
            holds.push(r.worker);
        if (r.phase === 'one-held' && one === 0)
            one = new Set(holds).size;
    }
    return { one, many: new Set(holds).size };
}
function analyseProbe(obs, o) {
    const all = obs.requests.filter(patterns/* served */.EZ);
    const order = all.map((r) => r.worker);
    const label = (0,patterns/* labeller */.wx)(order);
    const seen = new Set(order);
    const graph = (0,patterns/* graphInstances */.lw)(obs.listed, seen);
    const listedIds = new Set(graph.map((i) => i.id));
    const workersSeen = seen.size;
    // Workers a random pick could have chosen: those seen, and those /health lists for the graph.
    const pool = Math.max(workersSeen, new Set([...seen, ...listedIds]).size);
    const stable = obs.listedAfter === undefined ||
        (obs.listedAfter.length === obs.listed.length &&
            obs.listed.every((i) => obs.listedAfter?.some((j) => j.id === i.id)));
    const clean = o.traffic.otherTraffic === 'none' && stable;
    // Every test holds its pattern against ALPHA; with other traffic possible, against ALPHA_BUSY.
    const alpha = clean ? ALPHA : ALPHA_BUSY;
    const coreAll = obs.requests.filter((r) => r.phase === 'shared-prefix' || r.phase === 'distinct-prefix');
    const core = coreAll.filter(patterns/* served */.EZ).map((r) => r.worker);
    const coreComplete = core.length === coreAll.length;
    const shared = obs.requests
        .filter((r) => r.phase === 'shared-prefix' && (0,patterns/* served */.EZ)(r))
        .map((r) => r.worker);
    const distinct = obs.requests
        .filter((r) => r.phase === 'distinct-prefix' && (0,patterns/* served */.EZ)(r))
        .map((r) => r.worker);
    const held = heldCounts(obs.requests);
    const one = heldPhase(obs.requests, 'one-held', held.one);
    const many = heldPhase(obs.requests, 'many-held', held.many);
    const exclusions = [];
    const exclude = (modes, reason, soft = false) => {
        exclusions.push({ modes, soft, reason });
    };
    // 1. Turn order: only round-robin takes the workers in turn, and other traffic cannot create it.
    const period = new Set(core).size;
    const inTurn = (0,patterns/* takesTurns */.T$)(core, period) && uniformCycleChance(core.length, period) <= alpha;
    if (inTurn)
        exclude([...NON_KV.filter((m) => m !== 'round-robin'), 'kv'], `${core.length} requests took the ${period} workers in turn (${(0,patterns/* sequenceText */.HY)(core, label, 12)}), as only round-robin does`);
    // 2. No turn order while nothing else reached the frontend: not round-robin.
    if (clean &&
        coreComplete &&
        workersSeen >= 2 &&
        core.length >= workersSeen + 2 &&
        !(0,patterns/* takesTurns */.T$)(core, workersSeen))
        exclude(['round-robin'], `${core.length} requests did not take the ${workersSeen} workers in turn (${(0,patterns/* sequenceText */.HY)(core, label)}) while no other traffic reached the frontend: not round-robin`);
    // 3. One prefix kept on one worker while distinct prefixes spread: kv. With nothing else running,
    // a prompt-blind mode picks idle workers uniformly (or in turn), so the shared-prefix requests are
    // held against a uniform pick; under other traffic load-aware modes lean toward the least busy
    // worker, so they are held against the distinct-prefix requests sent in between (Fisher's test).
    const tokens = obs.sharedPrefixTokens ? `~${Math.round(obs.sharedPrefixTokens)}-token ` : 'long ';
    const sharedTop = (0,patterns/* busiest */.wh)(shared);
    const top = [...(0,patterns/* counts */.tQ)(shared).entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const onTop = distinct.filter((w) => w === top).length;
    const sticky = shared.length >= 3 &&
        workersSeen >= 2 &&
        (clean
            ? uniformBusiestTail(shared.length, workersSeen, sharedTop) <= alpha
            : workersSeen *
                hypergeometricTail(shared.length + distinct.length, sharedTop + onTop, shared.length, sharedTop) <=
                alpha);
    const distinctSpread = distinct.length >= 3 && (0,patterns/* busiest */.wh)(distinct) <= distinct.length - 2 && new Set(distinct).size >= 2;
    if (sticky && distinctSpread)
        exclude(NON_KV, `${sharedTop} of ${shared.length} requests sharing one ${tokens}prefix went to one worker while ${distinct.length} with distinct prefixes spread over ${new Set(distinct).size} workers, as only kv does`);
    // 4. One prefix spread over workers while nothing else ran: not kv (or kv that ignores the cache).
    if (clean && shared.length >= 4 && sharedTop <= shared.length - 3)
        exclude(['kv'], `${shared.length} requests sharing one ${tokens}prefix went to ${(0,patterns/* plural */.LS)(new Set(shared).size, 'worker')} (${(0,patterns/* countsText */.WN)(shared, label)}): not kv`, true);
    // 5. Held workers. Random ignores them; power-of-two picks a busy one only when both its
    // candidates are busy; least-loaded never while one is idle. Other traffic only adds load, so
    // "too few requests went to a busy worker" holds under it; "too many" needs a clean frontend.
    const phases = [one, many].filter((p) => p.held >= 1 && p.counted > 0);
    if (phases.length > 0 && pool >= 2) {
        const hits = phases.reduce((n, p) => n + p.hits, 0);
        const randomLow = sumOfBinomialsCdf(phases.map((p) => ({ n: p.counted, p: p.held / pool })), hits);
        if (randomLow <= alpha)
            exclude(['random'], `${heldText(one, many)}: random picks ignore busy workers`);
        if (many.held >= 2 && many.counted > 0) {
            const q = (many.held * (many.held - 1)) / (pool * (pool - 1));
            if (sumOfBinomialsCdf([{ n: many.counted, p: q }], many.hits) <= alpha)
                exclude(['power-of-two'], `with ${many.held} of ${pool} workers held busy, ${many.hits} of ${many.counted} requests went to a busy one: power-of-two draws two busy candidates ${Math.round(q * 100)}% of the time`);
        }
        // Only phases that left a worker idle: least-loaded picks a busy one only when none is idle.
        const hitsWhileIdle = phases.filter((p) => p.held < pool).reduce((n, p) => n + p.hits, 0);
        if (clean && hitsWhileIdle >= 2)
            exclude(LOAD_AWARE, `${(0,patterns/* plural */.LS)(hitsWhileIdle, 'request')} went to a worker held busy while another was idle and no other traffic ran: least-loaded never does`);
        if (clean && one.held === 1 && one.hits >= 2)
            exclude(['power-of-two'], `with one worker held busy, ${one.hits} of ${one.counted} requests still went to it while no other traffic ran: power-of-two never takes the busier of its two candidates`);
    }
    const available = o.available.filter((m) => m !== 'direct');
    const ruledOut = new Set(exclusions.flatMap((e) => e.modes));
    const consistent = available.filter((m) => !ruledOut.has(m));
    const pattern = patternText({
        core,
        inTurn,
        period,
        label,
        shared,
        distinct,
        tokens,
        one,
        many,
        workersSeen,
    });
    const workers = (0,patterns/* shares */.Be)(all, label, graph);
    const result = {
        consistent,
        pattern,
        workers,
        listedWorkers: graph.length,
        idleWorkers: graph.filter((i) => !seen.has(i.id)).map((i) => i.id),
        maxMinRatio: workers.length >= 2
            ? Number((Math.max(...workers.map((w) => w.requests)) / Math.min(...workers.map((w) => w.requests))).toFixed(2))
            : null,
        otherTraffic: o.traffic.otherTraffic,
        requests: obs.requests,
        durationMs: obs.durationMs,
        exclusions,
    };
    const limits = separationLimits(consistent, {
        workersSeen,
        pool,
        clean,
        traffic: o.traffic,
        stable,
        one,
        many,
        graph,
        distinct,
    });
    return judge({ ...result, verdict: 'unverifiable', reason: '', limits }, o.asked, available, o.traffic);
}
/**
 * The verdict for `asked` from what the patterns ruled out (the same analysis serves every asked
 * mode): ruled out → contradicted; the only mode left → verified; else unverifiable, with why.
 */
function judge(a, asked, available, traffic) {
    const { consistent, exclusions } = a;
    const base = { ...a, observed: undefined, softContradiction: undefined };
    if (consistent.length === 0)
        return {
            ...base,
            verdict: 'unverifiable',
            reason: `The pattern fits no router mode (${exclusions.map((e) => e.reason).join('; ')}); ${traffic.detail}.`,
        };
    if (asked && available.includes(asked) && !consistent.includes(asked)) {
        const against = exclusions.filter((e) => e.modes.includes(asked));
        return {
            ...base,
            verdict: 'contradicted',
            observed: consistent.length === 1 ? consistent[0] : undefined,
            reason: against.map((e) => e.reason).join('; '),
            softContradiction: against.every((e) => e.soft),
        };
    }
    if (consistent.length === 1 && (!asked || asked === consistent[0])) {
        const only = consistent[0];
        return {
            ...base,
            verdict: 'verified',
            observed: only,
            reason: `Only ${only} fits: ${exclusions
                .filter((e) => !e.modes.includes(only))
                .map((e) => e.reason)
                .join('; ')}.`,
        };
    }
    return {
        ...base,
        verdict: 'unverifiable',
        reason: `The pattern fits ${consistent.join(', ')}: ${a.limits}.`,
    };
}

;// CONCATENATED MODULE: ./lib/verify/probe/direct-mode.js
// Direct mode's routing probe, read: requests that each name the worker that must serve them.

/**
 * Direct mode's probe: requests naming a worker. Served elsewhere rules direct out; served by the
 * named worker proves little alone, because Dynamo 1.6 serves a named worker in other modes too
 * (measured: round-robin honours x-dynamo-worker-instance-id), so direct is told by a request that
 * names none (log-metrics-verdict.ts).
 */
function analyseNamed(obs, o) {
    const answered = obs.requests.filter((r) => (0,patterns/* served */.EZ)(r) && r.named !== undefined);
    const label = (0,patterns/* labeller */.wx)(answered.flatMap((r) => [r.named, r.worker]));
    const wrong = answered.filter((r) => r.worker !== r.named);
    const seen = new Set(answered.map((r) => r.worker));
    const graph = (0,patterns/* graphInstances */.lw)(obs.listed, seen);
    const workers = (0,patterns/* shares */.Be)(answered, label, graph);
    const base = {
        pattern: answered.length === 0
            ? 'No request naming a worker was served.'
            : `${answered.length} requests each naming a worker went ${(0,patterns/* sequenceText */.HY)(answered.map((r) => r.worker), label)}${wrong.length ? `, ${wrong.length} of them not to the named worker` : ', each to the worker it named'}.`,
        workers,
        listedWorkers: graph.length,
        idleWorkers: graph.filter((i) => !seen.has(i.id)).map((i) => i.id),
        maxMinRatio: null,
        otherTraffic: o.traffic.otherTraffic,
        requests: obs.requests,
        durationMs: obs.durationMs,
    };
    if (wrong.length > 0) {
        const reason = `a request naming worker ${label(wrong[0].named)} (${wrong[0].named}) was served by ${label(wrong[0].worker)} (${wrong[0].worker}): direct mode serves the named worker`;
        return {
            ...base,
            verdict: 'contradicted',
            consistent: o.available.filter((m) => m !== 'direct'),
            reason,
            exclusions: [{ modes: ['direct'], soft: false, reason }],
        };
    }
    return {
        ...base,
        verdict: 'unverifiable',
        consistent: [...o.available],
        reason: 'every request was served by the worker it named; other modes serve a named worker too, so only a request naming none tells direct mode',
        exclusions: [],
    };
}

;// CONCATENATED MODULE: ./lib/verify/probe/design.js
// How many probe requests of each kind to send, sized by the number of workers so that each test
// of analyse.ts can reach its ALPHA (chance.ts) when the mode it tests for is not running. Pure.
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
        if (uniformBusiestTail(n, workers, allowed) <= ALPHA)
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
    while (uniformCycleChance(shared + distinct, workers) > ALPHA / 10 || shared + distinct < 2 * workers + 2)
        distinct++;
    const oneHeld = trialsToSee(1 / workers);
    const manyHolds = workers >= 3 ? Math.min(workers - 1, MAX_HOLDS) : 0;
    const q = (manyHolds * (manyHolds - 1)) / (workers * (workers - 1));
    const manyHeld = manyHolds >= 2 ? trialsToSee(q) : 0;
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
var u64_json = __webpack_require__(6680);
// EXTERNAL MODULE: ./lib/compare/sse.js
var sse = __webpack_require__(9570);
// EXTERNAL MODULE: ./lib/compare/stream.js
var stream = __webpack_require__(1871);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
// EXTERNAL MODULE: ./lib/verify/metrics.js
var metrics = __webpack_require__(5720);
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
            const parser = (0,sse/* createSseParser */.ZE)(limits.eventChars);
            const decoder = new TextDecoder();
            let bytes = 0;
            for await (const chunk of response.body) {
                bytes += chunk.length;
                if (bytes > limits.streamBytes)
                    break;
                for (const event of parser.push(decoder.decode(chunk, { stream: true })))
                    (0,sse/* applyEvent */.Z8)(state, event, 0);
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

// EXTERNAL MODULE: ./lib/check/retry.js
var retry = __webpack_require__(7122);
// EXTERNAL MODULE: ./lib/compare/workload.js
var workload = __webpack_require__(4202);
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
var probe_traffic = __webpack_require__(6073);
;// CONCATENATED MODULE: ./lib/verify/probe/probe-step.js
// The routing probe as a step of verification: whether to run it (probe-requests, the release,
// the worker count), where (the run's URL inside the evidence window, or, through `at`, inside
// each frontend replica's own window: verify/prove-replicas.ts), and what it found, as the Contract's
// `routing` data. combine.ts weighs it against the router's log and metrics.









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
    return (0,findings/* limitation */.vv)('no-worker-ids', "The frontend's replies name no serving worker (nvext.worker_id: Dynamo before 1.3 reports it only in kv mode, and a proxy may strip it), so the mode rests on the router's log and metrics, not on what it did to requests.");
}
function prepareProbe(i) {
    const limitations = [];
    const skipped = (why, note) => {
        const findings = () => ({
            routing: { skipped: why },
            limitations: note ? [note] : [],
        });
        return { finish: async () => findings(), finishReplicas: findings };
    };
    if (i.size === 0)
        return skipped('`probe-requests` is 0: no routing probe was sent');
    const series = i.release?.series;
    if (series?.workerIdInResponse === 'kv-only' && i.expected !== 'kv')
        return skipped(`Dynamo ${series.series}.x names the serving worker only for kv-routed requests`, (0,findings/* limitation */.vv)('no-worker-ids', `Dynamo ${series.series}.x names the serving worker (nvext.worker_id) only for kv-routed requests, so the ${i.expected ?? 'router'} mode rests on the router's log and metrics, not on what it did to requests.`));
    const transportFor = i.transportFor ??
        ((baseUrl) => httpTransport(i.http, {
            baseUrl,
            model: i.model,
            headers: i.headers,
            timeoutMs: i.timeoutMs,
            holdLifetimeMs: i.timeoutMs * 100,
        }));
    // Prompts new to the workers' caches for each URL probed: a prefix another replica's probe just
    // spread over every worker would be cached everywhere, and kv could not keep it on one.
    const newVariant = () => Math.floor(Math.random() * 1e9);
    const send = async (t, variant) => {
        if (i.expected === 'direct')
            return runNamedProbe(t, direct_worker/* directWorkerHeaders */.UV, { model: i.model, variant, log: (l) => i.log.info(l) });
        const listed = await t.instances();
        if (listed.length === 1)
            return `GET /health lists one worker (${listed[0].id}): every mode sends every request to it, so requests cannot show the mode`;
        const design = designProbe(listed.length, i.size);
        i.log.info(`Routing probe: ${design.total} requests sized for ${listed.length || `an unknown number of (assumed ${design.workers})`} workers …`);
        return runProbe(t, design, { model: i.model, variant, listed, log: (l) => i.log.info(l) });
    };
    // Once per run, however many replicas said the same.
    const note = (line) => {
        if (!limitations.some((l) => l.id === line.id && l.text === line.text))
            limitations.push(line);
    };
    const analyse = (run, traffic) => {
        if (run.noWorkerIds) {
            note(noWorkerIdsLimitation());
            return undefined;
        }
        if (run.stoppedBecause)
            note((0,findings/* limitation */.vv)('probe-stopped', `The routing probe stopped early: ${run.stoppedBecause}.`));
        const options = { asked: i.expected, available: i.available, traffic };
        return i.expected === 'direct'
            ? analyseNamed(run.observation, options)
            : analyseProbe(run.observation, options);
    };
    const readResult = (result, traffic) => {
        if (result === undefined)
            return { problem: 'the routing probe did not run' };
        if (typeof result === 'string')
            return { problem: result };
        const analysis = analyse(result, traffic ?? UNKNOWN_TRAFFIC);
        return analysis ? { analysis } : { problem: 'the replies named no serving worker' };
    };
    /** The probe through one URL; with `ownTraffic`, judged from that URL's /metrics around it alone. */
    const through = (baseUrl, ownTraffic) => {
        let result;
        let traffic;
        return {
            during: async () => {
                const t = transportFor(baseUrl);
                try {
                    const before = ownTraffic ? await t.metrics() : undefined;
                    result = await send(t, newVariant());
                    if (ownTraffic && typeof result !== 'string') {
                        const after = await metricsAfter(t, before, i.model, result.sent);
                        traffic = (0,probe_traffic/* trafficBetween */.a7)(before, after, i.model, result.sent);
                    }
                }
                finally {
                    await disposeTransport(t);
                }
                return typeof result === 'string' ? 0 : result.sent;
            },
            read: (windowTraffic) => readResult(result, traffic ?? windowTraffic),
        };
    };
    const at = (baseUrl) => through(baseUrl, true);
    const finishReplicas = (probed) => {
        const results = probed.map((p) => p.analysis
            ? { name: p.name, probe: routingProbe(p.analysis) }
            : { name: p.name, problem: p.problem ?? '' });
        const analyses = probed.flatMap((p) => (p.analysis ? [{ name: p.name, analysis: p.analysis }] : []));
        return { routing: { replicas: results }, analysis: agreedBehaviour(analyses, i.expected), limitations };
    };
    const here = through(i.session.baseUrl, false);
    return {
        during: here.during,
        at,
        finishReplicas,
        finish: async (traffic) => {
            const read = here.read(traffic);
            if (!read.analysis)
                return { routing: { skipped: read.problem ?? 'the routing probe did not run' }, limitations };
            return { routing: { probe: routingProbe(read.analysis) }, analysis: read.analysis, limitations };
        },
    };
}
/**
 * The behaviour to weigh against the Service's log and metrics once every replica was probed
 * (whether replicas disagree is verify/prove-replicas.ts's judgement, over each replica's whole
 * evidence). With a mode asked, the first replica whose requests rule it out (firmly) when any
 * does; without one, the first that singles out a mode when they single out different ones;
 * otherwise the modes every replica allows, with the first replica's pattern as the example.
 */
function agreedBehaviour(analyses, expected) {
    if (analyses.length === 0)
        return undefined;
    const against = expected
        ? analyses.filter((a) => a.analysis.verdict === 'contradicted' && !a.analysis.softContradiction)
        : [];
    if (against.length > 0 && against.length < analyses.length)
        return against[0].analysis;
    const observed = new Set(analyses.map((a) => a.analysis.observed).filter((m) => m !== undefined));
    if (!expected && observed.size > 1)
        return analyses.find((a) => a.analysis.observed)?.analysis;
    const consistent = analyses
        .map((a) => a.analysis.consistent)
        .reduce((acc, c) => acc.filter((m) => c.includes(m)));
    const verified = analyses.every((a) => a.analysis.verdict === 'verified');
    const first = analyses[0].analysis;
    const names = analyses.map((a) => a.name).join(', ');
    return {
        ...first,
        consistent,
        verdict: against.length === analyses.length ? 'contradicted' : verified ? 'verified' : first.verdict,
        reason: `on each of ${analyses.length} frontend replicas (${names}): ${first.reason}`,
    };
}
/** Reads /metrics until the probe's requests are all counted, for at most a second. */
async function metricsAfter(t, before, model, sent) {
    const deadline = Date.now() + 1000;
    for (;;) {
        const after = await t.metrics();
        if (after === undefined || before === undefined || Date.now() > deadline)
            return after;
        if ((0,probe_traffic/* settled */.gu)(before, after, model, sent))
            return after;
        await (0,retry/* sleep */.yy)(50);
    }
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
