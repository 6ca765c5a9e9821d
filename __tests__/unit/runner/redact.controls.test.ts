// What is printed and output: C0, C1 and bidi controls made visible, and escaped losslessly in
// the CLI's JSON.
import { describe, expect, it } from '@jest/globals';
import { jsonDocument } from '../../../src/runner/print.ts';
import { visibleControls } from '../../../src/runner/redact.ts';

describe('what is printed and output', () => {
  it('makes C0, C1 and bidi controls visible, keeps line feeds and tabs', () => {
    expect(visibleControls('a\x1b]0;t\x07b\rc\u009b1m\u202ed\te\nf')).toBe(
      'a\\x1b]0;t\\x07b\\x0dc\\x9b1m\\u202ed\te\nf',
    );
  });
  it('the CLI JSON escapes them losslessly', () => {
    const value = { id: 'm\x1b[2J\u0085\u009b\u202e\u2028x' };
    const text = jsonDocument(value);
    for (const c of ['\x1b', '\u0085', '\u009b', '\u202e', '\u2028']) expect(text).not.toContain(c);
    expect(JSON.parse(text)).toEqual(value);
  });
});
