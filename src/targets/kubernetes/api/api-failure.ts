// One mapping from the errors of API calls to RunFailure: 401, 403, 404, 409, refusals by the
// admission chain, connection, TLS and timeout problems, each with what the run was doing.

import { quote } from '../../../runner/redact.js';
import { ApiException } from './client.js';
import { RunFailure, type FailureCause } from '../../../model/failure.js';
import { asString, dig, isObject } from '../object/json.js';

export function unreachable(message: string, hint?: string): RunFailure {
  return new RunFailure('cluster-unreachable', message, hint);
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].replace(/\.$/, '');
}

interface StatusBody {
  reason?: string;
  message?: string;
}

function statusOf(body: unknown): StatusBody {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: quote(body, 300) };
    }
  }
  return { reason: asString(dig(parsed, 'reason')), message: asString(dig(parsed, 'message')) };
}

const NETWORK_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
];

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let i = 0; i < 5 && isObject(current); i++) {
    const code = asString(current.code);
    if (code) return code;
    current = current.cause;
  }
  return undefined;
}

/**
 * One mapping for every API error: 401, 403 (with the Status message, which names verb and
 * resource), 404, 409, connection/TLS/timeout problems. `what` names the request in words.
 */
export function apiFailure(error: unknown, what: string, server: string, notFoundHint?: string): RunFailure {
  if (error instanceof RunFailure) return error;
  if (error instanceof ApiException) {
    const status = statusOf(error.body);
    const detail = status.message ? `: ${status.message}` : '';
    const admission = admissionFailure(error.code, status, what);
    if (admission) return admission;
    switch (error.code) {
      case 401:
        return new RunFailure(
          'cluster-unauthorized',
          `The Kubernetes API server at ${server} rejected the credentials (401) while trying to ${what}.`,
        );
      case 403:
        return new RunFailure(
          'cluster-forbidden',
          `Forbidden (403) while trying to ${what}${detail}.`,
          undefined,
          [],
          forbiddenCause(status.message),
        );
      case 404:
        return new RunFailure('not-found', `Not found (404) while trying to ${what}${detail}.`, notFoundHint);
      case 409:
        return new RunFailure('conflict', `Conflict (409) while trying to ${what}${detail}.`);
      default:
        return new RunFailure(
          error.code >= 500 ? 'cluster-unreachable' : 'bad-input',
          `The Kubernetes API answered ${error.code}${status.reason ? ` ${status.reason}` : ''} while trying to ${what}${detail}.`,
          error.code >= 500
            ? 'retry later; check the API server health'
            : 'read the message: the server rejected the request',
        );
    }
  }
  const name = isObject(error) ? asString(error.name) : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return unreachable(
      `The Kubernetes API server at ${server} did not answer in time while trying to ${what}.`,
      'check the cluster is reachable from this runner (VPN, firewall, private endpoint)',
    );
  }
  const code = causeCode(error);
  const message = firstLine(error);
  if (code && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return unreachable(
      `TLS verification of the Kubernetes API server at ${server} failed (${code}).`,
      'check the kubeconfig certificate-authority data matches the cluster',
    );
  }
  if (code && NETWORK_CODES.includes(code)) {
    return unreachable(
      `The Kubernetes API server at ${server} could not be reached (${code}) while trying to ${what}.`,
      'check the cluster is reachable from this runner and the kubeconfig server address is right',
    );
  }
  if (/HTTP protocol is not allowed/.test(message)) {
    return unreachable(
      `The kubeconfig server ${server} is plain http:// without insecure-skip-tls-verify; the Kubernetes client refuses it.`,
      'use the https:// endpoint of the API server',
    );
  }
  return unreachable(`Could not ${what} on ${server}: ${message}.`);
}

/**
 * What the API server denied, read once, here, from its Status message, whose form the apiserver
 * fixes (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go, forbiddenMessage):
 * `User "u" cannot <verb> resource "<resource>[/<subresource>]" in API group "<group>" in the
 * namespace "<ns>"` (or `at the cluster scope`). Undefined when it does not say.
 */
export function forbiddenCause(message: string | undefined): FailureCause | undefined {
  const m = /cannot (\w+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/.exec(
    message ?? '',
  );
  if (!m) return undefined;
  const [, verb, resource, group, namespace] = m;
  return { kind: 'forbidden', verb, resource, group, namespace };
}

/**
 * Refusals by the cluster's admission chain rather than by RBAC or the network: a webhook that
 * denied the write (the operator's validation: 403 from older releases, 422 from newer ones), a
 * schema or CEL rule (422 Invalid), or a webhook that could not be called (500, failurePolicy Fail).
 */
function admissionFailure(code: number, status: StatusBody, what: string): RunFailure | undefined {
  const message = status.message ?? '';
  const denied = /admission webhook "([^"]+)" denied the request:?\s*([\s\S]*)/.exec(message);
  if (denied && code >= 400 && code < 500) {
    return new RunFailure(
      'rejected-by-cluster',
      `The cluster refused to ${what}: admission webhook ${denied[1]} denied the request (${code}): ${quote(denied[2] || 'without explanation', 600)}`,
      "fix what the webhook names in the object (or ask whoever runs the Dynamo operator); the identity's permissions are not the problem",
    );
  }
  const uncalled = /failed calling webhook "([^"]+)"/.exec(message);
  if (uncalled && code >= 500) {
    return new RunFailure(
      'rejected-by-cluster',
      `The cluster could not ${what}: its admission webhook ${uncalled[1]} could not be called (${code}), and it fails closed: ${quote(message, 600)}`,
      "the Dynamo operator's webhook is not serving: check the operator pods (`kubectl get pods -A -l app.kubernetes.io/name=dynamo-operator`) and run again once they are Ready",
    );
  }
  if (code === 422 && status.reason === 'Invalid') {
    return new RunFailure(
      'rejected-by-cluster',
      `The cluster refused to ${what} as invalid (422): ${quote(message, 600)}`,
      'fix the field the message names in the object; the change itself was not applied',
    );
  }
  return undefined;
}
