// The next command after a failure, decided in one place for every failure code × target: read
// from what the failure says where it names a cause (the kubectl command a not-found message
// names, `kubectl auth can-i` for the verb and resource a 403 names, the previous log of a
// crash-looping container), else the command that shows the cause at that target. '' where no
// command adds to the message. Pure.

import { shellJoin, shellQuote } from '../shell-words.js';
import type { FailureCode } from '../model/failure.js';

export interface FailureCommandContext {
  failure?: FailureCode;
  /** The failure's message: Kubernetes failures name the object, verb or pod to look at. */
  message?: string;
  url: string;
  namespace?: string;
  /** `namespace/name` of the frontend Service, once found. */
  service?: string;
  /** Kubernetes label selector for the frontend pods. */
  frontendSelector?: string;
  workerSelector?: string;
  /** The launched frontend's log file. */
  logPath?: string;
  apiKeySet: boolean;
  /** The run targeted Kubernetes (its own port-forward is gone when a person reads the command). */
  kubernetes?: boolean;
}

/** `namespace/name` → `kubectl port-forward -n namespace svc/name 8000:8000`: forward again. */
export function forwardCommand(namespace: string, service: string): string {
  const name = service.split('/').pop() as string;
  return shellJoin(['kubectl', 'port-forward', '-n', namespace, `svc/${name}`, '8000:8000']);
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

/**
 * On Kubernetes, where nothing more specific fits: the run's own port-forward is gone, so forward
 * again and ask the frontend; before a Service was found, list the DGDs.
 */
function reachAgainCommand(ctx: FailureCommandContext): string {
  if (ctx.service && ctx.namespace) {
    // Double quotes, so the shell expands the key from the environment (shellJoin would single-quote it).
    const auth = ctx.apiKeySet ? ' -H "Authorization: Bearer $DYNAMO_API_KEY"' : '';
    return `${forwardCommand(ctx.namespace, ctx.service)} & ${shellJoin(['curl', '-sS'])}${auth} http://127.0.0.1:8000/v1/models`;
  }
  return shellJoin(['kubectl', 'get', 'dynamographdeployments.nvidia.com', ...namespaceFlag(ctx)]);
}

function namespaceFlag(ctx: FailureCommandContext): string[] {
  return ctx.namespace ? ['-n', ctx.namespace] : [];
}

/** The command that shows a failure's cause at the run's target, or '' where none adds to the message. */
export function failureCommand(ctx: FailureCommandContext): string {
  const k8s = Boolean(ctx.kubernetes);
  const message = ctx.message ?? '';
  const ns = namespaceFlag(ctx);
  // A command the message itself names (built from the real names of what exists).
  const named = /`(kubectl [^`]+)`/.exec(message)?.[1];
  // shellJoin would single-quote the variable; the key stays in the environment.
  const authText = ctx.apiKeySet ? ' -H "Authorization: Bearer $DYNAMO_API_KEY"' : '';
  const curl = (flags: string[], url: string): string =>
    `${shellJoin(['curl', ...flags])}${authText} ${shellQuote(url)}`;
  const describeFrontend = (selector: string): string =>
    shellJoin(['kubectl', 'describe', 'pods', ...ns, '-l', selector]);

  switch (ctx.failure) {
    // Cluster failures, at any target: the cause the message names.
    case 'not-found':
      return named ?? (ctx.namespace ? shellJoin(['kubectl', 'get', 'dgd', ...ns]) : 'kubectl get dgd -A');
    case 'cluster-forbidden':
      return canICommand(message) ?? shellJoin(['kubectl', 'auth', 'can-i', '--list', ...ns]);
    case 'cluster-unauthorized':
      return 'kubectl auth whoami';
    case 'cluster-unreachable':
      return /No Kubernetes cluster is configured|KUBECONFIG names/.test(message)
        ? 'kubectl config get-contexts'
        : 'kubectl cluster-info';
    case 'cluster-response-too-large':
      // How many pods the same list really holds, through the same path to the API server.
      return `${shellJoin(['kubectl', 'get', 'pods', ...ns, ...(ctx.frontendSelector ? ['-l', ctx.frontendSelector] : []), '-o', 'name'])} | wc -l`;
    case 'rollout-timeout':
      // A crash-looping container's previous log, else the frontend pods' events.
      return (
        crashLogCommand(message, ctx.namespace) ??
        (ctx.frontendSelector ? describeFrontend(ctx.frontendSelector) : (named ?? ''))
      );
    case 'args-pin-mode':
    case 'conflict':
      return named ?? '';
    case 'workers-pin-mode':
      // The settings in the recipe file (grep) or the live object (kubectl … | grep).
      return /See them with `([^`]+)`/.exec(message)?.[1] ?? named ?? '';
    case 'bad-input':
    case 'internal':
      return '';

    // Frontend failures: the workers' log, the frontend's log, its endpoints, or a request to it.
    case 'launch-failed':
      if (k8s) return reachAgainCommand(ctx);
      // Before any launch (an interpreter without ai-dynamo) the message names the check to run.
      return ctx.logPath
        ? shellJoin(['tail', '-n', '100', ctx.logPath])
        : (/Check with `([^`]+)`/.exec(message)?.[1] ?? '');
    case 'no-models':
    case 'chat-error':
    case 'chat-timeout':
    case 'chat-invalid':
      if (ctx.workerSelector)
        return shellJoin(['kubectl', 'logs', ...ns, '-l', ctx.workerSelector, '--tail=100', '--prefix']);
      if (k8s) return reachAgainCommand(ctx);
      return curl(['-sS'], `${ctx.url}/v1/models`);
    case 'port-forward-failed':
      if (k8s) return reachAgainCommand(ctx);
      return ctx.frontendSelector ? describeFrontend(ctx.frontendSelector) : '';
    case 'frontend-unreachable':
      if (ctx.service)
        return shellJoin([
          'kubectl',
          'get',
          'endpoints',
          ...ns,
          ctx.service.split('/').pop() as string,
          '-o',
          'wide',
        ]);
      if (k8s) return reachAgainCommand(ctx);
      return shellJoin(['curl', '-sS', '-m', '5', `${ctx.url}/live`]);
    case 'unauthorized':
    case 'models-error':
      if (k8s) return reachAgainCommand(ctx);
      return curl(['-sS', '-i'], `${ctx.url}/v1/models`);
    case 'deployment-changed':
      // The workers and models the frontend knows now.
      if (ctx.workerSelector)
        return shellJoin(['kubectl', 'get', 'pods', ...ns, '-l', ctx.workerSelector, '-o', 'wide']);
      if (k8s) return reachAgainCommand(ctx);
      return curl(['-sS'], `${ctx.url}/health`);
    case 'mode-not-applied':
    case 'replica-mismatch':
    case 'mode-drift':
    case 'mode-unverified':
      // What runs is decided where the frontend was started: its log (launch), its pods' args
      // (Kubernetes); a bare URL shows only which router metrics moved.
      if (k8s && !ctx.frontendSelector) return reachAgainCommand(ctx);
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
      // unsupported-mode, direct-needs-worker-id, rejected-by-cluster, will-not-roll,
      // compare-failed: the message names what to change; on Kubernetes, reach the frontend again.
      return k8s ? reachAgainCommand(ctx) : '';
  }
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
