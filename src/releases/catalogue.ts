// What each ai-dynamo release series can do, from src/releases/releases.json (read from the real
// releases; each fact names its source there). Pure: typed look-ups only, no effects.

import data from './releases.json' with { type: 'json' };

export interface KvEventsSpelling {
  flagOn: string;
  flagOff: string;
  /** Env read for the events setting; null when the series has none. */
  env: string | null;
  /** Older spellings the series still accepts as aliases. */
  aliases?: string[];
}

export interface LoadAware {
  flag: string;
  flagOff?: string;
  env: string;
  /** e.g. "removed in 1.7; use --router-policy-config". */
  deprecated?: string;
  /** What the preset forces, in words. */
  forces: string;
}

export interface PolicyConfig {
  flag: string;
  env: string;
  /** True when the YAML file's `router:` settings can turn KV events on or off over the flags. */
  overridesKvEvents: boolean;
}

export interface ReleaseSeries {
  series: string;
  checked: string[];
  firstRelease?: string;
  routerModes: string[];
  kvEvents: KvEventsSpelling;
  loadAware: LoadAware | null;
  policyConfig: PolicyConfig | null;
  modeEnv: string | null;
  modeEnvUnknownValue: 'error' | 'round-robin' | 'unknown';
  metrics: {
    routerOverheadPrefix: string;
    kvHitRate: string | null;
    kvEventSourceMismatch: string | null;
    kvEventsApplied: string | null;
  };
  discovery: {
    backends: string[];
    default: string;
    eventPlaneDefault?: string;
    needsNats: boolean;
    needsEtcd: boolean;
    notes: string;
  };
  /** The header direct mode reads the worker id from (older releases: x-worker-instance-id). */
  directHeader: string | null;
  /** Other places the release accepts the worker id (older header, nvext.backend_instance_id). */
  directAlternatives?: string[];
  /** The worker's model card carries local file paths (else hf://<name>/…: the hub or HF cache). */
  modelCardLocalPaths?: boolean;
  /** DYN_TCP_RESPONSE_STREAM_HOST is read as an interface name (127.0.0.1 fails; use lo). */
  responseStreamHostIsInterface?: boolean;
  /**
   * Whether a reply to `nvext.extra_fields: ["worker_id"]` names the serving worker: in every
   * mode, or only for kv-routed requests (the routing probe needs it).
   */
  workerIdInResponse?: 'all-modes' | 'kv-only';
  /** A worker given --router-mode / DYN_ROUTER_MODE advertises it and the frontend obeys it for that worker set. */
  workerModeAdvertisement?: boolean;
  sources?: Record<string, string>;
}

/** Oldest series first, as in the data file. */
export const RELEASES: readonly ReleaseSeries[] = (data as unknown as { releases: ReleaseSeries[] }).releases;

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** As given, trimmed (may carry a suffix such as `.post1` or `rc1`). */
  text: string;
}

/** `1.3.1`, `v1.0.2`, `1.2.0.post1`, `1.6.1rc0` → parts; undefined for anything else. */
export function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?([.+-]?[0-9A-Za-z.+-]*)?$/.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3] ?? 0),
    text: text.trim(),
  };
}

/** The series a version belongs to, when the data file knows it. */
export function seriesOf(version: string): ReleaseSeries | undefined {
  const v = parseVersion(version);
  if (!v) return undefined;
  return RELEASES.find((r) => r.series === `${v.major}.${v.minor}`);
}

/** The oldest known series that offers a router mode (the data file lists series oldest first). */
export function firstReleaseWithMode(mode: string): ReleaseSeries | undefined {
  return RELEASES.find((r) => r.routerModes.includes(mode));
}

/** The oldest known series with `--load-aware`, for messages. */
export function firstReleaseWith(pick: (r: ReleaseSeries) => boolean): ReleaseSeries | undefined {
  return RELEASES.find(pick);
}

/** How a series is named to a person: `1.0.x (checked: 1.0.2)`. */
export function seriesName(release: ReleaseSeries): string {
  return `${release.series}.x`;
}

/** The first published release of a series when known, else the series name. */
export function firstVersionName(release: ReleaseSeries): string {
  return release.firstRelease ?? seriesName(release);
}

export const NEWEST_SERIES = RELEASES[RELEASES.length - 1];
export const OLDEST_SERIES = RELEASES[0];
