// Who the launched frontend is: the post step signals a process only when it can prove this run
// started it. The record (pid, start time, a random token in the child's environment) travels
// through the step state, which a hostile line could once forge, so it is parsed as untrusted
// input and checked against /proc before any signal.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Step state holding the record, for the post step. */
export const LAUNCH_STATE = 'launched-frontend';

/** Environment variable carrying the record's token into the launched frontend. */
export const TOKEN_VAR = 'DYNAMO_ROUTER_STARTER_TOKEN';

export interface LaunchedFrontend {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot): a reused pid has another. */
  startTime: string;
  /** Random; in the child's environment as TOKEN_VAR. Never printed. */
  token: string;
  logPath: string;
}

/** The record as the step state keeps it: these fields only (never a handle the run holds). */
export function launchRecordText(launched: LaunchedFrontend): string {
  const { pid, startTime, token, logPath } = launched;
  return JSON.stringify({ pid, startTime, token, logPath });
}

/** Linux's largest pid_max (2^22). */
const PID_MAX = 4_194_304;

export function newToken(): string {
  return randomBytes(16).toString('hex');
}

interface ProcStat {
  /** Field 3: R, S, Z … */
  state: string;
  /** Field 5. */
  pgrp: number;
  /** Field 22. */
  startTime: string;
}

/** Reads /proc/<pid>/stat; undefined when there is no such process. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (the command name, in parentheses) may itself contain spaces and parentheses.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], pgrp: Number(rest[2]), startTime: rest[19] };
}

/** Start time of a process, for the record; '' when it is already gone. */
export function startTimeOf(pid: number): string {
  return readStat(pid)?.startTime ?? '';
}

export type ParsedRecord = { ok: true; record: LaunchedFrontend } | { ok: false; reason: string };

/** Validates the saved state's JSON shape; nothing in it is trusted before this. */
export function parseLaunchRecord(raw: string): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'the saved launch state is not JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, reason: 'the saved launch state is not a JSON object' };
  const { pid, startTime, token, logPath } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid))
    return { ok: false, reason: 'the saved launch state has no whole-number pid' };
  if (pid <= 1 || pid > PID_MAX)
    return {
      ok: false,
      reason: `the saved pid ${pid} cannot be a frontend this run started (allowed: 2 to ${PID_MAX})`,
    };
  if (typeof startTime !== 'string' || !/^\d{1,20}$/.test(startTime))
    return { ok: false, reason: 'the saved launch state has no process start time' };
  if (typeof token !== 'string' || !/^[0-9a-f]{32}$/.test(token))
    return { ok: false, reason: 'the saved launch state has no launch token' };
  if (typeof logPath !== 'string' || logPath.length > 4096)
    return { ok: false, reason: 'the saved launch state has no log path' };
  return { ok: true, record: { pid, startTime, token, logPath } };
}

export type Identity =
  { kind: 'ours'; ownGroup: boolean } | { kind: 'gone' } | { kind: 'foreign'; reason: string };

/**
 * Is the process with the record's pid the one this run launched? All three must hold: the same
 * start time (not a reused pid), this run's token in its environment, and a pid above 1. Its
 * process group is ours only when the group id is that verified pid (the frontend was started in
 * a new session, so it leads its own group).
 */
export function checkIdentity(record: LaunchedFrontend): Identity {
  if (!Number.isSafeInteger(record.pid) || record.pid <= 1)
    return { kind: 'foreign', reason: `pid ${record.pid} is never signalled` };
  const stat = readStat(record.pid);
  if (!stat || stat.state === 'Z') return { kind: 'gone' };
  if (stat.startTime !== record.startTime)
    return {
      kind: 'foreign',
      reason: `pid ${record.pid} started at tick ${stat.startTime}, not at tick ${record.startTime || '?'} as recorded: another process has that pid now`,
    };
  let environ: string;
  try {
    environ = readFileSync(`/proc/${record.pid}/environ`, 'latin1');
  } catch (error) {
    return {
      kind: 'foreign',
      reason: `the environment of pid ${record.pid} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}), so it cannot be shown to be this run's frontend`,
    };
  }
  if (!environ.split('\0').includes(`${TOKEN_VAR}=${record.token}`))
    return {
      kind: 'foreign',
      reason: `pid ${record.pid} does not carry this run's launch token in its environment`,
    };
  return { kind: 'ours', ownGroup: stat.pgrp === record.pid };
}
