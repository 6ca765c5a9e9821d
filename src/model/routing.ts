// The shape of the routing evidence as the Contract carries it (the `routing` output): which
// worker served each probe request, the pattern that shows, the shares per worker, and per
// frontend replica the same. Types only: verify/probe/ fills them, report/ words and renders them.

/** What one probe request was for (see verify/probe/design.ts). */
export type ProbePhase =
  /** One long shared prefix: kv keeps it on one worker. */
  | 'shared-prefix'
  /** A distinct long prefix each: kv spreads them; no mode keeps them together on purpose. */
  | 'distinct-prefix'
  /** A stream held open to load one worker (its first chunk tells which). */
  | 'hold'
  /** A short request while one worker is held busy. */
  | 'one-held'
  /** A short request while several workers are held busy. */
  | 'many-held'
  /** Direct mode: a request naming the worker that must serve it. */
  | 'named';

export interface ProbeRequestRecord {
  phase: ProbePhase;
  /** The worker that served it (decimal u64 text); absent when the reply named none. */
  worker?: string;
  /** HTTP status; 0 when nothing answered. */
  status: number;
  /** From sending to the end of the reply (holds: to the first chunk), in ms. */
  latencyMs: number;
  /** Held phases: whether it went to a worker held busy at the time. */
  heldWorker?: boolean;
  /** Held phases: false when a held stream had ended by then (the request does not count). */
  counted?: boolean;
  /** Direct mode: the worker the request named. */
  named?: string;
}

export interface WorkerShare {
  id: string;
  /** A short label for the pattern text: A, B, C … in order of first appearance. */
  label: string;
  requests: number;
  /** requests / all requests that named a worker, 0–1, three decimals. */
  share: number;
  /** As GET /health lists it (`cuda`, `cpu`), when it does. */
  deviceType?: string;
}

export interface ModeCandidates {
  /** The modes whose routing fits what was seen. */
  consistent: string[];
  /** The mode the pattern singles out, when only one fits. */
  observed?: string;
}

export interface RoutingProbe extends ModeCandidates {
  /** What the pattern proves for the run's mode (or, with no mode asked, for the observed one). */
  verdict: 'verified' | 'contradicted' | 'unverifiable';
  /** One or two sentences: what the requests did. */
  pattern: string;
  /** Why the verdict is what it is (the test that ruled a mode out, or what could not be told apart). */
  reason: string;
  workers: WorkerShare[];
  /** Worker instances GET /health listed for the model's graph (0: it listed none). */
  listedWorkers: number;
  /** Listed instances that served no probe request. */
  idleWorkers: string[];
  /** Most requests / fewest requests over the workers that served any; null with one worker. */
  maxMinRatio: number | null;
  /** Whether other traffic reached the frontend during the probe, from its /metrics. */
  otherTraffic: 'none' | 'seen' | 'unknown';
  requests: ProbeRequestRecord[];
  /** Wall time of the whole probe, ms. */
  durationMs: number;
}

export interface ReplicaRouting {
  /** The replica (Kubernetes: the frontend pod's name). */
  name: string;
  probe?: RoutingProbe;
  /** Why this replica has no probe (it could not be reached). */
  problem?: string;
}

export interface Routing {
  /** The probe through the run's own URL (absent when replicas were probed one by one). */
  probe?: RoutingProbe;
  /** Each frontend replica probed on its own, when the target has more than one. */
  replicas?: ReplicaRouting[];
  /** Why no probe ran (turned off, a release that names no worker, one worker listed). */
  skipped?: string;
}
