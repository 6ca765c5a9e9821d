// A streamed chat's events, read: the SSE parser and the chunk reducer (pure).
import { describe, expect, it } from '@jest/globals';
import { applyEvent, createSseParser, StreamTooLarge, type StreamState } from '../../../src/compare/sse.js';

describe('createSseParser', () => {
  it('handles LF, CRLF and CR, also split between chunks', () => {
    const p = createSseParser();
    const text = 'data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\r\n\r\n';
    const events = [...text].flatMap((ch) => p.push(ch));
    expect(events.map((e) => e.data)).toEqual(['a', 'b', 'c', 'd']);
    expect(p.end()).toEqual([]);
  });

  it('joins data lines, skips comments, keeps the event name, strips one space', () => {
    const p = createSseParser();
    const events = p.push(': keep-alive\n\nevent: error\ndata:  two\ndata:x\n\n');
    expect(events).toEqual([{ event: 'error', data: ' two\nx' }]);
  });

  it('flushes a last event without a blank line at the end', () => {
    const p = createSseParser();
    expect(p.push('data: [DONE]')).toEqual([]);
    expect(p.end()).toEqual([{ event: undefined, data: '[DONE]' }]);
  });

  it('refuses a line longer than the cap', () => {
    const p = createSseParser(10);
    expect(() => p.push('data: 0123456789')).toThrow(/exceeded 10/);
  });

  it('refuses an event that never ends, line by line or whole', () => {
    const lines = createSseParser(100);
    expect(() => {
      for (let i = 0; i < 50; i++) lines.push('data: 0123456789\n');
    }).toThrow(StreamTooLarge);
    expect(() => createSseParser(100).push(`data: ${'x'.repeat(101)}\n\n`)).toThrow(/exceeded 100/);
  });

  it('skips ignored lines without holding them (a long comment is not an event)', () => {
    const p = createSseParser(100);
    for (let i = 0; i < 50; i++) expect(p.push(': '.padEnd(60, 'k'))).toEqual([]);
    expect(p.push('\ndata: ok\n\n')).toEqual([{ data: 'ok' }]);
  });
});

describe('applyEvent', () => {
  const ev = (data: unknown) => ({ data: typeof data === 'string' ? data : JSON.stringify(data) });

  it('takes TTFT from the first chunk with a choice (role only) and reads usage and worker id', () => {
    const s: StreamState = { done: false };
    applyEvent(
      s,
      ev(
        '{"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}],"nvext":{"worker_id":{"decode_worker_id":17183773152596406150}}}',
      ),
      12,
    );
    applyEvent(s, ev({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] }), 20);
    applyEvent(
      s,
      ev({
        choices: [],
        usage: { prompt_tokens: 300, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 256 } },
      }),
      21,
    );
    applyEvent(s, ev('[DONE]'), 22);
    expect(s).toEqual({
      done: true,
      ttftMs: 12,
      finishReason: 'length',
      workerId: '17183773152596406150',
      promptTokens: 300,
      outputTokens: 4,
      cachedTokens: 256,
    });
  });

  it('counts a usage-only first chunk as the first token', () => {
    const s: StreamState = { done: false };
    applyEvent(s, ev({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } }), 5);
    expect(s.ttftMs).toBe(5);
    expect(s.cachedTokens).toBeUndefined();
  });

  it.each([
    ['an error event', { event: 'error', data: 'engine died' }, /error event: engine died/],
    ['an error object', ev({ error: { message: 'boom' } }), /error in stream: boom/],
    ['a chunk that is not JSON', ev('{nope'), /not JSON/],
  ])('fails on %s', (_what, event, pattern) => {
    const s: StreamState = { done: false };
    applyEvent(s, event, 1);
    expect(s.error).toMatch(pattern);
  });
});
