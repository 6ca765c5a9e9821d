// Redact before cutting, in the streaming client: a key that straddles an SSE cap leaves no
// fragment of 4 or more characters in any message.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpClient } from '../../../src/check/http.js';
import { streamChat, streamLimits, type StreamLimits } from '../../../src/compare/stream.js';
import { secrets } from '../../../src/runner/redact.js';
import type { WorkloadRequest } from '../../../src/compare/workload.js';

// 38 characters, no run of 4 that ordinary text or JSON would contain.
const KEY = 'Qz7vK2mX9pL4wR8tN3bY6cJ1hF5dG0sW2eA4uZ';
// A key whose JSON-escaped form differs from the raw one.
const ODD_KEY = 'tok"Vq\\9Zk#@~_Wj%qy-Xr8Lm';
secrets.add(KEY);
secrets.add(ODD_KEY);

function fragments(key: string, n = 4): string[] {
  const forms = [key, JSON.stringify(key).slice(1, -1), encodeURIComponent(key)];
  const out = new Set<string>();
  for (const form of forms) for (let i = 0; i + n <= form.length; i++) out.add(form.slice(i, i + n));
  return [...out];
}

/** The fragments of either key found in `text` (empty: nothing leaked). */
function leaks(text: string): string[] {
  return [...fragments(KEY), ...fragments(ODD_KEY)].filter((f) => text.includes(f));
}

const pad = (n: number): string => 'x'.repeat(n);

/** Offsets that put the key's start anywhere from fully before `cut` to just after it. */
function straddling(cut: number, keyLength = KEY.length): number[] {
  const out: number[] = [];
  for (let at = Math.max(0, cut - keyLength - 2); at <= cut + 1; at++) out.push(at);
  return out;
}

// ---------------------------------------------------------------------------------------------

let server: Server;
let base = '';
let reply: (path: string) => { status: number; type: string; body: string | Buffer } = () => ({
  status: 200,
  type: 'text/plain',
  body: '',
});

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const r = reply(req.url ?? '/');
      res.writeHead(r.status, { 'content-type': r.type });
      res.end(r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await httpClient.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const request: WorkloadRequest = {
  index: 0,
  group: 0,
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  maxTokens: 4,
};

describe('the streaming client', () => {
  const message = async (limits?: Partial<StreamLimits>): Promise<string> => {
    const sample = await streamChat(base, request, { timeoutMs: 5000, apiKey: KEY, limits });
    expect(sample.ok).toBe(false);
    return JSON.stringify(sample);
  };

  it('an error body cut at the error-body cap', async () => {
    for (const cap of [streamLimits(4).errorBodyBytes, 300]) {
      for (const at of straddling(cap)) {
        reply = () => ({ status: 502, type: 'text/plain', body: `${pad(at)}${KEY}${pad(500)}` });
        const text = await message(cap === 300 ? { errorBodyBytes: 300 } : undefined);
        expect({ cap, at, leaked: leaks(text) }).toEqual({ cap, at, leaked: [] });
      }
    }
  });

  it('an error body with a multi-byte character cut by the cap', async () => {
    const key = 'ümlaut-Kéy-Vq9Zk-Wj41-Xr8Lm';
    secrets.add(key);
    for (const at of straddling(300, key.length)) {
      reply = () => ({ status: 502, type: 'text/plain', body: `${pad(at)}${key}${pad(500)}` });
      const text = await message({ errorBodyBytes: 300 });
      const found = fragments(key).filter((f) => text.includes(f));
      expect({ at, found }).toEqual({ at, found: [] });
    }
  });

  it('an error event, a chunk that is not JSON and an error object, cut by quote', async () => {
    const bodies = [
      (at: number) => `event: error\ndata: ${pad(at)}${KEY} tail\n\n`,
      (at: number) => `data: {${pad(at)}${KEY} tail\n\n`,
      (at: number) => `data: ${JSON.stringify({ error: { message: `${pad(at)}${KEY} tail` } })}\n\n`,
    ];
    for (const body of bodies) {
      for (const at of straddling(200)) {
        reply = () => ({ status: 200, type: 'text/event-stream', body: body(at) });
        const text = await message();
        expect(text).toMatch(/"kind":"stream"/);
        expect({ at, leaked: leaks(text) }).toEqual({ at, leaked: [] });
      }
    }
  });

  it('an event cut by the per-event cap, a stream cut by the byte cap', async () => {
    const cases: [Partial<StreamLimits>, number, (at: number) => string][] = [
      [{ eventChars: 500 }, 500, (at) => `data: ${pad(at - 6)}${KEY}${pad(2000)}\n\n`],
      [{ streamBytes: 500 }, 500, (at) => `data: {}\n\n: ${pad(at - 12)}${KEY}${pad(2000)}\n\n`],
      [{ events: 3 }, 30, (at) => `data: {}\n\ndata: {}\n\ndata: {}\n\ndata: ${pad(at)}${KEY}\n\n`],
    ];
    for (const [limits, cut, body] of cases) {
      for (const at of straddling(cut).filter((n) => n >= 12)) {
        reply = () => ({ status: 200, type: 'text/event-stream', body: body(at) });
        const text = await message(limits);
        expect(text).toMatch(/"kind":"stream-too-large"/);
        expect({ limits, at, leaked: leaks(text) }).toEqual({ limits, at, leaked: [] });
      }
    }
  });
});
