// Redaction and the command guard, against what an outside review found: a key a proxy cut or
// split, keys echoed in other escapings, and whitespace .NET strips but JavaScript does not.
import { describe, expect, it } from '@jest/globals';
import { guardCommands, quote, Redactor } from '../../../src/runner/redact.js';

const KEY = 'sk-proj-AbCd1234EfGh5678IjKl9012MnOp';
/** The key's random body: what a leak would give away (`sk-proj-` is the documented prefix). */
const BODY = 'AbCd1234EfGh5678IjKl9012MnOp';

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
        // Nothing of the random body survives; the documented prefix `sk-proj-` alone may.
        expect({ piece, run: longestRun(out, BODY) < 3 }).toEqual({ piece, run: true });
        // (and at most two characters of the body, which a coincidence could reproduce anywhere).
        expect(longestRun(out, KEY)).toBeLessThanOrEqual('sk-proj-'.length + 2);
        expect(out).toContain('(value truncated) -- nginx');
      }
    }
  });

  it('hides the secret, not the words near it: a token named after the cluster leaves the cluster named', () => {
    const token = 'standin-k2j9x7q1m4p8z3w6v5n0b1c7';
    const r = redactor(token);
    const line =
      'Kubernetes: context standin from KUBECONFIG ($RUNNER_TEMP/standin-k8s-AbC123/kubeconfig), API server https://127.0.0.1:6443.';
    expect(r.text(line)).toBe(line);
    // A cut or split token still loses its random part, wherever the cut falls: the head a cut
    // leaves at the end of a line, and the rest (6 characters or more) anywhere in a text.
    const body = token.slice('standin-'.length);
    for (let cut = 'standin-'.length + 3; cut <= token.length; cut++) {
      const head = r.cutTail(`Authorization: Bearer ${token.slice(0, cut)}`);
      const rest = r.text(`upstream said ${token.slice(Math.min(cut, token.length - 6))} (cut)`);
      expect({ cut, head: longestRun(head, body) < 3, rest: longestRun(rest, body) < 3 }).toEqual({
        cut,
        head: true,
        rest: true,
      });
    }
    // A cut at a line's end: the random part goes, the prefix stays.
    expect(r.cutTail(`Authorization: Bearer ${token.slice(0, 12)}`)).toBe(
      'Authorization: Bearer standin-***',
    );
    expect(r.cutTail('the context is standin')).toBe('the context is standin');
  });

  it('a secret of words only is protected everywhere, as before; a long run of one is masked whatever it looks like', () => {
    const r = redactor('correct-horse-battery-staple');
    expect(r.text('told: correct-horse (cut)')).toBe('told: *** (cut)');
    const mixed = redactor('organisation-wide-prefix-Xy9k2Lm4Qp7');
    expect(mixed.text('organisation-wide-prefix-Xy9')).toBe('***');
    expect(mixed.text('organisation-wide')).toBe('***');
    expect(mixed.text('organisation')).toBe('organisation');
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
    return import('../../../src/runner/redact.js').then(({ secrets }) => {
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
