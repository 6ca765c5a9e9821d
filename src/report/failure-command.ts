// The next command after a failure, decided in one place for every failure code × target: from
// the cause its detector found (the command that lists what a not-found names, `kubectl auth
// can-i` for the verb and resource a 403 denied, the previous log of a crash-looping container),
// else the command that shows the cause at that target. '' where no command adds to the message.
// Reads the failure's data, never its words. Pure.

import type { FrontendCoordinates, TargetKind } from '../model/contract.js';
import type { FailureCause, FailureCode } from '../model/failure.js';
import { shellJoin, shellQuote } from '../shell-words.js';

/** What a failure's command is built from: the failure, and where the run got to. */
export interface FailureCommandInput {
  failure?: { code: FailureCode; cause?: FailureCause };
  target: TargetKind;
  url: string;
  /** `namespace/name` of the frontend Service, once found. */
  service?: string;
  at: Whereabouts;
  apiKeySet: boolean;
}

/** Where the run got to, besides its URL: the frontend on a cluster, or a launched frontend's log. */
export interface Whereabouts extends Omit<FrontendCoordinates, 'service'> {
  workerSelector?: string;
  /** The launched frontend's log file. */
  logPath?: string;
}

/** `namespace/name` → `kubectl port-forward -n namespace svc/name 8000:8000`: forward again. */
export function forwardCommand(namespace: string, service: string): string {
  const name = service.split('/').pop() as string;
  return shellJoin(['kubectl', 'port-forward', '-n', namespace, `svc/${name}`, '8000:8000']);
}

/** What the cluster denied → `kubectl auth can-i` for exactly that. */
function canICommand(denied: Extract<FailureCause, { kind: 'forbidden' }>): string {
  const [plural, sub] = denied.resource.split('/');
  const qualified = `${plural}${denied.group ? `.${denied.group}` : ''}${sub ? `/${sub}` : ''}`;
  return shellJoin([
    'kubectl',
    'auth',
    'can-i',
    denied.verb,
    qualified,
    ...(denied.namespace ? ['-n', denied.namespace] : []),
  ]);
}

/** A crash-looping container → its previous log. */
function crashLogCommand(
  crash: Extract<FailureCause, { kind: 'crash-loop' }>,
  namespace: string | undefined,
): string {
  return shellJoin([
    'kubectl',
    'logs',
    ...(namespace ? ['-n', namespace] : []),
    crash.pod,
    '-c',
    crash.container,
    '--previous',
    '--tail=100',
  ]);
}

/**
 * On Kubernetes, where nothing more specific fits: the run's own port-forward is gone, so forward
 * again and ask the frontend; before a Service was found, list the DGDs.
 */
function reachAgainCommand(ctx: FailureCommandInput): string {
  if (ctx.service && ctx.at.namespace) {
    // Double quotes, so the shell expands the key from the environment (shellJoin would single-quote it).
    const auth = ctx.apiKeySet ? ' -H "Authorization: Bearer $DYNAMO_API_KEY"' : '';
    return `${forwardCommand(ctx.at.namespace, ctx.service)} & ${shellJoin(['curl', '-sS'])}${auth} http://127.0.0.1:8000/v1/models`;
  }
  return shellJoin(['kubectl', 'get', 'dynamographdeployments.nvidia.com', ...namespaceFlag(ctx)]);
}

function namespaceFlag(ctx: FailureCommandInput): string[] {
  return ctx.at.namespace ? ['-n', ctx.at.namespace] : [];
}

/** The command that shows a failure's cause at the run's target, or '' where none adds to the message. */
export function failureCommand(ctx: FailureCommandInput): string {
  const k8s = ctx.target === 'kubernetes';
  const cause = ctx.failure?.cause;
  const { namespace, frontendSelector, workerSelector, logPath } = ctx.at;
  const ns = namespaceFlag(ctx);
  // shellJoin would single-quote the variable; the key stays in the environment.
  const authText = ctx.apiKeySet ? ' -H "Authorization: Bearer $DYNAMO_API_KEY"' : '';
  const curl = (flags: string[], url: string): string =>
    `${shellJoin(['curl', ...flags])}${authText} ${shellQuote(url)}`;
  const describeFrontend = (selector: string): string =>
    shellJoin(['kubectl', 'describe', 'pods', ...ns, '-l', selector]);

  switch (ctx.failure?.code) {
    // Cluster failures, at any target: the cause the detector found.
    case 'not-found':
      if (cause?.kind === 'missing') return cause.list;
      return namespace ? shellJoin(['kubectl', 'get', 'dgd', ...ns]) : 'kubectl get dgd -A';
    case 'cluster-forbidden':
      return cause?.kind === 'forbidden'
        ? canICommand(cause)
        : shellJoin(['kubectl', 'auth', 'can-i', '--list', ...ns]);
    case 'cluster-unauthorized':
      return 'kubectl auth whoami';
    case 'cluster-unreachable':
      return cause?.kind === 'no-kubeconfig' ? 'kubectl config get-contexts' : 'kubectl cluster-info';
    case 'cluster-response-too-large':
      // How many pods the same list really holds, through the same path to the API server.
      return `${shellJoin(['kubectl', 'get', 'pods', ...ns, ...(frontendSelector ? ['-l', frontendSelector] : []), '-o', 'name'])} | wc -l`;
    case 'rollout-timeout':
      // A crash-looping container's previous log, else the frontend pods' events.
      if (cause?.kind === 'crash-loop') return crashLogCommand(cause, namespace);
      return frontendSelector ? describeFrontend(frontendSelector) : '';
    case 'args-pin-mode':
    case 'conflict':
      return '';
    case 'workers-pin-mode':
      // The settings in the recipe file (grep) or the live object (kubectl … | grep).
      return cause?.kind === 'workers-advertise' ? (cause.show ?? '') : '';
    case 'bad-input':
    case 'internal':
      return '';

    // Frontend failures: the workers' log, the frontend's log, its endpoints, or a request to it.
    case 'launch-failed':
      if (k8s) return reachAgainCommand(ctx);
      // Before any launch (an interpreter without ai-dynamo), the check to run.
      if (logPath) return shellJoin(['tail', '-n', '100', logPath]);
      return cause?.kind === 'no-ai-dynamo' ? cause.check : '';
    case 'no-models':
    case 'chat-error':
    case 'chat-timeout':
    case 'chat-invalid':
      if (workerSelector)
        return shellJoin(['kubectl', 'logs', ...ns, '-l', workerSelector, '--tail=100', '--prefix']);
      if (k8s) return reachAgainCommand(ctx);
      return curl(['-sS'], `${ctx.url}/v1/models`);
    case 'port-forward-failed':
      if (k8s) return reachAgainCommand(ctx);
      return frontendSelector ? describeFrontend(frontendSelector) : '';
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
      if (workerSelector)
        return shellJoin(['kubectl', 'get', 'pods', ...ns, '-l', workerSelector, '-o', 'wide']);
      if (k8s) return reachAgainCommand(ctx);
      return curl(['-sS'], `${ctx.url}/health`);
    case 'mode-not-applied':
    case 'replica-mismatch':
    case 'mode-drift':
    case 'mode-unverified':
      // What runs is decided where the frontend was started: its log (launch), its pods' args
      // (Kubernetes); a bare URL shows only which router metrics moved.
      if (k8s && !frontendSelector) return reachAgainCommand(ctx);
      if (logPath) return shellJoin(['grep', '-n', '-i', 'router', logPath]);
      if (frontendSelector)
        return shellJoin([
          'kubectl',
          'get',
          'pods',
          ...ns,
          '-l',
          frontendSelector,
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

/** Advice for a rollout that stalled, by what kept its pod from serving (the generic advice is about slow image pulls). */
export function rolloutAdvice(cause: FailureCause | undefined): string | undefined {
  switch (cause?.kind) {
    case 'crash-loop':
      return 'the frontend container exits at start: read its previous log (the next command) and the last exit reason above; a router mode its Dynamo release lacks, or a bad argument, exits at start. Raising `rollout-timeout` will not help';
    case 'image-pull':
      return 'fix the image reference or the pull secret; raise `rollout-timeout` only when the pull is slow, not failing';
    case 'unschedulable':
      return 'free or add capacity for the frontend pod (the scheduler message says which resource), or lower its requests';
    case 'not-ready':
      return "read the frontend's log and its readiness probe (the next command)";
    default:
      return undefined;
  }
}
