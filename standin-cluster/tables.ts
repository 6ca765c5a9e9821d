// meta.k8s.io/v1 Table output (what `kubectl get` asks for), with kubectl-like columns.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import type { ResourceType } from './resources.ts';

type AnyObj = Record<string, any>;
type Col = { name: string; type: string; format: string; description: string; priority: number };

export function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  return humanDuration(Date.now() - Date.parse(ts));
}

/** k8s.io/apimachinery/pkg/util/duration HumanDuration (what `kubectl get` prints for ages). */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const c = (name: string, type = 'string', description = '', priority = 0, format = ''): Col => ({
  name,
  type,
  format,
  description,
  priority,
});
const NAME = c('Name', 'string', 'Name must be unique within a namespace.', 0, 'name');
const AGE = c(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

export function podStatusReason(pod: AnyObj): string {
  let reason: string = pod.status?.reason || pod.status?.phase || 'Pending';
  let hasRunning = false;
  for (const cs of [...(pod.status?.containerStatuses ?? [])].reverse()) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
    else if (cs.state?.terminated)
      reason = cs.state.terminated.signal
        ? `Signal:${cs.state.terminated.signal}`
        : `ExitCode:${cs.state.terminated.exitCode}`;
    else if (cs.ready && cs.state?.running) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) reason = 'Running';
  if (pod.metadata?.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function columnsFor(rt: ResourceType): { cols: Col[]; row: (o: AnyObj) => unknown[] } {
  switch (rt.plural) {
    case 'pods':
      return {
        cols: [
          NAME,
          c('Ready'),
          c('Status'),
          c('Restarts', 'string'),
          AGE,
          c('IP', 'string', '', 1),
          c('Node', 'string', '', 1),
          c('Nominated Node', 'string', '', 1),
          c('Readiness Gates', 'string', '', 1),
        ],
        row: (o) => {
          const cs: AnyObj[] = o.status?.containerStatuses ?? [];
          const total = (o.spec?.containers ?? []).length;
          const ready = cs.filter((x) => x.ready).length;
          const restarts = cs.reduce((a, x) => a + (x.restartCount ?? 0), 0);
          return [
            o.metadata.name,
            `${ready}/${total}`,
            podStatusReason(o),
            String(restarts),
            age(o.metadata.creationTimestamp),
            o.status?.podIP ?? '<none>',
            o.spec?.nodeName ?? '<none>',
            '<none>',
            '<none>',
          ];
        },
      };
    case 'deployments':
      return {
        cols: [
          NAME,
          c('Ready'),
          c('Up-to-date', 'integer'),
          c('Available', 'integer'),
          AGE,
          c('Containers', 'string', '', 1),
          c('Images', 'string', '', 1),
          c('Selector', 'string', '', 1),
        ],
        row: (o) => [
          o.metadata.name,
          `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
          o.status?.updatedReplicas ?? 0,
          o.status?.availableReplicas ?? 0,
          age(o.metadata.creationTimestamp),
          (o.spec?.template?.spec?.containers ?? []).map((x: AnyObj) => x.name).join(','),
          (o.spec?.template?.spec?.containers ?? []).map((x: AnyObj) => x.image).join(','),
          Object.entries(o.spec?.selector?.matchLabels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        ],
      };
    case 'replicasets':
      return {
        cols: [NAME, c('Desired', 'integer'), c('Current', 'integer'), c('Ready', 'integer'), AGE],
        row: (o) => [
          o.metadata.name,
          o.spec?.replicas ?? 0,
          o.status?.replicas ?? 0,
          o.status?.readyReplicas ?? 0,
          age(o.metadata.creationTimestamp),
        ],
      };
    case 'services':
      return {
        cols: [
          NAME,
          c('Type'),
          c('Cluster-IP'),
          c('External-IP'),
          c('Port(s)'),
          AGE,
          c('Selector', 'string', '', 1),
        ],
        row: (o) => [
          o.metadata.name,
          o.spec?.type ?? 'ClusterIP',
          o.spec?.clusterIP ?? '<none>',
          '<none>',
          (o.spec?.ports ?? []).map((p: AnyObj) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
          age(o.metadata.creationTimestamp),
          Object.entries(o.spec?.selector ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(',') || '<none>',
        ],
      };
    case 'jobs':
      // pkg/printers/internalversion/printers.go printJob.
      return {
        cols: [
          NAME,
          c('Status', 'string', 'Status of the job.'),
          c('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
          c('Duration', 'string', 'Time required to complete the job.'),
          AGE,
          c('Containers', 'string', 'Names of each container in the template.', 1),
          c('Images', 'string', 'Images referenced by each container in the template.', 1),
          c('Selector', 'string', 'A label query over pods that should match the pod count.', 1),
        ],
        row: (o) => {
          const has = (t: string) =>
            (o.status?.conditions ?? []).some((x: AnyObj) => x.type === t && x.status === 'True');
          const succeeded = o.status?.succeeded ?? 0;
          const parallelism = o.spec?.parallelism ?? 0;
          const completions =
            o.spec?.completions != null
              ? `${succeeded}/${o.spec.completions}`
              : parallelism > 1
                ? `${succeeded}/1 of ${parallelism}`
                : `${succeeded}/1`;
          const start = o.status?.startTime ? Date.parse(o.status.startTime) : undefined;
          const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : Date.now();
          const status = has('Complete')
            ? 'Complete'
            : has('Failed')
              ? 'Failed'
              : o.metadata.deletionTimestamp
                ? 'Terminating'
                : has('Suspended')
                  ? 'Suspended'
                  : has('FailureTarget')
                    ? 'FailureTarget'
                    : has('SuccessCriteriaMet')
                      ? 'SuccessCriteriaMet'
                      : 'Running';
          const containers: AnyObj[] = o.spec?.template?.spec?.containers ?? [];
          return [
            o.metadata.name,
            status,
            completions,
            start === undefined ? '' : humanDuration(end - start),
            age(o.metadata.creationTimestamp),
            containers.map((x) => x.name).join(','),
            containers.map((x) => x.image).join(','),
            Object.entries(o.spec?.selector?.matchLabels ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          ];
        },
      };
    case 'namespaces':
      return {
        cols: [NAME, c('Status'), AGE],
        row: (o) => [o.metadata.name, o.status?.phase ?? 'Active', age(o.metadata.creationTimestamp)],
      };
    case 'events':
      return {
        cols: [c('Last Seen'), c('Type'), c('Reason'), c('Object'), c('Message')],
        row: (o) => [
          age(o.lastTimestamp ?? o.eventTime),
          o.type,
          o.reason,
          `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name}`,
          o.message,
        ],
      };
    case 'dynamographdeployments':
      return {
        cols: [
          NAME,
          c('Ready', 'string', 'Ready status of the graph deployment'),
          c('Backend', 'string', 'Backend framework (sglang, vllm, trtllm)'),
          c('Age', 'date'),
        ],
        row: (o) => [
          o.metadata.name,
          (o.status?.conditions ?? []).find((x: AnyObj) => x.type === 'Ready')?.status ?? '',
          o.spec?.backendFramework ?? '',
          age(o.metadata.creationTimestamp),
        ],
      };
    case 'dynamocomponentdeployments':
      return {
        cols: [
          NAME,
          // The CRD's additionalPrinterColumns (nvidia.com_dynamocomponentdeployments.yaml).
          c('DynamoComponent', 'string', 'Dynamo component'),
          c('Available', 'string', 'Available'),
          c('Backend', 'string', 'Backend framework (sglang, vllm, trtllm)'),
          c('Age', 'date'),
        ],
        row: (o) => [
          o.metadata.name,
          o.spec?.dynamoComponent ?? '',
          (o.status?.conditions ?? []).find((x: AnyObj) => x.type === 'Available')?.status ?? '',
          o.spec?.backendFramework ?? '',
          age(o.metadata.creationTimestamp),
        ],
      };
    default:
      return { cols: [NAME, AGE], row: (o) => [o.metadata.name, age(o.metadata.creationTimestamp)] };
  }
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function tableVersion(accept: string | undefined): string {
  const m =
    (accept ?? '').match(/as=Table;v=(v1beta1|v1)/) ?? (accept ?? '').match(/v=(v1beta1|v1);[^,]*as=Table/);
  return m ? m[1] : 'v1';
}

export function toTable(
  rt: ResourceType,
  objs: AnyObj[],
  listMeta: AnyObj,
  includeObject: string,
  tv: string,
): AnyObj {
  const { cols, row } = columnsFor(rt);
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${tv}`,
    metadata: listMeta,
    columnDefinitions: cols,
    rows: objs.map((o) => ({
      cells: row(o),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tv}`, metadata: o.metadata },
    })),
  };
}
