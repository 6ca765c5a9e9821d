// `kv-events: auto`: do the workers publish KV cache events? Decided from their command lines,
// the only place engines are told to publish. Pure.

import type { KvEventsVerdict } from '../../plan.js';
import type { WorkerSpec } from './dgd.js';
import { effectiveArgv } from '../../pinned-args.js';

export type Publishes = 'yes' | 'no' | 'unknown' | 'decode-only';

export interface WorkerVerdict {
  component: string;
  engine: string;
  publishes: Publishes;
  why: string;
}

function flagValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1] ?? '';
    if (argv[i].startsWith(`${flag}=`)) return argv[i].slice(flag.length + 1);
  }
  return undefined;
}

function isDecodeOnly(argv: string[]): boolean {
  return argv.includes('--is-decode-worker') || flagValue(argv, '--disaggregation-mode') === 'decode';
}

export function judgeWorker(worker: WorkerSpec): WorkerVerdict {
  const argv = effectiveArgv(worker.command, worker.args);
  const has = (module: string) =>
    argv.some((a) => a === module || a.endsWith(`/${module}`) || a.includes(`-m ${module}`));
  const v = (engine: string, publishes: Publishes, why: string): WorkerVerdict => ({
    component: worker.component,
    engine,
    publishes,
    why,
  });
  if (has('dynamo.mocker')) {
    if (isDecodeOnly(argv)) return v('mocker', 'decode-only', 'a decode-only mocker publishes no KV events');
    if (argv.includes('--no-enable-prefix-caching'))
      return v('mocker', 'no', 'started with --no-enable-prefix-caching, so it publishes no KV events');
    if (flagValue(argv, '--extra-engine-args') !== undefined) {
      return v(
        'mocker',
        'unknown',
        'its --extra-engine-args file may turn prefix caching (and so KV events) off',
      );
    }
    return v('mocker', 'yes', 'the mocker publishes KV events by default (prefix caching on)');
  }
  if (has('dynamo.vllm')) {
    if (isDecodeOnly(argv)) return v('vLLM', 'decode-only', 'a decode-only worker');
    const config = flagValue(argv, '--kv-events-config');
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
    if (isDecodeOnly(argv)) return v('SGLang', 'decode-only', 'a decode-only worker');
    return flagValue(argv, '--kv-events-config') !== undefined
      ? v('SGLang', 'yes', 'started with --kv-events-config')
      : v('SGLang', 'no', 'no --kv-events-config: SGLang publishes no KV events by default');
  }
  if (has('dynamo.trtllm')) {
    return argv.includes('--publish-events-and-metrics')
      ? v('TensorRT-LLM', 'yes', 'started with --publish-events-and-metrics')
      : v(
          'TensorRT-LLM',
          'no',
          'no --publish-events-and-metrics: TensorRT-LLM publishes no KV events by default',
        );
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

export function decideKvEvents(workers: WorkerSpec[]): KvEventsAuto {
  const verdicts = workers.map(judgeWorker);
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
