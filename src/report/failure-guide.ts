// What each failure code usually means and the next step a person should take, in words: shown
// in the summary, the annotation and the CLI's JSON. A failure's own hint, when it has one,
// replaces the generic next step.

import type { Contract, TargetKind } from '../model/contract.js';
import type { FailureCause, FailureCode } from '../model/failure.js';

/** What a failure usually means and what to do next; shown in the summary and as an annotation. */
export const FAILURE_GUIDE: Record<FailureCode, { cause: string; next: string }> = {
  'bad-input': {
    cause: 'an input is missing, malformed or out of range; nothing was contacted or changed',
    next: 'fix the input named in the message',
  },
  'launch-failed': {
    cause: 'the frontend process did not start or did not become live in time',
    next: 'read the frontend log shown in the details; check that `python` has ai-dynamo installed and the port is free',
  },
  'frontend-unreachable': {
    cause: 'nothing answered at the frontend URL (connection refused, reset or timed out)',
    next: 'check the URL and port; on Kubernetes re-forward and check the Service name: the operator names it `<dgd-name>-<frontend component>` in lower case with dots as dashes (DGD `qwen3-0.6b` → `qwen3-0-6b-frontend`)',
  },
  unauthorized: {
    cause: 'the frontend rejected the request (401/403)',
    next: 'pass the key in the `api-key` input (from a secret)',
  },
  'models-error': {
    cause: '`GET /v1/models` did not answer 200 with a model list',
    next: 'check that the URL points at a Dynamo frontend and read the frontend logs',
  },
  'no-models': {
    cause: 'the frontend is up but lists no model: no worker registered with it',
    next: 'check the workers are running (on Kubernetes: their pods are Ready) and use the same discovery backend as the frontend; raise `retries` if workers register slowly',
  },
  'chat-error': {
    cause: 'the chat completion request failed',
    next: 'inspect the worker logs; the frontend answered but could not serve the model',
  },
  'chat-invalid': {
    cause: 'the chat completion answered 200 but without a usable message',
    next: 'inspect the worker logs and the model chat template',
  },
  'chat-timeout': {
    cause: 'the frontend is up but the chat request did not finish in time: workers are not serving',
    next: 'inspect the worker logs; raise `timeout` for slow models',
  },
  'direct-needs-worker-id': {
    cause: 'direct mode rejects requests that do not name a worker in `x-dynamo-worker-instance-id`',
    next: 'send the header with a real worker instance id, or pick another mode',
  },
  'cluster-unreachable': {
    cause: 'the Kubernetes API server could not be reached or no cluster is configured',
    next: 'run a credentials step first (azure/k8s-set-context, get-gke-credentials, aws eks update-kubeconfig) so KUBECONFIG is set',
  },
  'cluster-unauthorized': {
    cause: 'the Kubernetes API server rejected the credentials (401)',
    next: 'refresh the kubeconfig credentials',
  },
  'cluster-forbidden': {
    cause: 'the Kubernetes identity lacks a permission (403)',
    next: 'grant the verb and resource named in the message to the identity',
  },
  'cluster-response-too-large': {
    cause:
      'the Kubernetes API (or something between it and the runner) sent more than the action reads: a response or one watch event over its byte cap',
    next: 'check what sits between the runner and the API server (a proxy or load balancer); narrow the namespace or selector if the list is really that large (limits: README, Security)',
  },
  'rejected-by-cluster': {
    cause:
      "the cluster's admission refused the write: the Dynamo operator's webhook denied it, a schema rule found the object invalid, or the webhook could not be called",
    next: "read the webhook's message: fix the object it names, or bring the operator's webhook back; permissions are not the problem",
  },
  'not-found': {
    cause: 'a namespace, deployment, service or pod the run needs does not exist',
    next: 'check the names; the operator names the frontend Service `<dgd-name>-<frontend component>` in lower case with dots as dashes, usually `<dgd-name>-frontend`',
  },
  'args-pin-mode': {
    cause: "the frontend's command line pins the router mode, so an env patch would have no effect",
    next: 'remove the argument named in the message from the frontend args (or change it there)',
  },
  'workers-pin-mode': {
    cause:
      'the workers advertise another router mode (DYN_ROUTER_MODE or --router-mode on them, often from the graph-level env), and Dynamo 1.5+ routes a worker set in the mode its workers advertise; nothing was written',
    next: 'remove the setting named in the message from the workers (set the mode on the frontend component only), or ask for the mode they advertise',
  },
  'unsupported-mode': {
    cause:
      "the frontend's Dynamo release lacks the router mode, flag or env the run would set, so the frontend would exit at start; nothing was launched or written",
    next: 'pick a mode the release offers (the message lists them), or upgrade Dynamo to the release the message names',
  },
  conflict: {
    cause: 'the object kept changing under the run (409 conflicts beyond the retry budget)',
    next: 'run again once the other writer has finished; use a `concurrency` group in the workflow',
  },
  'rollout-timeout': {
    cause: 'the frontend pods did not become Ready with the new env in time',
    next: 'read the pod status and events shown; raise `rollout-timeout` for slow image pulls',
  },
  'will-not-roll': {
    cause:
      "the operator will not replace the running frontend pods (Grove's OnDelete update strategy), so an env change would not reach them",
    next: 'switch the DGD to RollingRecreate, or apply the change and delete the frontend pods yourself (the message has the command)',
  },
  'port-forward-failed': {
    cause: 'the port-forward to the frontend pod could not be opened or dropped',
    next: 'check the pod is Running and that the identity may get and create pods/portforward (deploy/rbac.yaml)',
  },
  'mode-not-applied': {
    cause: 'the frontend does not run in the requested router mode',
    next: "check what pins the mode: the frontend's flags (they beat DYN_ROUTER_MODE), workers that advertise their own mode (Dynamo 1.5+: --router-mode or DYN_ROUTER_MODE on the workers), or a release that ignores the env",
  },
  'replica-mismatch': {
    cause:
      'one frontend replica routes differently from the others or from the requested mode, so clients get either: the rollout did not reach every pod (a stalled or paused rollout, Grove OnDelete)',
    next: "compare the named pod's router env and args with the other replicas', then delete it so its controller recreates it from the current spec (or finish the rollout)",
  },
  'compare-failed': {
    cause: 'the mode comparison could not complete',
    next: 'read the per-mode errors in the details',
  },
  'mode-drift': {
    cause:
      'the frontend routes in another mode than `expect-mode` asserts, or than the recent runs in `history` saw; this run changed nothing',
    next: 'change the mode back where the message says it is set (the env entry, the frontend argument or the workers’ own router settings), or, if the change was intended, run once with `accept-change: true`',
  },
  'mode-unverified': {
    cause: '`require-verified: true`, and the evidence could not prove which mode the frontend runs',
    next: 'give the run the evidence it lacks (the message says which: the frontend log, the router metrics, more workers for the routing pattern), or drop `require-verified`',
  },
  regression: {
    cause:
      'the latency of this run is worse than the runs in `history` with statistical confidence and by at least `regression-ratio`',
    next: 'compare the workers and models named in the summary with the last good run; measure under load with the next command; if the new level is intended, run once with `accept-change: true`',
  },
  'deployment-changed': {
    cause:
      'the workers, models or KV events differ from the last run in `history`, and `fail-on-change` names that kind of change',
    next: 'read the change named in the message; if it was intended, run once with `accept-change: true`',
  },
  internal: {
    cause: 'an unexpected error inside the action',
    next: 'open an issue with the log (secrets are masked)',
  },
};

/** A failure as the Contract carries it: the code's words, and the failure's own next step and cause. */
export function failureOf(
  code: FailureCode,
  message: string,
  next?: string,
  cause?: FailureCause,
): NonNullable<Contract['failure']> {
  return {
    code,
    message,
    likelyCause: FAILURE_GUIDE[code].cause,
    next: next ?? FAILURE_GUIDE[code].next,
    ...(cause ? { cause } : {}),
  };
}

/** `no-models`' next step in the terms of the run's target: where its workers are. */
export function noModelsNext(target: TargetKind): string {
  if (target === 'kubernetes')
    return 'check the worker pods are Ready and use the same discovery backend as the frontend; raise `retries` if workers register slowly';
  if (target === 'launch')
    return "check the workers on this runner are running and registered with the launched frontend's discovery backend (e.g. `--discovery-backend file` in `frontend-args`, with the workers' DYN_FILE_KV); raise `retries` if they register slowly";
  return 'check the workers behind that frontend are running and registered with its discovery backend; raise `retries` if they register slowly';
}
