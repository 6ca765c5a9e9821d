export const id = 536;
export const ids = [536];
export const modules = {

/***/ 6536:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   comparisonBalance: () => (/* binding */ comparisonBalance),
/* harmony export */   probeHotspot: () => (/* binding */ probeHotspot)
/* harmony export */ });
/* unused harmony exports HOTSPOT_SHARE, busiestWorker */
/* harmony import */ var _model_findings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7371);
/* harmony import */ var _patterns_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(193);
// Balance across workers, from the requests that named their worker: the routing probe's and the
// comparison's. One worker taking nearly everything while others stand idle is a limitation
// (Dynamo issues #737 and #7836 report all traffic on one of 8 workers), except for kv, whose
// stickiness to a cached prefix is deliberate. Pure.


/** The share above which one worker "takes nearly everything". */
const HOTSPOT_SHARE = 0.9;
/** Requests needed before a share means anything. */
const MIN_REQUESTS = 5;
/** Requests per worker → the busiest worker, its share, and the workers that got none of them. */
function busiestWorker(requests, known) {
    const entries = Object.entries(requests);
    const total = entries.reduce((sum, [, n]) => sum + n, 0);
    if (total === 0)
        return undefined;
    const [id, n] = entries.sort((a, b) => b[1] - a[1])[0];
    const idle = [...new Set(known)].filter((w) => !(requests[w] > 0));
    return { id, n, total, share: n / total, idle };
}
/** The probe's hot spot: its distinct-prompt requests (no mode keeps those together on purpose). */
function probeHotspot(p, mode) {
    if (mode === 'kv')
        return undefined;
    const counts = {};
    for (const r of p.requests)
        if (r.phase === 'distinct-prefix' && r.status === 200 && r.worker)
            counts[r.worker] = (counts[r.worker] ?? 0) + 1;
    const known = [...p.workers.map((w) => w.id), ...p.idleWorkers];
    const top = busiestWorker(counts, known);
    if (!top || top.total < MIN_REQUESTS || top.share < HOTSPOT_SHARE || top.idle.length === 0)
        return undefined;
    return (0,_model_findings_js__WEBPACK_IMPORTED_MODULE_0__/* .limitation */ .vv)('worker-hotspot', `One worker took nearly everything: ${top.n} of ${top.total} probe requests with distinct prompts went to worker ${top.id} while ${top.idle.length} other worker(s) got none of them (${top.idle.join(', ')}). Check that every worker is registered and healthy; Dynamo issues #737 and #7836 report the same hot spot.`);
}
/**
 * The comparison's notes: one worker for every mode (the modes could not differ), or a mode that
 * sent nearly everything to one worker while others (seen in other modes, or listed by /health
 * for the same graph) got none.
 */
function comparisonBalance(modes, listed = []) {
    const seen = [...new Set(modes.flatMap((m) => Object.keys(m.workerRequests ?? {})))];
    if (seen.length === 0)
        return [];
    const known = [...new Set([...seen, ...(0,_patterns_js__WEBPACK_IMPORTED_MODULE_1__/* .graphInstances */ .lw)(listed, new Set(seen)).map((i) => i.id)])];
    if (seen.length === 1 && modes.every((m) => m.samples > 0)) {
        const others = known.length - 1;
        return [
            (0,_model_findings_js__WEBPACK_IMPORTED_MODULE_0__/* .limitation */ .vv)('one-worker', `One worker (${seen[0]}) served every request of every mode (${modes.map((m) => m.mode).join(', ')})${others > 0 ? ` although /health lists ${others} more for the model's graph` : ''}: with one worker the modes could not differ in where they route, so the comparison shows only their own overhead.`),
        ];
    }
    const notes = [];
    for (const m of modes) {
        if (m.mode === 'kv' || !m.workerRequests)
            continue;
        const top = busiestWorker(m.workerRequests, known);
        if (!top || top.total < MIN_REQUESTS || top.share < HOTSPOT_SHARE || top.idle.length === 0)
            continue;
        notes.push((0,_model_findings_js__WEBPACK_IMPORTED_MODULE_0__/* .limitation */ .vv)('worker-hotspot', `In ${m.mode} mode worker ${top.id} served ${top.n} of ${top.total} requests while ${top.idle.length} other worker(s) of the graph served none: one worker takes nearly everything.`));
    }
    return notes;
}


/***/ }),

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


/***/ })

};
