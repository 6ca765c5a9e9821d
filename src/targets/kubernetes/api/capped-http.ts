// Kubernetes API responses read with a byte cap. @kubernetes/client-node reads every body whole
// (`response.text()`) and splits watches with readline, with no limit: an endless pod list grew
// to 4 GB within the call's deadline, and a watch line that never ends grew until the process
// crashed. Two replacements, over the same undici the client uses and the client's own TLS and
// credentials:
// - `cappedHttp`: the generated client's HTTP library (its `httpApi` option), reading at most
//   `maxBytes` of a body, then failing (`cluster-response-too-large`) or keeping the start (logs);
// - `watchObjects`: the client's Watch, with a cap on each event (a line), on a watch's bytes
//   and on its silence.

import { fetch } from 'undici';
import {
  API_TIMEOUT_MS,
  WATCH_EVENT_MAX_BYTES,
  WATCH_IDLE_MS,
  WATCH_MAX_BYTES,
} from '../../../bounded/limits.js';
import { RunFailure } from '../../../model/failure.js';
import { quote } from '../../../runner/redact.js';
import {
  HttpMethod,
  RequestContext,
  ResponseContext,
  SelfDecodingBody,
  wrapHttpLibrary,
  type HttpLibrary,
  type KubeConfig,
} from './client.js';
import { isObject, type JsonObject } from '../object/json.js';

const MiB = 1024 * 1024;
const size = (bytes: number): string =>
  bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MiB` : `${bytes} bytes`;

export function tooLarge(what: string, limit: number): RunFailure {
  return new RunFailure(
    'cluster-response-too-large',
    `The Kubernetes API sent more than ${size(limit)} for ${what}; the action stopped reading it.`,
  );
}

/** Method and path of a request, for messages (never the query: it may carry selectors only, but stays short). */
function requestName(method: string, url: string): string {
  try {
    return `${method} ${quote(new URL(url).pathname, 200)}`;
  } catch {
    return method;
  }
}

type Reader = ReadableStreamDefaultReader<Uint8Array>;

/** Reads at most `maxBytes` of a body; `cut` when there was more (the rest is never read). */
async function readCapped(reader: Reader, maxBytes: number): Promise<{ body: Buffer; cut: boolean }> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: Buffer.concat(chunks, total), cut: false };
    const room = maxBytes - total;
    if (value.length > room) {
      await reader.cancel().catch(() => undefined);
      chunks.push(Buffer.from(value.buffer, value.byteOffset, room));
      return { body: Buffer.concat(chunks, maxBytes), cut: true };
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.length));
    total += value.length;
  }
}

/**
 * The generated client's HTTP library with a byte cap on every body: `fail` throws
 * `cluster-response-too-large` past the cap, `cut` keeps the first `maxBytes` (a pod log, whose
 * later lines the caller reports as cut).
 */
export function cappedHttp(maxBytes: number, mode: 'fail' | 'cut' = 'fail'): HttpLibrary {
  return wrapHttpLibrary({
    async send(request) {
      const method = request.getHttpMethod().toString();
      const url = request.getUrl();
      const response = await fetch(url, {
        method,
        body: request.getBody() as string | undefined,
        headers: request.getHeaders(),
        signal: request.getSignal(),
        dispatcher: request.getDispatcher(),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const declared = Number(response.headers.get('content-length'));
      if (mode === 'fail' && declared > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw tooLarge(requestName(method, url), maxBytes);
      }
      const { body, cut } = response.body
        ? await readCapped(response.body.getReader(), maxBytes)
        : { body: Buffer.alloc(0), cut: false };
      if (cut && mode === 'fail') throw tooLarge(requestName(method, url), maxBytes);
      return new ResponseContext(response.status, headers, new SelfDecodingBody(Promise.resolve(body)));
    },
  });
}

export type WatchEvent = { type: string; object: JsonObject };

export interface WatchLimits {
  eventBytes: number;
  watchBytes: number;
  idleMs: number;
}

export const WATCH_LIMITS: WatchLimits = {
  eventBytes: WATCH_EVENT_MAX_BYTES,
  watchBytes: WATCH_MAX_BYTES,
  idleMs: WATCH_IDLE_MS,
};

/**
 * Watches `path` (as client-node's Watch does: `watch=true`, the client's credentials and TLS),
 * one JSON event per line. `done` is called once: without an error when the server ended the
 * watch or it went over its bytes or silence (list again and watch anew), with an error when it
 * failed, and with `cluster-response-too-large` when one event went over its cap (nothing to
 * retry: the same object would come again). Resolves to a stop function.
 */
export async function watchObjects(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | boolean | undefined>,
  onEvent: (event: WatchEvent) => void,
  done: (error?: unknown) => void,
  limits: WatchLimits = WATCH_LIMITS,
): Promise<() => void> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No currently active cluster');
  const url = new URL(cluster.server + path);
  url.searchParams.set('watch', 'true');
  for (const [key, value] of Object.entries(query))
    if (value !== undefined) url.searchParams.set(key, String(value));
  const controller = new AbortController();
  let ended = false;
  let idle: NodeJS.Timeout | undefined;
  const finish = (error?: unknown): void => {
    if (ended) return;
    ended = true;
    clearTimeout(idle);
    controller.abort();
    // Later, as client-node's Watch did: a caller that stops the watch from inside onEvent
    // settles its own wait first, never re-entered.
    queueMicrotask(() => done(error));
  };
  // Silence ends the watch without blame: the caller lists again (as after a server timeout).
  const quiet = (ms: number) => {
    clearTimeout(idle);
    idle = setTimeout(() => finish(new Error(`the watch sent nothing for ${ms / 1000} s`)), ms);
  };
  const what = `the pod watch (${requestName('GET', url.toString())})`;
  void (async () => {
    const context = new RequestContext(url.toString(), HttpMethod.GET);
    await kc.applySecurityAuthentication(context);
    quiet(API_TIMEOUT_MS);
    const response = await fetch(url, {
      method: 'GET',
      headers: context.getHeaders(),
      dispatcher: context.getDispatcher(),
      signal: controller.signal,
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      const error = new Error(`the watch answered ${response.status}`) as Error & { statusCode: number };
      error.statusCode = response.status;
      throw error;
    }
    if (!response.body) return finish();
    const reader = response.body.getReader();
    let line: Buffer[] = [];
    let lineBytes = 0;
    let total = 0;
    for (;;) {
      quiet(limits.idleMs);
      const { done: over, value } = await reader.read();
      if (over || ended) break;
      total += value.length;
      let chunk = Buffer.from(value.buffer, value.byteOffset, value.length);
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10)) {
        if (lineBytes + at > limits.eventBytes) throw tooLarge(`one event of ${what}`, limits.eventBytes);
        line.push(chunk.subarray(0, at));
        const text = Buffer.concat(line, lineBytes + at).toString('utf8');
        line = [];
        lineBytes = 0;
        chunk = chunk.subarray(at + 1);
        emit(text, onEvent);
        if (ended) return;
      }
      if (lineBytes + chunk.length > limits.eventBytes)
        throw tooLarge(`one event of ${what}`, limits.eventBytes);
      if (chunk.length) {
        line.push(chunk);
        lineBytes += chunk.length;
      }
      // Enough for one watch: end it so the caller lists afresh (what it holds stays bounded).
      if (total > limits.watchBytes) break;
    }
    await reader.cancel().catch(() => undefined);
    finish();
  })().catch((error: unknown) => finish(ended ? undefined : error));
  return () => finish();
}

function emit(line: string, onEvent: (event: WatchEvent) => void): void {
  if (!line.trim()) return;
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return; // as client-node: a line that is not JSON is skipped
  }
  if (!isObject(data) || typeof data.type !== 'string') return;
  onEvent({ type: data.type, object: isObject(data.object) ? data.object : {} });
}
