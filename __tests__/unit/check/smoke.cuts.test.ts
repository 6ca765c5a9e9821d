// Redact before cutting, in the HTTP client and the smoke check: a key that straddles any cut
// point leaves no fragment of 4 or more characters in any message.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpClient, HttpError } from '../../../src/check/http.js';
import { smokeCheck } from '../../../src/check/smoke.js';
import { secrets } from '../../../src/runner/redact.js';

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

describe('the HTTP client and the smoke check', () => {
  it('a 502 body echoing the header at offset ~170 (quote cuts at 200)', async () => {
    for (const at of straddling(200)) {
      reply = () => ({ status: 502, type: 'application/json', body: `${pad(at)}Bearer ${KEY}"}` });
      const result = await smokeCheck(httpClient, {
        baseUrl: base,
        prompt: 'hi',
        maxTokens: 4,
        skipChat: true,
        retries: 1,
        retryDelayMs: 0,
        timeoutMs: 2000,
        apiKey: KEY,
      });
      expect(result.failure?.message).toMatch(/answered 502/);
      expect({ at, leaked: leaks(JSON.stringify(result)) }).toEqual({ at, leaked: [] });
    }
  });

  it('a body cut by the byte cap says only that it was cut', async () => {
    const cap = 1000;
    for (const at of straddling(cap)) {
      reply = () => ({ status: 200, type: 'application/json', body: `${pad(at)}${KEY}${pad(2000)}` });
      const error = await httpClient
        .request({ method: 'GET', url: `${base}/v1/models`, timeoutMs: 2000, maxBytes: cap })
        .then(
          () => undefined,
          (e: unknown) => e as HttpError,
        );
      expect(error?.kind).toBe('too-large');
      expect({ at, leaked: leaks(error?.message ?? '') }).toEqual({ at, leaked: [] });
    }
  });
});
