// Holds the action's aiperf `next-command` against the pinned aiperf's own `--help`: every flag
// it prints must be a main option name (not an alias) of `aiperf profile`, and the command must
// parse. The pinned aiperf is installed once into the git-ignored .venv-aiperf/ (or $AIPERF_VENV)
// by scripts/setup-aiperf.sh; the first run takes minutes, later runs reuse the venv.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { splitArgs } from '../../src/shell-words.js';
import { nextCommand as fromInput } from '../../src/report/next-command.js';
import { nextInput, type RunKnows } from '../support/next-command-input.ts';

const nextCommand = (k: RunKnows): string => fromInput(nextInput(k));
import { ROOT } from '../support/action.ts';

const VENV = process.env.AIPERF_VENV ?? path.join(ROOT, '.venv-aiperf');
const AIPERF = path.join(VENV, 'bin', 'aiperf');

/** `aiperf profile --help` options: main name → its aliases. */
function options(help: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of help.split('\n')) {
    // A wide terminal keeps each option's names on its row: `│ --main --alias -a   text…`.
    const names = /^│ +(--[a-z0-9-]+(?: +-{1,2}[A-Za-z0-9-]+)*)/.exec(line)?.[1].split(/ +/);
    if (names) out.set(names[0], names.slice(1));
  }
  return out;
}

describe('next-command against the pinned aiperf', () => {
  let help = '';
  beforeAll(() => {
    execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-aiperf.sh')], {
      env: { ...process.env, AIPERF_VENV: VENV },
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 15 * 60_000,
    });
    help = execFileSync(AIPERF, ['profile', '--help'], {
      env: { ...process.env, COLUMNS: '250', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }, 16 * 60_000);

  it('prints only main option names of `aiperf profile`', () => {
    const known = options(help);
    expect(known.size).toBeGreaterThan(50);
    const aliases = new Set([...known.values()].flat());
    const command = nextCommand({
      result: 'pass',
      url: 'http://127.0.0.1:8000',
      model: 'tiny-model',
      mode: 'kv',
      apiKeySet: true,
      tokenizer: '/models/tiny-model',
      compare: { concurrency: 4, requests: 20, prefixGroups: 4, prefixTokens: 28, maxTokens: 32, seed: 42 },
      measured: { promptTokensMean: 122.4 },
    });
    const printed = splitArgs(command).filter((word) => word.startsWith('--'));
    expect(printed.length).toBeGreaterThan(10);
    for (const flag of printed) {
      expect({ flag, main: known.has(flag), alias: aliases.has(flag) }).toEqual({
        flag,
        main: true,
        alias: false,
      });
    }
  });
});
