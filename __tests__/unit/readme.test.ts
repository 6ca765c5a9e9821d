import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readmeTables, releasesTable } from '../../scripts/readme-tables.ts';
import { FAILURE_CODES } from '../../src/failures.js';
import { ROOT } from '../support/action.ts';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const between = (name: string) =>
  readme.split(`<!-- ${name}:start -->`)[1]?.split(`<!-- ${name}:end -->`)[0]?.trim();

/** Table cells, row by row, ignoring the padding Prettier adds and the separator row. */
const cells = (table: string | undefined) =>
  (table ?? '')
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s:-]+\|/.test(line.replace(/\|\s*-+\s*/g, '|-')))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );

describe('README', () => {
  it('documents exactly the inputs and outputs of action.yml', () => {
    const tables = readmeTables(ROOT);
    expect(cells(between('inputs'))).toEqual(cells(tables.inputs));
    expect(cells(between('outputs'))).toEqual(cells(tables.outputs));
    expect(cells(tables.inputs).length).toBeGreaterThan(25);
  });

  it('shows the Dynamo releases table generated from src/releases/releases.json', () => {
    const table = cells(between('releases'));
    expect(table).toEqual(cells(releasesTable(ROOT)));
    expect(table.length).toBeGreaterThanOrEqual(7);
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
    expect(missing).toEqual([]);
  });
});
