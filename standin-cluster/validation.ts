// Field errors as the API server reports them (k8s.io/apimachinery/pkg/util/validation/field and
// pkg/api/errors NewInvalid): one 422 `Invalid` Status, message `<Kind>[.<group>] "<name>" is
// invalid: <error>` (several errors as `[e1, e2]`), and `details.causes` with one entry per error.
import { ApiError } from './store.ts';

export type FieldErrorType = 'Invalid' | 'Required' | 'NotSupported' | 'TooLong' | 'Forbidden';

export interface FieldError {
  /** The field path as field.Path prints it (`spec.template.spec.restartPolicy`, `[]` for the object). */
  field: string;
  type: FieldErrorType;
  /** The bad value, printed as Go's %v (numbers) or %q (strings); omitted for Required/Forbidden/TooLong. */
  value?: string | number | boolean;
  /** A value already printed as Go prints it (`map[string]string{…}`), shown as is. */
  shown?: string;
  detail?: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  NotSupported: 'Unsupported value',
  TooLong: 'Too long',
  Forbidden: 'Forbidden',
};

const CAUSE: Record<FieldErrorType, string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  NotSupported: 'FieldValueNotSupported',
  TooLong: 'FieldValueTooLong',
  Forbidden: 'FieldValueForbidden',
};

/** field.Error.ErrorBody(): the type, the value where the type prints one, then the detail. */
export function errorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  const printsValue = e.type === 'Invalid' || e.type === 'NotSupported';
  if (printsValue && e.shown !== undefined) s += `: ${e.shown}`;
  else if (printsValue && e.value !== undefined)
    s += `: ${typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** NotSupported's detail: `supported values: "OnFailure", "Never"`. */
export function supported(values: string[]): string {
  return `supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

/** The 422 for `errors` on `kind` (group '' for core) named `name`; undefined when there are none. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  errors: FieldError[],
): ApiError | undefined {
  if (!errors.length) return undefined;
  const texts = errors.map((e) => `${e.field}: ${errorBody(e)}`);
  const aggregate = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const qualified = group ? `${kind}.${group}` : kind;
  const details: Record<string, unknown> = { name };
  if (group) details.group = group;
  details.kind = kind;
  details.causes = errors.map((e) => ({ reason: CAUSE[e.type], message: errorBody(e), field: e.field }));
  return new ApiError(
    422,
    'Invalid',
    `${qualified} ${JSON.stringify(name)} is invalid: ${aggregate}`,
    details,
  );
}

/** apimachinery ValidateAnnotations: keys and values together at most 256 KiB. */
export const MAX_ANNOTATION_BYTES = 256 * 1024;

export function annotationErrors(obj: { metadata?: Record<string, unknown> }): FieldError[] {
  let total = 0;
  for (const [k, v] of Object.entries((obj.metadata?.annotations as Record<string, unknown>) ?? {}))
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  return total > MAX_ANNOTATION_BYTES
    ? [
        {
          field: 'metadata.annotations',
          type: 'TooLong',
          detail: `may not be more than ${MAX_ANNOTATION_BYTES} bytes`,
        },
      ]
    : [];
}
