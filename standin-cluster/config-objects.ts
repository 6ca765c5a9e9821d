// ConfigMaps and Secrets as the API server validates them (k8s.io/kubernetes pkg/apis/core/validation
// ValidateConfigMap / ValidateSecret, MaxSecretSize in pkg/apis/core/types.go): keys per
// IsConfigMapKey, a key in both `data` and `binaryData` refused, at most 1 MiB of values per object
// (`[]: Too long` for a ConfigMap, `data: Too long` for a Secret), and `immutable` objects whose data
// may not change. Secret `stringData` is merged into `data` on every write (defaults.ts).
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import type { K8sObject, Strategy } from './store.ts';
import { annotationErrors, invalid, type FieldError } from './validation.ts';

/** core.MaxSecretSize: the cap on the summed values of one ConfigMap or Secret. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const KEY_RE = /^[-._a-zA-Z0-9]+$/;
const KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/** validation.IsConfigMapKey: what is wrong with `key`, as the field errors' details. */
function keyProblems(key: string): string[] {
  const out: string[] = [];
  if (key.length > 253) out.push('must be no more than 253 characters');
  if (!KEY_RE.test(key)) out.push(KEY_MSG);
  if (key === '.') out.push("must not be '.'");
  else if (key === '..') out.push("must not be '..'");
  else if (key.startsWith('..')) out.push("must not start with '..'");
  return out;
}

function keyErrors(bag: string, values: Record<string, unknown> | undefined): FieldError[] {
  const out: FieldError[] = [];
  for (const key of Object.keys(values ?? {}))
    for (const detail of keyProblems(key))
      out.push({ field: `${bag}[${key}]`, type: 'Invalid', value: key, detail });
  return out;
}

const decoded = (v: unknown) => Buffer.from(String(v ?? ''), 'base64').length;

/** Immutable objects (`immutable: true`) keep their data and cannot be made mutable again. */
function immutableErrors(obj: K8sObject, old: K8sObject | undefined): FieldError[] {
  if (!old?.immutable) return [];
  const out: FieldError[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
  if (!obj.immutable)
    out.push({ field: 'immutable', type: 'Forbidden', detail: 'field is immutable when `immutable` is set' });
  for (const bag of ['data', 'binaryData'])
    if (!same(obj[bag], old[bag]))
      out.push({ field: bag, type: 'Forbidden', detail: 'field is immutable when `immutable` is set' });
  return out;
}

export const configMapStrategy: Strategy = {
  validate(obj: K8sObject, old?: K8sObject) {
    const errors = [
      ...annotationErrors(obj),
      ...keyErrors('data', obj.data),
      ...keyErrors('binaryData', obj.binaryData),
    ];
    let total = 0;
    for (const [key, value] of Object.entries<any>(obj.data ?? {})) {
      if (obj.binaryData && key in obj.binaryData)
        errors.push({
          field: `data[${key}]`,
          type: 'Invalid',
          value: key,
          detail: 'duplicate of key present in binaryData',
        });
      total += Buffer.byteLength(String(value ?? ''), 'utf8');
    }
    for (const value of Object.values<any>(obj.binaryData ?? {})) total += decoded(value);
    // field.TooLong(field.NewPath(""), cfg, MaxSecretSize): the root path prints as `[]`.
    if (total > MAX_CONFIG_BYTES)
      errors.push({ field: '[]', type: 'TooLong', detail: `may not be more than ${MAX_CONFIG_BYTES} bytes` });
    errors.push(...immutableErrors(obj, old));
    const e = invalid('ConfigMap', '', obj.metadata.name, errors);
    if (e) throw e;
  },
};

export const secretStrategy: Strategy = {
  validate(obj: K8sObject, old?: K8sObject) {
    const errors = [...annotationErrors(obj), ...keyErrors('data', obj.data)];
    let total = 0;
    for (const value of Object.values<any>(obj.data ?? {})) total += decoded(value);
    if (total > MAX_CONFIG_BYTES)
      errors.push({
        field: 'data',
        type: 'TooLong',
        detail: `may not be more than ${MAX_CONFIG_BYTES} bytes`,
      });
    errors.push(...immutableErrors(obj, old));
    const e = invalid('Secret', '', obj.metadata.name, errors);
    if (e) throw e;
  },
};
