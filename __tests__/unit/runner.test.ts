// The hand-written runner protocol must produce what @actions/core produces (the reference
// implementation, kept as a devDependency for exactly this comparison).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as core from '@actions/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { githubRunner } from '../../src/runner/github.js';
import { parseFileCommands } from '../support/action.ts';

let dir: string;
const saved = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runner-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  process.env = { ...saved };
});

function files(prefix: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['OUTPUT', 'STATE', 'STEP_SUMMARY']) {
    const file = path.join(dir, `${prefix}-${name}`);
    writeFileSync(file, '');
    env[`GITHUB_${name}`] = file;
  }
  return env;
}

/** Captures what @actions/core writes to stdout while fn runs. */
function captureCore(fn: () => void): string {
  const original = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = original;
  }
  return out;
}

const tricky = [
  'plain',
  'multi\nline\r\nvalue',
  '100% done: a,b',
  '{"json": ["x"]}',
  '',
  '::error::injected',
];

describe('githubRunner matches @actions/core', () => {
  it('writes the same outputs and state', () => {
    const mine = files('mine');
    const theirs = files('theirs');
    const runner = githubRunner(mine, () => undefined);
    Object.assign(process.env, theirs);
    tricky.forEach((value, i) => {
      runner.setOutput(`out-${i}`, value);
      runner.saveState(`state-${i}`, value);
      core.setOutput(`out-${i}`, value);
      core.saveState(`state-${i}`, value);
    });
    for (const kind of ['OUTPUT', 'STATE']) {
      const a = parseFileCommands(readFileSync(mine[`GITHUB_${kind}`]!, 'utf8'));
      const b = parseFileCommands(readFileSync(theirs[`GITHUB_${kind}`]!, 'utf8'));
      expect(a).toEqual(b);
      expect(Object.keys(a)).toHaveLength(tricky.length);
    }
  });

  it('issues the same workflow commands', () => {
    let mine = '';
    const runner = githubRunner({}, (t) => void (mine += t));
    const theirs = captureCore(() => {
      for (const message of tricky) {
        core.error(message, { title: 'Dynamo router check failed: chat-timeout, a:b' });
        core.warning(message);
        core.setSecret(message || 'x');
        core.info(message);
      }
    });
    for (const message of tricky) {
      runner.error(message, { title: 'Dynamo router check failed: chat-timeout, a:b' });
      runner.warning(message);
      runner.setSecret(message || 'x');
      runner.info(message);
    }
    expect(mine).toBe(theirs);
  });

  it('reads state the way the post step receives it', () => {
    const runner = githubRunner({ STATE_isPost: 'true' });
    expect(runner.getState('isPost')).toBe('true');
    expect(runner.getState('missing')).toBe('');
  });

  it('appends to the job summary file', () => {
    const env = files('sum');
    const runner = githubRunner(env, () => undefined);
    expect(runner.appendSummary('<h3>one</h3>\n')).toBe(true);
    expect(runner.appendSummary('two\n')).toBe(true);
    expect(readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toBe('<h3>one</h3>\ntwo\n');
    expect(githubRunner({}, () => undefined).appendSummary('x')).toBe(false);
  });
});
