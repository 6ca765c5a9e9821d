// The smoke check: the model list, its readiness gauge, one chat, each attempt classified into
// retry or final; mocker replies without text; direct mode's worker id.
import { describe, expect, it } from '@jest/globals';
import { HttpError, type HttpClient, type HttpRequest, type HttpResponse } from '../../../src/check/http.js';
import { smokeCheck, type SmokeOptions } from '../../../src/check/smoke.js';

type Step = Partial<HttpResponse> | HttpError;

/** A scripted HTTP client: one queue of answers per path; records every request. */
function scripted(routes: Record<string, Step[]>): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async request(req) {
      requests.push(req);
      const path = new URL(req.url).pathname;
      const queue = routes[path];
      if (!queue || queue.length === 0) throw new Error(`unexpected request ${path}`);
      const step = queue.length > 1 ? queue.shift()! : queue[0];
      if (step instanceof HttpError) throw step;
      return { status: 200, headers: new Headers(), body: '', elapsedMs: 5, ...step };
    },
  };
}

const models = (...ids: string[]) => ({
  status: 200,
  body: JSON.stringify({ object: 'list', data: ids.map((id) => ({ id, object: 'model' })) }),
});
const chat = (content: string) => ({
  status: 200,
  body: JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }),
});
const options = (extra: Partial<SmokeOptions> = {}): SmokeOptions => ({
  baseUrl: 'http://127.0.0.1:8000',
  prompt: 'hi',
  maxTokens: 8,
  skipChat: false,
  retries: 4,
  retryDelayMs: 0,
  timeoutMs: 1000,
  ...extra,
});

const gauge = (model: string, value: number) => ({
  status: 200,
  body: `# TYPE dynamo_frontend_model_ready gauge\ndynamo_frontend_model_ready{model="${model}"} ${value}\ndynamo_frontend_requests_total{model="${model}"} 0\n`,
});

describe('smokeCheck waits on dynamo_frontend_model_ready where the frontend has it', () => {
  it('listed but not routable yet: reads again until the gauge says 1, and says so', async () => {
    const http = scripted({
      '/v1/models': [models('m1')],
      '/metrics': [gauge('m1', 0), gauge('m1', 0), gauge('m1', 1)],
      '/v1/chat/completions': [chat('hello')],
    });
    const lines: string[] = [];
    const result = await smokeCheck(http, options(), (l) => lines.push(l));
    expect(result.ok).toBe(true);
    expect(http.requests.map((r) => new URL(r.url).pathname)).toEqual([
      '/v1/models',
      '/metrics',
      '/metrics',
      '/metrics',
      '/v1/chat/completions',
    ]);
    expect(result.checks[0].detail).toBe(
      '1 model listed; the frontend reports "m1" routable (dynamo_frontend_model_ready 1)',
    );
    expect(lines.filter((l) => /dynamo_frontend_model_ready is 0/.test(l))).toHaveLength(2);
  });

  it('still 0 after the retries: the chat decides, and the models check says what the gauge said', async () => {
    const http = scripted({
      '/v1/models': [models('m1')],
      '/metrics': [gauge('m1', 0)],
      '/v1/chat/completions': [chat('hello')],
    });
    const result = await smokeCheck(http, options({ retries: 2 }));
    expect(result.ok).toBe(true);
    expect(result.checks[0].detail).toMatch(/dynamo_frontend_model_ready for "m1" was still 0 after 2 reads/);
  });

  it('hands the scrape it read to the evidence window, so /metrics is not read twice before the chat', async () => {
    const http = scripted({
      '/v1/models': [models('m1')],
      '/metrics': [gauge('m1', 1)],
      '/v1/chat/completions': [chat('hello')],
    });
    let handed: unknown;
    await smokeCheck(http, options({ beforeChat: async (metrics) => void (handed = metrics) }));
    expect(handed).toMatchObject({ ok: true });
    expect(http.requests.filter((r) => r.url.endsWith('/metrics'))).toHaveLength(1);
  });

  it('no gauge (an older release, another model, no /metrics): no wait, nothing claimed', async () => {
    for (const metrics of [[gauge('other', 0)], [{ status: 404, body: 'no' }]]) {
      const http = scripted({
        '/v1/models': [models('m1')],
        '/metrics': metrics,
        '/v1/chat/completions': [chat('x')],
      });
      const result = await smokeCheck(http, options());
      expect(http.requests.filter((r) => r.url.endsWith('/metrics'))).toHaveLength(1);
      expect(result.checks[0].detail).toBe('1 model listed');
    }
  });
});

describe('smokeCheck', () => {
  it('passes with the first listed model and reports latency', async () => {
    const http = scripted({ '/v1/models': [models('m1', 'm2')], '/v1/chat/completions': [chat('hello')] });
    const result = await smokeCheck(http, options());
    expect(result.ok).toBe(true);
    expect(result.model).toBe('m1');
    expect(result.models).toEqual(['m1', 'm2']);
    expect(result.latencyMs).toBe(5);
    const body = JSON.parse(http.requests.find((r) => r.url.endsWith('/chat/completions'))!.body!);
    expect(body).toMatchObject({ model: 'm1', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('uses the model input when given', async () => {
    const http = scripted({ '/v1/models': [models('m1', 'm2')], '/v1/chat/completions': [chat('hello')] });
    const result = await smokeCheck(http, options({ model: 'm2' }));
    expect(JSON.parse(http.requests.find((r) => r.url.endsWith('/chat/completions'))!.body!).model).toBe(
      'm2',
    );
    expect(result.model).toBe('m2');
  });

  it('retries connection errors, timeouts and 5xx, then passes', async () => {
    const http = scripted({
      '/v1/models': [
        new HttpError('refused', 'connection refused', 1),
        new HttpError('timeout', 'no answer', 1),
        { status: 503, body: 'busy' },
        models('m'),
      ],
      '/v1/chat/completions': [chat('ok')],
    });
    const result = await smokeCheck(http, options());
    expect(result.ok).toBe(true);
    expect(result.checks[0]).toMatchObject({ name: 'models', attempts: 4, ok: true });
  });

  it('retries an empty model list (workers register late)', async () => {
    const http = scripted({
      '/v1/models': [models(), models(), models('late')],
      '/v1/chat/completions': [chat('ok')],
    });
    const result = await smokeCheck(http, options());
    expect(result.ok).toBe(true);
    expect(result.model).toBe('late');
  });

  it('fails with no-models when the list stays empty', async () => {
    const http = scripted({ '/v1/models': [models()] });
    const result = await smokeCheck(http, options({ retries: 3 }));
    expect(result.failure?.code).toBe('no-models');
    expect(result.failure?.message).toMatch(/after 3 attempts/);
    expect(http.requests).toHaveLength(3);
  });

  it('fails with frontend-unreachable when nothing ever answers', async () => {
    const http = scripted({ '/v1/models': [new HttpError('refused', 'connection refused', 1)] });
    const result = await smokeCheck(http, options({ retries: 2 }));
    expect(result.failure?.code).toBe('frontend-unreachable');
  });

  it.each([401, 403])('does not retry %i and hints at api-key', async (status) => {
    const http = scripted({ '/v1/models': [{ status, body: 'no' }] });
    const result = await smokeCheck(http, options());
    expect(result.failure?.code).toBe('unauthorized');
    expect(result.failure?.hint).toMatch(/api-key/);
    expect(http.requests).toHaveLength(1);
  });

  it('sends the api key as a bearer token', async () => {
    const http = scripted({ '/v1/models': [models('m')], '/v1/chat/completions': [chat('ok')] });
    await smokeCheck(http, options({ apiKey: 'k-123' }));
    expect(http.requests.every((r) => r.headers?.Authorization === 'Bearer k-123')).toBe(true);
  });

  it('reports a redirect without following it', async () => {
    const headers = new Headers({ location: 'http://evil.example/v1/models' });
    const http = scripted({ '/v1/models': [{ status: 302, headers, body: '' }] });
    const result = await smokeCheck(http, options());
    expect(result.failure?.code).toBe('models-error');
    expect(result.failure?.message).toMatch(/evil\.example/);
    expect(result.failure?.message).toMatch(/not followed/);
    expect(http.requests).toHaveLength(1);
  });

  it.each([
    ['not JSON', { status: 200, body: '<html>hi</html>' }],
    ['no data array', { status: 200, body: '{"models": []}' }],
  ])('treats a 200 model list that is %s as models-error', async (_what, step) => {
    const result = await smokeCheck(scripted({ '/v1/models': [step] }), options());
    expect(result.failure?.code).toBe('models-error');
  });

  it('stops reading an oversized model list', async () => {
    const http = scripted({
      '/v1/models': [
        new HttpError('too-large', 'response body larger than 4194304 bytes; stopped reading', 1),
      ],
    });
    const result = await smokeCheck(http, options());
    expect(result.failure?.code).toBe('models-error');
    expect(http.requests).toHaveLength(1);
  });

  it.each([
    ['no choices', { status: 200, body: '{"choices": []}' }],
    ['no content', { status: 200, body: '{"choices": [{"message": {"role": "assistant", "content": ""}}]}' }],
    ['a body that is not JSON', { status: 200, body: 'OK' }],
  ])('fails a 200 chat reply with %s as chat-invalid', async (_what, step) => {
    const http = scripted({ '/v1/models': [models('m')], '/v1/chat/completions': [step] });
    const result = await smokeCheck(http, options());
    expect(result.ok).toBe(false);
    expect(result.failure?.code).toBe('chat-invalid');
  });

  it('fails with chat-timeout after retrying a hanging chat', async () => {
    const http = scripted({
      '/v1/models': [models('m')],
      '/v1/chat/completions': [new HttpError('timeout', 'no complete answer within 1 s', 1000)],
    });
    const result = await smokeCheck(http, options({ retries: 3 }));
    expect(result.failure?.code).toBe('chat-timeout');
    expect(http.requests.filter((r) => r.url.endsWith('/chat/completions'))).toHaveLength(3);
  });

  it('explains a direct-mode rejection instead of a generic chat error', async () => {
    const http = scripted({
      '/v1/models': [models('m')],
      '/v1/chat/completions': [
        { status: 400, body: '{"error":"worker ID required for aggregated request in Direct routing mode"}' },
      ],
    });
    const result = await smokeCheck(http, options({ directMode: true }));
    expect(result.failure?.code).toBe('direct-needs-worker-id');
    expect(result.failure?.message).toMatch(/x-dynamo-worker-instance-id/);
  });

  it('skips the chat when asked', async () => {
    const http = scripted({ '/v1/models': [models('m')] });
    const result = await smokeCheck(http, options({ skipChat: true }));
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual(['models']);
  });
});

describe('chat replies without text (Dynamo mocker)', () => {
  const textless = (tokens: number, finish: string | null) => ({
    status: 200,
    body: JSON.stringify({
      choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: finish }],
      usage: { prompt_tokens: 10, completion_tokens: tokens, total_tokens: 10 + tokens },
    }),
  });

  it('passes a reply that generated tokens but carried no text, and says so', async () => {
    const http = scripted({ '/v1/models': [models('m')], '/v1/chat/completions': [textless(8, 'length')] });
    const result = await smokeCheck(http, options());
    expect(result.ok).toBe(true);
    expect(result.textless).toEqual({ completionTokens: 8, finishReason: 'length' });
    expect(result.checks[1].detail).toMatch(/8 generated tokens but no text/);
  });

  it.each([
    [0, 'length'],
    [8, null],
  ])('fails a reply with no text, %i tokens and finish_reason %s as chat-invalid', async (tokens, finish) => {
    const http = scripted({
      '/v1/models': [models('m')],
      '/v1/chat/completions': [textless(tokens, finish)],
    });
    expect((await smokeCheck(http, options())).failure?.code).toBe('chat-invalid');
  });
});

describe('direct mode', () => {
  const health = {
    status: 200,
    // u64 ids above 2^53 must survive exactly.
    body: '{"status":"healthy","instances":[{"endpoint":"worker_kv_query_source","instance_id":1},{"component":"backend","endpoint":"generate","instance_id":17183773152596406150}]}',
  };

  it('sends the request to a real worker id from /health', async () => {
    const http = scripted({
      '/v1/models': [models('m')],
      '/health': [health],
      '/v1/chat/completions': [chat('ok')],
    });
    const result = await smokeCheck(http, options({ directMode: true }));
    expect(result.ok).toBe(true);
    expect(result.workerId).toBe('17183773152596406150');
    const sent = http.requests.find((r) => r.url.endsWith('/chat/completions'));
    expect(sent?.headers?.['x-dynamo-worker-instance-id']).toBe('17183773152596406150');
  });

  it('skips worker ids the frontend rejects (another graph in the same discovery scope)', async () => {
    const twoIds = {
      status: 200,
      body: '{"instances":[{"endpoint":"generate","instance_id":11},{"endpoint":"generate","instance_id":22}]}',
    };
    const http = scripted({
      '/v1/models': [models('m')],
      '/health': [twoIds],
      '/v1/chat/completions': [
        { status: 400, body: '{"message":"Invalid request"}' },
        chat('ok'),
        chat('ok'),
      ],
    });
    const result = await smokeCheck(http, options({ directMode: true }));
    expect(result.ok).toBe(true);
    expect(result.workerId).toBe('22');
  });

  it('fails clearly when no worker id can be found', async () => {
    const http = scripted({
      '/v1/models': [models('m')],
      '/health': [{ status: 200, body: '{"instances":[]}' }],
    });
    const result = await smokeCheck(http, options({ directMode: true }));
    expect(result.failure?.code).toBe('direct-needs-worker-id');
  });
});
