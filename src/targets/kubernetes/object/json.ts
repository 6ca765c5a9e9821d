// Small helpers for walking Kubernetes objects read as plain JSON. The objects are kept raw (not
// typed client models) so that fields this code does not know survive a read-modify-write intact.

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Follows a path of keys through nested objects; undefined as soon as a step is missing. */
export function dig(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    // Paths step into lists by index ('0'), as in spec.components[0].
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

export function stringList(value: unknown): string[] {
  return (asArray(value) ?? []).map((v) => (typeof v === 'string' ? v : String(v)));
}

/** Deep copy of JSON data (what the API returns). */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
