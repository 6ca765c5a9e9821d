// The next command a person can paste: after a pass, a fuller comparison with matched settings;
// after a failure, the command that shows the cause (failure-command.ts decides it).

import { shellJoin } from '../shell-words.js';
import { failureCommand, forwardCommand, type FailureCommandContext } from './failure-command.js';

/** What the run knows; the fields a failure's command reads are in FailureCommandContext. */
export interface NextCommandContext extends FailureCommandContext {
  result: 'pass' | 'fail';
  target?: 'url' | 'launch' | 'kubernetes';
  model: string;
  mode: string;
  deployment?: string;
  /** The workers' model path or hub id (worker args, launch args), for aiperf's tokenizer. */
  tokenizer?: string;
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

export function nextCommand(ctx: NextCommandContext): string {
  // After a latency regression the next step is a real measurement: the same load command as a pass.
  if (ctx.result === 'fail' && ctx.failure !== 'regression') return failureCommand(ctx);
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
  const prefix = forwarded ? `${forwardCommand(ctx.namespace as string, ctx.service as string)} & ` : '';
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
