// The HTTP effect against real sockets on 127.0.0.1: hangs, stalls, resets, floods, redirects.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { httpClient, HttpError, type HttpClient } from '../../../src/check/http.js';
import { smokeCheck } from '../../../src/check/smoke.js';

let server: Server;
let tcp: TcpServer;
let base = '';
let tcpBase = '';
let otherHostHits = 0;
let other: Server;
let otherBase = '';
const sockets = new Set<Socket>();

beforeAll(async () => {
  other = createServer((_req, res) => {
    otherHostHits++;
    res.end('{}');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  server = createServer((req, res) => {
    switch (req.url) {
      case '/hang/v1/models':
        return; // accept, never answer
      case '/stall/v1/models':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data": [');
        return; // headers, then the body stalls
      case '/huge/v1/models': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const pump = (): void => {
          while (sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case '/redirect/v1/models':
        res.writeHead(307, { location: `${otherBase}/v1/models` });
        return void res.end();
      default:
        res.writeHead(404);
        res.end();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Resets the connection in the middle of a body.
  tcp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => {
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"data": [',
      );
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
  });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  tcpBase = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all([server, other, tcp].map((s) => new Promise((r) => s.close(r))));
});

async function kindOf(url: string, timeoutMs = 500, maxBytes?: number): Promise<string> {
  try {
    await httpClient.request({ method: 'GET', url, timeoutMs, maxBytes });
    return 'ok';
  } catch (error) {
    return (error as HttpError).kind;
  }
}

describe('httpClient', () => {
  it('times out a server that accepts and never answers', async () => {
    // 'timeout' comes from the request's deadline only (undici's idle timers are set to it too).
    expect(await kindOf(`${base}/hang/v1/models`)).toBe('timeout');
  });

  it('times out a body that stalls after the headers', async () => {
    expect(await kindOf(`${base}/stall/v1/models`)).toBe('timeout');
  });

  it('stops reading a body past the cap', async () => {
    expect(await kindOf(`${base}/huge/v1/models`, 5000, 1024 * 1024)).toBe('too-large');
  });

  it('reports a reset in the middle of a body', async () => {
    expect(['reset', 'other']).toContain(await kindOf(`${tcpBase}/v1/models`, 2000));
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await kindOf(`http://127.0.0.1:${port}/v1/models`)).toBe('refused');
  });

  it('never follows a redirect (the api key stays home)', async () => {
    const result = await smokeCheck(httpClient, {
      baseUrl: `${base}/redirect`,
      prompt: 'hi',
      maxTokens: 4,
      skipChat: false,
      retries: 2,
      retryDelayMs: 0,
      timeoutMs: 1000,
      apiKey: 'secret-key',
    });
    expect(result.failure?.code).toBe('models-error');
    expect(otherHostHits).toBe(0);
  });

  it('fails a hanging frontend after `retries` attempts, each ended by its own deadline', async () => {
    // The run's bound is retries × timeout plus the backoff between attempts: counted, not timed.
    const sent: { url: string; timeoutMs: number; ended: string }[] = [];
    const recording: HttpClient = {
      async request(req) {
        const entry = { url: req.url, timeoutMs: req.timeoutMs, ended: 'answered' };
        sent.push(entry);
        try {
          return await httpClient.request(req);
        } catch (error) {
          entry.ended = (error as HttpError).kind;
          throw error;
        }
      },
    };
    const result = await smokeCheck(recording, {
      baseUrl: `${base}/hang`,
      prompt: 'hi',
      maxTokens: 4,
      skipChat: false,
      retries: 3,
      retryDelayMs: 10,
      timeoutMs: 200,
    });
    expect(result.failure?.code).toBe('frontend-unreachable');
    expect(result.checks).toEqual([expect.objectContaining({ name: 'models', ok: false, attempts: 3 })]);
    const attempt = { url: `${base}/hang/v1/models`, timeoutMs: 200, ended: 'timeout' };
    expect(sent).toEqual([attempt, attempt, attempt]);
  });
});
