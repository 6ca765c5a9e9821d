// The README keeps its promises: the generated tables, the failure codes, the bounds.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { boundsTable, readmeTables, releasesTable } from '../../scripts/readme-tables.ts';
import { FAILURE_CODES } from '../../src/model/failure.js';
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

  it('promises exactly the bounds the code enforces (src/bounded/limits.ts)', () => {
    const table = cells(between('bounds'));
    expect(table).toEqual(cells(boundsTable()));
    expect(table.length).toBeGreaterThanOrEqual(12);
  });

  it('opens with a first screen for users: a pinned uses: snippet, the needs, the changes, the journeys', () => {
    const first = readme.split('## Developing it')[0];
    expect(first).toMatch(/uses: OWNER\/dynamo-router-starter@<40-hex commit sha>/);
    expect(first).toMatch(/No release is tagged yet/);
    for (const need of ['Dynamo operator', 'credentials', 'deploy/rbac.yaml', 'node24'])
      expect(first).toContain(need);
    expect(first).toMatch(/What it changes/);
    // Every journey link points at a heading that exists.
    const anchors = [...first.matchAll(/\]\(#([a-z0-9-]+)\)/g)].map((m) => m[1]);
    expect(anchors.length).toBeGreaterThanOrEqual(5);
    const headings = [...readme.matchAll(/^#+ (.+)$/gm)].map((m) =>
      m[1]
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    );
    for (const anchor of anchors) expect(headings).toContain(anchor);
  });

  it('has a two-command start for contributors', () => {
    const quick = readme.split('## Developing it')[1].split('```sh')[1].split('```')[0].trim().split('\n');
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
