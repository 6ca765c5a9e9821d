// The next command's input from one flat list of what a run knows, so that a test names only what
// it varies: the Contract's fields, where the run got to, and the run's own workload.
import type { Comparison } from '../../src/model/comparison.js';
import type { TargetKind } from '../../src/model/contract.js';
import type { FailureCause, FailureCode } from '../../src/model/failure.js';
import type { NextCommandInput } from '../../src/report/next-command.js';

export interface RunKnows {
  result: 'pass' | 'fail';
  failure?: FailureCode;
  cause?: FailureCause;
  target?: TargetKind;
  /** Shorthand for `target: 'kubernetes'`. */
  kubernetes?: boolean;
  url: string;
  model: string;
  mode: string;
  namespace?: string;
  service?: string;
  frontendSelector?: string;
  workerSelector?: string;
  logPath?: string;
  tokenizer?: string;
  compare?: NextCommandInput['compare'];
  /** The frontend's mean prompt length over the comparison (as its usage counts said). */
  measured?: { promptTokensMean: number };
  apiKeySet: boolean;
}

export function nextInput(k: RunKnows): NextCommandInput {
  // A comparison whose successful samples average `measured` prompt tokens.
  const comparison = k.measured
    ? ({
        modes: [{ samples: 1000, promptTokens: k.measured.promptTokensMean * 1000 }],
      } as unknown as Comparison)
    : undefined;
  return {
    contract: {
      result: k.result,
      failure: k.failure
        ? { code: k.failure, message: '', likelyCause: '', next: '', ...(k.cause ? { cause: k.cause } : {}) }
        : undefined,
      target: k.target ?? (k.kubernetes ? 'kubernetes' : 'url'),
      url: k.url,
      model: k.model,
      mode: k.mode,
      service: k.service ?? '',
      comparison,
    },
    at: {
      namespace: k.namespace,
      frontendSelector: k.frontendSelector,
      workerSelector: k.workerSelector,
      logPath: k.logPath,
    },
    tokenizer: k.tokenizer,
    compare: k.compare,
    apiKeySet: k.apiKeySet,
  };
}
