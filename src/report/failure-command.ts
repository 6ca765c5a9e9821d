// The next command after a Kubernetes failure, read from what the failure says: the kubectl command
// a not-found message names, `kubectl auth can-i` for the verb and resource a 403 names, the previous
// log of a crash-looping container. Pure; undefined when the generic advice applies.

import { shellJoin } from '../args.js';
import type { FailureCode } from '../failures.js';

export interface FailureCommandContext {
  failure?: FailureCode;
  /** The failure's message (it names objects, verbs and resources). */
  message?: string;
  namespace?: string;
  frontendSelector?: string;
  workerSelector?: string;
  /** `namespace/name` of the frontend Service, once found. */
  service?: string;
  apiKeySet?: boolean;
  /** True when the run targeted Kubernetes (a curl to the check URL helps nothing before a forward). */
  kubernetes: boolean;
}

/** `… cannot get resource "pods/log" in API group "" in the namespace "dynamo"` → kubectl auth can-i. */
export function canICommand(message: string): string | undefined {
  const m = /cannot (\w+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/.exec(
    message,
  );
  if (!m) return undefined;
  const [, verb, resource, group, namespace] = m;
  const [plural, sub] = resource.split('/');
  const qualified = `${plural}${group ? `.${group}` : ''}${sub ? `/${sub}` : ''}`;
  return shellJoin(['kubectl', 'auth', 'can-i', verb, qualified, ...(namespace ? ['-n', namespace] : [])]);
}

/** `<pod> is in CrashLoopBackOff (container <c>, …` → the previous container's log. */
export function crashLogCommand(message: string, namespace: string | undefined): string | undefined {
  const m = /(\S+) is in CrashLoopBackOff \(container ([^,)]+)/.exec(message);
  if (!m) return undefined;
  return shellJoin([
    'kubectl',
    'logs',
    ...(namespace ? ['-n', namespace] : []),
    m[1],
    '-c',
    m[2],
    '--previous',
    '--tail=100',
  ]);
}

export function failureCommand(ctx: FailureCommandContext): string | undefined {
  const message = ctx.message ?? '';
  const ns = ctx.namespace ? ['-n', ctx.namespace] : [];
  const named = /`(kubectl [^`]+)`/.exec(message)?.[1];
  switch (ctx.failure) {
    case 'not-found':
      // The message lists what exists with a command built from the real names.
      return named ?? (ctx.namespace ? shellJoin(['kubectl', 'get', 'dgd', ...ns]) : 'kubectl get dgd -A');
    case 'cluster-forbidden':
      return canICommand(message) ?? shellJoin(['kubectl', 'auth', 'can-i', '--list', ...ns]);
    case 'cluster-unauthorized':
      return 'kubectl auth whoami';
    case 'cluster-unreachable':
      return /No Kubernetes cluster is configured|KUBECONFIG names/.test(message)
        ? 'kubectl config get-contexts'
        : 'kubectl cluster-info';
    case 'rollout-timeout':
      return (
        crashLogCommand(message, ctx.namespace) ??
        (ctx.frontendSelector
          ? shellJoin(['kubectl', 'describe', 'pods', ...ns, '-l', ctx.frontendSelector])
          : named)
      );
    case 'args-pin-mode':
    case 'conflict':
      return named ?? (ctx.kubernetes ? '' : undefined);
    case 'internal':
      return ctx.kubernetes ? '' : undefined;
    case 'bad-input':
      return undefined;
    default:
      return ctx.kubernetes ? kubernetesCheckCommand(ctx) : undefined;
  }
}

/**
 * After a failed check on Kubernetes the run's own port-forward is gone: the workers' log when the
 * workers are known, else forward again and ask the frontend; before a Service was found, list the DGDs.
 */
function kubernetesCheckCommand(ctx: FailureCommandContext): string | undefined {
  const workerSide = ['no-models', 'chat-error', 'chat-timeout', 'chat-invalid'].includes(ctx.failure ?? '');
  if (workerSide && ctx.workerSelector) return undefined; // the generic worker-log command fits
  if (ctx.failure === 'frontend-unreachable' && ctx.service) return undefined; // its endpoints
  if (ctx.failure === 'mode-not-applied' && ctx.frontendSelector) return undefined; // the pods' args
  const ns = ctx.namespace ? ['-n', ctx.namespace] : [];
  if (ctx.service && ctx.namespace) {
    const name = ctx.service.split('/').pop() as string;
    const auth = ctx.apiKeySet ? ['-H', 'Authorization: Bearer $DYNAMO_API_KEY'] : [];
    return `${shellJoin(['kubectl', 'port-forward', ...ns, `svc/${name}`, '8000:8000'])} & ${shellJoin(['curl', '-sS', ...auth, 'http://127.0.0.1:8000/v1/models'])}`;
  }
  return shellJoin(['kubectl', 'get', 'dynamographdeployments.nvidia.com', ...ns]);
}

/** Advice for a rollout that stalled, by its cause (the generic advice is about slow image pulls). */
export function rolloutAdvice(message: string): string | undefined {
  if (/CrashLoopBackOff/.test(message))
    return 'the frontend container exits at start: read its previous log (the next command) and the last exit reason above; a router mode its Dynamo release lacks, or a bad argument, exits at start. Raising `rollout-timeout` will not help';
  if (/cannot pull its image/.test(message))
    return 'fix the image reference or the pull secret; raise `rollout-timeout` only when the pull is slow, not failing';
  if (/cannot be scheduled/.test(message))
    return 'free or add capacity for the frontend pod (the scheduler message says which resource), or lower its requests';
  if (/not Ready/.test(message)) return "read the frontend's log and its readiness probe (the next command)";
  return undefined;
}
