import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readmeTables } from '../../scripts/readme-tables.ts';
import { FAILURE_CODES } from '../../src/failures.js';
import { ROOT } from '../support/action.ts';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const between = (name: string) =>
  readme.split(`<!-- ${name}:start -->`)[1]?.split(`<!-- ${name}:end -->`)[0]?.trim();

describe('README', () => {
  it('documents exactly the inputs and outputs of action.yml', () => {
    const tables = readmeTables(ROOT);
    expect(between('inputs')).toBe(tables.inputs);
    expect(between('outputs')).toBe(tables.outputs);
  });

  it('opens with a two-command quick start', () => {
    const quick = readme.split('## Quick start')[1].split('```sh')[1].split('```')[0].trim().split('\n');
    expect(quick).toHaveLength(2);
    expect(quick[0]).toMatch(/^npm run demo/);
    expect(quick[1]).toMatch(/^npm test/);
  });

  it('documents every failure code the action can report', () => {
    const documented = FAILURE_CODES.filter((code) => new RegExp(`\\|\\s*\`${code}\`\\s*\\|`).test(readme));
    const missing = FAILURE_CODES.filter((code) => !documented.includes(code));
    // Codes of later features are documented with them; the local path's codes must all be here.
    for (const code of [
      'bad-input',
      'launch-failed',
      'frontend-unreachable',
      'unauthorized',
      'models-error',
      'no-models',
      'chat-error',
      'chat-invalid',
      'chat-timeout',
    ]) {
      expect(missing).not.toContain(code);
    }
  });
});
