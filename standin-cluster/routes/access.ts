// Authentication (bearer token), authorization (deny rules, a Role's allow list) and the API
// server's Forbidden status; SelfSubjectAccessReview answers from the same rules.
import type http from 'node:http';
import { RESOURCES, qualified, type ResourceType } from '../resources.ts';
import { ApiError, details } from '../store.ts';
import { allowedBy, portForwardVerbs } from '../rbac.ts';
import { JSON_CT, parseBody, readBody, sendJson, type ServerContext } from './context.ts';

export function authenticate(s: ServerContext, req: http.IncomingMessage): string | undefined {
  const h = req.headers.authorization ?? '';
  const m = h.match(/^Bearer\s+(.+)$/i);
  if (m && m[1].trim() === s.opts.token) return s.opts.user;
  return undefined;
}

export function authorize(
  s: ServerContext,
  user: string,
  verb: string,
  rt: ResourceType,
  resource: string,
  ns: string | undefined,
  name: string | undefined,
): void {
  for (const r of s.opts.rbac.deny) {
    if (r.users && !r.users.includes(user)) continue;
    if (r.verbs && !r.verbs.includes(verb) && !r.verbs.includes('*')) continue;
    if (r.resources && !r.resources.includes(resource) && !r.resources.includes('*')) continue;
    if (r.groups && !r.groups.includes(rt.group) && !r.groups.includes('*')) continue;
    if (r.namespaces && !(ns && r.namespaces.includes(ns))) continue;
    if (r.names && !(name && r.names.includes(name))) continue;
    throw forbidden(user, verb, rt, resource, ns, name);
  }
  const allow = s.opts.rbac.allow;
  if (allow && !allowedBy(allow, verb, rt.group, resource, name))
    throw forbidden(user, verb, rt, resource, ns, name);
}

/** A WebSocket port-forward (GET upgrade) is authorized with these verbs on this version. */
export function authorizePortForward(
  s: ServerContext,
  user: string,
  rt: ResourceType,
  ns: string,
  name: string,
): void {
  for (const verb of portForwardVerbs(s.gitVersion))
    authorize(s, user, verb, rt, 'pods/portforward', ns, name);
}

/** The API server's Forbidden status for one verb on one resource. */
export function forbidden(
  user: string,
  verb: string,
  rt: ResourceType,
  resource: string,
  ns: string | undefined,
  name: string | undefined,
): ApiError {
  const subject = name ? `${qualified(rt)} "${name}"` : qualified(rt);
  const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
  return new ApiError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${rt.group}" ${scope}`,
    details(rt, name),
  );
}

/** POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews (JSON only). */
export async function selfSubjectAccessReview(
  s: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  user: string,
): Promise<void> {
  const body = parseBody(await readBody(req), req.headers['content-type'] ?? JSON_CT);
  const ra = body?.spec?.resourceAttributes ?? {};
  let allowed = true;
  let reason = '';
  const rt = RESOURCES.find((r) => r.plural === ra.resource && r.group === (ra.group ?? ''));
  if (rt) {
    try {
      authorize(
        s,
        user,
        ra.verb ?? 'get',
        rt,
        ra.subresource ? `${ra.resource}/${ra.subresource}` : ra.resource,
        ra.namespace || undefined,
        ra.name || undefined,
      );
    } catch (e) {
      allowed = false;
      reason = (e as Error).message;
    }
  }
  sendJson(res, 201, {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: body.spec ?? {},
    status: allowed ? { allowed: true } : { allowed: false, denied: true, reason },
  });
  return;
}
