// The next command a person can paste: after a pass, a fuller comparison with matched settings;
// after a failure, the command that shows the cause.

import { shellJoin, shellQuote } from '../args.js';
import type { FailureCode } from '../failures.js';
import { failureCommand as causeCommand } from './failure-command.js';

export interface NextCommandContext {
  result: 'pass' | 'fail';
  failure?: FailureCode;
  target?: 'url' | 'launch' | 'kubernetes';
  url: string;
  model: string;
  mode: string;
  namespace?: string;
  deployment?: string;
  service?: string;
  /** Kubernetes label selector for the frontend pods. */
  frontendSelector?: string;
  workerSelector?: string;
  logPath?: string;
  apiKeySet: boolean;
  /** The workers' model path or hub id (worker args, launch args), for aiperf's tokenizer. */
  tokenizer?: string;
  /** The failure's message: Kubernetes failures name the object, verb or pod to look at. */
  message?: string;
  /** The run targeted Kubernetes. */
  kubernetes?: boolean;
  compare?: {
    concurrency: number;
    requests: number;
    prefixGroups: number;
    /** The workload's prefix length in words (see compare/workload.ts). */
    prefixTokens: number;
    maxTokens: number;
    seed: number;
  };
  /**
   * Token counts the frontend reported for the run's own comparison prompts (usage.prompt_tokens
   * over every successful sample), used to state the workload's lengths in tokens.
   */
  measured?: { promptTokensMean: number };
}

/** `namespace/name` → `name`. */
function serviceName(service: string): string {
  return service.split('/').pop() as string;
}

/** Words in each comparison prompt besides the prefix: `Request N:`, six words and `?`. */
export const SUFFIX_WORDS = 8;

/**
 * The comparison's lengths in tokens, for aiperf (which counts tokens, not words). With the
 * frontend's own count of the run's prompts, the mean prompt is split between the shared prefix
 * and the rest in proportion to their words; without it, one word is taken as one token (true
 * for common words in real models' vocabularies, not for tiny test tokenizers).
 */
export function tokenLengths(
  prefixWords: number,
  measured: NextCommandContext['measured'],
): { prefix: number; rest: number; from: 'measured' | 'words' } {
  if (!measured || !(measured.promptTokensMean > 0))
    return { prefix: prefixWords, rest: SUFFIX_WORDS, from: 'words' };
  const total = Math.round(measured.promptTokensMean);
  const prefix = Math.round((total * prefixWords) / (prefixWords + SUFFIX_WORDS));
  return { prefix, rest: Math.max(1, total - prefix), from: 'measured' };
}

/** A placeholder that cannot be mistaken for a value: aiperf stops on it with a clear error. */
export const TOKENIZER_PLACEHOLDER = '<TOKENIZER: model path or hub id of the workers>';

/** Why a failure's command would not help at this target, or the command that does. */
function failureCommand(ctx: NextCommandContext): string {
  // shellJoin would single-quote the variable; the key stays in the environment.
  const authText = ctx.apiKeySet ? ' -H "Authorization: Bearer $DYNAMO_API_KEY"' : '';
  const curl = (flags: string[], url: string): string =>
    `${shellJoin(['curl', ...flags])}${authText} ${shellQuote(url)}`;
  const ns = ctx.namespace ? ['-n', ctx.namespace] : [];
  // Kubernetes failures first: the cause the message names (failure-command.ts).
  const specific = causeCommand({ ...ctx, kubernetes: Boolean(ctx.kubernetes) });
  if (specific !== undefined) return specific;
  switch (ctx.failure) {
    case 'launch-failed':
      return ctx.logPath ? shellJoin(['tail', '-n', '100', ctx.logPath]) : '';
    case 'no-models':
    case 'chat-error':
    case 'chat-timeout':
    case 'chat-invalid':
      if (ctx.workerSelector)
        return shellJoin(['kubectl', 'logs', ...ns, '-l', ctx.workerSelector, '--tail=100', '--prefix']);
      return curl(['-sS'], `${ctx.url}/v1/models`);
    case 'rollout-timeout':
    case 'port-forward-failed':
      if (ctx.frontendSelector)
        return shellJoin(['kubectl', 'describe', 'pods', ...ns, '-l', ctx.frontendSelector]);
      return '';
    case 'frontend-unreachable':
      if (ctx.service)
        return shellJoin(['kubectl', 'get', 'endpoints', ...ns, serviceName(ctx.service), '-o', 'wide']);
      return shellJoin(['curl', '-sS', '-m', '5', `${ctx.url}/live`]);
    case 'unauthorized':
    case 'models-error':
      return curl(['-sS', '-i'], `${ctx.url}/v1/models`);
    case 'mode-not-applied':
      // What runs is decided where the frontend was started: its log (launch), its pods' args
      // (Kubernetes); a bare URL shows only which router metrics moved.
      if (ctx.logPath) return shellJoin(['grep', '-n', '-i', 'router', ctx.logPath]);
      if (ctx.frontendSelector)
        return shellJoin([
          'kubectl',
          'get',
          'pods',
          ...ns,
          '-l',
          ctx.frontendSelector,
          '-o',
          'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.containers[0].args}{"\\t"}{.spec.containers[0].env}{"\\n"}{end}',
        ]);
      return `${curl(['-sS'], `${ctx.url}/metrics`)} | grep -E '^dynamo_(component_router_requests_total|component_router_kv_hit_rate_count|router_overhead_total_ms_count)'`;
    default:
      // bad-input, unsupported-mode, args-pin-mode, direct-needs-worker-id, cluster-*, not-found,
      // conflict, compare-failed, internal: the message itself names what to change.
      return '';
  }
}

export function nextCommand(ctx: NextCommandContext): string {
  if (ctx.result === 'fail') return failureCommand(ctx);
  const c = ctx.compare ?? {
    concurrency: 4,
    requests: 200,
    prefixGroups: 4,
    prefixTokens: 512,
    maxTokens: 64,
    seed: 42,
  };
  // The run's own port-forward is gone when a person reads this: forward again first.
  const forwarded = Boolean(ctx.service && ctx.namespace && /^http:\/\/127\.0\.0\.1:\d+$/.test(ctx.url));
  const url = forwarded ? 'http://127.0.0.1:8000' : ctx.url;
  const prefix = forwarded
    ? `${shellJoin(['kubectl', 'port-forward', '-n', ctx.namespace as string, `svc/${serviceName(ctx.service as string)}`, '8000:8000'])} & `
    : '';
  const lengths = tokenLengths(c.prefixTokens, ctx.compare ? ctx.measured : undefined);
  // aiperf (NVIDIA's load generator for Dynamo), in its own main flag names: the same model,
  // streaming, concurrency, request count, shared-prefix pool and seed as the run's comparison,
  // lengths in tokens, output length held (ignore_eos) and the server's token counts.
  return (
    prefix +
    shellJoin([
      'aiperf',
      'profile',
      '--model-names',
      ctx.model || 'MODEL',
      '--tokenizer',
      ctx.tokenizer || TOKENIZER_PLACEHOLDER,
      '--url',
      url,
      '--endpoint-type',
      'chat',
      '--streaming',
      '--concurrency',
      String(c.concurrency),
      '--request-count',
      String(c.requests),
      '--prompt-prefix-pool-size',
      String(c.prefixGroups),
      '--prompt-prefix-length',
      String(lengths.prefix),
      '--prompt-input-tokens-mean',
      String(lengths.rest),
      '--prompt-input-tokens-stddev',
      '0',
      '--prompt-output-tokens-mean',
      String(c.maxTokens),
      '--extra-inputs',
      'ignore_eos:true',
      '--use-server-token-count',
      '--random-seed',
      String(c.seed),
    ]) +
    // Double quotes so the shell expands the key from the environment; it is never printed.
    (ctx.apiKeySet ? ' --api-key "$DYNAMO_API_KEY"' : '')
  );
}
