// Redaction and the command guard, against what an outside review found: a key a proxy cut or
// split, keys echoed in other escapings, and whitespace .NET strips but JavaScript does not.
import { describe, expect, it } from '@jest/globals';
import { guardCommands, quote, Redactor } from '../../src/runner/redact.js';
import { renderSummary } from '../../src/report/summary.js';
import type { Contract } from '../../src/report/contract.js';

const KEY = 'sk-proj-AbCd1234EfGh5678IjKl9012MnOp';

/** The longest run of the key (in the given form) that survives in text. */
function longestRun(text: string, key: string): number {
  let best = 0;
  for (let i = 0; i < key.length; i++)
    for (let j = i + best + 1; j <= key.length; j++) {
      if (!text.includes(key.slice(i, j))) break;
      best = j - i;
    }
  return best;
}

function redactor(key = KEY): Redactor {
  const r = new Redactor();
  r.add(key);
  return r;
}

describe('Redactor', () => {
  it('masks a part of the key that a proxy cut, wherever it sits in the text', () => {
    const r = redactor();
    for (let from = 0; from < KEY.length - 6; from += 3) {
      for (const length of [6, 9, 20, KEY.length - from]) {
        const piece = KEY.slice(from, from + length);
        const body = `<html>Authorization: Bearer ${piece} (value truncated) -- nginx</html>`;
        const out = r.text(body);
        expect(longestRun(out, KEY)).toBeLessThan(6);
        expect(out).toContain('(value truncated) -- nginx');
      }
    }
  });

  it('masks keys echoed HTML-escaped, as Go and Python JSON write them, and URL-encoded in either case', () => {
    const key = 'Ab12<Cd34&Ef56>Gh78/Ij90 é';
    const r = redactor(key);
    const echoes = [
      key.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      key.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/é/g, '\\u00e9'),
      JSON.stringify(key).slice(1, -1).replace(/\//g, '\\/'),
      encodeURIComponent(key),
      encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
      encodeURIComponent(key).replace(/%20/g, '+'),
    ];
    for (const echo of echoes) {
      const out = r.text(`error: token ${echo} rejected`);
      expect(longestRun(out, key)).toBeLessThan(6);
      expect(longestRun(out, echo)).toBeLessThan(6);
      expect(out).toMatch(/^error: token \*\*\*.* rejected$/);
    }
  });

  it('leaves text without the key alone', () => {
    const text = 'GET /v1/models answered 502: bad gateway (sk- is a common prefix)';
    expect(redactor().text(text)).toBe(text);
  });
});

describe('quote', () => {
  it('leaves no fragment of a key that straddles the cut, at every offset', () => {
    // quote uses the process-wide registry.
    return import('../../src/runner/redact.js').then(({ secrets }) => {
      secrets.add(KEY);
      for (let pad = 150; pad <= 200; pad++) {
        const out = quote(`${'x'.repeat(pad)}Bearer ${KEY} tail`, 200);
        expect(longestRun(out, KEY)).toBeLessThan(4);
      }
    });
  });
});

describe('guardCommands', () => {
  it('breaks `::` after whitespace that .NET TrimStart strips (NEL included)', () => {
    for (const ws of ['', ' ', '\t', '\u0085', '\u00a0', '\u2028', '\u3000', ' \u0085 ']) {
      const out = guardCommands(`${ws}::warning title=x::planted`);
      expect(out.replace(/^[\s\u0085]*/, '').startsWith('::')).toBe(false);
    }
  });
  it('breaks `##[` anywhere, and keeps the text readable', () => {
    const out = guardCommands('model x ##[save-state name=launched-frontend;]{"pid":1}');
    expect(out).not.toContain('##[');
    expect(out.replace(/\u200b/g, '')).toBe('model x ##[save-state name=launched-frontend;]{"pid":1}');
  });
});

describe('summary', () => {
  it('one huge untrusted value is cut, so the rest of the summary stays', () => {
    const huge = 'm'.repeat(1_500_000);
    const contract: Contract = {
      result: 'pass',
      target: 'url',
      mode: 'kv',
      modeReason: 'requested',
      modeVerified: 'verified',
      modeEvidence: 'router kv hit-rate counter moved',
      kvEvents: 'true',
      kvEventsReason: 'seen',
      command: 'python3 -m dynamo.frontend --router-mode kv',
      url: 'http://127.0.0.1:8000',
      service: '',
      model: huge,
      models: [huge, 'small'],
      checks: [],
      limitations: [],
      nextCommand: '',
      details: [],
    };
    const summary = renderSummary(contract);
    expect(Buffer.byteLength(summary)).toBeLessThan(100_000);
    expect(summary).toContain('router kv hit-rate counter moved');
  });
});
