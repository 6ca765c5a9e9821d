// Watch streams: initial ADDED events or replay from the history, 410 Expired past the retained
// window, selector transitions as ADDED/DELETED, bookmarks, timeoutSeconds, tables.
import type http from 'node:http';
import { groupVersion, type ResourceType } from '../resources.ts';
import type { K8sObject, StoreEvent } from '../store.ts';
import { tableVersion, toTable, wantsTable } from '../tables.ts';
import { JSON_CT, type AnyObj, type ServerContext } from './context.ts';

export function serveWatch(
  s: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  rt: ResourceType,
  version: string,
  matches: (o: K8sObject) => boolean,
  q: URLSearchParams,
  accept: string | undefined,
  view: (o: K8sObject) => AnyObj,
): void {
  const store = s.opts.store;
  const table = wantsTable(accept);
  const tv = tableVersion(accept);
  const includeObject = q.get('includeObject') ?? 'Metadata';
  res.writeHead(200, {
    'Content-Type': JSON_CT,
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  let closed = false;
  const send = (type: string, object: AnyObj) => {
    if (closed) return;
    const obj =
      table && type !== 'ERROR' && type !== 'BOOKMARK'
        ? toTable(rt, [object], { resourceVersion: object.metadata?.resourceVersion }, includeObject, tv)
        : object;
    res.write(JSON.stringify({ type, object: obj }) + '\n');
  };
  const rvParam = q.get('resourceVersion');
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const sendInitial = q.get('sendInitialEvents') === 'true';
  const timeout = q.get('timeoutSeconds');
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = () => {};
  const finish = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    s.watches.delete(finish);
    res.end();
  };
  s.watches.add(finish);
  req.on('close', finish);
  res.on('close', finish);

  const handleEvent = (e: StoreEvent) => {
    if (e.rt !== rt) return;
    const nowMatch = e.type !== 'DELETED' && matches(e.object);
    const wasMatch = e.old ? matches(e.old) : false;
    if (e.type === 'ADDED') {
      if (nowMatch) send('ADDED', view(e.object));
    } else if (e.type === 'MODIFIED') {
      if (nowMatch && wasMatch) send('MODIFIED', view(e.object));
      else if (nowMatch) send('ADDED', view(e.object));
      else if (wasMatch) send('DELETED', view(e.object));
    } else if (e.type === 'DELETED') {
      if (matches(e.object) || wasMatch) send('DELETED', view(e.object));
    }
  };

  if (!rvParam || rvParam === '0' || sendInitial) {
    for (const o of store.list(rt)) if (matches(o)) send('ADDED', view(o));
    if (sendInitial && bookmarks) {
      send('BOOKMARK', {
        kind: rt.kind,
        apiVersion: groupVersion(rt.group, version),
        metadata: {
          resourceVersion: String(store.currentRV()),
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      });
    }
  } else {
    const n = Number(rvParam);
    if (!Number.isFinite(n)) {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `invalid resource version: ${rvParam}`,
        reason: 'BadRequest',
        code: 400,
      });
      finish();
      return;
    }
    if (n < store.oldestRV()) {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${n} (${store.oldestRV() + 1})`,
        reason: 'Expired',
        code: 410,
      });
      finish();
      return;
    }
    for (const e of store.history) if (e.rv > n) handleEvent(e);
  }
  unsubscribe = store.onEvent(handleEvent);
  if (timeout) timers.push(setTimeout(finish, Number(timeout) * 1000));
  if (bookmarks) {
    const iv = setInterval(() => {
      if (closed) return clearInterval(iv);
      send('BOOKMARK', {
        kind: rt.kind,
        apiVersion: groupVersion(rt.group, version),
        metadata: { resourceVersion: String(store.currentRV()) },
      });
    }, s.opts.bookmarkIntervalMs ?? 5000);
    timers.push(iv as unknown as NodeJS.Timeout);
  }
}
