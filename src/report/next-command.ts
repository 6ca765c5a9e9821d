// The next command a person can paste: after a pass, a fuller comparison with matched settings;
// after a failure, the command that shows the cause.

import { shellJoin } from '../args.js';
import type { FailureCode } from '../failures.js';

export interface NextCommandContext {
  result: 'pass' | 'fail';
  failure?: FailureCode;
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
  compare?: {
    concurrency: number;
    requests: number;
    prefixGroups: number;
    prefixTokens: number;
    maxTokens: number;
    seed: number;
  };
}

/** `namespace/name` → `name`. */
function serviceName(service: string): string {
  return service.split('/').pop() as string;
}

export function nextCommand(ctx: NextCommandContext): string {
  const auth = ctx.apiKeySet ? ['-H', 'Authorization: Bearer $DYNAMO_API_KEY'] : [];
  const ns = ctx.namespace ? ['-n', ctx.namespace] : [];
  if (ctx.result === 'fail') {
    switch (ctx.failure) {
      case 'bad-input':
        return '';
      case 'launch-failed':
        return ctx.logPath ? shellJoin(['tail', '-n', '100', ctx.logPath]) : '';
      case 'no-models':
      case 'chat-error':
      case 'chat-timeout':
      case 'chat-invalid':
        if (ctx.workerSelector)
          return shellJoin(['kubectl', 'logs', ...ns, '-l', ctx.workerSelector, '--tail=100', '--prefix']);
        return shellJoin(['curl', '-sS', ...auth, `${ctx.url}/v1/models`]);
      case 'rollout-timeout':
      case 'port-forward-failed':
        if (ctx.frontendSelector)
          return shellJoin(['kubectl', 'describe', 'pods', ...ns, '-l', ctx.frontendSelector]);
        return '';
      case 'frontend-unreachable':
        if (ctx.service)
          return shellJoin(['kubectl', 'get', 'endpoints', ...ns, serviceName(ctx.service), '-o', 'wide']);
        return shellJoin(['curl', '-sS', '-m', '5', `${ctx.url}/live`]);
      default:
        return shellJoin(['curl', '-sS', ...auth, `${ctx.url}/v1/models`]);
    }
  }
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
  // aiperf is NVIDIA's load generator for Dynamo: same model, streaming, fixed seed and a
  // repeated shared prefix, so a second run in another mode is a matched comparison.
  return (
    prefix +
    shellJoin([
      'aiperf',
      'profile',
      '--model',
      ctx.model || 'MODEL',
      '--url',
      url,
      '--endpoint-type',
      'chat',
      '--streaming',
      '--concurrency',
      String(c.concurrency),
      '--request-count',
      String(c.requests),
      '--num-prefix-prompts',
      String(c.prefixGroups),
      '--prefix-prompt-length',
      String(c.prefixTokens),
      '--synthetic-input-tokens-mean',
      '128',
      '--output-tokens-mean',
      String(c.maxTokens),
      '--random-seed',
      String(c.seed),
    ])
  );
}
