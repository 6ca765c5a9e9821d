// Every input read and validated once into Settings: bad input names the input, the value and
// what is allowed.
import { describe, expect, it } from '@jest/globals';
import { RunFailure } from '../../../src/model/failure.js';
import { nearestMode } from '../../../src/model/modes.js';
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { actionInputs, parseSettings } from '../../../src/settings/settings.js';
import { ROOT } from '../../support/action.ts';

const from = (inputs: Record<string, string>) => (name: string) => (inputs[name] ?? '').trim();

function rejects(inputs: Record<string, string>): RunFailure {
  try {
    parseSettings(from(inputs));
  } catch (error) {
    expect(error).toBeInstanceOf(RunFailure);
    expect((error as RunFailure).code).toBe('bad-input');
    return error as RunFailure;
  }
  throw new Error(`expected bad-input for ${JSON.stringify(inputs)}`);
}

describe('parseSettings', () => {
  it('applies the documented defaults', () => {
    const s = parseSettings(from({}));
    expect(s).toMatchObject({
      mode: undefined,
      kvEvents: 'auto',
      baseUrl: undefined,
      launch: false,
      python: 'python3',
      maxTokens: 32,
      retries: 5,
      retryDelayMs: 2000,
      timeoutMs: 20000,
      skipChat: false,
      kubernetes: undefined,
    });
    expect(s.prompt.length).toBeGreaterThan(0);
  });

  it('reads inputs the way the runner passes them (INPUT_ with hyphens kept)', () => {
    const saved = { url: process.env['INPUT_BASE-URL'], mode: process.env.INPUT_MODE };
    process.env['INPUT_BASE-URL'] = ' http://127.0.0.1:9000/ ';
    process.env.INPUT_MODE = 'kv';
    try {
      const s = parseSettings(actionInputs(core.getInput));
      expect(s.baseUrl).toBe('http://127.0.0.1:9000');
      expect(s.mode).toBe('kv');
    } finally {
      for (const [k, v] of [
        ['INPUT_BASE-URL', saved.url],
        ['INPUT_MODE', saved.mode],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });

  it('accepts every action.yml default as given: the runner (and local-action) pass defaults as inputs', () => {
    const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    const defaults = Object.fromEntries(
      Object.entries(action.inputs).map(([name, i]) => [name, i.default ?? '']),
    );
    expect(parseSettings(from(defaults))).toEqual(parseSettings(from({})));
  });

  it.each(['round-robin', 'kv', 'least-loaded', 'device-aware-weighted', 'direct', 'random', 'power-of-two'])(
    'accepts mode %s',
    (mode) => {
      expect(parseSettings(from({ mode })).mode).toBe(mode);
    },
  );

  it.each([
    ['round_robin', 'round-robin'],
    ['KV', 'kv'],
    ['kv-aware', 'kv'],
    ['RoundRobin', 'round-robin'],
    ['least_loaded', 'least-loaded'],
    ['power-of-2', 'power-of-two'],
    ['randon', 'random'],
  ])('rejects the near-miss mode %s and suggests %s', (raw, near) => {
    const error = rejects({ mode: raw });
    expect(error.message).toContain('`mode`');
    expect(error.message).toContain(`"${raw}"`);
    expect(error.message).toContain(`did you mean \`${near}\``);
    expect(error.message).toContain('round-robin, random, power-of-two');
    expect(nearestMode(raw)).toBe(near);
  });

  it('rejects a mode with nothing close without a bogus suggestion', () => {
    const error = rejects({ mode: 'fastest-please' });
    expect(error.message).not.toContain('did you mean');
  });

  it.each([
    [{ 'kv-events': 'maybe' }, 'kv-events'],
    [{ launch: 'yes' }, 'launch'],
    [{ retries: '0' }, 'retries'],
    [{ retries: '2.5' }, 'retries'],
    [{ retries: 'five' }, 'retries'],
    [{ 'retry-delay': '-1' }, 'retry-delay'],
    [{ timeout: '0' }, 'timeout'],
    [{ 'max-tokens': '0' }, 'max-tokens'],
    [{ 'base-url': 'ftp://host/' }, 'base-url'],
    [{ 'base-url': 'not a url' }, 'base-url'],
    [{ 'base-url': 'http://127.0.0.1:8000/?x=1' }, 'base-url'],
    [{ 'frontend-args': '--router-mode kv', launch: 'true' }, 'frontend-args'],
    [{ 'frontend-args': '--http-port=9000', launch: 'true' }, 'frontend-args'],
    [{ 'frontend-args': '"unclosed', launch: 'true' }, 'frontend-args'],
    [{ 'frontend-args': '--discovery-backend file' }, 'frontend-args'],
    [{ launch: 'true', 'base-url': 'http://example.com:8000' }, 'base-url'],
    [{ 'kv-events': 'false', mode: 'round-robin' }, 'kv-events'],
    [{ namespace: 'Bad_NS' }, 'namespace'],
    [{ deployment: '-x' }, 'deployment'],
    [{ service: '1abc' }, 'service'],
    [{ 'dry-run': 'true' }, 'dry-run'],
    [{ launch: 'true', namespace: 'dynamo' }, 'launch'],
    [{ 'write-recipe': 'true', namespace: 'dynamo' }, 'write-recipe'],
    [{ 'rollout-timeout': '0', namespace: 'dynamo' }, 'rollout-timeout'],
    [{ model: 'a\u0000b' }, 'model'],
  ])('rejects %j naming %s', (inputs, input) => {
    const error = rejects(inputs as Record<string, string>);
    expect(error.message).toContain(`\`${input}\``);
    expect(error.message).toMatch(/allowed/);
  });

  it('never echoes credentials embedded in base-url', () => {
    const error = rejects({ 'base-url': 'http://user:s3cr3t@127.0.0.1:8000' });
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).toContain('`base-url`');
  });

  it('parses frontend-args like a shell, without a shell', () => {
    const s = parseSettings(
      from({ launch: 'true', 'frontend-args': `--discovery-backend file --model-name 'my model' $HOME` }),
    );
    expect(s.frontendArgs).toEqual(['--discovery-backend', 'file', '--model-name', 'my model', '$HOME']);
  });

  it('enters Kubernetes mode when any Kubernetes input is given', () => {
    const s = parseSettings(
      from({ namespace: 'dynamo', mode: 'kv', 'dry-run': 'true', 'rollout-timeout': '60' }),
    );
    expect(s.kubernetes).toEqual({
      namespace: 'dynamo',
      deployment: undefined,
      service: undefined,
      recipe: undefined,
      writeRecipe: false,
      dryRun: true,
      rolloutTimeoutMs: 60000,
      rollbackOnFailure: false,
    });
  });

  it('a cluster configured and no target named: the cluster is the target, never the default URL', () => {
    const implicit = parseSettings(from({ mode: 'kv' }), { clusterConfigured: true });
    expect(implicit.kubernetes).toMatchObject({
      implicit: true,
      namespace: undefined,
      deployment: undefined,
    });
    // Without a cluster, or with a URL or a launch named, nothing changes.
    expect(parseSettings(from({ mode: 'kv' })).kubernetes).toBeUndefined();
    expect(
      parseSettings(from({ mode: 'kv', 'base-url': 'http://127.0.0.1:8000' }), { clusterConfigured: true })
        .kubernetes,
    ).toBeUndefined();
    expect(parseSettings(from({ launch: 'true' }), { clusterConfigured: true }).kubernetes).toBeUndefined();
    // A named target is not implicit.
    expect(
      parseSettings(from({ namespace: 'dynamo' }), { clusterConfigured: true }).kubernetes,
    ).not.toHaveProperty('implicit');
  });

  it('compare-modes advice is a value the input accepts: the whole list with the one mode corrected', () => {
    const failure = rejects({ mode: 'kv', namespace: 'dynamo', 'compare-modes': 'round-robin,kvv' });
    expect(failure.message).toMatch(/Input `compare-modes` has "kvv", which is not a Dynamo router mode/);
    expect(failure.hint).toBe('set `compare-modes: round-robin,kv`');
    // The advice itself parses.
    expect(
      parseSettings(from({ mode: 'kv', namespace: 'dynamo', 'compare-modes': 'round-robin,kv' })).compare
        ?.modes,
    ).toEqual(['round-robin', 'kv']);
  });
});
