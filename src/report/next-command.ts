// The next command a person can paste: after a pass, a fuller comparison with matched settings;
// after a failure, the command that shows the cause (failure-command.ts decides it). Pure.

import type { CompareInputs } from '../settings/compare.js';
import type { Contract } from '../model/contract.js';
import { shellJoin } from '../shell-words.js';
import { failureCommand, forwardCommand, type Whereabouts } from './failure-command.js';

/** What the next command is built from: the Contract as it stands, and what it does not carry. */
export interface NextCommandInput {
  contract: Pick<
    Contract,
    'result' | 'failure' | 'target' | 'url' | 'model' | 'mode' | 'service' | 'comparison'
  >;
  /** Where the run got to: the frontend on a cluster, or a launched frontend's log. */
  at: Whereabouts;
  /** The workers' model path or hub id (worker args, launch args), for aiperf's tokenizer. */
  tokenizer?: string;
  /** The run's own comparison workload (compare-modes), matched by the aiperf command. */
  compare?: Omit<CompareInputs, 'modes'>;
  apiKeySet: boolean;
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
  measured: { promptTokensMean: number } | undefined,
): { prefix: number; rest: number; from: 'measured' | 'words' } {
  if (!measured || !(measured.promptTokensMean > 0))
    return { prefix: prefixWords, rest: SUFFIX_WORDS, from: 'words' };
  const total = Math.round(measured.promptTokensMean);
  const prefix = Math.round((total * prefixWords) / (prefixWords + SUFFIX_WORDS));
  return { prefix, rest: Math.max(1, total - prefix), from: 'measured' };
}

/** A placeholder that cannot be mistaken for a value: aiperf stops on it with a clear error. */
export const TOKENIZER_PLACEHOLDER = '<TOKENIZER: model path or hub id of the workers>';

/**
 * The frontend's own mean prompt length over the comparison's successful requests: the token
 * counts a person's aiperf run should match.
 */
export function measuredPrompts(
  contract: Pick<Contract, 'comparison'>,
): { promptTokensMean: number } | undefined {
  const modes = contract.comparison?.modes ?? [];
  const samples = modes.reduce((n, m) => n + m.samples, 0);
  const tokens = modes.reduce((n, m) => n + m.promptTokens, 0);
  return samples > 0 && tokens > 0 ? { promptTokensMean: tokens / samples } : undefined;
}

export function nextCommand(input: NextCommandInput): string {
  const { contract, at } = input;
  // After a latency regression the next step is a real measurement: the same load command as a pass.
  if (contract.result === 'fail' && contract.failure?.code !== 'regression')
    return failureCommand({
      failure: contract.failure,
      target: contract.target,
      url: contract.url,
      service: contract.service || undefined,
      at,
      apiKeySet: input.apiKeySet,
    });
  const c = input.compare ?? {
    concurrency: 4,
    requests: 200,
    prefixGroups: 4,
    prefixTokens: 512,
    maxTokens: 64,
    seed: 42,
  };
  // The run's own port-forward is gone when a person reads this: forward again first.
  const forwarded = Boolean(
    contract.service && at.namespace && /^http:\/\/127\.0\.0\.1:\d+$/.test(contract.url),
  );
  const url = forwarded ? 'http://127.0.0.1:8000' : contract.url;
  const prefix = forwarded ? `${forwardCommand(at.namespace as string, contract.service)} & ` : '';
  const lengths = tokenLengths(c.prefixTokens, input.compare ? measuredPrompts(contract) : undefined);
  // aiperf (NVIDIA's load generator for Dynamo), in its own main flag names: the same model,
  // streaming, concurrency, request count, shared-prefix pool and seed as the run's comparison,
  // lengths in tokens, output length held (ignore_eos) and the server's token counts.
  return (
    prefix +
    shellJoin([
      'aiperf',
      'profile',
      '--model-names',
      contract.model || 'MODEL',
      '--tokenizer',
      input.tokenizer || TOKENIZER_PLACEHOLDER,
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
    (input.apiKeySet ? ' --api-key "$DYNAMO_API_KEY"' : '')
  );
}
