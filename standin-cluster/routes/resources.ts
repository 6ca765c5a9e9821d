// Resources and verbs: the route of a resource path, its authorization and deprecation warning,
// then the verb (reads.ts: get, list, watch; writes.ts: create, update, patch, delete, deletecollection).
import type http from 'node:http';
import { convertTo, findByPlural, groupVersion } from '../resources.ts';
import { ApiError, type K8sObject } from '../store.ts';
import type { RequestLogEntry } from '../server-options.ts';
import { authorize, authorizePortForward } from './access.ts';
import { isWatch, type Route, type ServerContext, type VerbRequest } from './context.ts';
import { getObject, listObjects } from './reads.ts';
import { createObject, deleteCollection, deleteObject, patchObject, updateObject } from './writes.ts';

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

  const x: VerbRequest = { s, req, res, r, rt, version, q, verb, entry, dryRun, store, accept, view };
  switch (verb) {
    case 'get':
      return getObject(x);
    case 'list':
    case 'watch':
      return listObjects(x);
    case 'create':
      return createObject(x);
    case 'update':
      return updateObject(x);
    case 'patch':
      return patchObject(x);
    case 'delete':
      return deleteObject(x);
    case 'deletecollection':
      return deleteCollection(x);
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
