export const id = 909;
export const ids = [909];
export const modules = {

/***/ 2909:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   comparisonBalance: () => (/* binding */ comparisonBalance),
/* harmony export */   probeHotspot: () => (/* binding */ probeHotspot)
/* harmony export */ });
/* unused harmony exports HOTSPOT_SHARE, busiestWorker */
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
    return `One worker took nearly everything: ${top.n} of ${top.total} probe requests with distinct prompts went to worker ${top.id} while ${top.idle.length} other worker(s) got none of them (${top.idle.join(', ')}). Check that every worker is registered and healthy; Dynamo issues #737 and #7836 report the same hot spot.`;
}
/** The comparison's notes: one worker for every mode, or a mode that sent nearly everything to one. */
function comparisonBalance(modes) {
    const notes = [];
    const all = [...new Set(modes.flatMap((m) => Object.keys(m.workerRequests ?? {})))];
    if (all.length === 1 && modes.every((m) => m.samples > 0))
        return [
            `One worker (${all[0]}) served every request of every mode (${modes.map((m) => m.mode).join(', ')}): with one worker the modes could not differ in where they route, so the comparison shows only their own overhead.`,
        ];
    for (const m of modes) {
        if (m.mode === 'kv' || !m.workerRequests)
            continue;
        const top = busiestWorker(m.workerRequests, all);
        if (!top || top.total < MIN_REQUESTS || top.share < HOTSPOT_SHARE || top.idle.length === 0)
            continue;
        notes.push(`In ${m.mode} mode worker ${top.id} served ${top.n} of ${top.total} requests while ${top.idle.length} other worker(s) seen in the comparison served none: one worker takes nearly everything.`);
    }
    return notes;
}


/***/ })

};
