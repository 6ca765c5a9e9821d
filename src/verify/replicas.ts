// The mode on every frontend replica. A Service picks one pod per connection, so a frontend with
// two replicas checked through it is proven on one: the other may still run the old env. When
// the target reaches each replica on its own (Kubernetes: a port-forward pinned to each Ready
// frontend pod), the same evidence as the check's (router metrics around a few requests, that
// pod's own log) is gathered on each in turn, one connection open at a time, each closed after
// use. Replicas that disagree are a rollout problem: `replica-mismatch`, naming the pods.

import type { HttpClient } from '../check/http.js';
import { toFailure } from '../failures.js';
import type { RouterMode } from '../modes.js';
import type { FrontendReplica, LogSource } from '../session.js';
import { gatherEvidence, type GatherOptions } from './gather.js';
import type { Verdict } from './verify.js';

/** What the evidence on one replica showed; `unreachable` when no connection to it opened. */
export interface ReplicaFinding {
  name: string;
  verdict: Verdict | 'unreachable';
  /** The mode the evidence points at ('' when it cannot tell). */
  observed: string;
  evidence: string;
}

/** Gathers the evidence on each replica in turn; never throws for one replica's problem. */
export async function proveReplicas(
  http: HttpClient,
  replicas: readonly FrontendReplica[],
  options: Omit<GatherOptions, 'baseUrl' | 'logs'>,
  logsOf: ((replica: string) => LogSource) | undefined,
  log: (line: string) => void,
): Promise<ReplicaFinding[]> {
  const findings: ReplicaFinding[] = [];
  for (const replica of replicas) {
    let connection: Awaited<ReturnType<FrontendReplica['open']>>;
    try {
      connection = await replica.open();
    } catch (error) {
      const message = toFailure(error).message;
      log(`Replica ${replica.name}: not reached (${message})`);
      findings.push({ name: replica.name, verdict: 'unreachable', observed: '', evidence: message });
      continue;
    }
    try {
      const evidence = await gatherEvidence(http, {
        ...options,
        baseUrl: connection.baseUrl,
        logs: logsOf?.(replica.name),
      });
      log(`Replica ${replica.name}: ${evidence.verdict}: ${evidence.evidence}`);
      findings.push({ name: replica.name, ...evidence });
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
  failure?: { code: 'replica-mismatch' | 'mode-not-applied'; message: string };
  limitations: string[];
}

const list = (findings: ReplicaFinding[]): string => findings.map((f) => f.name).join(', ');

/**
 * Pure. Some replicas proven and others contradicted: `replica-mismatch`, naming the pods on
 * another mode. Contradicted with none proven: the frontend as a whole runs another mode
 * (`mode-not-applied`, naming the pods). Replicas that could not be reached or judged are named
 * in a limitation, never a failure: a pod replaced between the list and the probe is normal.
 */
export function judgeReplicas(findings: ReplicaFinding[], expected: RouterMode): ReplicaJudgement {
  const proven = findings.filter((f) => f.verdict === 'verified');
  const contradicted = findings.filter((f) => f.verdict === 'contradicted');
  const unproven = findings.filter((f) => f.verdict === 'unverifiable' || f.verdict === 'unreachable');
  // One sentence per distinct reason, naming its pods: every replica of a frontend whose log
  // cannot be read says the same thing.
  const reasons = new Map<string, ReplicaFinding[]>();
  for (const f of unproven) {
    const reason = `${f.verdict === 'unreachable' ? 'not reached on its own: ' : ''}${f.evidence.replace(/\.$/, '')}`;
    reasons.set(reason, [...(reasons.get(reason) ?? []), f]);
  }
  const limitations = [...reasons].map(
    ([reason, fs]) =>
      `The ${expected} mode is not proven on frontend pod${fs.length === 1 ? '' : 's'} ${list(fs)}: ${reason}.`,
  );
  const evidence = proven.length
    ? `Proven on ${proven.length === findings.length ? `each of the ${findings.length} Ready frontend pods` : `${proven.length} of the ${findings.length} Ready frontend pods`}: ${list(proven)}.`
    : '';
  if (contradicted.length === 0)
    return proven.length === findings.length && proven.length > 0
      ? { evidence, verdict: 'verified', limitations }
      : { evidence, limitations };

  const runs = contradicted
    .map(
      (f) =>
        `${f.name}${f.observed ? ` runs ${f.observed}` : ' runs another mode'} (${f.evidence.replace(/\.$/, '')})`,
    )
    .join('; ');
  if (proven.length === 0) {
    return {
      evidence,
      verdict: 'contradicted',
      limitations,
      failure: {
        code: 'mode-not-applied',
        message: `No frontend pod runs the ${expected} router mode: ${runs}.`,
      },
    };
  }
  const pods = contradicted.length === 1 ? `pod ${contradicted[0].name}` : `pods ${list(contradicted)}`;
  return {
    evidence: `${evidence} Not on ${list(contradicted)}.`,
    verdict: 'contradicted',
    limitations,
    failure: {
      code: 'replica-mismatch',
      message: `Frontend ${pods} ${contradicted.length === 1 ? 'does' : 'do'} not run the ${expected} router mode while ${list(proven)} ${proven.length === 1 ? 'does' : 'do'}: ${runs}. The Service sends each connection to any Ready pod, so clients get both modes: a replica left on an older pod template (a rollout that stalled or was paused, Grove's OnDelete strategy) or changed by hand.`,
    },
  };
}
