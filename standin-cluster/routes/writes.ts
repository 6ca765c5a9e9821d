// The writing verbs: create, update (PUT), patch, delete and deletecollection, and the path PUT and
// PATCH share (storage-version conversion, defaults, admission, managedFields, the resourceVersion
// precondition).
import type http from 'node:http';
import YAML from 'yaml';
import { schemaErrors, webhookDownError, webhookErrors } from '../admission.ts';
import { applyDefaults } from '../defaults.ts';
import { differs, managerOf, nextManagedFields, type Operation, type Write } from '../managed.ts';
import { jsonPatch, mergePatch, strategicMergePatch, PatchError, clone } from '../patch.ts';
import { convertTo, groupVersion, qualified, type ResourceType } from '../resources.ts';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from '../selectors.ts';
import { ApiError, details, notFound, type K8sObject } from '../store.ts';
import {
  JSON_CT,
  parseBody,
  readBody,
  sendJson,
  type AnyObj,
  type ServerContext,
  type VerbRequest,
} from './context.ts';

/** POST: name, namespace and version checks, defaults, admission, managedFields, then store. */
export async function createObject(x: VerbRequest): Promise<void> {
  const { s, req, res, r, rt, version, q, entry, dryRun, store, view } = x;
  const text = await readBody(req);
  const body = parseBody(text, req.headers['content-type'] ?? JSON_CT);
  entry.body = body;
  if (!body || typeof body !== 'object')
    throw new ApiError(400, 'BadRequest', 'the body of the request was in an unknown format');
  const gv = groupVersion(rt.group, version);
  if (body.kind && body.kind !== rt.kind) {
    throw new ApiError(
      400,
      'BadRequest',
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${gv})`,
    );
  }
  if (body.apiVersion && body.apiVersion !== gv) {
    throw new ApiError(
      400,
      'BadRequest',
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${gv})`,
    );
  }
  body.apiVersion = gv;
  body.kind = rt.kind;
  body.metadata ??= {};
  if (rt.namespaced) {
    if (body.metadata.namespace && body.metadata.namespace !== r.namespace) {
      throw new ApiError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    body.metadata.namespace = r.namespace;
  }
  delete body.metadata.resourceVersion;
  if (rt.subresources.includes('status') && rt.custom) delete body.status;
  applyDefaults(rt, body, store, true);
  admit(s, rt, body, version);
  body.metadata.managedFields = nextManagedFields([], undefined, body, writer(req, q, 'Update', gv), (o, v) =>
    inVersion(s, rt, o, v),
  );
  const created = store.create(rt, body as K8sObject, { dryRun });
  sendJson(res, 201, view(created));
}

/** PUT: the whole object, through the shared write path. */
export async function updateObject(x: VerbRequest): Promise<void> {
  const { s, req, res, r, rt, version, q, entry, dryRun, store, view } = x;
  const text = await readBody(req);
  const body = parseBody(text, req.headers['content-type'] ?? JSON_CT);
  entry.body = body;
  const cur = store.get(rt, r.namespace, r.name!);
  if (!cur) throw notFound(rt, r.name!);
  if (body?.metadata?.name && body.metadata.name !== r.name) {
    throw new ApiError(
      400,
      'BadRequest',
      `the name of the object (${body.metadata.name}) does not match the name on the URL (${r.name})`,
    );
  }
  body.metadata ??= {};
  body.metadata.name = r.name;
  if (rt.namespaced) body.metadata.namespace = r.namespace;
  body.apiVersion = groupVersion(rt.group, version);
  body.kind = rt.kind;
  const updated = write(
    s,
    rt,
    cur,
    body as K8sObject,
    r.subresource,
    dryRun,
    writer(req, q, 'Update', body.apiVersion, r.subresource),
  );
  sendJson(res, 200, view(updated));
}

/** PATCH: merge, JSON and strategic merge patches, apply (which may create). */
export async function patchObject(x: VerbRequest): Promise<void> {
  const { s, req, res, r, rt, version, q, entry, dryRun, store, view } = x;
  const ct = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim();
  const text = await readBody(req);
  const cur = store.get(rt, r.namespace, r.name!);
  const accepted = rt.custom
    ? ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']
    : [
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
        'application/apply-patch+yaml',
      ];
  if (!accepted.includes(ct)) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    );
  }
  let patchBody: unknown;
  try {
    patchBody = ct === 'application/apply-patch+yaml' ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `error decoding patch: ${(e as Error).message}`);
  }
  entry.body = patchBody;
  if (!cur) {
    if (ct === 'application/apply-patch+yaml') {
      // server-side apply on a missing object creates it
      const body = clone(patchBody) as AnyObj;
      body.metadata ??= {};
      body.metadata.name = r.name;
      if (rt.namespaced) body.metadata.namespace = r.namespace;
      body.apiVersion = groupVersion(rt.group, version);
      body.kind = rt.kind;
      applyDefaults(rt, body, store, true);
      admit(s, rt, body, version);
      body.metadata.managedFields = nextManagedFields(
        [],
        undefined,
        body,
        { ...writer(req, q, 'Apply', body.apiVersion), applied: patchBody as AnyObj },
        (o, v) => inVersion(s, rt, o, v),
      );
      const created = store.create(rt, body as K8sObject, { dryRun });
      sendJson(res, 201, view(created));
      return;
    }
    throw notFound(rt, r.name!);
  }
  const before = view(cur);
  let patched: AnyObj;
  try {
    if (ct === 'application/json-patch+json') patched = jsonPatch(before, patchBody) as AnyObj;
    else if (ct === 'application/strategic-merge-patch+json')
      patched = strategicMergePatch(before, patchBody) as AnyObj;
    else patched = mergePatch(before, patchBody) as AnyObj;
  } catch (e) {
    if (e instanceof PatchError) {
      throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
        causes: [{ message: e.message }],
      });
    }
    throw e;
  }
  if (!patched || typeof patched !== 'object' || Array.isArray(patched)) {
    throw new ApiError(400, 'BadRequest', 'the patch produced an object that is not a JSON object');
  }
  patched.metadata ??= {};
  if (patched.metadata.name !== r.name) {
    throw new ApiError(
      422,
      'Invalid',
      `${rt.kind}${rt.group ? '.' + rt.group : ''} "${r.name}" is invalid: metadata.name: Invalid value: "${patched.metadata.name}": field is immutable`,
      details(rt, r.name),
    );
  }
  patched.apiVersion = groupVersion(rt.group, version);
  patched.kind = rt.kind;
  const apply = ct === 'application/apply-patch+yaml';
  const updated = write(s, rt, cur, patched as K8sObject, r.subresource, dryRun, {
    ...writer(req, q, apply ? 'Apply' : 'Update', patched.apiVersion, r.subresource),
    applied: apply ? (patchBody as AnyObj) : undefined,
  });
  sendJson(res, 200, view(updated));
}

/** DELETE of one object: preconditions, grace period and propagation through the controllers. */
export async function deleteObject(x: VerbRequest): Promise<void> {
  const { s, req, res, r, rt, q, dryRun, store, view } = x;
  const text = await readBody(req);
  let opts: AnyObj = {};
  if (text.trim()) {
    try {
      opts = JSON.parse(text);
    } catch {
      opts = {};
    }
  }
  const cur = store.get(rt, r.namespace, r.name!);
  if (!cur) throw notFound(rt, r.name!);
  const pre = opts.preconditions ?? {};
  if (pre.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(rt)} "${r.name}": the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${cur.metadata.resourceVersion}). The object might have been modified`,
      details(rt, r.name),
    );
  }
  if (pre.uid && pre.uid !== cur.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(rt)} "${r.name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
      details(rt, r.name),
    );
  }
  const grace = q.get('gracePeriodSeconds') ?? opts.gracePeriodSeconds;
  const out = s.opts.hooks.deleteObject(rt, r.namespace, r.name!, {
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    propagationPolicy: propagationOf(x, opts),
    dryRun,
  });
  // Still there (finalizers pending, e.g. a foreground delete): the object, as the generic registry answers.
  if (rt.custom || (out.metadata.deletionTimestamp && store.get(rt, r.namespace, r.name!))) {
    sendJson(res, 200, view(out));
  } else if (
    rt.plural === 'pods' ||
    rt.plural === 'namespaces' ||
    rt.plural === 'deployments' ||
    rt.plural === 'replicasets' ||
    rt.plural === 'services'
  ) {
    sendJson(res, 200, view(out));
  } else {
    sendJson(res, 200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { ...details(rt, r.name), uid: cur.metadata.uid },
    });
  }
}

/** DELETE of a collection: every object matching the selectors. */
export function deleteCollection(x: VerbRequest): void {
  const { s, res, r, rt, version, q, dryRun, store, view } = x;
  let labelReqs;
  try {
    labelReqs = parseLabelSelector(q.get('labelSelector'));
  } catch (e) {
    throw new ApiError(400, 'BadRequest', (e as Error).message);
  }
  const fieldReqs = parseFieldSelector(q.get('fieldSelector'));
  const victims = store
    .list(rt, r.namespace)
    .filter((o) => matchLabels(labelReqs, o.metadata.labels) && matchFields(fieldReqs, o));
  const propagationPolicy = propagationOf(x, {});
  const deleted = victims.map((o) =>
    s.opts.hooks.deleteObject(rt, o.metadata.namespace, o.metadata.name, { dryRun, propagationPolicy }),
  );
  sendJson(res, 200, {
    kind: rt.listKind,
    apiVersion: groupVersion(rt.group, version),
    metadata: { resourceVersion: String(store.currentRV()) },
    items: deleted.map(view),
  });
}

/**
 * The propagation policy of a delete: the query's or the body's, else the deprecated
 * `orphanDependents`, else the kind's DefaultGarbageCollectionPolicy with the warning its registry
 * adds (batch/v1 Jobs orphan their pods; storage/storage.go).
 */
function propagationOf(x: VerbRequest, opts: AnyObj): string | undefined {
  const orphan = x.q.get('orphanDependents') ?? opts.orphanDependents;
  const named =
    x.q.get('propagationPolicy') ??
    opts.propagationPolicy ??
    (orphan === undefined || orphan === null
      ? undefined
      : String(orphan) === 'true'
        ? 'Orphan'
        : 'Background');
  if (named) return named;
  const fallback = x.store.strategy(x.rt)?.deleteDefault;
  if (fallback?.warning) x.res.appendHeader('Warning', `299 - ${JSON.stringify(fallback.warning)}`);
  return fallback?.propagationPolicy;
}

/** Admission for DGD writes, on the v1beta1 form the operator validates; throws the API error. */
export function admit(s: ServerContext, rt: ResourceType, obj: AnyObj, version: string): void {
  if (rt.kind !== 'DynamoGraphDeployment') return;
  const beta = convertTo(obj, rt, 'v1beta1');
  // Mutating webhooks run first (a dead one fails the request), then schema, then validating.
  if (s.admission.webhookDown) throw webhookDownError(version);
  const schema = schemaErrors(beta);
  if (schema) throw schema;
  const denied = webhookErrors(beta);
  if (denied) throw denied;
}

/** Common path of PUT and PATCH: convert to the storage version, check the resourceVersion precondition, store. */
export function write(
  s: ServerContext,
  rt: ResourceType,
  cur: K8sObject,
  incoming: K8sObject,
  subresource: string | undefined,
  dryRun: boolean,
  writer: Write,
): K8sObject {
  const store = s.opts.store;
  const rv = incoming.metadata?.resourceVersion;
  // convert back to the storage version of this object
  let stored = incoming;
  if (incoming.apiVersion !== cur.apiVersion) {
    const [, v] = cur.apiVersion.includes('/') ? cur.apiVersion.split('/') : ['', cur.apiVersion];
    stored = convertTo(incoming, rt, v, cur) as K8sObject;
    stored.apiVersion = cur.apiVersion;
  }
  if (subresource !== 'status') {
    applyDefaults(rt, stored, store, false);
    // Admission sees the object in the request's version (schema rules are per version).
    admit(s, rt, incoming, writer.apiVersion.split('/').pop()!);
  }
  const after =
    subresource === 'status' ? { ...cur, status: stored.status } : { ...stored, status: cur.status };
  const managedFields = differs(cur, after, subresource)
    ? nextManagedFields(cur.metadata.managedFields ?? [], cur, after, writer, (o, v) =>
        inVersion(s, rt, o, v),
      )
    : undefined;
  return store.update(rt, stored, { expectedRV: rv, subresource, dryRun, managedFields });
}

/** Who writes, how and in which version: the managedFields key of this request. */
export function writer(
  req: http.IncomingMessage,
  q: URLSearchParams,
  operation: Operation,
  apiVersion: string,
  subresource?: string,
): Write {
  return {
    manager: managerOf(q.get('fieldManager'), req.headers['user-agent']),
    operation,
    apiVersion,
    subresource: subresource === 'status' ? 'status' : undefined,
  };
}

export function inVersion(s: ServerContext, rt: ResourceType, obj: AnyObj, apiVersion: string): AnyObj {
  const version = apiVersion.split('/').pop()!;
  return convertTo(obj, rt, s.versionsOf(rt).includes(version) ? version : obj.apiVersion.split('/').pop());
}
