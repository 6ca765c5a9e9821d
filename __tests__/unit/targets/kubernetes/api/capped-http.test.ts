// Kubernetes API bodies and watches, each read with a byte cap.
import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { RunFailure } from '../../../../../src/model/failure.ts';
import { kubeApi, type WatchEvent } from '../../../../../src/targets/kubernetes/api/kube-api.ts';
import { type Credentials } from '../../../../../src/targets/kubernetes/api/credentials.ts';
import { watchObjects } from '../../../../../src/targets/kubernetes/api/capped-http.ts';

// ---- Kubernetes API bodies and watches, against a small local server ---------------------------

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function apiServer(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = http.createServer(handle);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'token-0123456789' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const creds: Credentials = { kc, source: 'test', server: url, context: 'x' };
  return { kc, api: kubeApi(creds, 20_000) };
}

/** Writes `chunk` until the client goes away (a body that never ends). */
function endless(res: http.ServerResponse, head: string, chunk: string, type = 'application/json'): void {
  res.writeHead(200, { 'content-type': type });
  res.write(head);
  const data = chunk.repeat(4096);
  const more = () => {
    while (!res.destroyed && res.write(data));
    if (!res.destroyed) res.once('drain', more);
  };
  more();
}

describe('Kubernetes API bodies with a byte cap', () => {
  it('an endless list fails as cluster-response-too-large, after 32 MiB and no more', async () => {
    const { api } = await apiServer((_req, res) =>
      endless(res, '{"kind":"PodList","items":[', '{"metadata":{"name":"p"}},'),
    );
    const error = await api.listPods('ns', 'app=x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailure);
    expect((error as RunFailure).code).toBe('cluster-response-too-large');
    expect((error as RunFailure).message).toMatch(/more than 32 MiB for GET \/api\/v1\/namespaces\/ns\/pods/);
  });

  it('a declared length over the cap is refused before reading', async () => {
    const { api } = await apiServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(64 * 1024 * 1024) });
      res.write('{');
    });
    const error = await api.getService('ns', 'svc').catch((e: unknown) => e);
    expect((error as RunFailure).code).toBe('cluster-response-too-large');
  });

  it('a pod log is cut at its cap, keeping the start', async () => {
    const { api } = await apiServer((_req, res) => endless(res, 'first line\n', 'x', 'text/plain'));
    const text = await api.podLog('ns', 'pod', undefined, 5);
    expect(text.startsWith('first line\n')).toBe(true);
    expect(Buffer.byteLength(text)).toBe(8 * 1024 * 1024);
  });
});

describe('watchObjects', () => {
  const watch = (kc: KubeConfig, limits = { eventBytes: 4096, watchBytes: 1 << 20, idleMs: 5000 }) =>
    new Promise<{ events: WatchEvent[]; error?: unknown }>((resolve) => {
      const events: WatchEvent[] = [];
      void watchObjects(
        kc,
        '/api/v1/namespaces/ns/pods',
        { labelSelector: 'a=b' },
        (e) => events.push(e),
        (error) => resolve({ events, error }),
        limits,
      );
    });

  it('splits events across chunks, skips what is not JSON, ends when the server does', async () => {
    const { kc } = await apiServer((req, res) => {
      expect(req.url).toContain('watch=true');
      res.writeHead(200, { 'content-type': 'application/json' });
      const line = `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n`;
      res.write(line.slice(0, 10));
      setTimeout(() => res.end(`${line.slice(10)}not json\n${line}`), 20);
    });
    const { events, error } = await watch(kc);
    expect(error).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED']);
  });

  it('a line that never ends: cluster-response-too-large at the event cap', async () => {
    const { kc } = await apiServer((_req, res) =>
      endless(res, '{"type":"ADDED","object":{"metadata":{"name":"', 'x'),
    );
    const { error } = await watch(kc);
    expect((error as RunFailure).code).toBe('cluster-response-too-large');
    expect((error as RunFailure).message).toMatch(/more than 4096 bytes for one event of the pod watch/);
  });

  it('a watch over its bytes ends without blame (the caller lists again)', async () => {
    const line = `${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a' } } })}\n`;
    const { kc } = await apiServer((_req, res) => endless(res, '', line));
    const { events, error } = await watch(kc, { eventBytes: 4096, watchBytes: 100_000, idleMs: 5000 });
    expect(error).toBeUndefined();
    expect(events.length).toBeGreaterThan(100);
    expect(events.length).toBeLessThan(100_000 / line.length + 4096);
  });
});
