// The Dynamo release a run talks to, and whether it can do what the run is about to ask: refused
// before anything is launched or written, because a frontend given a mode or flag its release
// lacks exits at start (on Kubernetes from 1.5, a crash loop that costs the whole rollout
// timeout) or, for DYN_ROUTER_MODE before 1.5, silently routes round-robin.
// Pure: the version comes in from the target (launch interpreter, frontend image tag).

import { limitation, type Limitation } from '../model/findings.js';
import { RunFailure } from '../model/failure.js';
import {
  firstReleaseWith,
  firstReleaseWithMode,
  firstVersionName,
  seriesName,
  seriesOf,
  type ReleaseSeries,
} from './catalogue.js';

/** How the release was learnt; shown in the `dynamo-version` output. */
export type ReleaseSource = 'launch interpreter' | 'frontend image tag' | 'runtimeVersionOverride';

export interface DynamoRelease {
  /** e.g. `1.3.1`; undefined when it could not be known. */
  version?: string;
  source?: ReleaseSource;
  /** Why the version is unknown (for the limitation), when it is. */
  unknownBecause?: string;
  /** The launch interpreter cannot start a frontend at all: no ai-dynamo in it, or it does not run. */
  unusable?: boolean;
  /** The data file's entry for the version's series, when it has one. */
  series?: ReleaseSeries;
}

export function knownRelease(version: string, source: ReleaseSource): DynamoRelease {
  return { version, source, series: seriesOf(version) };
}

export function unknownRelease(because: string, unusable = false): DynamoRelease {
  return unusable ? { unknownBecause: because, unusable } : { unknownBecause: because };
}

/** The `dynamo-version` output: `1.3.1 (launch interpreter)` or `unknown`. */
export function describeRelease(release: DynamoRelease | undefined): string {
  return release?.version ? `${release.version} (${release.source})` : 'unknown';
}

/**
 * The release from a frontend container image, when it is one of NVIDIA's Dynamo images (any
 * registry mirroring the `ai-dynamo/` path) tagged with a release:
 * `nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.0.2`, `…/ai-dynamo/dynamo-frontend:1.3.0`, and the
 * build variants NGC publishes: `vllm-runtime:1.0.2-cuda13`, `vllm-runtime:1.0.1-efa-amd64`.
 * `latest`, a digest only, or any other repository: undefined (a custom image says nothing).
 */
export function versionFromImage(image: string): string | undefined {
  const match =
    /(?:^|\/)ai-dynamo\/[a-z0-9._-]+:v?(\d+\.\d+\.\d+(?:\.post\d+)?)(?:-[A-Za-z0-9][A-Za-z0-9._-]*)?(?:@sha256:[0-9a-f]+)?$/.exec(
      image.trim(),
    );
  return match?.[1];
}

/** A component's `runtimeVersionOverride` (`1.4.2`, `v1.4.2`), when it names a release. */
export function versionFromOverride(value: string | undefined): string | undefined {
  return /^v?(\d+\.\d+\.\d+(?:\.post\d+)?)(?:[-+][A-Za-z0-9._-]+)?$/.exec((value ?? '').trim())?.[1];
}

/** A limitation when the run goes ahead without knowing what the release can do; else undefined. */
export function releaseLimitation(release: DynamoRelease | undefined): Limitation | undefined {
  if (!release) return undefined;
  if (!release.version)
    return limitation(
      'release-unknown',
      `The Dynamo release is unknown (${release.unknownBecause ?? 'not determined'}), so the mode and flags were not checked against what it supports before the run went ahead.`,
    );
  if (!release.series)
    return limitation(
      'release-unknown',
      `Dynamo ${release.version} is not in the action's release table (it knows ${'1.x series'}), so the mode and flags were not checked against what it supports.`,
    );
  return undefined;
}

function named(release: DynamoRelease): string {
  return `Dynamo ${release.version} (from the ${release.source})`;
}

export interface CapabilityNeeds {
  mode?: string;
  /** Flags the run will pass or found the frontend given (e.g. `--load-aware`). */
  flags?: readonly string[];
  /** Env names the run will write. */
  env?: readonly string[];
  /** What would happen if the run went ahead, for the message: "launched", "written". */
  nothingDone: string;
  /**
   * How the mode reaches the frontend: `--router-mode` (argparse refuses an unknown choice, so
   * the frontend exits at start in every release) or DYN_ROUTER_MODE (release-dependent).
   */
  modeVia?: 'flag' | 'env';
}

/** What the frontend does with a mode its release lacks, per the data file. */
function unknownModeEffect(series: ReleaseSeries, via: 'flag' | 'env'): string {
  if (via === 'flag')
    return 'Given `--router-mode` with a mode its release lacks, the frontend exits at start';
  if (series.modeEnvUnknownValue === 'round-robin')
    return `Given DYN_ROUTER_MODE with a mode it lacks, a ${seriesName(series)} frontend silently routes round-robin instead, so the run would prove nothing`;
  if (series.modeEnvUnknownValue === 'error')
    return `Given DYN_ROUTER_MODE with a mode it lacks, a ${seriesName(series)} frontend exits at start (a crash loop until the rollout times out)`;
  return 'What the frontend does with a DYN_ROUTER_MODE it lacks is not known for this release';
}

/** Flags whose first release the data file knows. */
function flagSupport(flag: string): ((r: ReleaseSeries) => boolean) | undefined {
  const name = flag.split('=')[0];
  if (name === '--load-aware') return (r) => r.loadAware?.flag === name;
  if (name === '--router-policy-config') return (r) => r.policyConfig?.flag === name;
  return undefined;
}

function envSupport(env: string): ((r: ReleaseSeries) => boolean) | undefined {
  if (env === 'DYN_ROUTER_LOAD_AWARE') return (r) => r.loadAware?.env === env;
  if (env === 'DYN_ROUTER_POLICY_CONFIG') return (r) => r.policyConfig?.env === env;
  if (env === 'DYN_ROUTER_USE_KV_EVENTS') return (r) => r.kvEvents.env === env;
  if (env === 'DYN_ROUTER_MODE') return (r) => r.modeEnv === env;
  return undefined;
}

/**
 * An `unsupported-mode` failure when the known release lacks the mode, a flag or an env the run
 * needs; undefined when it has them or the release is unknown (the run goes ahead, with the
 * limitation from releaseLimitation).
 */
export function checkRelease(
  release: DynamoRelease | undefined,
  needs: CapabilityNeeds,
): RunFailure | undefined {
  const series = release?.series;
  if (!release || !series) return undefined;
  const has = series.routerModes.join(', ');
  if (needs.mode && !series.routerModes.includes(needs.mode)) {
    const first = firstReleaseWithMode(needs.mode);
    const since = first ? `; ${needs.mode} first appears in ${firstVersionName(first)}` : '';
    return new RunFailure(
      'unsupported-mode',
      `${named(release)} has no router mode ${needs.mode}: its frontend offers ${has}${since}. ${unknownModeEffect(series, needs.modeVia ?? 'flag')}, so nothing was ${needs.nothingDone}.`,
      first
        ? `pick one of ${has}, or upgrade Dynamo to ${firstVersionName(first)} or later`
        : `pick one of ${has}`,
    );
  }
  const lacking = (
    [
      ...(needs.flags ?? []).map((f) => [f.split('=')[0], flagSupport(f)] as const),
      ...(needs.env ?? []).map((e) => [e, envSupport(e)] as const),
    ] as const
  ).find(([, supports]) => supports !== undefined && !supports(series));
  if (lacking) {
    const [name, supports] = lacking;
    const first = supports ? firstReleaseWith(supports) : undefined;
    const since = first ? `; it first appears in ${firstVersionName(first)}` : '';
    return new RunFailure(
      'unsupported-mode',
      `${named(release)} does not know ${name} (release ${seriesName(series)} offers the router modes ${has})${since}. Nothing was ${needs.nothingDone}.`,
      first ? `remove ${name}, or upgrade Dynamo to ${firstVersionName(first)} or later` : `remove ${name}`,
    );
  }
  return undefined;
}

/** An IPv4 or IPv6 literal (what 1.2-1.5 reject where they expect an interface name). */
function isIpLiteral(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || (value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value));
}

/**
 * Limitations for a launch whose runner env does not suit the release: 1.2 to 1.5 read
 * DYN_TCP_RESPONSE_STREAM_HOST as a network interface name, so an IP there makes the frontend
 * list no model ('Interface not found'). Known from the data file; empty when all is well.
 */
export function launchEnvLimitations(
  release: DynamoRelease | undefined,
  env: NodeJS.ProcessEnv,
): Limitation[] {
  const series = release?.series;
  const host = env.DYN_TCP_RESPONSE_STREAM_HOST?.trim();
  if (!release || !series?.responseStreamHostIsInterface || !host || !isIpLiteral(host)) return [];
  const hub =
    series.modelCardLocalPaths === false
      ? ' This release also reads the model\u2019s config and tokenizer from the Hugging Face hub or cache under the served model name: offline, put the model in the HF cache under that name and set HF_HUB_OFFLINE=1.'
      : '';
  return [
    limitation(
      'launch-env',
      `${named(release)} reads DYN_TCP_RESPONSE_STREAM_HOST as a network interface name, but the runner sets it to the address ${host}: the frontend then fails with 'Interface not found: ${host}' and lists no model. Set DYN_TCP_RESPONSE_STREAM_HOST=lo (or the name of the interface that carries ${host}), or unset it.${hub}`,
    ),
  ];
}
