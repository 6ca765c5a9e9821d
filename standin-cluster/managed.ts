// metadata.managedFields as the API server keeps them (k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager,
// sigs.k8s.io/structured-merge-diff): one entry per manager, operation and subresource, with the
// apiVersion of the request and the fields it set as FieldsV1. Update takes over the fields it
// changes; Apply owns exactly the fields of its configuration; a field removed leaves every set.
// Ownership is compared in each entry's own version (the object is converted to it), as the
// real field manager does.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { deepEqual } from './patch.ts';

type AnyObj = Record<string, any>;
export type Operation = 'Update' | 'Apply';

export interface ManagedEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: AnyObj;
  subresource?: string;
}

// Metadata fields a manager can own; the rest is the server's.
const OWNABLE_METADATA = new Set(['labels', 'annotations', 'finalizers', 'ownerReferences']);

const isMap = (v: unknown): v is AnyObj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf paths of `obj` in FieldsV1 segments (`f:x`, `k:{"name":"y"}`, `v:"z"`, `.`). */
export function leafPaths(obj: AnyObj, subresource?: string): string[][] {
  const out: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (isMap(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, `f:${k}`]);
    } else if (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((i) => isMap(i) && typeof i.name === 'string')
    ) {
      // Associative lists keyed by name (containers, env, components): each item its own subtree.
      for (const item of value) {
        const at = [...path, `k:${JSON.stringify({ name: item.name })}`];
        out.push([...at, '.']);
        for (const [k, v] of Object.entries(item)) walk(v, [...at, `f:${k}`]);
      }
    } else if (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((i) => typeof i === 'string') &&
      path.at(-1) === 'f:finalizers'
    ) {
      for (const item of value) out.push([...path, `v:${JSON.stringify(item)}`]);
    } else out.push(path);
  };
  for (const [k, v] of Object.entries(obj ?? {})) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata') {
      if (subresource) continue;
      for (const [mk, mv] of Object.entries(v ?? {}))
        if (OWNABLE_METADATA.has(mk)) walk(mv, ['f:metadata', `f:${mk}`]);
      continue;
    }
    if ((k === 'status') !== (subresource === 'status')) continue;
    walk(v, [`f:${k}`]);
  }
  return out;
}

function valueAt(obj: AnyObj, path: string[]): unknown {
  let cur: any = obj;
  for (const seg of path) {
    if (cur === undefined) return undefined;
    if (seg === '.') return cur;
    if (seg.startsWith('f:')) cur = isMap(cur) ? cur[seg.slice(2)] : undefined;
    else if (seg.startsWith('k:')) {
      const { name } = JSON.parse(seg.slice(2));
      cur = Array.isArray(cur) ? cur.find((i) => isMap(i) && i.name === name) : undefined;
    } else if (seg.startsWith('v:'))
      return Array.isArray(cur) && cur.includes(JSON.parse(seg.slice(2))) ? true : undefined;
  }
  return cur;
}

const keyOf = (p: string[]) => JSON.stringify(p);

export function toFieldsV1(paths: string[][]): AnyObj {
  const root: AnyObj = {};
  for (const p of paths) {
    let cur = root;
    for (const seg of p) cur = cur[seg] ??= {};
  }
  return root;
}

export function fromFieldsV1(fields: AnyObj): string[][] {
  const out: string[][] = [];
  const walk = (node: AnyObj, path: string[]) => {
    const keys = Object.keys(node ?? {});
    if (keys.length === 0) {
      if (path.length) out.push(path);
      return;
    }
    for (const k of keys) walk(node[k], [...path, k]);
  };
  walk(fields, []);
  return out;
}

/** Leaves that differ between `before` and `after` (set, changed or removed), in one version. */
function changedLeaves(before: AnyObj | undefined, after: AnyObj, subresource?: string) {
  const oldPaths = before ? leafPaths(before, subresource) : [];
  const newPaths = leafPaths(after, subresource);
  const oldKeys = new Set(oldPaths.map(keyOf));
  const newKeys = new Set(newPaths.map(keyOf));
  const changed = newPaths.filter(
    (p) => !oldKeys.has(keyOf(p)) || !deepEqual(valueAt(before!, p), valueAt(after, p)),
  );
  const removed = oldPaths.filter((p) => !newKeys.has(keyOf(p)));
  return { changed, removed };
}

/** Whether a write changes any field a manager could own (a no-op write keeps managedFields as they are). */
export function differs(before: AnyObj, after: AnyObj, subresource?: string): boolean {
  const d = changedLeaves(before, after, subresource === 'status' ? 'status' : undefined);
  return d.changed.length > 0 || d.removed.length > 0;
}

export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export interface Write {
  manager: string;
  operation: Operation;
  /** The request's group/version. */
  apiVersion: string;
  subresource?: string;
  /** For Apply: the applied configuration (its fields are exactly what the manager owns). */
  applied?: AnyObj;
}

/**
 * The managedFields after `write` turned `before` into `after`. `view(obj, apiVersion)` converts the
 * stored object to another version, so each entry is compared in its own version.
 */
export function nextManagedFields(
  entries: ManagedEntry[],
  before: AnyObj | undefined,
  after: AnyObj,
  write: Write,
  view: (obj: AnyObj, apiVersion: string) => AnyObj,
): ManagedEntry[] {
  const sub = write.subresource === 'status' ? 'status' : undefined;
  const out: ManagedEntry[] = [];
  let mine: ManagedEntry | undefined;
  for (const e of entries) {
    const same =
      e.manager === write.manager && e.operation === write.operation && (e.subresource ?? '') === (sub ?? '');
    if (same) {
      mine = e;
      continue;
    }
    if ((e.subresource === 'status') !== (sub === 'status')) {
      out.push(e);
      continue;
    }
    // Another manager loses the fields this write changed or removed, seen in its own version.
    const d = changedLeaves(before ? view(before, e.apiVersion) : undefined, view(after, e.apiVersion), sub);
    const lost = new Set([...d.changed, ...d.removed].map(keyOf));
    const kept = fromFieldsV1(e.fieldsV1).filter(
      (p) => !lost.has(keyOf(p)) && !lost.has(keyOf(p.slice(0, -1))),
    );
    if (kept.length) out.push({ ...e, fieldsV1: toFieldsV1(kept) });
  }
  const afterHere = view(after, write.apiVersion);
  let owned: string[][];
  if (write.operation === 'Apply') {
    owned = leafPaths({ ...(write.applied ?? {}), metadata: write.applied?.metadata ?? {} }, sub);
  } else {
    const d = changedLeaves(before ? view(before, write.apiVersion) : undefined, afterHere, sub);
    const removed = new Set(d.removed.map(keyOf));
    const prior =
      mine && mine.apiVersion === write.apiVersion
        ? fromFieldsV1(mine.fieldsV1).filter((p) => !removed.has(keyOf(p)))
        : [];
    const seen = new Set(prior.map(keyOf));
    owned = [...prior, ...d.changed.filter((p) => !seen.has(keyOf(p)))];
  }
  if (owned.length === 0) return out;
  const entry: ManagedEntry = {
    manager: write.manager,
    operation: write.operation,
    apiVersion: write.apiVersion,
    time: timestamp(),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(owned),
  };
  if (sub) entry.subresource = sub;
  return [...out, entry];
}

/** The field manager of a request: `fieldManager`, else the User-Agent up to the first `/`, as the apiserver does. */
export function managerOf(fieldManager: string | null, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const ua = (userAgent ?? '').split('/')[0].trim();
  return ua ? ua.slice(0, 128) : 'unknown';
}
