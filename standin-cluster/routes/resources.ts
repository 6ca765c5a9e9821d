// Resources and verbs: the route of a resource path, get/list/create/update/patch/delete/
// deletecollection (status subresource included), and the write path shared by PUT and PATCH.
import type http from 'node:http';
import YAML from 'yaml';
import { schemaErrors, webhookDownError, webhookErrors } from '../admission.ts';
import { applyDefaults } from '../defaults.ts';
import { differs, managerOf, nextManagedFields, type Operation, type Write } from '../managed.ts';
import { jsonPatch, mergePatch, strategicMergePatch, PatchError, clone } from '../patch.ts';
import { convertTo, findByPlural, groupVersion, qualified, type ResourceType } from '../resources.ts';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  SUPPORTED_FIELDS,
} from '../selectors.ts';
import { ApiError, details, notFound, type K8sObject } from '../store.ts';
import { tableVersion, toTable, wantsTable } from '../tables.ts';
import type { RequestLogEntry } from '../server.ts';
import { authorize, authorizePortForward } from './access.ts';
import {
  JSON_CT,
  isWatch,
  parseBody,
  readBody,
  sendJson,
  type AnyObj,
  type Route,
  type ServerContext,
} from './context.ts';
import { servePodLog } from './logs.ts';
import { serveWatch } from './watch.ts';

/** A path under /api/v1 or /apis/<g>/<v>, after discovery: the verb on the resource it names. */
export async function serveResource(
  s: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  u: URL,
  method: string,
  user: string,
  entry: RequestLogEntry,
  segs: string[],
): Promise<void> {
  const r = parseRoute(s, segs);
  if (!r) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  const { rt, version } = r;
  const q = u.searchParams;
  const watch = isWatch(q);
  const resource = r.subresource ? `${rt.plural}/${r.subresource}` : rt.plural;
  const verb = verbOf(method, r, watch);
  Object.assign(entry, { verb, resource, group: rt.group, version, namespace: r.namespace, name: r.name });
  if (r.subresource && !rt.subresources.includes(r.subresource)) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  if (r.subresource === 'portforward' && method === 'GET' && r.namespace && r.name)
    authorizePortForward(s, user, rt, r.namespace, r.name);
  else
    authorize(s, user, r.subresource === 'portforward' ? 'create' : verb, rt, resource, r.namespace, r.name);
  const warn = rt.deprecatedVersions?.[version];
  if (warn) res.setHeader('Warning', `299 - "${warn}"`);
  const dryRun = q.get('dryRun') === 'All';
  const store = s.opts.store;
  const accept = req.headers.accept;

  const view = (o: K8sObject): K8sObject => {
    const v = convertTo(o, rt, version);
    return { ...v, apiVersion: groupVersion(rt.group, version), kind: rt.kind } as K8sObject;
  };

  switch (verb) {
    case 'get': {
      if (r.subresource === 'log') return servePodLog(s, r, q, res);
      if (r.subresource === 'portforward') {
        throw new ApiError(400, 'BadRequest', 'Upgrade request required');
      }
      const o = store.get(rt, r.namespace, r.name!);
      if (!o) throw notFound(rt, r.name!);
      const out = view(o);
      if (wantsTable(accept) && !r.subresource) {
        sendJson(
          res,
          200,
          toTable(
            rt,
            [out],
            { resourceVersion: out.metadata.resourceVersion },
            q.get('includeObject') ?? 'Metadata',
            tableVersion(accept),
          ),
        );
      } else sendJson(res, 200, out);
      return;
    }
    case 'list':
    case 'watch': {
      let labelReqs;
      let fieldReqs;
      try {
        labelReqs = parseLabelSelector(q.get('labelSelector'));
        fieldReqs = parseFieldSelector(q.get('fieldSelector'));
      } catch (e) {
        if (e instanceof SelectorError) throw new ApiError(400, 'BadRequest', e.message);
        throw e;
      }
      const allowedFields = SUPPORTED_FIELDS[rt.plural] ?? ['metadata.name', 'metadata.namespace'];
      for (const f of fieldReqs) {
        if (!allowedFields.includes(f.path)) {
          throw new ApiError(
            400,
            'BadRequest',
            `"${f.path}" is not a known field selector: only "${allowedFields.join('", "')}"`,
          );
        }
      }
      if (r.name) fieldReqs.push({ path: 'metadata.name', op: '=', value: r.name });
      const matches = (o: K8sObject) =>
        (!r.namespace || o.metadata.namespace === r.namespace) &&
        matchLabels(labelReqs, o.metadata.labels) &&
        matchFields(fieldReqs, o);
      if (verb === 'watch') {
        serveWatch(s, req, res, rt, version, matches, q, accept, view);
        return;
      }
      const all = store.list(rt, r.namespace).filter(matches);
      const limit = Number(q.get('limit') ?? 0);
      let start = 0;
      const cont = q.get('continue');
      if (cont) {
        try {
          start = JSON.parse(Buffer.from(cont, 'base64').toString('utf8')).start;
        } catch {
          throw new ApiError(
            400,
            'BadRequest',
            'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
          );
        }
      }
      const items = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
      const meta: AnyObj = { resourceVersion: String(store.currentRV()) };
      if (limit > 0 && start + limit < all.length) {
        meta.continue = Buffer.from(
          JSON.stringify({ v: 'meta.k8s.io/v1', rv: store.currentRV(), start: start + limit }),
        ).toString('base64');
        meta.remainingItemCount = all.length - start - limit;
      }
      const viewed = items.map(view);
      if (wantsTable(accept)) {
        sendJson(
          res,
          200,
          toTable(rt, viewed, meta, q.get('includeObject') ?? 'Metadata', tableVersion(accept)),
        );
        return;
      }
      sendJson(res, 200, {
        kind: rt.listKind,
        apiVersion: groupVersion(rt.group, version),
        metadata: meta,
        items: rt.custom
          ? viewed
          : viewed.map((o) => {
              const c = { ...o } as AnyObj;
              delete c.kind;
              delete c.apiVersion;
              return c;
            }),
      });
      return;
    }
    case 'create': {
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
      body.metadata.managedFields = nextManagedFields(
        [],
        undefined,
        body,
        writer(req, q, 'Update', gv),
        (o, v) => inVersion(s, rt, o, v),
      );
      const created = store.create(rt, body as K8sObject, { dryRun });
      sendJson(res, 201, view(created));
      return;
    }
    case 'update': {
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
      return;
    }
    case 'patch': {
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
          throw new ApiError(
            422,
            'Invalid',
            'the server rejected our request due to an error in our request',
            { causes: [{ message: e.message }] },
          );
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
      return;
    }
    case 'delete': {
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
        propagationPolicy: q.get('propagationPolicy') ?? opts.propagationPolicy,
        dryRun,
      });
      if (rt.custom) {
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
      return;
    }
    case 'deletecollection': {
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
      const deleted = victims.map((o) =>
        s.opts.hooks.deleteObject(rt, o.metadata.namespace, o.metadata.name, { dryRun }),
      );
      sendJson(res, 200, {
        kind: rt.listKind,
        apiVersion: groupVersion(rt.group, version),
        metadata: { resourceVersion: String(store.currentRV()) },
        items: deleted.map(view),
      });
      return;
    }
    default:
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
  }
}

export function parseRoute(s: ServerContext, segs: string[]): Route | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs[1] === 'v1') {
    group = '';
    version = 'v1';
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else return undefined;
  if (rest.length === 0) return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const rt = s.served(group, version, rest[2]);
    if (rt && rt.namespaced) {
      return { rt, group, version, namespace: rest[1], name: rest[3], subresource: rest[4] };
    }
    if (group === '' && (rest[2] === 'status' || rest[2] === 'finalize') && rest.length === 3) {
      return {
        rt: findByPlural('', 'v1', 'namespaces')!,
        group,
        version,
        name: rest[1],
        subresource: rest[2],
      };
    }
    if (!rt) return undefined;
  }
  const rt = s.served(group, version, rest[0]);
  if (!rt) return undefined;
  if (rt.namespaced) return { rt, group, version, name: rest[1], subresource: rest[2] }; // all-namespaces list/watch
  return { rt, group, version, name: rest[1], subresource: rest[2] };
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

export function verbOf(method: string, r: Route, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (r.subresource === 'log' || r.subresource === 'portforward') return 'get';
      if (watch) return 'watch';
      return r.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}
