// `kv-events: auto`: do the workers publish KV cache events? Decided from what their containers
// are told: the command line, and the env the operator gives them (worker-spec.ts), per release
// where a release changed the spelling. Decode-only workers never feed the router's prefix
// index, so they do not count. Pure.

import type { KvEventsVerdict } from '../../../model/contract.js';
import { effectiveArgv } from '../../../pins/frontend-flags.js';
import { seriesOf, type ReleaseSeries } from '../../../releases/catalogue.js';
import { versionFromImage } from '../../../releases/capabilities.js';
import { describeEnvAt, workerEnv, type WorkerSpec } from '../object/worker-spec.js';

export type Publishes = 'yes' | 'no' | 'unknown' | 'decode-only';

export interface WorkerVerdict {
  component: string;
  engine: string;
  publishes: Publishes;
  why: string;
}

/** The value of the last of `flags` on the command line (`''` for a bare switch), with the flag. */
function lastFlag(argv: string[], flags: readonly string[]): { flag: string; value: string } | undefined {
  let found: { flag: string; value: string } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const at = argv[i].indexOf('=');
    const flag = at > 0 ? argv[i].slice(0, at) : argv[i];
    if (!flags.includes(flag)) continue;
    found = { flag, value: at > 0 ? argv[i].slice(at + 1) : (argv[i + 1] ?? '') };
  }
  return found;
}

/** Dynamo's parse_bool (common/configuration/utils.py): true/false, or undefined when invalid. */
function parseBool(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(v)) return true;
  if (['', '0', 'false', 'off', 'no'].includes(v)) return false;
  return undefined;
}

/** One env value the worker's container gets, or why it cannot be told. */
function envSetting(
  worker: WorkerSpec,
  name: string,
): { value?: string; text: string; unsure?: string } | undefined {
  const found = workerEnv(worker, name);
  if (found.length === 0) return undefined;
  const text = found.map(describeEnvAt).join(' or ');
  if (found.some((f) => f.entry.valueFrom !== undefined))
    return { text, unsure: `${text} comes from valueFrom, which this action does not resolve` };
  if (found.length > 1)
    return {
      text,
      unsure: `${text}: operator releases merge these lists in different orders, so which one the container gets depends on the operator`,
    };
  return { value: found[0].entry.value ?? '', text };
}

/**
 * Decode-only: a disaggregation flag or env saying decode. Not the component's type: Dynamo's own
 * aggregated examples (examples/backends/mocker/deploy/agg.yaml) and the profiler's aggregated
 * configs label an aggregated worker `subComponentType: decode` (v1beta1 `type: decode`), so the
 * type says nothing about what the engine does.
 */
function decodeOnly(worker: WorkerSpec, argv: string[], modeEnv?: string): string | undefined {
  if (argv.includes('--is-decode-worker')) return '--is-decode-worker';
  const flag = lastFlag(argv, ['--disaggregation-mode']);
  if (flag) return flag.value === 'decode' ? `--disaggregation-mode ${flag.value}` : undefined;
  if (modeEnv) {
    const env = envSetting(worker, modeEnv);
    if (env?.value?.trim() === 'decode') return env.text;
  }
  return undefined;
}

/**
 * TensorRT-LLM, per release (trtllm/backend_args.py, args.py): 1.0–1.2 read
 * `--publish-events-and-metrics` / DYN_TRTLLM_PUBLISH_EVENTS_AND_METRICS; 1.3+ read
 * `--publish-kv-events` / DYN_TRTLLM_PUBLISH_KV_EVENTS and still accept the old spellings (the
 * old env only where the new one is unset). The last flag wins over the env; the default is off.
 */
function judgeTrtllm(worker: WorkerSpec, argv: string[], series: ReleaseSeries | undefined) {
  const spell = series?.trtllmKvEvents;
  const NEW = ['--publish-kv-events', '--no-publish-kv-events'];
  const OLD = ['--publish-events-and-metrics', '--no-publish-events-and-metrics'];
  // An unknown release: both spellings, as the newest release reads them.
  const known = spell
    ? [
        spell.flagOn,
        spell.flagOff,
        ...(spell.deprecated ? [spell.deprecated.flagOn, spell.deprecated.flagOff] : []),
      ]
    : [...NEW, ...OLD];
  const flag = lastFlag(argv, [...NEW, ...OLD]);
  if (flag && !known.includes(flag.flag))
    return {
      publishes: 'unknown' as const,
      why: `started with ${flag.flag}, which TensorRT-LLM workers of Dynamo ${series?.series}.x do not know (they read ${spell?.flagOn}): the worker would exit at start`,
    };
  if (flag) {
    const on = !flag.flag.startsWith('--no-');
    const deprecated =
      spell?.deprecated && [spell.deprecated.flagOn, spell.deprecated.flagOff].includes(flag.flag)
        ? ' (the deprecated spelling)'
        : '';
    return on
      ? { publishes: 'yes' as const, why: `started with ${flag.flag}${deprecated}` }
      : { publishes: 'no' as const, why: `started with ${flag.flag}${deprecated}: no KV events` };
  }
  const envs = spell
    ? [spell.env, ...(spell.deprecated ? [spell.deprecated.env] : [])]
    : ['DYN_TRTLLM_PUBLISH_KV_EVENTS', 'DYN_TRTLLM_PUBLISH_EVENTS_AND_METRICS'];
  for (const name of envs) {
    const env = envSetting(worker, name);
    if (!env) continue;
    if (env.unsure) return { publishes: 'unknown' as const, why: env.unsure };
    const on = parseBool(env.value ?? '');
    if (on === undefined)
      return {
        publishes: 'unknown' as const,
        why: `${env.text} is not a boolean Dynamo reads (the worker would exit at start)`,
      };
    return on
      ? { publishes: 'yes' as const, why: `${env.text}` }
      : { publishes: 'no' as const, why: `${env.text}: no KV events` };
  }
  const on = spell?.flagOn ?? '--publish-kv-events';
  const env = spell?.env ?? 'DYN_TRTLLM_PUBLISH_KV_EVENTS';
  return {
    publishes: 'no' as const,
    why: `no ${on} and no ${env}: TensorRT-LLM publishes no KV events by default`,
  };
}

/**
 * `release` is the frontend's series, used where the worker's own image names none (a graph
 * usually runs one release).
 */
export function judgeWorker(worker: WorkerSpec, release?: ReleaseSeries): WorkerVerdict {
  const argv = effectiveArgv(worker.command, worker.args);
  const has = (module: string) =>
    argv.some((a) => a === module || a.endsWith(`/${module}`) || a.includes(`-m ${module}`));
  const own = worker.image ? versionFromImage(worker.image) : undefined;
  const series = (own ? seriesOf(own) : undefined) ?? release;
  const v = (engine: string, publishes: Publishes, why: string): WorkerVerdict => ({
    component: worker.component,
    engine,
    publishes,
    why,
  });
  if (has('dynamo.mocker')) {
    const decode = decodeOnly(worker, argv);
    if (decode) return v('mocker', 'decode-only', `a decode-only mocker (${decode}) publishes no KV events`);
    if (
      lastFlag(argv, ['--enable-prefix-caching', '--no-enable-prefix-caching'])?.flag ===
      '--no-enable-prefix-caching'
    )
      return v('mocker', 'no', 'started with --no-enable-prefix-caching, so it publishes no KV events');
    if (lastFlag(argv, ['--extra-engine-args']) !== undefined) {
      return v(
        'mocker',
        'unknown',
        'its --extra-engine-args file may turn prefix caching (and so KV events) off',
      );
    }
    return v('mocker', 'yes', 'the mocker publishes KV events by default (prefix caching on)');
  }
  if (has('dynamo.vllm')) {
    const decode = decodeOnly(worker, argv, 'DYN_VLLM_DISAGGREGATION_MODE');
    if (decode) return v('vLLM', 'decode-only', `a decode-only worker (${decode})`);
    const config = lastFlag(argv, ['--kv-events-config'])?.value;
    if (config === undefined)
      return v('vLLM', 'no', 'no --kv-events-config: vLLM publishes no KV events by default');
    try {
      const parsed = JSON.parse(config) as { enable_kv_cache_events?: unknown };
      return parsed.enable_kv_cache_events === true
        ? v('vLLM', 'yes', '--kv-events-config has enable_kv_cache_events: true')
        : v('vLLM', 'no', '--kv-events-config without enable_kv_cache_events: true');
    } catch {
      return v('vLLM', 'unknown', '--kv-events-config is not JSON this action can read');
    }
  }
  if (has('dynamo.sglang')) {
    const decode = decodeOnly(worker, argv);
    if (decode) return v('SGLang', 'decode-only', `a decode-only worker (${decode})`);
    return lastFlag(argv, ['--kv-events-config']) !== undefined
      ? v('SGLang', 'yes', 'started with --kv-events-config')
      : v('SGLang', 'no', 'no --kv-events-config: SGLang publishes no KV events by default');
  }
  if (has('dynamo.trtllm')) {
    const decode = decodeOnly(worker, argv, 'DYN_TRTLLM_DISAGGREGATION_MODE');
    if (decode) return v('TensorRT-LLM', 'decode-only', `a decode-only worker (${decode})`);
    const judged = judgeTrtllm(worker, argv, series);
    return v('TensorRT-LLM', judged.publishes, judged.why);
  }
  return v(
    'unknown',
    'unknown',
    argv.length
      ? 'its command line names no known engine module'
      : 'no command line in the spec (set by the image)',
  );
}

export interface KvEventsAuto {
  kvEvents: KvEventsVerdict;
  reason: string;
  workers: WorkerVerdict[];
}

export function decideKvEvents(workers: WorkerSpec[], release?: ReleaseSeries): KvEventsAuto {
  const verdicts = workers.map((w) => judgeWorker(w, release));
  const line = (w: WorkerVerdict) => `${w.component} (${w.engine}): ${w.why}`;
  const counted = verdicts.filter((w) => w.publishes !== 'decode-only');
  if (counted.length === 0) {
    return {
      kvEvents: 'unknown',
      reason: `kv-events: auto: no prefill-capable worker found in the spec${verdicts.length ? ` (${verdicts.map(line).join('; ')})` : ''}; the router keeps its default (expects KV events)`,
      workers: verdicts,
    };
  }
  const silent = counted.filter((w) => w.publishes === 'no');
  if (silent.length > 0) {
    return {
      kvEvents: 'false',
      reason: `kv-events: auto decided false (approximate KV mode) because ${silent.map(line).join('; ')}`,
      workers: verdicts,
    };
  }
  const unknown = counted.filter((w) => w.publishes === 'unknown');
  if (unknown.length > 0) {
    return {
      kvEvents: 'unknown',
      reason: `kv-events: auto could not tell for ${unknown.map(line).join('; ')}; the router keeps its default (expects KV events)`,
      workers: verdicts,
    };
  }
  return {
    kvEvents: 'true',
    reason: `kv-events: auto decided true: every worker publishes KV events (${counted.map(line).join('; ')})`,
    workers: verdicts,
  };
}
