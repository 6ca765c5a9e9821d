export const id = 873;
export const ids = [873];
export const modules = {

/***/ 5873:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   combineEvidence: () => (/* binding */ combineEvidence)
/* harmony export */ });
// Weighs every source of evidence of the mode together: the routing probe (what the router did
// to requests), the frontend's log lines, the router's metrics, and in direct mode the fate of a
// request that names no worker. Each source allows a set of modes; the verdict rests on their
// intersection. Pure.
//
// - A source that rules the asked mode out contradicts it (mode-not-applied). One exception:
//   requests sharing a prefix that did not stay on one worker rule kv out only softly (a kv router
//   over workers that publish no KV events also spreads them); when the router's own kv metrics
//   moved, kv stands and the spreading becomes a limitation.
// - The asked mode is verified when it is the only mode every source allows; the sources that
//   alone single it out are what it is proven by (`mode-proven-by`).
const intersect = (a, b) => a.filter((m) => b.includes(m));
/** The modes each source allows; behaviour folds the probe and the plain direct request together. */
function sourceSets(ev, probe) {
    const sets = {};
    if (ev.allows.log)
        sets.log = ev.allows.log;
    if (ev.allows.metrics)
        sets.metrics = ev.allows.metrics;
    let behaviour = probe && probe.consistent.length > 0 ? [...probe.consistent] : undefined;
    let kvSpread;
    if (probe && behaviour && !behaviour.includes('kv')) {
        const againstKv = probe.exclusions.filter((e) => e.modes.includes('kv'));
        if (againstKv.length > 0 &&
            againstKv.every((e) => e.soft) &&
            sets.metrics?.length === 1 &&
            sets.metrics[0] === 'kv') {
            behaviour = [...behaviour, 'kv'];
            kvSpread = againstKv.map((e) => e.reason).join('; ');
        }
    }
    if (ev.allows.plain)
        behaviour = behaviour ? intersect(behaviour, ev.allows.plain) : ev.allows.plain;
    if (behaviour)
        sets.behaviour = behaviour;
    return { sets, kvSpread };
}
const ORDER = ['behaviour', 'log', 'metrics'];
function combineEvidence(expected, ev, probe, universe) {
    const { sets, kvSpread } = sourceSets(ev, probe);
    const sources = ORDER.filter((s) => sets[s] !== undefined);
    const allowed = sources.reduce((acc, s) => intersect(acc, sets[s]), [...universe]);
    const behaviourText = probe ? `Routing probe: ${probe.pattern}` : '';
    const join = (...parts) => parts.filter(Boolean).join(' ');
    const singles = (m) => sources.filter((s) => sets[s]?.length === 1 && sets[s]?.[0] === m);
    const constraining = sources.filter((s) => (sets[s]?.length ?? 0) < universe.length);
    const observed = allowed.length === 1 ? allowed[0] : '';
    if (expected) {
        const against = sources.filter((s) => !sets[s]?.includes(expected));
        if (ev.verdict === 'contradicted' || against.length > 0) {
            const byProbe = against.includes('behaviour') && probe?.verdict === 'contradicted' ? `${probe.reason}.` : '';
            return {
                verdict: 'contradicted',
                observed: observed || ev.observed || probe?.observed || '',
                evidence: join(byProbe ? `Routing probe: ${byProbe}` : '', ev.verdict === 'contradicted' || against.some((s) => s !== 'behaviour') ? ev.evidence : '', byProbe ? '' : behaviourText),
                provenBy: against.length > 0 ? against : ['log', 'metrics'].filter((s) => sets[s]),
                kvSpread,
            };
        }
        if (allowed.length === 1 && allowed[0] === expected) {
            const alone = singles(expected);
            return {
                verdict: 'verified',
                observed: expected,
                evidence: join(probe?.verdict === 'verified' || alone.includes('behaviour')
                    ? join(behaviourText, probe?.reason ?? '')
                    : '', ev.verdict === 'verified' ? ev.evidence : ''),
                provenBy: alone.length > 0 ? alone : constraining,
                kvSpread,
            };
        }
        return {
            verdict: 'unverifiable',
            observed: '',
            evidence: join(probe ? `${behaviourText} ${probe.reason}` : '', ev.evidence),
            provenBy: [],
            kvSpread,
        };
    }
    // Check-only: report what the sources single out together.
    if (allowed.length === 1) {
        const alone = singles(observed);
        return {
            verdict: 'verified',
            observed,
            evidence: join(`Observed, not requested: ${observed}.`, probe ? join(behaviourText, probe.verdict === 'verified' ? probe.reason : '') : '', ev.verdict === 'verified' ? ev.evidence : ''),
            provenBy: alone.length > 0 ? alone : constraining,
            kvSpread,
        };
    }
    const disagree = allowed.length === 0 && sources.length > 1;
    return {
        verdict: 'unverifiable',
        observed: '',
        evidence: join(disagree
            ? `The sources disagree (${sources.map((s) => `${s}: ${(sets[s] ?? []).join(' or ')}`).join('; ')}).`
            : '', probe ? `${behaviourText} ${probe.reason}` : '', ev.evidence),
        provenBy: [],
        kvSpread,
    };
}


/***/ })

};
