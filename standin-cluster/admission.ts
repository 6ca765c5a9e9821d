// The Dynamo operator's admission for DynamoGraphDeployments, as the API server applies it:
// - validating webhook `vdynamographdeployment.kb.io` (failurePolicy Fail; rules from
//   deploy/operator/internal/webhook/validation/dynamographdeployment.go validateObjectMeta and
//   validateDynamoGraphDeploymentSpec), whose field.ErrorList becomes k8serrors.NewInvalid (422)
//   and reaches the client as `admission webhook "…" denied the request: …`
//   (k8s.io/apiserver/pkg/admission/plugin/webhook/errors ToStatusErr);
// - the CRD's structural list-map rule on v1beta1 `spec.components` (`+listType=map`,
//   `+listMapKey=name`), which the API server itself enforces with a 422 before any webhook;
// - a webhook that cannot be called: 500 InternalError `failed calling webhook` (failurePolicy Fail),
//   naming the mutating webhook, which runs first.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { ApiError } from './store.ts';

type AnyObj = Record<string, any>;

export interface AdmissionConfig {
  /** The operator's webhook service is down: every DGD create/update gets a 500. */
  webhookDown: boolean;
}

export const VALIDATING_WEBHOOK = 'vdynamographdeployment.kb.io';
export const MUTATING_WEBHOOK = 'mdynamographdeployment.kb.io';
const ORIGIN_VERSION = 'nvidia.com/dynamo-operator-origin-version';
const GROVE_UPDATE_STRATEGY = 'nvidia.com/grove-update-strategy';
// Masterminds/semver NewVersion (lenient: optional v, missing minor/patch allowed).
const SEMVER = /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const invalid = (name: string, causes: { field: string; message: string }[], reason = 'Invalid') =>
  new ApiError(
    422,
    reason,
    `DynamoGraphDeployment.nvidia.com "${name}" is invalid: ${causes.length > 1 ? '[' : ''}${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}${causes.length > 1 ? ']' : ''}`,
    {
      name,
      group: 'nvidia.com',
      kind: 'DynamoGraphDeployment',
      causes: causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field })),
    },
  );

/** Schema checks the API server makes itself (on the v1beta1 form). */
export function schemaErrors(beta: AnyObj): ApiError | undefined {
  const seen = new Set<string>();
  const causes: { field: string; message: string }[] = [];
  ((beta.spec?.components ?? []) as AnyObj[]).forEach((c, i) => {
    const name = String(c?.name ?? '');
    if (seen.has(name))
      causes.push({
        field: `spec.components[${i}]`,
        message: `Duplicate value: map[string]interface {}{"name":"${name}"}`,
      });
    seen.add(name);
  });
  return causes.length ? invalid(beta.metadata?.name ?? '', causes) : undefined;
}

/** The validating webhook's verdict on the v1beta1 form; undefined when admitted. */
export function webhookErrors(beta: AnyObj): ApiError | undefined {
  const name = beta.metadata?.name ?? '';
  const anns: AnyObj = beta.metadata?.annotations ?? {};
  const causes: { field: string; message: string }[] = [];
  if (ORIGIN_VERSION in anns && !SEMVER.test(String(anns[ORIGIN_VERSION])))
    causes.push({
      field: `metadata.annotations[${ORIGIN_VERSION}]`,
      message: `Invalid value: "${anns[ORIGIN_VERSION]}": must be valid semver`,
    });
  if (GROVE_UPDATE_STRATEGY in anns && !['RollingRecreate', 'OnDelete'].includes(anns[GROVE_UPDATE_STRATEGY]))
    causes.push({
      field: `metadata.annotations[${GROVE_UPDATE_STRATEGY}]`,
      message: `Unsupported value: "${anns[GROVE_UPDATE_STRATEGY]}": supported values: "RollingRecreate", "OnDelete"`,
    });
  if (!(beta.spec?.components ?? []).length)
    causes.push({ field: 'spec.components', message: 'Required value: must have at least one component' });
  if (!causes.length) return undefined;
  const inner = invalid(name, causes);
  return new ApiError(
    422,
    'Invalid',
    `admission webhook "${VALIDATING_WEBHOOK}" denied the request: ${inner.message}`,
    inner.details,
  );
}

export function webhookDownError(version: string): ApiError {
  const path = `/mutate-nvidia-com-${version}-dynamographdeployment`;
  const message = `failed calling webhook "${MUTATING_WEBHOOK}": failed to call webhook: Post "https://dynamo-operator-webhook-service.dynamo-system.svc:443${path}?timeout=10s": dial tcp 10.96.0.42:443: connect: connection refused`;
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}
