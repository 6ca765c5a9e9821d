// The action's TypeScript entry points under GitHub's own local runner, @github/local-action 7,
// the way a contributor debugs the action before pushing it:
//   npx local-action run . src/main.ts .env --post src/post.ts
// local-action runs src/main.ts through tsx and swaps @actions/core for its own copy, so its report
// shows only what the action did through the toolkit: the outputs table and the summary file. The
// run launches a real Dynamo frontend (mocker workers from ai-dynamo 1.6.1), and the post step,
// run by local-action from src/post.ts, must stop it.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alive, ROOT } from '../support/action.ts';
import { dynamoPython, freePort, startWorkers, type WorkerHandle } from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';

const { available, describeDynamo } = dynamoSuite();

const LOCAL_ACTION = path.join(ROOT, 'node_modules', '.bin', 'local-action');

let workers: WorkerHandle;
let dir: string;

beforeAll(async () => {
  if (!available) return;
  dir = mkdtempSync(path.join(tmpdir(), 'local-action-'));
  workers = await startWorkers({ workers: 2, speedupRatio: 10 });
}, 120_000);

afterAll(async () => {
  await workers?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runLocalAction(
  envFile: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(LOCAL_ACTION, ['run', ROOT, 'src/main.ts', envFile, '--post', 'src/post.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own group: a timeout stops npm, tsx and the action together
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      process.kill(-(child.pid as number), 'SIGKILL');
      reject(new Error(`local-action did not finish within ${timeoutMs} ms\n${out}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** The rows of local-action's "Action Outputs" table (console.table: │ i │ 'name' │ 'value' │). */
function outputsTable(out: string): Record<string, string> {
  const section = out.split('Action Outputs')[1] ?? '';
  const rows: Record<string, string> = {};
  for (const line of section.split('\n')) {
    const row = /^│\s*\d+\s*│\s*'([^']+)'\s*│\s*'(.*)'\s*│$/.exec(line.trim());
    if (row) rows[row[1]] = row[2];
  }
  return rows;
}

describeDynamo('@github/local-action runs the TypeScript entry points', () => {
  it('lists the outputs, writes the summary, and the post step stops the launched frontend', async () => {
    const port = await freePort();
    const summary = path.join(dir, 'summary.md');
    const envFile = path.join(dir, '.env');
    // What a contributor puts in the .env file: the inputs, as the runner would pass them.
    writeFileSync(
      envFile,
      [
        'INPUT_LAUNCH=true',
        `INPUT_PYTHON=${dynamoPython()}`,
        'INPUT_MODE=kv',
        `INPUT_BASE-URL=http://127.0.0.1:${port}`,
        'INPUT_FRONTEND-ARGS=--discovery-backend file',
        'INPUT_RETRY-DELAY=0.5',
        'INPUT_TIMEOUT=10',
        `GITHUB_STEP_SUMMARY=${summary}`,
        `RUNNER_TEMP=${dir}`,
        '',
      ].join('\n'),
    );
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !/^(INPUT_|STATE_|GITHUB_|NODE_OPTIONS$|npm_)/.test(k)) env[k] = v;
    Object.assign(env, {
      PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
      DYN_FILE_KV: workers.discoveryDir,
      DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1',
    });
    // local-action stubs @actions/core at the path `npm ls` reports; where node_modules is a
    // symlink (worktrees sharing one install) Node would otherwise load the real path instead.
    if (lstatSync(path.join(ROOT, 'node_modules')).isSymbolicLink()) env.NODE_OPTIONS = '--preserve-symlinks';

    const { code, out } = await runLocalAction(envFile, env, 240_000);
    const detail = `local-action output:\n${out}`;
    expect({ code, detail }).toEqual({ code: 0, detail });
    expect(out).not.toContain('No outputs were set!');
    const outputs = outputsTable(out);
    expect({ outputs, detail }).toMatchObject({
      outputs: {
        result: 'pass',
        failure: '',
        mode: 'kv',
        'mode-verified': 'verified',
        model: 'tiny-model',
        models: '["tiny-model"]',
        'models-count': '1',
      },
    });
    expect(Number(outputs['latency-ms'])).toBeGreaterThan(0);
    expect(outputs.command).toContain('--router-mode kv');
    // The summary went through core.summary to the file local-action was given.
    expect(readFileSync(summary, 'utf8')).toMatch(/^<h3>✅ Dynamo router check passed/);
    // The log folded into groups, and the post step (src/post.ts) stopped the frontend it launched.
    expect(out).toMatch(/::group::Settings/);
    expect(out).toMatch(/::group::Target: launch a frontend/);
    const stopped = /Launched frontend \(pid (\d+)\): (stopped|killed)\./.exec(out);
    expect({ stopped: Boolean(stopped), detail }).toEqual({ stopped: true, detail });
    expect(alive(Number(stopped?.[1]))).toBe(false);
  }, 300_000);
});
