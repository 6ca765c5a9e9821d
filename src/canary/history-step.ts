// The history phase of a run: open and read the file before anything is contacted (a bad path is
// bad input), hand the verification the mode the recent runs saw, then judge this run against
// the earlier ones and add its record. Loaded only when `history` is set.

import type { HistorySettings } from '../settings/canary.js';
import { isRouterMode } from '../model/modes.js';
import type { Plan } from '../plan.js';
import type { Contract } from '../model/contract.js';
import type { HistoryReport, LatencyFigures } from '../model/history.js';
import { subjectOf } from '../report/target-name.js';
import { secrets } from '../runner/redact.js';
import type { Settings } from '../settings/settings.js';
import type { Assertion } from '../verify/verify-step.js';
import { judgeHistory, referenceMode, type HistoryJudgement } from '../history/judge.js';
import { capRecord, HISTORY_SCHEMA, type HistoryRecord, type WorkersSeen } from '../history/record.js';
import { appendRecord, historyFile, readHistory, type HistoryRead } from '../history/store.js';

export interface OpenedHistory {
  settings: HistorySettings;
  read: HistoryRead;
  /** What this deployment's records are matched by. */
  subject: string;
  /** This deployment's earlier records, oldest first. */
  mine: HistoryRecord[];
  /** The run whose verified mode the recent runs share. */
  reference?: HistoryRecord;
}

/** The deployment a run checks, the same from run to run: the URL, or the Kubernetes object the inputs name. */
export function subjectKey(settings: Settings, plan: Plan): string {
  return plan.target === 'kubernetes' ? (subjectOf(settings) ?? 'the kubeconfig context') : plan.baseUrl;
}

/** Reads the file; throws `bad-input` for a path outside the workspace, through a symlink, or unreadable. */
export function openHistory(settings: Settings, plan: Plan, workspace: string | undefined): OpenedHistory {
  const history = settings.history as HistorySettings;
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
export function historyAssertion(opened: OpenedHistory): Assertion | undefined {
  const mode = opened.reference?.mode;
  if (opened.settings.acceptChange || !mode || !isRouterMode(mode)) return undefined;
  return { mode, from: 'history' };
}

/** The warning for lines that are not records (one line, however many were skipped). */
export function skippedWarning(opened: OpenedHistory): string | undefined {
  const { skipped, unreadBytes, file } = opened.read;
  const parts = skipped
    .slice(0, 5)
    .map((s) => `line ${s.line}: ${s.why}`)
    .concat(skipped.length > 5 ? [`and ${skipped.length - 5} more`] : []);
  const cut = unreadBytes
    ? `The file is over the read cap: its first ${unreadBytes} bytes were not read and are dropped at this write. `
    : '';
  if (!parts.length) return cut ? `History ${file.input}: ${cut}`.trim() : undefined;
  return `History ${file.input}: ${cut}${skipped.length} line(s) skipped, not records of this action (${parts.join('; ')}); they are kept in the file as they are, and every record was read.`;
}

/** The workflow run this is, from the runner's environment; nulls outside a workflow. */
export function runIdentity(env: NodeJS.ProcessEnv): { commit: string | null; run: string | null } {
  const { GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  const run =
    GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID
      ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
      : null;
  return { commit: GITHUB_SHA || null, run };
}

export interface RunFindings {
  sample?: LatencyFigures;
  workers?: WorkersSeen;
  /** How the mode was proven (behaviour, log, metrics), when the verification says. */
  provenBy: string[];
  now: Date;
  env: NodeJS.ProcessEnv;
}

/** This run's record, before the judgement decides `baseline` (and maybe the result). */
export function recordOf(contract: Contract, opened: OpenedHistory, found: RunFindings): HistoryRecord {
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
export function judgeRun(
  opened: OpenedHistory,
  record: HistoryRecord,
  declaredMode: string | undefined,
  where: string,
  evidence: string,
): HistoryJudgement {
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
export function historyReport(
  opened: OpenedHistory,
  judgement: HistoryJudgement,
  sample: LatencyFigures | undefined,
): HistoryReport {
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
export function writeRecord(
  opened: OpenedHistory,
  record: HistoryRecord,
): { written?: { lines: number; dropped: number }; notWritten?: string } {
  try {
    // A frontend can echo a secret into a model id: the file is as public as the summary.
    return { written: appendRecord(opened.read, capRecord(secrets.deep(record))) };
  } catch (error) {
    return { notWritten: (error as Error).message };
  }
}
