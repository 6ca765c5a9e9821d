// The reading verbs: get (with the `log` subresource), list and watch, as JSON or kubectl tables.
import { groupVersion } from '../resources.ts';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  SUPPORTED_FIELDS,
} from '../selectors.ts';
import { ApiError, notFound, type K8sObject } from '../store.ts';
import { tableVersion, toTable, wantsTable } from '../tables.ts';
import { sendJson, type AnyObj, type VerbRequest } from './context.ts';
import { servePodLog } from './logs.ts';
import { serveWatch } from './watch.ts';

/** GET of one object (or its `log`; `portforward` needs an upgrade): JSON or a kubectl table. */
export function getObject(x: VerbRequest): void {
  const { s, res, r, rt, q, store, accept, view } = x;
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
}

/** list and watch: label and field selectors (the fields the real server allows), `limit`/`continue` paging. */
export function listObjects(x: VerbRequest): void {
  const { s, req, res, r, rt, version, q, verb, store, accept, view } = x;
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
    sendJson(res, 200, toTable(rt, viewed, meta, q.get('includeObject') ?? 'Metadata', tableVersion(accept)));
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
}
