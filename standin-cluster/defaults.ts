// Defaulting the apiserver applies on create/update of built-in kinds (a useful subset).
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import type { ResourceType } from './resources.ts';
import type { Store } from './store.ts';

type AnyObj = Record<string, any>;

function defaultContainer(c: AnyObj): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (!c.imagePullPolicy) {
    const img = String(c.image ?? '');
    const tag = img.includes('@') ? 'digest' : (img.split('/').pop() ?? '').split(':')[1];
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
  for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
  }
}

export function defaultPodSpec(spec: AnyObj): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

function qosClass(spec: AnyObj): string {
  let anySet = false;
  let guaranteed = true;
  for (const c of spec.containers ?? []) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r])))
        guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

let ipCounter = 1;

export const OPERATOR_ORIGIN_VERSION = 'nvidia.com/dynamo-operator-origin-version';
export const OPERATOR_VERSION = '0.0.0-standin';

export function applyDefaults(rt: ResourceType, obj: AnyObj, store: Store, isCreate: boolean): void {
  switch (rt.plural) {
    case 'dynamographdeployments': {
      // The operator's mutating webhook (deploy/operator/internal/webhook/defaulting/
      // dynamographdeployment_handler.go): replicas default to 1 on every write; on create the
      // operator version is stamped. Its changes are part of the request, so managedFields
      // attribute them to the requesting manager, as on a real server.
      if (obj.apiVersion === 'nvidia.com/v1alpha1') {
        for (const svc of Object.values(obj.spec?.services ?? {}) as AnyObj[]) if (svc) svc.replicas ??= 1;
      } else {
        for (const c of (obj.spec?.components ?? []) as AnyObj[]) if (c) c.replicas ??= 1;
      }
      if (isCreate) {
        obj.metadata.annotations ??= {};
        obj.metadata.annotations[OPERATOR_ORIGIN_VERSION] ??= OPERATOR_VERSION;
      }
      break;
    }
    case 'pods': {
      obj.spec ??= {};
      defaultPodSpec(obj.spec);
      obj.spec.serviceAccountName ??= 'default';
      obj.spec.enableServiceLinks ??= true;
      obj.spec.preemptionPolicy ??= 'PreemptLowerPriority';
      obj.spec.priority ??= 0;
      obj.spec.tolerations ??= [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ];
      if (isCreate) obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec) };
      break;
    }
    case 'services': {
      obj.spec ??= {};
      const s = obj.spec;
      s.type ??= 'ClusterIP';
      s.sessionAffinity ??= 'None';
      s.internalTrafficPolicy ??= 'Cluster';
      s.ipFamilies ??= ['IPv4'];
      s.ipFamilyPolicy ??= 'SingleStack';
      if (isCreate && s.clusterIP === undefined) {
        const n = ipCounter++;
        s.clusterIP = `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
        s.clusterIPs = [s.clusterIP];
      }
      for (const p of s.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      obj.status ??= { loadBalancer: {} };
      break;
    }
    case 'deployments': {
      obj.spec ??= {};
      const s = obj.spec;
      s.replicas ??= 1;
      s.revisionHistoryLimit ??= 10;
      s.progressDeadlineSeconds ??= 600;
      s.strategy ??= { type: 'RollingUpdate' };
      if ((s.strategy.type ?? 'RollingUpdate') === 'RollingUpdate') {
        s.strategy.type = 'RollingUpdate';
        s.strategy.rollingUpdate ??= {};
        s.strategy.rollingUpdate.maxSurge ??= '25%';
        s.strategy.rollingUpdate.maxUnavailable ??= '25%';
      }
      s.template ??= {};
      s.template.spec ??= {};
      defaultPodSpec(s.template.spec);
      s.template.metadata ??= {};
      if (isCreate) obj.status ??= {};
      break;
    }
    case 'replicasets': {
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      obj.spec.template ??= {};
      obj.spec.template.spec ??= {};
      defaultPodSpec(obj.spec.template.spec);
      if (isCreate) obj.status ??= { replicas: 0 };
      break;
    }
    case 'namespaces': {
      obj.metadata.labels = {
        ...(obj.metadata.labels ?? {}),
        'kubernetes.io/metadata.name': obj.metadata.name,
      };
      obj.spec ??= { finalizers: ['kubernetes'] };
      if (isCreate) obj.status = { phase: 'Active' };
      break;
    }
    case 'secrets': {
      obj.type ??= 'Opaque';
      if (obj.stringData) {
        obj.data ??= {};
        for (const [k, v] of Object.entries(obj.stringData))
          obj.data[k] = Buffer.from(String(v)).toString('base64');
        delete obj.stringData;
      }
      break;
    }
    default:
      break;
  }
  // Kinds with a registered strategy (jobs.ts, config-objects.ts) default themselves.
  store.strategy(rt)?.defaults?.(obj, isCreate);
}
