// The seams of a run: what a target hands back (built once), the effects a run is given, and the
// small interfaces behind them that tests swap. Types only, importing nothing of the run itself,
// so every phase can depend on this module without depending on another phase (no import
// cycles). The data a run reports (the Contract, findings, failures) is model/'s.

import type { HttpClient } from './check/http.js';
import type { RunFailure } from './model/failure.js';
import type { RouterMode } from './model/modes.js';
import type { KvEventsVerdict } from './model/contract.js';
import type { Plan } from './plan.js';
import type { DynamoRelease } from './releases/capabilities.js';
import type { EnvPatch, ReportDetail } from './model/contract.js';
import type { Limitation } from './model/findings.js';
import type { Settings } from './settings/settings.js';
import type { LaunchedFrontend } from './targets/launch/identity.js';
import type { ProbeTransport } from './verify/probe/transport.js';

export interface Logger {
  info(line: string): void;
  warning(line: string): void;
  /** Runs one phase inside a folded log group (the action's log; the CLI shows no groups). */
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
}

/** One frontend replica the run can reach on its own (Kubernetes: one Ready frontend pod). */
export interface FrontendReplica {
  readonly name: string;
  /** Opens a connection to this replica only; the caller closes it. */
  open(): Promise<{ baseUrl: string; close(): Promise<void> }>;
}

/**
 * What a target hands back: where to check, what it changed, and how to undo or close. Built
 * once, when the target is open, and never changed afterwards; what happens later (a rollback,
 * a revert found after the check) comes back as a value from `afterCheck` / `onCheckFailed`.
 */
export interface TargetSession {
  readonly baseUrl: string;
  readonly service: string;
  readonly mode?: string;
  readonly modeReason?: string;
  /**
   * Where the mode the run holds the frontend to is set, in words, for a message that must say
   * what to change (Kubernetes: the spec the target read; the launch: its command line).
   */
  readonly modeSetAt?: string;
  readonly kvEvents?: KvEventsVerdict;
  readonly kvEventsReason?: string;
  readonly envPatch?: Readonly<EnvPatch>;
  readonly limitations: readonly Limitation[];
  readonly details: readonly ReportDetail[];
  readonly namespace?: string;
  readonly frontendSelector?: string;
  readonly workerSelector?: string;
  /** The launched frontend's log file (after a mode switch, the current process's). */
  readonly logPath?: string;
  /** The frontend's log, for evidence of the mode in effect. */
  readonly logs?: LogSource;
  /** One replica's own log (Kubernetes: that pod's), for the evidence on each replica. */
  replicaLogs?(replica: string): LogSource;
  /** Switches the deployment between modes for compare-modes (launch and Kubernetes targets). */
  readonly switcher?: ModeSwitcher;
  /** The workers' model path or hub id when the target knows it (aiperf's tokenizer). */
  readonly modelPath?: string;
  /** The frontend's Dynamo release as the target learnt it (Kubernetes: the image tag). */
  readonly release?: DynamoRelease;
  /** Planned from a file alone (a dry run without a cluster): there is nothing to check live. */
  readonly planOnly?: boolean;
  /** Every frontend replica the run can reach on its own; with more than one, each is probed in turn. */
  readonly replicas?: readonly FrontendReplica[];
  /** Called after a passing check: re-reads what the run changed; returns limitations to add. */
  afterCheck?(): Promise<Limitation[]>;
  /** Called when the check failed; may restore the previous state (rollback-on-failure). */
  onCheckFailed?(failure: RunFailure): Promise<AfterFailure>;
  /** Releases what the session holds for the check (a port-forward); never throws. */
  close(): Promise<void>;
}

/** What a target did after a failed check: the env patch as it now stands, and what to report. */
export interface AfterFailure {
  /** The env patch with its rollback recorded, when there was one. */
  envPatch?: EnvPatch;
  details: ReportDetail[];
  limitations: Limitation[];
}

export interface RunEffects {
  http: HttpClient;
  log: Logger;
  /** Opens the target; throws RunFailure for expected problems. */
  openTarget(settings: Settings, plan: Plan): Promise<TargetSession>;
  /** Asks the launch interpreter for its ai-dynamo version (default: run it, bounded). */
  askRelease?(python: string): Promise<DynamoRelease>;
  /** The routing probe's transport to a base URL (default: HTTP; tests simulate a router). */
  probeTransport?(baseUrl: string): ProbeTransport;
}

/** Switches a deployment between router modes for a comparison. */
export interface ModeSwitcher {
  /** Makes the deployment run `mode` and returns the URL to send requests to. */
  switchTo(mode: RouterMode): Promise<string>;
  /** Leaves the deployment as the run should: the requested mode, or how it was found. */
  restore(): Promise<void>;
}

/** Where the frontend's log can be read from: a launched process's file, or the pods' logs. */
export interface LogSource {
  /** A position (or time) to read from later. */
  mark(): Promise<number>;
  /** What was logged since the mark; undefined with a reason when it cannot be read. */
  since(mark: number): Promise<{ text?: string; problem?: string }>;
}

export interface TargetDeps {
  log: Logger;
  /** Remembers a launched frontend so the post step can stop it. */
  rememberLaunch?(launched: LaunchedFrontend): void;
  /** Masks a secret in all later logs (tokens and keys read from a kubeconfig). */
  mask?(secret: string): void;
}
