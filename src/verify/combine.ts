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

import type { RouterMode } from '../model/modes.js';
import type { ProbeAnalysis } from './probe/analyse.js';
import type { EvidenceSource, Verdict, Verification } from './log-metrics-verdict.js';

export interface Combined {
  verdict: Verdict;
  /** The mode the evidence singles out ('' when it cannot). */
  observed: string;
  evidence: string;
  /** The sources the verdict rests on (for a contradiction: those that ruled the mode out). */
  provenBy: EvidenceSource[];
  /** kv confirmed by its metrics, yet one prefix spread over workers: why, for a limitation. */
  kvSpread?: string;
}

type Sets = Partial<Record<EvidenceSource, RouterMode[]>>;

const intersect = (a: readonly RouterMode[], b: readonly RouterMode[]): RouterMode[] =>
  a.filter((m) => b.includes(m));

/** The modes each source allows; behaviour folds the probe and the plain direct request together. */
function sourceSets(ev: Verification, probe: ProbeAnalysis | undefined): { sets: Sets; kvSpread?: string } {
  const sets: Sets = {};
  if (ev.allows.log) sets.log = ev.allows.log;
  if (ev.allows.metrics) sets.metrics = ev.allows.metrics;
  let behaviour = probe && probe.consistent.length > 0 ? [...(probe.consistent as RouterMode[])] : undefined;
  let kvSpread: string | undefined;
  if (probe && behaviour && !behaviour.includes('kv')) {
    const againstKv = probe.exclusions.filter((e) => e.modes.includes('kv'));
    if (
      againstKv.length > 0 &&
      againstKv.every((e) => e.soft) &&
      sets.metrics?.length === 1 &&
      sets.metrics[0] === 'kv'
    ) {
      behaviour = [...behaviour, 'kv'];
      kvSpread = againstKv.map((e) => e.reason).join('; ');
    }
  }
  if (ev.allows.plain) behaviour = behaviour ? intersect(behaviour, ev.allows.plain) : ev.allows.plain;
  if (behaviour) sets.behaviour = behaviour;
  return { sets, kvSpread };
}

const ORDER: EvidenceSource[] = ['behaviour', 'log', 'metrics'];

export function combineEvidence(
  expected: RouterMode | undefined,
  ev: Verification,
  probe: ProbeAnalysis | undefined,
  universe: readonly RouterMode[],
): Combined {
  const { sets, kvSpread } = sourceSets(ev, probe);
  const sources = ORDER.filter((s) => sets[s] !== undefined);
  const allowed = sources.reduce<RouterMode[]>(
    (acc, s) => intersect(acc, sets[s] as RouterMode[]),
    [...universe],
  );
  const behaviourText = probe ? `Routing probe: ${probe.pattern}` : '';
  const join = (...parts: string[]): string => parts.filter(Boolean).join(' ');
  const singles = (m: string): EvidenceSource[] =>
    sources.filter((s) => sets[s]?.length === 1 && sets[s]?.[0] === m);
  const constraining = sources.filter((s) => (sets[s]?.length ?? 0) < universe.length);
  const observed = allowed.length === 1 ? allowed[0] : '';

  if (expected) {
    const against = sources.filter((s) => !sets[s]?.includes(expected));
    if (ev.verdict === 'contradicted' || against.length > 0) {
      const byProbe =
        against.includes('behaviour') && probe?.verdict === 'contradicted' ? `${probe.reason}.` : '';
      return {
        verdict: 'contradicted',
        observed: observed || ev.observed || probe?.observed || '',
        evidence: join(
          byProbe ? `Routing probe: ${byProbe}` : '',
          ev.verdict === 'contradicted' || against.some((s) => s !== 'behaviour') ? ev.evidence : '',
          byProbe ? '' : behaviourText,
        ),
        provenBy:
          against.length > 0 ? against : (['log', 'metrics'] as EvidenceSource[]).filter((s) => sets[s]),
        kvSpread,
      };
    }
    if (allowed.length === 1 && allowed[0] === expected) {
      const alone = singles(expected);
      return {
        verdict: 'verified',
        observed: expected,
        evidence: join(
          probe?.verdict === 'verified' || alone.includes('behaviour')
            ? join(behaviourText, probe?.reason ?? '')
            : '',
          ev.verdict === 'verified' ? ev.evidence : '',
        ),
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
      evidence: join(
        `Observed, not requested: ${observed}.`,
        probe ? join(behaviourText, probe.verdict === 'verified' ? probe.reason : '') : '',
        ev.verdict === 'verified' ? ev.evidence : '',
      ),
      provenBy: alone.length > 0 ? alone : constraining,
      kvSpread,
    };
  }
  const disagree = allowed.length === 0 && sources.length > 1;
  return {
    verdict: 'unverifiable',
    observed: '',
    evidence: join(
      disagree
        ? `The sources disagree (${sources.map((s) => `${s}: ${(sets[s] ?? []).join(' or ')}`).join('; ')}).`
        : '',
      probe ? `${behaviourText} ${probe.reason}` : '',
      ev.evidence,
    ),
    provenBy: [],
    kvSpread,
  };
}
