// batch/v1 Jobs as the API server stores them (kubernetes/kubernetes, the release-1.32 line):
// - defaults (pkg/apis/batch/v1/defaults.go SetDefaults_Job): completions and parallelism 1 when both
//   are unset, parallelism 1, backoffLimit 6, completionMode NonIndexed, suspend false,
//   podReplacementPolicy TerminatingOrFailed, the pod template's defaults;
// - the registry strategy (pkg/registry/batch/job/strategy.go): PrepareForCreate empties the status,
//   generateSelector adds `batch.kubernetes.io/controller-uid` / `job-name` (and the legacy
//   unprefixed pair) to the template and selects on the uid; the Job's own labels default to the
//   template's (SetDefaults_Job runs again when the object is read back from storage);
// - validation (pkg/apis/batch/validation/validation.go): restartPolicy OnFailure or Never, non-negative
//   counts, Indexed needs completions, the selector must match the template, and on update the
//   template, selector and completions are immutable;
// - deletion (strategy.go DefaultGarbageCollectionPolicy, storage/storage.go Delete): batch/v1 orphans
//   the pods when the request names no propagation policy, and warns about it.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { defaultPodSpec } from './defaults.ts';
import { clone, deepEqual } from './patch.ts';
import { matchLabelSelectorObject } from './selectors.ts';
import type { K8sObject, Strategy } from './store.ts';
import { annotationErrors, invalid, supported, type FieldError } from './validation.ts';

type AnyObj = Record<string, any>;

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
const LEGACY_JOB_NAME_LABEL = 'job-name';
const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

/** storage/storage.go deleteOptionWarnings. */
export const JOB_DELETE_WARNING =
  'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning';

function defaults(job: AnyObj, _isCreate: boolean): void {
  const spec: AnyObj = (job.spec ??= {});
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.spec ??= {};
  defaultPodSpec(spec.template.spec);
  // The template's labels become the Job's when it has none (the second pass of SetDefaults_Job,
  // on the stored object, sees the labels generateSelector added).
  const labels = spec.template.metadata.labels;
  if (labels && Object.keys(labels).length && !Object.keys(job.metadata?.labels ?? {}).length)
    job.metadata.labels = { ...labels };
}

/** generateSelector: labels unique to this Job on its pod template, and a selector on its uid. */
function prepareForCreate(job: K8sObject): void {
  job.status = {};
  const spec = job.spec;
  if (!spec.manualSelector) {
    const labels: AnyObj = (spec.template.metadata.labels ??= {});
    for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) labels[k] ??= job.metadata.name;
    for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) labels[k] ??= job.metadata.uid;
    spec.selector ??= {};
    spec.selector.matchLabels ??= {};
    spec.selector.matchLabels[CONTROLLER_UID_LABEL] ??= job.metadata.uid;
  }
  if (!Object.keys(job.metadata.labels ?? {}).length && spec.template.metadata.labels)
    job.metadata.labels = { ...spec.template.metadata.labels };
}

function nonNegative(errors: FieldError[], field: string, v: unknown): void {
  if (v != null && (typeof v !== 'number' || v < 0))
    errors.push({ field, type: 'Invalid', value: v as number, detail: 'must be greater than or equal to 0' });
}

function validate(job: K8sObject, old?: K8sObject): void {
  const errors: FieldError[] = annotationErrors(job);
  const spec: AnyObj = job.spec ?? {};
  const policy = spec.template?.spec?.restartPolicy;
  if (policy !== 'OnFailure' && policy !== 'Never')
    errors.push(
      policy
        ? {
            field: 'spec.template.spec.restartPolicy',
            type: 'NotSupported',
            value: policy,
            detail: supported(['OnFailure', 'Never']),
          }
        : {
            field: 'spec.template.spec.restartPolicy',
            type: 'Required',
            detail: `valid values: ${supported(['OnFailure', 'Never']).replace('supported values: ', '')}`,
          },
    );
  if (!(spec.template?.spec?.containers ?? []).length)
    errors.push({ field: 'spec.template.spec.containers', type: 'Required' });
  nonNegative(errors, 'spec.parallelism', spec.parallelism);
  nonNegative(errors, 'spec.completions', spec.completions);
  nonNegative(errors, 'spec.backoffLimit', spec.backoffLimit);
  nonNegative(errors, 'spec.activeDeadlineSeconds', spec.activeDeadlineSeconds);
  nonNegative(errors, 'spec.ttlSecondsAfterFinished', spec.ttlSecondsAfterFinished);
  if (!['NonIndexed', 'Indexed'].includes(spec.completionMode))
    errors.push({
      field: 'spec.completionMode',
      type: 'NotSupported',
      value: spec.completionMode,
      detail: supported(['NonIndexed', 'Indexed']),
    });
  if (spec.completionMode === 'Indexed' && spec.completions == null)
    errors.push({ field: 'spec.completions', type: 'Required', detail: 'when completion mode is Indexed' });
  if (!spec.selector) errors.push({ field: 'spec.selector', type: 'Required' });
  else if (!matchLabelSelectorObject(spec.selector, spec.template?.metadata?.labels))
    errors.push({
      field: 'spec.template.metadata.labels',
      type: 'Invalid',
      shown: `map[string]string{${Object.entries<string>(spec.template?.metadata?.labels ?? {})
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
        .join(', ')}}`,
      detail: '`selector` does not match template `labels`',
    });
  if (old) {
    // ValidateJobSpecUpdate: the pod template (its value dump elided here), selector and completions.
    if (!deepEqual(spec.template, old.spec?.template))
      errors.push({
        field: 'spec.template',
        type: 'Invalid',
        shown: 'core.PodTemplateSpec{…}',
        detail: 'field is immutable',
      });
    if (!deepEqual(spec.selector, old.spec?.selector))
      errors.push({
        field: 'spec.selector',
        type: 'Invalid',
        shown: 'v1.LabelSelector{…}',
        detail: 'field is immutable',
      });
    if (spec.completions !== old.spec?.completions)
      errors.push({
        field: 'spec.completions',
        type: 'Invalid',
        value: spec.completions,
        detail: 'field is immutable',
      });
  }
  const e = invalid('Job', 'batch', job.metadata.name, errors);
  if (e) throw e;
}

export const jobStrategy: Strategy = {
  defaults,
  prepareForCreate,
  validate,
  deleteDefault: { propagationPolicy: 'Orphan', warning: JOB_DELETE_WARNING },
};

// ---- what controllers read off a Job ------------------------------------------------------------

export function jobCondition(job: AnyObj, type: string): AnyObj | undefined {
  return (job.status?.conditions ?? []).find((c: AnyObj) => c.type === type && c.status === 'True');
}

/** util.IsJobFinished: a Complete or Failed condition that is True. */
export function isJobFinished(job: AnyObj): boolean {
  return !!(jobCondition(job, 'Complete') ?? jobCondition(job, 'Failed'));
}

/** The Job's pod template, as a pod the controller creates from it. */
export function podFromTemplate(job: K8sObject): AnyObj {
  const tmpl = clone(job.spec.template ?? {});
  return { metadata: tmpl.metadata ?? {}, spec: tmpl.spec ?? {} };
}
