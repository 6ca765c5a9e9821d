// The stand-in API server's options and the shapes it shares with routes/ (one request log entry,
// the RBAC configuration, the hooks into the kubelet and controllers): a module of types, so the
// routes need not import the server that imports them.
import type net from 'node:net';
import type { AdmissionConfig } from './admission.ts';
import type { LogOptions } from './kubelet.ts';
import type { ResourceType } from './resources.ts';
import type { K8sObject, Store } from './store.ts';
import type { PolicyRule } from './rbac.ts';

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  rawQuery: string;
  contentType?: string;
  status: number;
  user?: string;
  verb?: string;
  resource?: string; // plural or plural/subresource
  group?: string;
  version?: string;
  namespace?: string;
  name?: string;
  dryRun: boolean;
  watch: boolean;
  durationMs: number;
  body?: unknown; // parsed request body for writes
}

export interface DenyRule {
  verbs?: string[]; // e.g. ['patch'], '*' if absent
  resources?: string[]; // plural or plural/subresource ('dynamographdeployments', 'pods/portforward')
  groups?: string[];
  namespaces?: string[];
  names?: string[];
  users?: string[];
}

export interface RbacConfig {
  deny: DenyRule[];
  /** A Role's rules (rbac.ts): when set, everything they do not grant is Forbidden. */
  allow?: PolicyRule[];
}

export interface ServerHooks {
  /** Delete with Kubernetes semantics (graceful pods, cascading, namespaces). Returns the response object. */
  deleteObject(
    rt: ResourceType,
    ns: string | undefined,
    name: string,
    opts: { gracePeriodSeconds?: number; propagationPolicy?: string; dryRun?: boolean },
  ): K8sObject;
  /** Connect to a pod's port; rejects with the kubelet's error text. */
  dialPod(ns: string, pod: string, port: number): Promise<net.Socket>;
  podLog(ns: string, pod: string, container: string | undefined, opts: LogOptions): string;
}

export interface ApiServerOptions {
  store: Store;
  token: string;
  user: string;
  http?: boolean;
  tls?: { certPem: string; keyPem: string };
  rbac: RbacConfig;
  /** The Kubernetes version the stand-in pretends to be (`/version`, port-forward authorization). */
  kubernetesVersion?: string;
  hooks: ServerHooks;
  bookmarkIntervalMs?: number;
  /** The operator's admission webhooks (mutable: `cluster.admission.webhookDown = true`). */
  admission?: AdmissionConfig;
  logBodies?: boolean;
  /** The DGD versions this cluster's CRD serves (an operator release); default: all. */
  dgdVersions?: string[];
}
