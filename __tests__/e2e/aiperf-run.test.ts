// The action's aiperf `next-command`, run as printed against a frontend whose workers return text:
// the bundled action launches a kv frontend over the text-streaming worker
// (__tests__/support/text-worker.py, on Dynamo's Python worker API), compares modes, and the
// pinned aiperf then reproduces that comparison's workload. Also: with text-returning workers
// the smoke check's content rule is met without the mocker's "no text" limitation.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { splitArgs } from '../../src/shell-words.js';
import { TOKENIZER_PLACEHOLDER } from '../../src/report/next-command.js';
import type { ModeResult } from '../../src/model/comparison.js';
import { cleanup, ROOT, runAction, runPost } from '../support/action.ts';
import {
  baseEnv,
  dynamoPython,
  freePort,
  frontendEnv,
  spawnDynamo,
  tinyModelDir,
  waitForModels,
  type ManagedProcess,
} from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';

const VENV = process.env.AIPERF_VENV ?? path.join(ROOT, '.venv-aiperf');
const { available, describeDynamo } = dynamoSuite();

let dir: string;
let worker: ManagedProcess | undefined;
let discovery: ReturnType<typeof frontendEnv>;

beforeAll(async () => {
  if (!available) return;
  execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-aiperf.sh')], {
    env: { ...process.env, AIPERF_VENV: VENV },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 15 * 60_000,
  });
  dir = mkdtempSync(path.join(tmpdir(), 'aiperf-run-'));
  discovery = frontendEnv(path.join(dir, 'discovery'));
  worker = spawnDynamo({
    name: 'text-worker',
    args: [path.join(ROOT, '__tests__', 'support', 'text-worker.py'), '--model-path', tinyModelDir()],
    env: baseEnv(discovery.env),
  });
}, 16 * 60_000);

afterAll(async () => {
  await worker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describeDynamo('aiperf runs the printed next-command against text-returning workers', () => {
  it('reproduces the comparison’s workload with no failed request and the same prompt length', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const main = await runAction(
      {
        mode: 'kv',
        launch: 'true',
        python: dynamoPython(),
        'base-url': url,
        'frontend-args': '--discovery-backend file',
        'retry-delay': '0.5',
        retries: '20',
        'compare-modes': 'round-robin,kv',
        'compare-requests': '12',
        'compare-concurrency': '2',
        'compare-prefix-groups': '3',
        'compare-prefix-tokens': '28',
        'compare-max-tokens': '16',
      },
      {
        env: { DYN_FILE_KV: discovery.env.DYN_FILE_KV, DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1' },
        timeoutMs: 240_000,
      },
    );
    try {
      expect(main.outputs.result).toBe('pass');
      // Text came back: no "mocker returns no text" limitation.
      expect(main.outputs.limitations).not.toMatch(/no text/);
      const modes = (JSON.parse(main.outputs.comparison) as { modes: ModeResult[] }).modes;
      const promptMean =
        modes.reduce((n, m) => n + m.promptTokens, 0) / modes.reduce((n, m) => n + m.samples, 0);
      const printed = main.outputs['next-command'];
      expect(printed).toContain(TOKENIZER_PLACEHOLDER);
      // A person replaces the marked placeholder with the workers' tokenizer; nothing else.
      const argv = splitArgs(printed).map((a) => (a === TOKENIZER_PLACEHOLDER ? tinyModelDir() : a));
      expect(argv.slice(0, 2)).toEqual(['aiperf', 'profile']);
      await waitForModels(url, 10_000);
      const run = spawnSync(
        path.join(VENV, 'bin', 'aiperf'),
        [...argv.slice(1), '--ui-type', 'none', '--output-artifact-dir', path.join(dir, 'artifacts')],
        { cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } },
      );
      const text = `${run.stdout}\n${run.stderr}`;
      if (run.status !== 0) console.log(text.slice(-4000));
      expect(run.status).toBe(0);
      expect(text).toMatch(/Processed 12 valid requests and 0 errors/);
      // aiperf's input length (the server's count) against the comparison's own mean prompt: the
      // converted lengths add up to that mean, and aiperf's chat request adds the chat template's
      // tokens once more (the measured mean already holds them): about 8 for the tiny model.
      const isl = /Input Sequence Length \(tokens\)\s*│\s*([\d.]+)/.exec(text);
      expect(isl).not.toBeNull();
      const excess = Number(isl?.[1]) - promptMean;
      console.log(`aiperf ISL ${isl?.[1]} vs the comparison's mean prompt ${promptMean.toFixed(1)} tokens`);
      expect(excess).toBeGreaterThan(-2);
      expect(excess).toBeLessThan(12);
    } finally {
      await runPost(main);
      cleanup(main);
    }
  }, 600_000);
});
