// Streaming chat samples: streamChat and runWorkload against a local HTTP server that misbehaves
// in the ways a frontend can.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import {
  streamLimits,
  peakInFlight,
  runWorkload,
  streamChat,
  type Sample,
} from '../../../src/compare/stream.js';
import type { WorkloadRequest } from '../../../src/compare/workload.js';

// ---------------------------------------------------------------------------------------------

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let baseUrl: string;
let handler: Handler = (_req, res) => res.end();
let active = 0;
let peak = 0;
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      active++;
      peak = Math.max(peak, active);
      res.on('close', () => active--);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const request = (index = 0): WorkloadRequest => ({
  index,
  group: index % 2,
  model: 'm',
  messages: [{ role: 'user', content: `hello ${index} ✓` }],
  maxTokens: 4,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const DYNAMO_STREAM = [
  'data: {"id":"c","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}],"object":"chat.completion.chunk","nvext":{"worker_id":{"prefill_worker_id":13716975354107675959,"decode_worker_id":13716975354107675959}}}\n\n',
  'data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":null}],"object":"chat.completion.chunk"}\n\n',
  'data: {"id":"c","choices":[{"index":0,"delta":{"content":"é"},"finish_reason":"length"}],"object":"chat.completion.chunk"}\n\n',
  'data: {"id":"c","choices":[],"usage":{"prompt_tokens":413,"completion_tokens":4,"total_tokens":417,"prompt_tokens_details":{"cached_tokens":384}}}\n\n',
  'data: [DONE]\n\n',
].join('');

function sse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
}

describe('streamChat', () => {
  it('measures a stream delivered in awkward pieces (mid-line, mid-UTF-8, CR|LF)', async () => {
    handler = async (_req, res) => {
      sse(res);
      const bytes = Buffer.from(DYNAMO_STREAM.replace(/\n/g, '\r\n'));
      await sleep(30); // "prefill"
      for (let i = 0; i < bytes.length; i += 7) {
        res.write(bytes.subarray(i, i + 7));
        if (i % 140 === 0) await sleep(1);
      }
      res.end();
    };
    const sample = await streamChat(baseUrl, request(3), {
      timeoutMs: 5000,
      apiKey: 'k-1',
      headers: { 'x-dynamo-worker-instance-id': '42' },
    });
    expect(sample).toMatchObject({
      index: 3,
      group: 1,
      ok: true,
      status: 200,
      outputTokens: 4,
      promptTokens: 413,
      cachedTokens: 384,
      workerId: '13716975354107675959',
      finishReason: 'length',
      startMs: 0,
    });
    expect(sample.ttftMs).toBeGreaterThanOrEqual(25);
    expect(sample.ttftMs).toBeLessThanOrEqual(sample.latencyMs);
    const body = JSON.parse(bodies[bodies.length - 1]);
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hello 3 ✓' }],
      max_tokens: 4,
      temperature: 0,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
      nvext: { extra_fields: ['worker_id'] },
    });
  });

  it('sends the api key and extra headers', async () => {
    let seen: IncomingMessage['headers'] = {};
    handler = (req, res) => {
      seen = req.headers;
      sse(res);
      res.end(DYNAMO_STREAM);
    };
    await streamChat(baseUrl, request(), { timeoutMs: 5000, apiKey: 'k-1', headers: { 'x-extra': 'y' } });
    expect(seen.authorization).toBe('Bearer k-1');
    expect(seen['x-extra']).toBe('y');
    expect(seen.accept).toBe('text/event-stream');
    // A fresh connection per request unless keep-alive is asked for (see StreamOptions.keepAlive).
    expect(seen.connection).toBe('close');
    await streamChat(baseUrl, request(), { timeoutMs: 5000, keepAlive: true });
    expect(seen.connection).toBe('keep-alive');
  });

  it('reports an HTTP error with its status and a short body', async () => {
    handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"message":"Service temporarily unavailable","type":"Service Unavailable","code":503}');
    };
    const sample = await streamChat(baseUrl, request(), { timeoutMs: 5000 });
    expect(sample).toMatchObject({ ok: false, status: 503, error: { kind: 'http' } });
    expect(sample.error?.message).toMatch(/^HTTP 503: .*temporarily unavailable/);
  });

  it('reads only the start of a huge error body', async () => {
    let sent = 0;
    let closed!: Promise<void>;
    handler = (_req, res) => {
      closed = new Promise((resolve) => res.on('close', resolve));
      res.writeHead(500);
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => {
        while (sent < 400 && res.write(chunk)) sent++;
        if (sent < 400 && !res.destroyed) res.once('drain', pump);
        else res.end();
      };
      pump();
    };
    const sample = await streamChat(baseUrl, request(), { timeoutMs: 10_000 });
    expect(sample.error?.kind).toBe('http');
    expect(sample.error!.message.length).toBeLessThan(300);
    // The client hung up: the server never got to write the 25 MiB (counted, not timed).
    await closed;
    expect(sent).toBeLessThan(400);
  });

  it('fails on an error event in the stream and keeps what it saw', async () => {
    handler = (_req, res) => {
      sse(res);
      res.write(DYNAMO_STREAM.split('\n\n')[0] + '\n\n');
      res.end('event: error\ndata: {"message":"Stream disconnected"}\n\n');
    };
    const sample = await streamChat(baseUrl, request(), { timeoutMs: 5000 });
    expect(sample).toMatchObject({ ok: false, error: { kind: 'stream' }, workerId: '13716975354107675959' });
    expect(sample.error?.message).toMatch(/Stream disconnected/);
    expect(sample.ttftMs).toBeDefined();
  });

  it('times out a stream that never ends', async () => {
    handler = (_req, res) => {
      sse(res);
      res.write(DYNAMO_STREAM.split('\n\n')[0] + '\n\n');
    };
    const sample = await streamChat(baseUrl, request(), { timeoutMs: 300 });
    expect(sample).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(sample.latencyMs).toBeGreaterThanOrEqual(290);
  });

  it('reports a connection reset mid-stream', async () => {
    handler = (_req, res) => {
      sse(res);
      res.write(DYNAMO_STREAM.split('\n\n')[0] + '\n\n');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const sample = await streamChat(baseUrl, request(), { timeoutMs: 5000 });
    expect(sample.ok).toBe(false);
    expect(sample.error?.kind).toBe('reset');
    expect(sample.error?.message).toMatch(/^connection (reset|closed) by the server.* \(mid-stream\)$/);
  });

  it('fails a stream that ends without finish_reason or [DONE]', async () => {
    handler = (_req, res) => {
      sse(res);
      res.end(DYNAMO_STREAM.split('\n\n')[0] + '\n\n');
    };
    const sample = await streamChat(baseUrl, request(), { timeoutMs: 5000 });
    expect(sample).toMatchObject({ ok: false, error: { kind: 'stream' } });
    expect(sample.error?.message).toMatch(/ended before/);
  });

  it('fails a 200 answer that is not an event stream', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices":[]}');
    };
    const sample = await streamChat(baseUrl, request(), { timeoutMs: 5000 });
    expect(sample.error?.message).toMatch(/expected an event stream, got application\/json/);
  });

  it('reports a refused connection', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const sample = await streamChat(`http://127.0.0.1:${port}`, request(), { timeoutMs: 2000 });
    expect(sample.error?.kind).toBe('refused');
  });
});

describe('streamChat bounds', () => {
  /** An event stream that writes `head` once, then `line` forever (as fast as it is read). */
  const endless =
    (line: string, head = '') =>
    (_req: IncomingMessage, res: ServerResponse) => {
      sse(res);
      res.write(head);
      const block = line.repeat(Math.ceil(16384 / line.length));
      const pump = (): void => {
        while (!res.destroyed && res.write(block));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };

  it.each([
    [
      'data: lines that never end their event',
      endless('data: 0123456789abcdef\n'),
      /an SSE event exceeded 262144 characters/,
    ],
    ['one data: line that never ends', endless('x', 'data: '), /an SSE event exceeded 262144 characters/],
    ['events forever', endless('data: {"choices":[]}\n\n'), /more than 8256 events/],
  ])('ends %s as stream-too-large, within its deadline', async (_what, endlessHandler, message) => {
    handler = endlessHandler;
    // max_tokens 4096: the byte cap (4.1 MiB) is above the event cap (256 Ki characters). Ended by
    // a cap, not by the deadline: that would be kind 'timeout'.
    const sample = await streamChat(baseUrl, { ...request(), maxTokens: 4096 }, { timeoutMs: 20_000 });
    expect(sample).toMatchObject({ ok: false, status: 200, error: { kind: 'stream-too-large' } });
    expect(sample.error?.message).toMatch(message);
  });

  it('scales the event and byte caps with max_tokens, so a real stream never meets them', () => {
    // Measured on Dynamo 1.6.1 at max_tokens 32,768: 32,771 events, 10.3 MB, events ≤ 332 bytes.
    const top = streamLimits(32_768);
    expect(top.events).toBeGreaterThanOrEqual(2 * 32_771);
    expect(top.streamBytes).toBeGreaterThanOrEqual(3 * 10_289_772);
    expect(top.eventChars).toBeGreaterThanOrEqual(100 * 332);
    expect(streamLimits(4)).toEqual({
      eventChars: 262_144,
      streamBytes: 69_632,
      events: 72,
      errorBodyBytes: 4096,
    });
  });

  it('ends a stream over its byte cap (events of any size)', async () => {
    handler = endless(`data: {"choices":[],"pad":"${'p'.repeat(1000)}"}\n\n`);
    const sample = await streamChat(baseUrl, request(), {
      timeoutMs: 20_000,
      limits: { streamBytes: 50_000 },
    });
    expect(sample.error).toEqual({ kind: 'stream-too-large', message: 'the stream exceeded 50000 bytes' });
  });

  it('reports a redirect as an HTTP error and never follows it', async () => {
    let followed = 0;
    const other = createServer((_req, res) => {
      followed++;
      res.end();
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    handler = (_req, res) => {
      res.writeHead(307, {
        location: `http://127.0.0.1:${(other.address() as AddressInfo).port}/v1/chat/completions`,
      });
      res.end();
    };
    const sample = await streamChat(baseUrl, request(), { timeoutMs: 5000, apiKey: 'k-1' });
    await new Promise((r) => other.close(r));
    expect(sample).toMatchObject({ ok: false, status: 307, error: { kind: 'http' } });
    expect(followed).toBe(0);
  });
});

describe('runWorkload', () => {
  it('sends through one pool: at most `concurrency` connections, reused with keep-alive', async () => {
    peak = 0;
    handler = async (_req, res) => {
      await sleep(5);
      sse(res);
      res.end(DYNAMO_STREAM);
    };
    const connections = new Set<unknown>();
    const count = (socket: unknown) => connections.add(socket);
    server.on('connection', count);
    try {
      const pool = new Agent({ connections: 2 });
      const requests = Array.from({ length: 10 }, (_, i) => request(i));
      const samples = await runWorkload(baseUrl, requests, {
        concurrency: 2,
        timeoutMs: 5000,
        keepAlive: true,
        dispatcher: pool,
      });
      await pool.close();
      expect(samples.every((s) => s.ok)).toBe(true);
      expect(connections.size).toBe(2);
      connections.clear();
      // Fresh connections (the default): one per request, still at most 2 at once.
      await runWorkload(baseUrl, requests, { concurrency: 2, timeoutMs: 5000 });
      expect(connections.size).toBe(10);
      expect(peak).toBeLessThanOrEqual(2);
    } finally {
      server.off('connection', count);
    }
  });

  it('keeps at most `concurrency` requests in flight and returns samples in request order', async () => {
    peak = 0;
    handler = async (_req, res, body) => {
      const index = Number(/hello (\d+)/.exec(body)?.[1]);
      await sleep(10 + ((index * 7) % 5) * 10); // uneven durations: completion order ≠ list order
      sse(res);
      res.end(DYNAMO_STREAM);
    };
    const progress: number[] = [];
    const requests = Array.from({ length: 12 }, (_, i) => request(i));
    const samples = await runWorkload(baseUrl, requests, {
      concurrency: 3,
      timeoutMs: 5000,
      onProgress: (done, total) => progress.push(done * 100 + total),
    });
    expect(samples.map((s) => s.index)).toEqual([...Array(12).keys()]);
    expect(samples.every((s) => s.ok)).toBe(true);
    expect(peak).toBe(3);
    expect(peakInFlight(samples)).toBeLessThanOrEqual(3);
    expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 100 + 12));
    // Issued in list order: start times never go backwards.
    const starts = samples.map((s) => s.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('does not send requests after the run is stopped', async () => {
    handler = async (_req, res) => {
      await sleep(50);
      sse(res);
      res.end(DYNAMO_STREAM);
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const samples = await runWorkload(baseUrl, [0, 1, 2, 3].map(request), {
      concurrency: 2,
      timeoutMs: 5000,
      signal: controller.signal,
    });
    expect(samples.map((s) => s.error?.kind)).toEqual(['aborted', 'aborted', 'aborted', 'aborted']);
  });
});

describe('peakInFlight', () => {
  const s = (startMs: number, latencyMs: number) => ({ startMs, latencyMs }) as Sample;
  it('counts overlaps, not back-to-back requests', () => {
    expect(peakInFlight([])).toBe(0);
    expect(peakInFlight([s(0, 10), s(10, 10), s(20, 5)])).toBe(1);
    expect(peakInFlight([s(0, 10), s(5, 10), s(6, 1), s(12, 1)])).toBe(3);
  });
});
