// JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a strategic merge patch subset, as the
// kube-apiserver applies them. Pure functions on plain JSON values.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObj(patch)) return clone(patch as Json);
  const out: Obj = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class PatchError extends Error {}

function unescapePtr(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${JSON.stringify(p)}`);
  return p.slice(1).split('/').map(unescapePtr);
}

function getAt(doc: Json, path: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else if (isObj(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    } else return undefined;
  }
  return cur;
}

function parentOf(doc: Json, path: string[], op: string, ptr: string): { parent: Obj | Json[]; key: string } {
  if (path.length === 0) throw new PatchError(`${op} operation does not apply: root`);
  const parent = getAt(doc, path.slice(0, -1));
  if (!Array.isArray(parent) && !isObj(parent)) {
    throw new PatchError(`${op} operation does not apply: doc is missing path: "${ptr}": missing value`);
  }
  return { parent, key: path[path.length - 1] };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}
export { deepEqual };

/** RFC 6902. Errors mimic evanphx/json-patch messages used by the apiserver. */
export function jsonPatch(doc: unknown, ops: unknown): Json {
  if (!Array.isArray(ops))
    throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = clone(doc as Json);
  for (const raw of ops) {
    if (!isObj(raw)) throw new PatchError('invalid operation');
    const op = String(raw.op ?? '');
    const ptr = String(raw.path ?? '');
    const path = parsePointer(ptr);
    const remove = (p: string[], name: string): Json => {
      const { parent, key } = parentOf(out, p, name, ptr);
      if (Array.isArray(parent)) {
        const i = Number(key);
        if (!/^(0|[1-9][0-9]*)$/.test(key) || i >= parent.length) {
          throw new PatchError(`${name} operation does not apply: doc is missing key: ${ptr}: missing value`);
        }
        return parent.splice(i, 1)[0];
      }
      if (!Object.prototype.hasOwnProperty.call(parent, key)) {
        throw new PatchError(`${name} operation does not apply: doc is missing key: ${ptr}: missing value`);
      }
      const v = parent[key];
      delete parent[key];
      return v;
    };
    const add = (p: string[], value: Json, name: string, pstr: string): void => {
      if (p.length === 0) {
        out = value;
        return;
      }
      const { parent, key } = parentOf(out, p, name, pstr);
      if (Array.isArray(parent)) {
        if (key === '-') parent.push(value);
        else {
          const i = Number(key);
          if (!/^(0|[1-9][0-9]*)$/.test(key) || i > parent.length) {
            throw new PatchError(
              `${name} operation does not apply: doc is missing path: "${pstr}": missing value`,
            );
          }
          parent.splice(i, 0, value);
        }
      } else parent[key] = value;
    };
    switch (op) {
      case 'add':
        if (!('value' in raw)) throw new PatchError('add operation does not apply: missing value');
        add(path, clone(raw.value), 'add', ptr);
        break;
      case 'remove':
        remove(path, 'remove');
        break;
      case 'replace': {
        if (!('value' in raw)) throw new PatchError('replace operation does not apply: missing value');
        if (path.length === 0) {
          out = clone(raw.value);
          break;
        }
        const { parent, key } = parentOf(out, path, 'replace', ptr);
        if (Array.isArray(parent)) {
          const i = Number(key);
          if (!/^(0|[1-9][0-9]*)$/.test(key) || i >= parent.length) {
            throw new PatchError(
              `replace operation does not apply: doc is missing key: ${ptr}: missing value`,
            );
          }
          parent[i] = clone(raw.value);
        } else {
          if (!Object.prototype.hasOwnProperty.call(parent, key)) {
            throw new PatchError(
              `replace operation does not apply: doc is missing key: ${ptr}: missing value`,
            );
          }
          parent[key] = clone(raw.value);
        }
        break;
      }
      case 'move': {
        const from = String(raw.from ?? '');
        const v = remove(parsePointer(from), 'move');
        add(path, v, 'move', ptr);
        break;
      }
      case 'copy': {
        const from = String(raw.from ?? '');
        const v = getAt(out, parsePointer(from));
        if (v === undefined)
          throw new PatchError(`copy operation does not apply: doc is missing from path: ${from}`);
        add(path, clone(v), 'copy', ptr);
        break;
      }
      case 'test': {
        const v = getAt(out, path);
        const expected = raw.value === undefined ? null : raw.value;
        if (v === undefined ? expected !== null : !deepEqual(v, expected)) {
          throw new PatchError(`testing value ${ptr} failed: test failed`);
        }
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${op}`);
    }
  }
  return out;
}

// ---- strategic merge patch (subset) ----------------------------------------------------------
// Merge keys of the built-in types this stand-in serves (k8s.io/api patchMergeKey tags).
function mergeKeyFor(field: string, parentField: string | undefined): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'hostAliases':
      return field === 'hostAliases' ? 'ip' : 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'ports':
      // container ports merge on containerPort, Service ports on port
      return parentField === 'containers' || parentField === 'initContainers' ? 'containerPort' : 'port';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'finalizers':
      return undefined;
    default:
      return undefined;
  }
}

export function strategicMergePatch(target: unknown, patch: unknown, parentField?: string): Json {
  if (!isObj(patch)) return clone(patch as Json);
  if (patch['$patch'] === 'replace') {
    const p = clone(patch);
    delete p['$patch'];
    return p;
  }
  if (patch['$patch'] === 'delete') return null;
  const out: Obj = isObj(target) ? clone(target) : {};
  const orders: Record<string, Json[]> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      orders[k.slice('$setElementOrder/'.length)] = Array.isArray(v) ? v : [];
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f]) && Array.isArray(v)) {
        out[f] = (out[f] as Json[]).filter((x) => !v.some((d) => deepEqual(d, x)));
      }
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const key = mergeKeyFor(k, parentField);
    if (Array.isArray(v) && key) {
      const cur: Json[] = Array.isArray(out[k]) ? clone(out[k] as Json[]) : [];
      for (const item of v) {
        if (!isObj(item)) continue;
        const idx = cur.findIndex((c) => isObj(c) && c[key] === item[key]);
        if (item['$patch'] === 'delete') {
          if (idx >= 0) cur.splice(idx, 1);
          continue;
        }
        if (idx >= 0) cur[idx] = strategicMergePatch(cur[idx], item, k);
        else {
          const n = clone(item);
          delete n['$patch'];
          cur.push(n);
        }
      }
      out[k] = cur;
    } else if (isObj(v)) {
      out[k] = strategicMergePatch(out[k], v, parentField === undefined && k === 'spec' ? undefined : k);
    } else {
      out[k] = clone(v);
    }
  }
  for (const [f, order] of Object.entries(orders)) {
    const key = mergeKeyFor(f, parentField);
    if (!key || !Array.isArray(out[f])) continue;
    const list = out[f] as Json[];
    const pos = (x: Json) => {
      const i = order.findIndex((o) => isObj(o) && isObj(x) && o[key] === x[key]);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    out[f] = list
      .map((x, i) => ({ x, i }))
      .sort((a, b) => pos(a.x) - pos(b.x) || a.i - b.i)
      .map((e) => e.x);
  }
  return out;
}
