// The README keeps its promises: the generated tables, the failure codes, the bounds.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { boundsTable, readmeTables, releasesTable } from '../../scripts/readme-tables.ts';
import { FAILURE_CODES } from '../../src/model/failure.js';
import { ROOT } from '../support/action.ts';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
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

  it('starts contributors with the demo, the fast loop and the full gate, each a package script', () => {
    const quick = readme.split('## Developing it')[1].split('```sh')[1].split('```')[0].trim().split('\n');
    const commands = quick.map((line) => line.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(expect.arrayContaining(['npm run demo', 'npm run test:unit', 'npm test']));
    for (const command of commands) expect(scripts).toHaveProperty(command.replace(/^npm (run )?/, ''));
  });

  it('names every test suite exactly as package.json and jest.config.js define them', async () => {
    const documented = cells(between('suites'))
      .slice(1)
      .map((row) => row[0].replace(/^`npm run (\S+)`$/, '$1'));
    const suites = Object.keys(scripts).filter((name) => name.startsWith('test:'));
    expect(documented).toEqual(suites);
    const { default: config, E2E } = (await import(path.join(ROOT, 'jest.config.js'))) as {
      default: { projects: { displayName: string }[] };
      E2E: Record<string, string[]>;
    };
    expect(config.projects.map((p) => `test:${p.displayName}`).sort()).toEqual([...suites].sort());
    // What a suite's "needs" column promises: a file that starts the stand-in cluster, Chromium or
    // aiperf sits in a suite that installs it, never in `local`.
    const e2e = path.join(ROOT, '__tests__/e2e');
    for (const file of readdirSync(e2e).filter((f) => f.endsWith('.test.ts'))) {
      const text = readFileSync(path.join(e2e, file), 'utf8');
      const suite = Object.keys(E2E).find((s) => E2E[s].includes(file.replace(/\.test\.ts$/, ''))) ?? 'local';
      if (text.includes('standin-cluster/index'))
        expect([file, suite]).toEqual([file, expect.stringMatching(/^(kubernetes|journeys)$/)]);
      if (text.includes('render-summary')) expect([file, suite]).toEqual([file, 'render']);
      if (text.includes('setup-aiperf')) expect([file, suite]).toEqual([file, 'aiperf']);
    }
  });

  it('documents every failure code the action can report', () => {
    const documented = FAILURE_CODES.filter((code) => new RegExp(`\\|\\s*\`${code}\`\\s*\\|`).test(readme));
    const missing = FAILURE_CODES.filter((code) => !documented.includes(code));
    expect(missing).toEqual([]);
  });
});
