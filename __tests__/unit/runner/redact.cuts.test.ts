// Redact before cutting: a key that straddles quote's or oneLine's max leaves no fragment of 4 or
// more characters.
import { describe, expect, it } from '@jest/globals';
import { classifyNetworkError } from '../../../src/check/http.js';
import { oneLine } from '../../../src/report/escape.js';
import { quote, secrets } from '../../../src/runner/redact.js';

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

describe('quote and oneLine', () => {
  it.each([20, 60, 200, 1000])('leave no fragment of a key straddling max %d', (max) => {
    for (const key of [KEY, ODD_KEY, JSON.stringify(ODD_KEY).slice(1, -1), `Bearer ${KEY}`]) {
      for (const at of straddling(max, key.length)) {
        const text = `${pad(at)}${key} and more words after it`;
        expect({ at, max, leaked: leaks(quote(text, max)) }).toEqual({ at, max, leaked: [] });
      }
    }
  });

  it('fold whitespace before the cut and still find the key', () => {
    const text = `a\n\n\t  b ${pad(180)}${KEY}`;
    expect(leaks(quote(text, 200))).toEqual([]);
  });

  it.each([1000, 4000])('oneLine (annotations, log lines) cuts at %d after redacting', (max) => {
    for (const at of straddling(max)) {
      const text = `models: ${pad(at - 8)}${KEY}, another-model`;
      expect({ at, leaked: leaks(oneLine(text, max)) }).toEqual({ at, leaked: [] });
    }
  });

  it('classifies an unknown client error with its message quoted', () => {
    const { kind, detail } = classifyNetworkError(new Error(`${pad(170)}${KEY}${pad(100)}`));
    expect(kind).toBe('other');
    expect(leaks(detail)).toEqual([]);
  });
});
