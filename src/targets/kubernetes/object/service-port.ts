// Service → pod and port, as kube-proxy would pick them: the Service's selector, its HTTP port,
// and the targetPort (a number, or a name looked up in the pod's container ports). Pure.

import { RunFailure } from '../../../model/failure.js';
import { asArray, asObject, asString, dig, isObject, type JsonObject } from './json.js';

export function selectorOf(labels: Record<string, unknown> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

export function serviceSelector(service: JsonObject): string {
  return selectorOf(asObject(dig(service, 'spec', 'selector')));
}

export interface ServicePort {
  port: number;
  /** A number, or a container port name to look up in the pod. */
  targetPort: number | string;
  name?: string;
}

/** The Service port the frontend answers HTTP on: named `http`, else 8000, else the only one. */
export function frontendServicePort(service: JsonObject): ServicePort {
  const ports = (asArray(dig(service, 'spec', 'ports')) ?? []).filter(isObject);
  const chosen = ports.find((p) => p.name === 'http') ?? ports.find((p) => p.port === 8000) ?? ports[0];
  if (!chosen) {
    throw new RunFailure(
      'port-forward-failed',
      `Service ${String(dig(service, 'metadata', 'name'))} has no ports.`,
      'give the frontend Service an http port (8000)',
    );
  }
  const port = Number(chosen.port);
  const target = chosen.targetPort;
  return {
    port,
    targetPort:
      typeof target === 'number'
        ? target
        : typeof target === 'string' && target !== ''
          ? /^\d+$/.test(target)
            ? Number(target)
            : target
          : port,
    name: asString(chosen.name),
  };
}

export function podReady(pod: JsonObject): boolean {
  if (dig(pod, 'metadata', 'deletionTimestamp')) return false;
  return (asArray(dig(pod, 'status', 'conditions')) ?? []).some(
    (c) => isObject(c) && c.type === 'Ready' && c.status === 'True',
  );
}

/** The container port a Service targetPort lands on in this pod; undefined when a name is missing. */
export function containerPortFor(pod: JsonObject, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  for (const container of (asArray(dig(pod, 'spec', 'containers')) ?? []).filter(isObject)) {
    for (const port of (asArray(container.ports) ?? []).filter(isObject)) {
      if (port.name === target && typeof port.containerPort === 'number') return port.containerPort;
    }
  }
  return undefined;
}

/** The newest Ready pod (after a rollout, the new one), with the port to forward to. */
export function pickPod(
  pods: JsonObject[],
  target: number | string,
): { pod: string; port: number } | undefined {
  const created = (p: JsonObject) => Date.parse(String(dig(p, 'metadata', 'creationTimestamp') ?? '')) || 0;
  const ready = pods.filter(podReady).sort((a, b) => created(b) - created(a));
  for (const pod of ready) {
    const port = containerPortFor(pod, target);
    const name = asString(dig(pod, 'metadata', 'name'));
    if (port !== undefined && name) return { pod: name, port };
  }
  return undefined;
}
