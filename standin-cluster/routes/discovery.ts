// Discovery: /version, /api, /apis, /apis/<g>, /apis/<g>/<v> (the served resource lists) and the
// minimal /openapi/v3 that makes kubectl use server-side field validation.
import type http from 'node:http';
import { RESOURCES, compareKubeVersions, groupVersion } from '../resources.ts';
import { ApiError } from '../store.ts';
import { minorOf } from '../rbac.ts';
import { sendJson, type AnyObj, type ServerContext } from './context.ts';

const OPENAPI_HASH = 'STANDIN0000000000000000000000000000000000000000000000000000000000';

/** Answer a discovery path; false when `p` is not one (the caller routes it on). */
export function serveDiscovery(
  s: ServerContext,
  p: string,
  segs: string[],
  res: http.ServerResponse,
): boolean {
  if (p === '/version') {
    sendJson(res, 200, {
      major: '1',
      minor: String(minorOf(s.gitVersion)),
      gitVersion: s.gitVersion,
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2025-01-01T00:00:00Z',
      goVersion: 'go1.23.4',
      compiler: 'gc',
      platform: 'linux/amd64',
    });
    return true;
  }
  if (p === '/openapi/v3') {
    const paths: AnyObj = {};
    for (const gv of groupVersions(s))
      paths[gv === 'v1' ? 'api/v1' : `apis/${gv}`] = {
        serverRelativeURL: `/openapi/v3/${gv === 'v1' ? 'api/v1' : `apis/${gv}`}?hash=${OPENAPI_HASH}`,
      };
    sendJson(res, 200, { paths });
    return true;
  }
  if (p.startsWith('/openapi/v3/')) {
    const rest = p.slice('/openapi/v3/'.length);
    const gv = rest === 'api/v1' ? 'v1' : rest.startsWith('apis/') ? rest.slice(5) : '';
    if (!groupVersions(s).includes(gv))
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
    sendJson(res, 200, openapiV3(s, gv));
    return true;
  }
  if (p === '/api') {
    sendJson(res, 200, {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${s.port}` }],
    });
    return true;
  }
  if (p === '/apis') {
    sendJson(res, 200, {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups(s).map((g) => apiGroup(g)),
    });
    return true;
  }
  if (segs[0] === 'apis' && segs.length === 2) {
    const g = groups(s).find((x) => x.name === segs[1]);
    if (!g) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
    sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) });
    return true;
  }
  if ((segs[0] === 'api' && segs.length === 2) || (segs[0] === 'apis' && segs.length === 3)) {
    const rl =
      segs[0] === 'api'
        ? segs[1] === 'v1'
          ? resourceList(s, '', 'v1')
          : undefined
        : resourceList(s, segs[1], segs[2]);
    if (!rl) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
    sendJson(res, 200, rl);
    return true;
  }
  return false;
}

export function groups(s: ServerContext): { name: string; versions: string[] }[] {
  const m = new Map<string, string[]>();
  for (const rt of RESOURCES) {
    if (!rt.group) continue;
    const vs = m.get(rt.group) ?? [];
    for (const v of s.versionsOf(rt)) if (!vs.includes(v)) vs.push(v);
    m.set(rt.group, vs.sort(compareKubeVersions));
  }
  m.set('authorization.k8s.io', ['v1']);
  return [...m.entries()].map(([name, versions]) => ({ name, versions }));
}

export function groupVersions(s: ServerContext): string[] {
  const out = ['v1'];
  for (const g of groups(s)) for (const v of g.versions) out.push(`${g.name}/${v}`);
  return out;
}

/**
 * A minimal OpenAPI v3 document per group-version: paths with their operations, the
 * x-kubernetes-group-version-kind extension and the query parameters (enough for kubectl to see
 * that the server validates fields itself, so `kubectl apply/create` work). Schemas are open.
 */
export function openapiV3(s: ServerContext, gv: string): AnyObj {
  const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
  const q = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  const paths: AnyObj = {};
  const schemas: AnyObj = {};
  for (const rt of RESOURCES) {
    if (rt.group !== group || !s.versionsOf(rt).includes(version)) continue;
    const gvk = { group: rt.group, version, kind: rt.kind };
    const ref = `${rt.group || 'core'}.${version}.${rt.kind}`;
    schemas[ref] = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-group-version-kind': [gvk],
    };
    const body = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } };
    const resp = {
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
        },
      },
    };
    const op = (action: string, extra: AnyObj = {}) => ({
      ...resp,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      ...extra,
    });
    const prefix = `/${gv === 'v1' ? 'api/v1' : `apis/${gv}`}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
    const writeParams = [q('dryRun'), q('fieldManager'), q('fieldValidation')];
    paths[prefix] = {
      get: op('list', {
        parameters: [
          q('labelSelector'),
          q('fieldSelector'),
          q('limit'),
          q('continue'),
          q('resourceVersion'),
          q('watch'),
          q('timeoutSeconds'),
        ],
      }),
      post: op('post', { requestBody: body, parameters: writeParams }),
      delete: op('deletecollection'),
    };
    paths[`${prefix}/{name}`] = {
      get: op('get'),
      put: op('put', { requestBody: body, parameters: writeParams }),
      patch: op('patch', {
        requestBody: {
          content: {
            'application/merge-patch+json': { schema: { type: 'object' } },
            'application/json-patch+json': { schema: { type: 'object' } },
          },
        },
        parameters: [...writeParams, q('force')],
      }),
      delete: op('delete', { parameters: [q('dryRun'), q('gracePeriodSeconds'), q('propagationPolicy')] }),
    };
    if (rt.subresources.includes('status')) {
      paths[`${prefix}/{name}/status`] = {
        get: op('get'),
        put: op('put', { requestBody: body, parameters: writeParams }),
        patch: op('patch', { parameters: [...writeParams, q('force')] }),
      };
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-standin' },
    paths,
    components: { schemas },
  };
}

export function apiGroup(g: { name: string; versions: string[] }): AnyObj {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function resourceList(s: ServerContext, group: string, version: string): AnyObj | undefined {
  const gv = groupVersion(group, version);
  const resources: AnyObj[] = [];
  if (group === 'authorization.k8s.io' && version === 'v1') {
    resources.push({
      name: 'selfsubjectaccessreviews',
      singularName: 'selfsubjectaccessreview',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    });
  }
  for (const rt of RESOURCES) {
    if (rt.group !== group || !s.versionsOf(rt).includes(version)) continue;
    const r: AnyObj = {
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: [
        ...(rt.plural === 'events' || rt.plural === 'pods'
          ? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
          : ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']),
      ],
    };
    if (rt.shortNames) r.shortNames = rt.shortNames;
    if (rt.categories) r.categories = rt.categories;
    r.storageVersionHash = Buffer.from(`${rt.group}/${rt.plural}`).toString('base64').slice(0, 11);
    resources.push(r);
    for (const sub of rt.subresources) {
      const verbs =
        sub === 'status' || sub === 'scale'
          ? ['get', 'patch', 'update']
          : sub === 'log'
            ? ['get']
            : ['create', 'get'];
      const kind = sub === 'scale' ? 'Scale' : sub === 'portforward' ? 'PodPortForwardOptions' : rt.kind;
      const sr: AnyObj = {
        name: `${rt.plural}/${sub}`,
        singularName: '',
        namespaced: rt.namespaced,
        kind,
        verbs,
      };
      if (sub === 'scale') {
        sr.group = 'autoscaling';
        sr.version = 'v1';
      }
      resources.push(sr);
    }
  }
  if (!resources.length) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}
