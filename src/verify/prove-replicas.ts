// The mode on every frontend replica. A Service picks one pod per connection, so a frontend with
// two replicas checked through it is proven on one: the other may still run the old env. When
// the target reaches each replica on its own (Kubernetes: a port-forward pinned to each Ready
// frontend pod), each is proven in turn over its own connection, closed after use: once it lists
// the model (a pod can be Ready before it discovered its workers), the routing probe inside that
// replica's evidence window, its router metrics around it, its own log, weighed together as for
// the run's URL (combine.ts). Replicas that disagree are a rollout problem: `replica-mismatch`,
// naming the pods.

import type { FailureCause } from '../model/failure.js';
import { limitation, type Limitation } from '../model/findings.js';
import type { HttpClient } from '../check/http.js';
import { retrying } from '../check/retry.js';
import { MAX_MODELS_BYTES, parseModels } from '../check/models.js';
import type { RouterMode } from '../model/modes.js';
import type { FrontendReplica, LogSource } from '../session.js';
import { combineEvidence } from './combine.js';
import { gatherEvidence, type GatherOptions } from './gather.js';
import type { ReplicaProbe, UrlProbe } from './probe/probe-step.js';
import type { EvidenceSource, Verdict } from './log-metrics-verdict.js';

/** What the evidence on one replica showed; `unreachable` when no connection to it opened. */
export interface ReplicaFinding extends ReplicaProbe {
  verdict: Verdict | 'unreachable';
  /** The mode the evidence singles out ('' when it cannot). */
  observed: string;
  evidence: string;
  provenBy: EvidenceSource[];
}

export interface ReplicaSources {
  /** Each replica's own log (Kubernetes: that pod's). */
  logsOf?: (replica: string) => LogSource;
  /** The routing probe for a replica's URL; absent when the run sends no probe. */
  probeAt?: (baseUrl: string) => UrlProbe;
  /** The modes the frontend's release offers. */
  available: readonly RouterMode[];
  /** How often, and from what first delay, to ask a replica for the model (the run's retries). */
  retries: { attempts: number; firstDelayMs: number };
}

/** Asks a replica for its models until the run's model is listed; a reason when it never is. */
async function modelListed(
  http: HttpClient,
  baseUrl: string,
  options: Pick<GatherOptions, 'model' | 'headers' | 'timeoutMs'>,
  retries: ReplicaSources['retries'],
): Promise<string | undefined> {
  const { value } = await retrying<string | undefined>(async () => {
    try {
      const response = await http.request({
        method: 'GET',
        url: `${baseUrl}/v1/models`,
        headers: { Accept: 'application/json', ...options.headers },
        timeoutMs: options.timeoutMs,
        maxBytes: MAX_MODELS_BYTES,
      });
      const models = response.status === 200 ? parseModels(response.body) : undefined;
      if (models?.includes(options.model)) return { status: 'done', value: undefined };
      return {
        status: 'retry',
        value: models
          ? `its /v1/models does not list ${options.model} (no worker of it discovered yet)`
          : `its /v1/models answered ${response.status} without a model list`,
      };
    } catch (error) {
      return { status: 'retry', value: `its /v1/models did not answer (${(error as Error).message})` };
    }
  }, retries);
  return value;
}

/** Proves each replica in turn; never throws for one replica's problem. */
export async function proveReplicas(
  http: HttpClient,
  replicas: readonly FrontendReplica[],
  options: Omit<GatherOptions, 'baseUrl' | 'logs'>,
  sources: ReplicaSources,
  log: (line: string) => void,
): Promise<ReplicaFinding[]> {
  const findings: ReplicaFinding[] = [];
  for (const replica of replicas) {
    const name = replica.name;
    let connection: Awaited<ReturnType<FrontendReplica['open']>>;
    try {
      connection = await replica.open();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`Replica ${name}: not reached (${message})`);
      findings.push({
        name,
        verdict: 'unreachable',
        observed: '',
        evidence: message,
        provenBy: [],
        problem: `could not be reached: ${message}`,
      });
      continue;
    }
    try {
      const notServing = await modelListed(http, connection.baseUrl, options, sources.retries);
      if (notServing) {
        log(`Replica ${name}: not serving: ${notServing}`);
        findings.push({
          name,
          verdict: 'unverifiable',
          observed: '',
          evidence: notServing,
          provenBy: [],
          problem: notServing,
        });
        continue;
      }
      const probe = sources.probeAt?.(connection.baseUrl);
      const evidence = await gatherEvidence(
        http,
        { ...options, baseUrl: connection.baseUrl, logs: sources.logsOf?.(name) },
        undefined,
        probe?.during,
      );
      const read = probe?.read();
      const combined = combineEvidence(options.expected, evidence, read?.analysis, sources.available);
      log(`Replica ${name}: ${combined.verdict}: ${combined.evidence}`);
      findings.push({
        name,
        verdict: combined.verdict,
        observed: combined.observed,
        evidence: combined.evidence,
        provenBy: combined.provenBy,
        analysis: read?.analysis,
        problem: read?.problem,
      });
    } finally {
      await connection.close();
    }
  }
  return findings;
}

/** What the findings on every replica mean for the run. */
export interface ReplicaJudgement {
  /** Appended to the verification's evidence: the replicas proven, by name. */
  evidence: string;
  /** `verified` when every replica was proven, `contradicted` when any one runs another mode. */
  verdict?: Verdict;
  /** What that verdict rests on: the sources that proved the replicas, or showed the other mode. */
  provenBy: EvidenceSource[];
  failure?: {
    code: 'replica-mismatch' | 'mode-not-applied';
    message: string;
    next: string;
    cause: FailureCause;
  };
  limitations: Limitation[];
}

const list = (findings: ReplicaFinding[]): string => findings.map((f) => f.name).join(', ');
const SOURCES: EvidenceSource[] = ['behaviour', 'log', 'metrics'];
const sourcesOf = (findings: ReplicaFinding[]): EvidenceSource[] =>
  SOURCES.filter((s) => findings.some((f) => f.provenBy.includes(s)));
const clip = (text: string): string => text.replace(/\.$/, '');

/**
 * Pure. With a mode asked: some replicas proven or not ruled out and others contradicted is
 * `replica-mismatch`, naming the pods on another mode; all contradicted, the frontend as a whole
 * runs another mode (`mode-not-applied`, naming the pods). With none asked: replicas that single
 * out different modes disagree. Replicas not reached or not provable are named in a limitation,
 * never a failure: a pod replaced between the list and the probe is normal.
 */
export function judgeReplicas(
  findings: ReplicaFinding[],
  expected: RouterMode | undefined,
): ReplicaJudgement {
  const proven = findings.filter((f) => f.verdict === 'verified');
  const unproven = findings.filter((f) => f.verdict === 'unverifiable' || f.verdict === 'unreachable');
  // One sentence per distinct reason, naming its pods: every replica of a frontend whose log
  // cannot be read says the same thing.
  const reasons = new Map<string, ReplicaFinding[]>();
  for (const f of unproven) {
    const reason = `${f.verdict === 'unreachable' ? 'not reached on its own: ' : ''}${clip(f.evidence)}`;
    reasons.set(reason, [...(reasons.get(reason) ?? []), f]);
  }
  const mode = expected ? `The ${expected} mode is` : 'The router mode is';
  const limitations = [...reasons].map(([reason, fs]) =>
    limitation(
      'replica-unproven',
      `${mode} not proven on frontend pod${fs.length === 1 ? '' : 's'} ${list(fs)}: ${reason}.`,
    ),
  );
  const each = proven.length === findings.length;
  const evidence = proven.length
    ? `Proven on ${each ? `each of the ${findings.length} Ready frontend pods` : `${proven.length} of the ${findings.length} Ready frontend pods`}: ${list(proven)}.`
    : '';

  // The pods that disagree: against the asked mode, or, with none asked, singling out another
  // mode than the first replica that singles one out.
  const firstSeen = findings.find((f) => f.observed)?.observed;
  const odd = expected
    ? findings.filter((f) => f.verdict === 'contradicted')
    : findings.filter((f) => f.observed && f.observed !== firstSeen);
  if (odd.length === 0)
    return each && proven.length > 0
      ? { evidence, verdict: 'verified', provenBy: sourcesOf(proven), limitations }
      : { evidence, provenBy: [], limitations };

  const runs = odd
    .map((f) => `${f.name}${f.observed ? ` runs ${f.observed}` : ' runs another mode'} (${clip(f.evidence)})`)
    .join('; ');
  const pods = odd.length === 1 ? `pod ${odd[0].name}` : `pods ${list(odd)}`;
  const cause: FailureCause = { kind: 'replicas-differ', pods: odd.map((f) => f.name) };
  const next = `look at ${pods}: compare its router env and args with the other replicas', then delete it so its controller recreates it from the current spec (or finish the rollout)`;
  // Who runs what the odd ones do not: the replicas proven in the asked mode, or (none asked) the
  // ones singling out the first mode seen.
  const agree = expected ? proven : findings.filter((f) => f.observed === firstSeen);
  if (expected && agree.length === 0) {
    const unknown = unproven.length ? ` It could not be proven on ${list(unproven)} either.` : '';
    return {
      evidence,
      verdict: 'contradicted',
      provenBy: sourcesOf(odd),
      limitations,
      failure: {
        code: 'mode-not-applied',
        message: `${unproven.length ? `Frontend ${pods} ${odd.length === 1 ? 'does' : 'do'} not run the ${expected} router mode` : `No frontend pod runs the ${expected} router mode`}: ${runs}.${unknown}`,
        next,
        cause,
      },
    };
  }
  const lead = expected
    ? `Frontend ${pods} ${odd.length === 1 ? 'does' : 'do'} not run the ${expected} router mode while ${list(agree)} ${agree.length === 1 ? 'does' : 'do'}:`
    : `The frontend pods route differently: ${list(agree)} ${agree.length === 1 ? 'runs' : 'run'} ${firstSeen}, while`;
  return {
    evidence: `${evidence}${evidence ? ' ' : ''}Not on ${list(odd)}.`,
    verdict: 'contradicted',
    provenBy: sourcesOf(odd),
    limitations,
    failure: {
      code: 'replica-mismatch',
      message: `${lead} ${runs}. The Service sends each connection to any Ready pod, so clients get both modes: a replica the rollout did not reach (a rollout that stalled or was paused, Grove's OnDelete strategy) or one changed by hand.`,
      next,
      cause,
    },
  };
}
