export const id = 904;
export const ids = [904];
export const modules = {

/***/ 7904:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  historyAssertion: () => (/* binding */ historyAssertion),
  historyReport: () => (/* binding */ historyReport),
  judgeRun: () => (/* binding */ judgeRun),
  openHistory: () => (/* binding */ openHistory),
  recordOf: () => (/* binding */ recordOf),
  runIdentity: () => (/* binding */ runIdentity),
  skippedWarning: () => (/* binding */ skippedWarning),
  subjectKey: () => (/* binding */ subjectKey),
  writeRecord: () => (/* binding */ writeRecord)
});

// EXTERNAL MODULE: ./lib/model/modes.js
var modes = __webpack_require__(2938);
// EXTERNAL MODULE: ./lib/report/target-name.js
var target_name = __webpack_require__(7041);
// EXTERNAL MODULE: ./lib/runner/redact.js
var redact = __webpack_require__(981);
// EXTERNAL MODULE: ./lib/model/history.js
var model_history = __webpack_require__(8793);
// EXTERNAL MODULE: ./lib/compare/bootstrap.js
var bootstrap = __webpack_require__(7793);
;// CONCATENATED MODULE: ./lib/history/prediction-bound.js
// The statistics of the latency judgement, pure and deterministic.
//
// One value per run: the median latency of that run's own small sample. Runs, not requests, are
// the unit: requests of one run share its moment (the machine's load, the cache, the network), so
// pooling them across runs hides the run-to-run spread and makes every ordinary wobble look
// significant. The baseline's run medians, on a log scale (latency is skewed and a ratio is what
// matters), give a one-sided prediction bound for one more run from the same deployment:
//
//   bound = exp( mean + t(1 − α, n − 1) · max(sd, floor) · √(1 + 1/n) )
//
// which a stable deployment's next run exceeds with probability α when its run medians vary
// log-normally (the interval is exact for that). A run is a regression only when its median is
// above that bound AND at least `ratio` times the baseline's median run: statistical confidence
// and a practical effect size, so a tight baseline cannot turn a 3% wobble into a red canary.

/** One-sided false-alarm level of the prediction bound. */
const ALPHA = 0.001;
/** The least run-to-run spread assumed (log units, about 5%): a freakishly tight baseline cannot make the bound hair-trigger. */
const SD_FLOOR = 0.05;
/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits. */
function logGamma(x) {
    const c = [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];
    if (x < 0.5)
        return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    const z = x - 1;
    let sum = c[0];
    for (let i = 1; i < 9; i++)
        sum += c[i] / (z + i);
    const t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a, b, x) {
    const tiny = 1e-300;
    let c = 1;
    let d = 1 - ((a + b) * x) / (a + 1);
    if (Math.abs(d) < tiny)
        d = tiny;
    d = 1 / d;
    let h = d;
    for (let m = 1; m <= 300; m++) {
        const m2 = 2 * m;
        let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
        d = 1 + aa * d;
        if (Math.abs(d) < tiny)
            d = tiny;
        c = 1 + aa / c;
        if (Math.abs(c) < tiny)
            c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
        d = 1 + aa * d;
        if (Math.abs(d) < tiny)
            d = tiny;
        c = 1 + aa / c;
        if (Math.abs(c) < tiny)
            c = tiny;
        d = 1 / d;
        const step = d * c;
        h *= step;
        if (Math.abs(step - 1) < 1e-15)
            break;
    }
    return h;
}
/** The regularized incomplete beta function I_x(a, b). */
function incompleteBeta(x, a, b) {
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
    return x < (a + 1) / (a + b + 2)
        ? (front * betaFraction(a, b, x)) / a
        : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}
/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
function tCdf(t, df) {
    const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
    return t >= 0 ? 1 - tail : tail;
}
/** The p-quantile of Student's t with `df` degrees of freedom (p in (0.5, 1)), by bisection. */
function tQuantile(p, df) {
    let low = 0;
    let high = 1;
    while (tCdf(high, df) < p)
        high *= 2;
    for (let i = 0; i < 200 && high - low > 1e-12; i++) {
        const mid = (low + high) / 2;
        if (tCdf(mid, df) < p)
            low = mid;
        else
            high = mid;
    }
    return (low + high) / 2;
}
// The quantile depends only on the level and the window: computed once per pair.
const quantiles = new Map();
function cachedQuantile(p, df) {
    const key = `${p}/${df}`;
    let t = quantiles.get(key);
    if (t === undefined)
        quantiles.set(key, (t = tQuantile(p, df)));
    return t;
}
/** The prediction bound of the next run's median from the baseline runs' medians (all > 0). */
function predictionBound(runMediansMs, alpha = ALPHA) {
    const values = runMediansMs.filter((v) => Number.isFinite(v) && v > 0);
    const n = values.length;
    if (n < 2)
        return undefined;
    const logs = values.map(Math.log);
    const mean = logs.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    const spread = Math.max(sd, SD_FLOOR);
    const t = cachedQuantile(1 - alpha, n - 1);
    return {
        runs: n,
        medianMs: (0,bootstrap/* median */.JZ)(values),
        boundMs: Math.exp(mean + t * spread * Math.sqrt(1 + 1 / n)),
        spread,
        t,
    };
}
/** Regression: above the bound and at least `ratio` times the baseline's median run. */
function isRegression(runMedianMs, bound, ratio) {
    return runMedianMs > bound.boundMs && runMedianMs >= ratio * bound.medianMs;
}

;// CONCATENATED MODULE: ./lib/history/judge.js
// This run against the earlier runs of the same deployment in the history file. Pure: the
// records in, a judgement out (build-contract.ts puts it into the Contract).
//
// - The reference mode is the latest verified mode of a passing run since the last baseline. A
//   verified mode that differs fails `mode-drift`, unless this run declared its mode (`mode` or
//   `expect-mode` names it: the change is the user's) or `accept-change` is set.
// - Latency: one value per run (its sample's median). The baseline is the last `window` passing
//   runs of the same mode, model and sample kind since the last baseline; with fewer than
//   MIN_BASELINE_RUNS nothing is judged. A regression is a run above the prediction bound and
//   `regression-ratio` times the baseline (prediction-bound.ts).
// - Workers, models and KV events are compared with the last passing run: always named, failing
//   (`deployment-changed`) only for the kinds `fail-on-change` lists.
// - `accept-change`: nothing of the above fails; this run starts a new baseline.



/** Runs the summary's chart shows (this one included). */
const TREND_RUNS = 20;
/** This deployment's records since the latest one that started a baseline (inclusive). */
function sinceBaseline(records) {
    let start = 0;
    records.forEach((r, i) => {
        if (r.baseline)
            start = i;
    });
    return records.slice(start);
}
/** The mode the recent runs saw: the latest verified mode of a passing run since the baseline. */
function referenceMode(records) {
    return [...sinceBaseline(records)]
        .reverse()
        .find((r) => r.result === 'pass' && r.modeVerified === 'verified' && r.mode !== '');
}
const ms = (v) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
const runLink = (r) => r.run ?? `the run of ${r.time}`;
function latencyJudgement(input, recent) {
    const { current, settings } = input;
    const sample = current.latency;
    if (current.result !== 'pass')
        return { kind: 'no-sample', why: 'the run failed before its latency could be judged' };
    if (!sample || sample.p50Ms === null)
        return { kind: 'no-sample', why: 'no request of the sample succeeded' };
    const eligible = recent.filter((r) => r.result === 'pass' &&
        r.mode === current.mode &&
        r.model === current.model &&
        r.latency?.source === sample.source &&
        r.latency.p50Ms !== null);
    const baselineRuns = eligible.slice(-settings.window);
    const bound = predictionBound(baselineRuns.map((r) => r.latency?.p50Ms));
    if (baselineRuns.length < model_history/* MIN_BASELINE_RUNS */.m || !bound)
        return { kind: 'too-few', runs: baselineRuns.length, needed: model_history/* MIN_BASELINE_RUNS */.m, medianMs: sample.p50Ms };
    return {
        kind: isRegression(sample.p50Ms, bound, settings.regressionRatio) ? 'regression' : 'ok',
        medianMs: sample.p50Ms,
        bound,
        ratio: sample.p50Ms / bound.medianMs,
        firstRun: baselineRuns[0].run,
        lastRun: baselineRuns[baselineRuns.length - 1].run,
        baselineRuns,
    };
}
function modeJudgement(input, recent) {
    const reference = referenceMode(recent);
    if (!reference)
        return { kind: 'no-reference' };
    const { current } = input;
    const found = current.mode;
    // The verification held the evidence against the reference and it did not hold.
    if (current.failure === 'mode-drift' && !input.declaredMode)
        return {
            kind: 'drift',
            reference: reference.mode,
            found: found && found !== reference.mode ? found : `not ${reference.mode}`,
            referenceRun: reference.run,
        };
    if (current.result !== 'pass')
        return { kind: 'unverified', reference: reference.mode };
    if (found === reference.mode && current.modeVerified === 'verified')
        return { kind: 'same', reference: reference.mode };
    // A contradicted verdict against the reference is a drift even when the mode found has no name.
    const drifted = (current.modeVerified === 'verified' && found !== '' && found !== reference.mode) ||
        current.modeVerified === 'contradicted';
    if (!drifted)
        return { kind: 'unverified', reference: reference.mode };
    const kind = input.declaredMode && input.declaredMode === found ? 'declared' : 'drift';
    return {
        kind,
        reference: reference.mode,
        found: found || `not ${reference.mode}`,
        referenceRun: reference.run,
    };
}
function setText(ids, count) {
    if (count === 0)
        return 'none';
    const shown = ids.slice(0, 4).join(', ');
    return count > 4 ? `${count} (${shown}, …)` : `${count} (${shown})`;
}
function changesAgainst(before, current, since, failOn) {
    const out = [];
    if (before.mode && current.mode && before.mode !== current.mode)
        out.push({ what: 'mode', since, before: before.mode, after: current.mode, fails: false });
    const bw = before.workers;
    const cw = current.workers;
    if (bw && cw && bw.source === cw.source) {
        const gone = bw.ids.filter((id) => !cw.ids.includes(id));
        if (bw.count !== cw.count || gone.length > 0)
            out.push({
                what: 'workers',
                since,
                before: setText(bw.ids, bw.count),
                after: bw.count === cw.count
                    ? `${setText(cw.ids, cw.count)}; ${gone.length} replaced`
                    : setText(cw.ids, cw.count),
                // A replaced worker (a restart gives a new instance id) is named; only a different number fails.
                fails: failOn.includes('workers') && bw.count !== cw.count,
            });
    }
    const bm = before.models;
    const cm = current.models;
    const modelsDiffer = bm.count !== cm.count ||
        bm.ids.some((id) => !cm.ids.includes(id)) ||
        cm.ids.some((id) => !bm.ids.includes(id));
    if (modelsDiffer && (bm.count > 0 || cm.count > 0))
        out.push({
            what: 'models',
            since,
            before: setText(bm.ids, bm.count),
            after: setText(cm.ids, cm.count),
            fails: failOn.includes('models'),
        });
    if (before.kvEvents !== 'unknown' && current.kvEvents !== 'unknown' && before.kvEvents !== current.kvEvents)
        out.push({
            what: 'kv-events',
            since,
            before: before.kvEvents,
            after: current.kvEvents,
            fails: failOn.includes('kv-events'),
        });
    return out;
}
function trendOf(records, current) {
    const all = [...records, current];
    return all.slice(-TREND_RUNS).map((r, i, shown) => ({
        n: all.length - shown.length + i + 1,
        time: r.time,
        run: r.run,
        result: r.result,
        failure: r.failure,
        mode: r.mode,
        p50Ms: r.latency?.p50Ms ?? null,
    }));
}
function judgeHistory(input) {
    const { current, settings } = input;
    const mine = input.earlier.filter((r) => r.subject === current.subject && r.target === current.target);
    const recent = sinceBaseline(mine);
    const mode = modeJudgement(input, recent);
    // Latency is judged within one mode: after a mode change the new mode builds its own baseline.
    const judged = mode.kind === 'drift' || mode.kind === 'declared'
        ? {
            kind: 'no-sample',
            why: `the mode changed from ${mode.reference}: latency is judged against runs of the same mode`,
        }
        : latencyJudgement(input, recent);
    const { baselineRuns, ...latency } = judged;
    const passing = mine.filter((r) => r.result === 'pass');
    const last = passing[passing.length - 1];
    const baselineFirst = baselineRuns?.[0] ?? recent.find((r) => r.result === 'pass');
    const changes = [
        ...(last ? changesAgainst(last, current, 'last', settings.failOnChange) : []),
        ...(baselineFirst && baselineFirst !== last
            ? changesAgainst(baselineFirst, current, 'baseline', [])
            : []),
    ];
    if (mode.kind === 'drift')
        for (const c of changes)
            if (c.what === 'mode')
                c.fails = true;
    const lastP50 = last?.latency?.p50Ms;
    const nowP50 = current.latency?.p50Ms;
    if (last && lastP50 != null && nowP50 != null && last.latency?.source === current.latency?.source)
        changes.push({
            what: 'latency',
            since: 'last',
            before: ms(lastP50),
            after: `${ms(nowP50)} (${(nowP50 / lastP50).toFixed(2)}×)`,
            fails: latency.kind === 'regression',
        });
    if (latency.kind === 'ok' || latency.kind === 'regression') {
        const base = latency.bound.medianMs;
        changes.push({
            what: 'latency',
            since: 'baseline',
            before: `${ms(base)} (median of ${latency.bound.runs} runs)`,
            after: `${ms(latency.medianMs)} (${latency.ratio.toFixed(2)}×)`,
            fails: latency.kind === 'regression',
        });
    }
    const failure = failureOf(input, mode, latency, baselineRuns ?? [], changes);
    const accepted = settings.acceptChange;
    return {
        subjectRuns: mine.length,
        otherSubjects: input.earlier.length - mine.length,
        mode,
        latency,
        changes,
        failure,
        accepted,
        baseline: accepted || mode.kind === 'declared',
        last: last && brief(last),
        baselineFirst: baselineFirst && brief(baselineFirst),
        trend: trendOf(mine, current),
    };
}
function brief(r) {
    return {
        time: r.time,
        run: r.run,
        mode: r.mode,
        p50Ms: r.latency?.p50Ms ?? null,
        workers: r.workers?.count ?? null,
        kvEvents: r.kvEvents,
    };
}
function failureOf(input, mode, latency, runs, changes) {
    if (mode.kind === 'drift')
        return {
            code: 'mode-drift',
            message: `The frontend routes ${mode.found}, but the earlier runs in the history saw ${mode.reference} (last: ${mode.referenceRun ?? 'a run outside a workflow'}). ${input.evidence} Where the mode is set: ${input.where}`,
        };
    if (latency.kind === 'regression') {
        const b = latency.bound;
        return {
            code: 'regression',
            message: `This run's median latency, ${ms(latency.medianMs)} over ${input.current.latency?.samplesMs.length ?? 0} requests (${input.current.latency?.source === 'probe' ? 'the routing probe' : 'smoke-kind chats'}), is ${latency.ratio.toFixed(2)}× the baseline's ${ms(b.medianMs)} (the median of the last ${b.runs} passing ${input.current.mode || 'check'} runs, ${runLink(runs[0])} … ${runLink(runs[runs.length - 1])}) and above its ${((1 - ALPHA) * 100).toFixed(1)}% prediction bound of ${ms(b.boundMs)}; a regression needs both, and at least ${input.settings.regressionRatio}× (\`regression-ratio\`).`,
        };
    }
    const failing = changes.filter((c) => c.fails && c.what !== 'mode' && c.what !== 'latency');
    if (failing.length)
        return {
            code: 'deployment-changed',
            message: `Since the last passing run: ${failing.map((c) => `${c.what} ${c.before} → ${c.after}`).join('; ')} (\`fail-on-change: ${input.settings.failOnChange.join(',')}\`).`,
        };
    return undefined;
}

;// CONCATENATED MODULE: ./lib/history/record.js
// One line of the history file: what a run found, as JSON, with a schema version. Every list and
// text a frontend controls is capped before it is written, so one hostile reply cannot bloat the
// file; a line read back is checked field by field before the judgement trusts it.
const HISTORY_SCHEMA = 'dynamo-router-starter/history/v1';
const SCHEMA_FAMILY = /^dynamo-router-starter\/history\/v(\d+)$/;
const WORKERS_CAP = 64;
const MODELS_CAP = 16;
const SAMPLES_CAP = 128;
const TEXT_CAP = 512;
const record_text = (value, max = TEXT_CAP) => value.length > max ? `${value.slice(0, max)}…` : value;
/** The record as it is written: lists and texts capped, numbers rounded to 0.1 ms. */
function capRecord(record) {
    const round = (ms) => Math.round(ms * 10) / 10;
    const latency = record.latency
        ? {
            ...record.latency,
            samplesMs: record.latency.samplesMs.slice(0, SAMPLES_CAP).map(round),
            p50Ms: record.latency.p50Ms === null ? null : round(record.latency.p50Ms),
            p90Ms: record.latency.p90Ms === null ? null : round(record.latency.p90Ms),
        }
        : null;
    return {
        ...record,
        subject: record_text(record.subject),
        mode: record_text(record.mode, 64),
        model: record_text(record.model),
        models: {
            ids: record.models.ids.slice(0, MODELS_CAP).map((id) => record_text(id, 256)),
            count: record.models.count,
        },
        workers: record.workers
            ? { ...record.workers, ids: record.workers.ids.slice(0, WORKERS_CAP).map((id) => record_text(id, 40)) }
            : null,
        dynamoVersion: record_text(record.dynamoVersion, 128),
        latency,
    };
}
// Longer texts than any record of ours holds (capRecord) mark a line someone else wrote.
const isString = (v, max = 1024) => typeof v === 'string' && v.length <= max;
const isStringOrNull = (v, max = 1024) => v === null || isString(v, max);
const isStrings = (v) => Array.isArray(v) && v.length <= 64 && v.every((x) => isString(x));
const isCount = (v) => Number.isInteger(v) && v >= 0;
const isMs = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isMsOrNull = (v) => v === null || isMs(v);
function validLatency(v) {
    if (v === null)
        return true;
    const l = v;
    return (typeof l === 'object' &&
        l !== null &&
        (l.source === 'probe' || l.source === 'smoke') &&
        isCount(l.requests) &&
        isCount(l.errors) &&
        Array.isArray(l.samplesMs) &&
        l.samplesMs.length <= SAMPLES_CAP &&
        l.samplesMs.every(isMs) &&
        isMsOrNull(l.p50Ms) &&
        isMsOrNull(l.p90Ms));
}
function validWorkers(v) {
    if (v === null)
        return true;
    const w = v;
    return (typeof w === 'object' &&
        w !== null &&
        isStrings(w.ids) &&
        w.ids.length <= WORKERS_CAP &&
        isCount(w.count) &&
        (w.source === 'probe' || w.source === 'health'));
}
/** Why a parsed object of our schema cannot be used, or undefined when every field is sound. */
function malformed(r) {
    const checks = [
        ['time', isString(r.time, 64) && !Number.isNaN(Date.parse(r.time))],
        ['commit', isStringOrNull(r.commit, 256)],
        ['run', isStringOrNull(r.run)],
        ['target', r.target === 'url' || r.target === 'launch' || r.target === 'kubernetes'],
        ['subject', isString(r.subject)],
        ['result', r.result === 'pass' || r.result === 'fail'],
        ['failure', isStringOrNull(r.failure, 64)],
        ['mode', isString(r.mode, 64)],
        ['modeVerified', isString(r.modeVerified, 64)],
        ['provenBy', isStrings(r.provenBy)],
        ['model', isString(r.model)],
        [
            'models',
            typeof r.models === 'object' &&
                r.models !== null &&
                isStrings(r.models.ids) &&
                isCount(r.models.count),
        ],
        ['workers', validWorkers(r.workers)],
        ['kvEvents', r.kvEvents === 'true' || r.kvEvents === 'false' || r.kvEvents === 'unknown'],
        ['latency', validLatency(r.latency)],
        ['dynamoVersion', isString(r.dynamoVersion)],
        ['baseline', typeof r.baseline === 'boolean'],
    ];
    const bad = checks.filter(([, ok]) => !ok).map(([name]) => name);
    return bad.length
        ? `a record of this action with missing or malformed fields (${bad.join(', ')})`
        : undefined;
}
/** Reads one line. Never throws: a line that is not a sound record says why. */
function readLine(line) {
    let parsed;
    try {
        parsed = JSON.parse(line);
    }
    catch {
        return { ok: false, why: 'not JSON (a line cut short, or not written by this action)' };
    }
    const schema = parsed?.schema;
    const family = typeof schema === 'string' ? SCHEMA_FAMILY.exec(schema) : null;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !family)
        return { ok: false, why: 'JSON, but not a record of this action (no `schema` of its own)' };
    if (schema !== HISTORY_SCHEMA)
        return {
            ok: false,
            why: `a record of another schema version (${schema}), which this version does not read`,
        };
    const problem = malformed(parsed);
    return problem ? { ok: false, why: problem } : { ok: true, record: parsed };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./lib/model/failure.js
var failure = __webpack_require__(8675);
// EXTERNAL MODULE: ./lib/files/workspace-file.js
var workspace_file = __webpack_require__(545);
;// CONCATENATED MODULE: ./lib/history/store.js
// The history file on disk: where it may be (the recipe's rules, files/workspace-file.ts), how
// it is read (bounded, line by line, skipping what is not a record) and how a run's record is
// added (the whole file rewritten atomically, capped, oldest lines dropped first).
//
// Lines that are not records of this action (a line cut short, another tool's JSON, a newer
// schema) are skipped with a warning and kept in the file as they are: the action never
// deletes what it cannot read, except the oldest lines when the file is over its cap.





/** The file keeps at most this many lines; the oldest go first. */
const HISTORY_MAX_LINES = 1000;
/** … and at most this many bytes (a record is 1–8 KiB; 1000 typical records fit well inside). */
const HISTORY_MAX_BYTES = 4 * 1024 * 1024;
/** The most read of the file: a larger one is read from its last 8 MiB (the older lines are dropped at the next write). */
const HISTORY_READ_MAX_BYTES = 8 * 1024 * 1024;
/** A line longer than this is skipped (and kept): no record of ours comes near it. */
const HISTORY_LINE_MAX_BYTES = 64 * 1024;
function pathFailure(input, problem, hint) {
    return new failure/* RunFailure */.ae('bad-input', `Input \`history\` (${input}): ${problem}`, hint);
}
const HINT = 'point `history` at a file (or a new file name) inside the checked-out workspace, e.g. `.router-history/canary.jsonl`';
/** Checks the path before anything is contacted: inside the workspace, no symlink on the way. */
function historyFile(input, workspaceEnv) {
    const absolute = external_node_path_.resolve(input);
    const workspace = (0,workspace_file/* workspaceOf */.B3)(workspaceEnv);
    const problem = (0,workspace_file/* writeProblem */.bi)(absolute, workspace);
    if (problem)
        throw pathFailure(input, problem, HINT);
    return { input, absolute, workspace };
}
/** Reads the file (missing: an empty history), bounded; never through a symlink. */
function readHistory(file) {
    let fd;
    try {
        // O_NOFOLLOW: a link planted after the check is refused; O_NONBLOCK: a FIFO does not wait for a writer.
        fd = (0,external_node_fs_.openSync)(file.absolute, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW | external_node_fs_.constants.O_NONBLOCK);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return { file, lines: [], records: [], skipped: [], unreadBytes: 0, created: true, mode: 0o644 };
        throw pathFailure(file.input, code === 'ELOOP'
            ? `${file.absolute} is a symlink; the action never reads or writes the history through one`
            : `cannot be read (${code ?? 'error'})`, HINT);
    }
    let buffer;
    let unreadBytes;
    let mode;
    try {
        const stat = (0,external_node_fs_.fstatSync)(fd);
        if (!stat.isFile())
            throw pathFailure(file.input, `${file.absolute} is not a regular file`, HINT);
        mode = stat.mode & 0o7777;
        unreadBytes = Math.max(0, stat.size - HISTORY_READ_MAX_BYTES);
        buffer = Buffer.alloc(Math.min(stat.size, HISTORY_READ_MAX_BYTES));
        let total = 0;
        while (total < buffer.length) {
            const read = (0,external_node_fs_.readSync)(fd, buffer, total, buffer.length - total, unreadBytes + total);
            if (read === 0)
                break;
            total += read;
        }
        buffer = buffer.subarray(0, total);
    }
    catch (error) {
        if (error instanceof failure/* RunFailure */.ae)
            throw error;
        const code = error.code;
        throw pathFailure(file.input, `cannot be read (${code ?? error.message})`, HINT);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    return { ...parseLines(buffer.toString('utf8'), unreadBytes > 0), file, unreadBytes, created: false, mode };
}
/** The lines of the text read; with `cut`, the first (partial) line is dropped. */
function parseLines(text, cut) {
    const raw = text.split('\n');
    if (cut)
        raw.shift();
    const lines = [];
    const records = [];
    const skipped = [];
    raw.forEach((line, i) => {
        if (line.trim() === '')
            return;
        const index = lines.push(line) - 1;
        if (Buffer.byteLength(line) > HISTORY_LINE_MAX_BYTES) {
            skipped.push({ line: i + 1, why: `longer than ${HISTORY_LINE_MAX_BYTES / 1024} KiB` });
            return;
        }
        const reading = readLine(line);
        if (reading.ok)
            records.push({ index, record: reading.record });
        else
            skipped.push({ line: i + 1, why: reading.why });
    });
    return { lines, records, skipped };
}
/** The file's new text: the lines read plus `line`, the oldest dropped beyond either cap. */
function cappedText(lines, line) {
    const all = [...lines, line];
    let start = Math.max(0, all.length - HISTORY_MAX_LINES);
    let bytes = all.slice(start).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    while (bytes > HISTORY_MAX_BYTES && start < all.length - 1) {
        bytes -= Buffer.byteLength(all[start]) + 1;
        start++;
    }
    return { text: `${all.slice(start).join('\n')}\n`, dropped: start };
}
/** Adds the record: the whole file rewritten atomically (temporary file, rename), capped. */
function appendRecord(read, record) {
    const { file } = read;
    // Checked again: a link planted during the run must not be written through.
    const problem = (0,workspace_file/* writeProblem */.bi)(file.absolute, file.workspace);
    if (problem)
        throw pathFailure(file.input, problem, HINT);
    try {
        if ((0,external_node_fs_.lstatSync)(file.absolute).isSymbolicLink())
            throw pathFailure(file.input, `${file.absolute} became a symlink during the run; not written`, HINT);
    }
    catch (error) {
        if (error instanceof failure/* RunFailure */.ae)
            throw error;
        // Missing: created below.
    }
    const { text, dropped } = cappedText(read.lines, JSON.stringify(record));
    try {
        (0,external_node_fs_.mkdirSync)(external_node_path_.dirname(file.absolute), { recursive: true });
        (0,workspace_file/* replaceFileAtomically */.ef)(file.absolute, text, read.mode);
    }
    catch (error) {
        const code = error.code ?? error.message;
        throw pathFailure(file.input, `${file.absolute} could not be written (${code}); it is as it was`, 'check that the runner user may write the workspace');
    }
    return { lines: read.lines.length + 1 - dropped, dropped };
}

;// CONCATENATED MODULE: ./lib/canary/history-step.js
// The history phase of a run: open and read the file before anything is contacted (a bad path is
// bad input), hand the verification the mode the recent runs saw, then judge this run against
// the earlier ones and add its record. Loaded only when `history` is set.






/** The deployment a run checks, the same from run to run: the URL, or the Kubernetes object the inputs name. */
function subjectKey(settings, plan) {
    return plan.target === 'kubernetes' ? ((0,target_name/* subjectOf */.et)(settings) ?? 'the kubeconfig context') : plan.baseUrl;
}
/** Reads the file; throws `bad-input` for a path outside the workspace, through a symlink, or unreadable. */
function openHistory(settings, plan, workspace) {
    const history = settings.history;
    const read = readHistory(historyFile(history.path, workspace));
    const subject = subjectKey(settings, plan);
    const mine = read.records
        .map((r) => r.record)
        .filter((r) => r.subject === subject && r.target === plan.target);
    return { settings: history, read, subject, mine, reference: referenceMode(mine) };
}
/**
 * The mode the verification holds the evidence against when the run names none: the recent
 * runs' (not with `accept-change`, which records whatever runs now).
 */
function historyAssertion(opened) {
    const mode = opened.reference?.mode;
    if (opened.settings.acceptChange || !mode || !(0,modes/* isRouterMode */.pX)(mode))
        return undefined;
    return { mode, from: 'history' };
}
/** The warning for lines that are not records (one line, however many were skipped). */
function skippedWarning(opened) {
    const { skipped, unreadBytes, file } = opened.read;
    const parts = skipped
        .slice(0, 5)
        .map((s) => `line ${s.line}: ${s.why}`)
        .concat(skipped.length > 5 ? [`and ${skipped.length - 5} more`] : []);
    const cut = unreadBytes
        ? `The file is over the read cap: its first ${unreadBytes} bytes were not read and are dropped at this write. `
        : '';
    if (!parts.length)
        return cut ? `History ${file.input}: ${cut}`.trim() : undefined;
    return `History ${file.input}: ${cut}${skipped.length} line(s) skipped, not records of this action (${parts.join('; ')}); they are kept in the file as they are, and every record was read.`;
}
/** The workflow run this is, from the runner's environment; nulls outside a workflow. */
function runIdentity(env) {
    const { GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
    const run = GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID
        ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
        : null;
    return { commit: GITHUB_SHA || null, run };
}
/** This run's record, before the judgement decides `baseline` (and maybe the result). */
function recordOf(contract, opened, found) {
    const { commit, run } = runIdentity(found.env);
    return {
        schema: HISTORY_SCHEMA,
        time: found.now.toISOString(),
        commit,
        run,
        target: contract.target,
        subject: opened.subject,
        result: contract.result,
        failure: contract.failure?.code ?? null,
        mode: contract.mode,
        modeVerified: contract.modeVerified,
        provenBy: contract.modeVerified === 'verified' ? found.provenBy : [],
        model: contract.model,
        models: { ids: contract.models, count: contract.models.length },
        workers: found.workers ?? null,
        kvEvents: contract.kvEvents,
        latency: found.sample ?? null,
        dynamoVersion: contract.dynamoVersion ?? 'unknown',
        baseline: false,
    };
}
/** Judges the record against the earlier ones (pure; the record is not written yet). */
function judgeRun(opened, record, declaredMode, where, evidence) {
    return judgeHistory({
        earlier: opened.read.records.map((r) => r.record),
        current: record,
        settings: opened.settings,
        declaredMode,
        where,
        evidence,
    });
}
/** The report of the history for the Contract, before the write. */
function historyReport(opened, judgement, sample) {
    const { read } = opened;
    return {
        file: read.file.input,
        records: read.records.length,
        skippedLines: read.skipped.length,
        skipped: read.skipped.slice(0, 20),
        unreadBytes: read.unreadBytes,
        subjectRuns: judgement.subjectRuns,
        regressionRatio: opened.settings.regressionRatio,
        sample,
        mode: judgement.mode,
        latency: judgement.latency,
        changes: judgement.changes,
        accepted: judgement.accepted,
        baseline: judgement.baseline,
        last: judgement.last,
        baselineFirst: judgement.baselineFirst,
        trend: judgement.trend,
    };
}
/** Adds the record (capped, secrets redacted); a failure to write is reported, never thrown. */
function writeRecord(opened, record) {
    try {
        // A frontend can echo a secret into a model id: the file is as public as the summary.
        return { written: appendRecord(opened.read, capRecord(redact/* secrets */.O3.deep(record))) };
    }
    catch (error) {
        return { notWritten: error.message };
    }
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


/***/ }),

/***/ 545:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B3: () => (/* binding */ workspaceOf),
/* harmony export */   FK: () => (/* binding */ isInside),
/* harmony export */   X7: () => (/* binding */ symlinkBelow),
/* harmony export */   Z8: () => (/* binding */ writeBase),
/* harmony export */   bi: () => (/* binding */ writeProblem),
/* harmony export */   ef: () => (/* binding */ replaceFileAtomically)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7598);
// The path checks and the atomic write every file the action writes in the workspace shares (the
// recipe, the history file). A path comes from the workflow, but the file and any symlink on its
// way may come from a pull request, so:
// - with GITHUB_WORKSPACE set, the file must lie inside the workspace;
// - nothing is ever written through a symlink: no component of the path below the workspace
//   (without a workspace: the file itself) may be one, so the file written is the file named;
// - a write is atomic: a temporary file in the same directory (opened O_EXCL, never an existing
//   file or a planted link), fsync, then a rename over the target, which replaces a directory
//   entry and never follows a link.



function workspaceOf(workspace) {
    if (!workspace)
        return undefined;
    const spellings = [node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(workspace)];
    try {
        const real = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(workspace);
        if (!spellings.includes(real))
            spellings.push(real);
        return { real, spellings };
    }
    catch {
        return { real: spellings[0], spellings };
    }
}
/** A relative path that climbs out (`..` or `../x`), unlike a name that starts with dots (`..x`). */
function escapes(rel) {
    return rel === '..' || rel.startsWith(`..${node_path__WEBPACK_IMPORTED_MODULE_1__.sep}`);
}
function isInside(child, parent) {
    const rel = node_path__WEBPACK_IMPORTED_MODULE_1__.relative(parent, child);
    return rel === '' || (!escapes(rel) && !node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute(rel));
}
/** The first symlink among the components of `absolute` that lie strictly below `from`. */
function symlinkBelow(absolute, from) {
    const rel = node_path__WEBPACK_IMPORTED_MODULE_1__.relative(from, absolute);
    if (escapes(rel) || node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute(rel))
        return undefined;
    let current = from;
    for (const part of rel.split(node_path__WEBPACK_IMPORTED_MODULE_1__.sep).filter(Boolean)) {
        current = node_path__WEBPACK_IMPORTED_MODULE_1__.join(current, part);
        try {
            if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync)(current).isSymbolicLink())
                return current;
        }
        catch {
            return undefined; // missing from here on: nothing below can be a link yet
        }
    }
    return undefined;
}
/**
 * Where the symlink check of a path to write starts: below the workspace every component counts
 * (the workspace's own location is the runner's); without one, only the file itself (its
 * directories are the person's own typing). Undefined: the path as written is outside the workspace.
 */
function writeBase(absolute, workspace) {
    return workspace ? workspace.spellings.find((w) => isInside(absolute, w)) : node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(absolute);
}
/** Why a path may not be written, or undefined when it may (the file itself may be missing). */
function writeProblem(absolute, workspace) {
    const base = writeBase(absolute, workspace);
    if (base === undefined)
        return `is ${absolute} as written, outside the workspace ${workspace?.real} (GITHUB_WORKSPACE); the action writes files only inside the workspace`;
    const link = symlinkBelow(absolute, base);
    if (link)
        return `${link} is a symlink; the action never writes through a symlink`;
    return undefined;
}
/**
 * Replaces (or creates) the file at `real` with `text`, atomically, with permissions `mode`.
 * Throws the file system's error; the caller words it.
 */
function replaceFileAtomically(real, text, mode) {
    const dir = node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(real);
    const temp = node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, `.${node_path__WEBPACK_IMPORTED_MODULE_1__.basename(real)}.${(0,node_crypto__WEBPACK_IMPORTED_MODULE_2__.randomBytes)(6).toString('hex')}.tmp`);
    // O_EXCL: never opens an existing file (or a link planted at the temporary name).
    const fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync)(temp, 'wx', mode);
    try {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.fchmodSync)(fd, mode);
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeSync)(fd, text);
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.fsyncSync)(fd);
        }
        finally {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync)(fd);
        }
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.renameSync)(temp, real);
    }
    catch (error) {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync)(temp);
        }
        catch {
            // already renamed or never created
        }
        throw error;
    }
}


/***/ })

};
