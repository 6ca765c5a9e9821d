// The bundled action (dist/index.js) on its local path, against a real Dynamo: mocker workers
// from ai-dynamo 1.6.1 and a frontend the action launches itself, in every router mode.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alive, cleanup, runAction, runCli, runPost, type ActionRun } from '../support/action.ts';
import { dynamoPython, freePort, startFrontend, startWorkers, type WorkerHandle } from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';

const { available, describeDynamo } = dynamoSuite();

let workers: WorkerHandle;

beforeAll(async () => {
  if (!available) return;
  workers = await startWorkers({ workers: 2, speedupRatio: 10 });
}, 120_000);

afterAll(async () => {
  await workers?.stop();
});

/** Inputs for a launched frontend that sees the harness workers. */
async function launchInputs(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    launch: 'true',
    python: dynamoPython(),
    'base-url': `http://127.0.0.1:${port}`,
    'frontend-args': '--discovery-backend file',
    'retry-delay': '0.5',
    timeout: '10',
    ...extra,
  };
}

const launchEnv = () => ({ DYN_FILE_KV: workers.discoveryDir, DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1' });

function launchedPid(run: ActionRun): number {
  const state = JSON.parse(run.state['launched-frontend']) as { pid: number };
  return state.pid;
}

async function runAndStop(
  inputs: Record<string, string>,
): Promise<{ main: ActionRun; cmdline: string; pid: number }> {
  const main = await runAction(inputs, { env: launchEnv() });
  let pid = 0;
  let cmdline = '';
  if (main.state['launched-frontend']) {
    pid = launchedPid(main);
    cmdline = alive(pid) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ') : '';
    const post = await runPost(main);
    expect(post.exitCode).toBe(0);
    expect(alive(pid)).toBe(false);
  }
  cleanup(main);
  return { main, cmdline, pid };
}

describeDynamo('bundled action, launch mode, real Dynamo', () => {
  it.each(['round-robin', 'kv', 'least-loaded', 'device-aware-weighted', 'random', 'power-of-two', 'direct'])(
    'passes in %s mode and stops the frontend in the post step',
    async (mode) => {
      const { main, cmdline } = await runAndStop(await launchInputs({ mode }));
      expect(main.stderr).toBe('');
      expect(main.outputs.result).toBe('pass');
      expect(main.exitCode).toBe(0);
      expect(main.outputs.failure).toBe('');
      expect(main.outputs.mode).toBe(mode);
      expect(main.outputs.command).toContain(`--router-mode ${mode}`);
      expect(cmdline).toContain(`--router-mode ${mode}`);
      expect(JSON.parse(main.outputs.models)).toEqual(['tiny-model']);
      expect(main.outputs.model).toBe('tiny-model');
      expect(Number(main.outputs['latency-ms'])).toBeGreaterThan(0);
      expect(JSON.parse(main.outputs.limitations).length).toBeGreaterThan(0);
      expect(main.outputs['next-command']).toMatch(/^aiperf profile --model-names tiny-model --tokenizer /);
      expect(main.outputs['dynamo-version']).toBe('1.6.1 (launch interpreter)');
      // No limitation contradicts an output (issue 11: "not confirmed" next to kv-events: true).
      if (main.outputs['kv-events'] === 'true')
        expect(main.outputs.limitations).not.toMatch(/KV events were not confirmed/);
      expect(main.summary).toMatch(/^<h3>✅ Dynamo router check passed/);
      if (mode === 'direct') expect(main.summary).toMatch(/sent to worker \d+/);
      expect(main.outputs['mode-verified']).toBe('verified');
    },
  );

  it('launches approximate KV mode with --no-router-kv-events', async () => {
    const { main, cmdline } = await runAndStop(await launchInputs({ mode: 'kv', 'kv-events': 'false' }));
    expect(main.outputs.result).toBe('pass');
    expect(main.outputs['kv-events']).toBe('false');
    expect(cmdline).toContain('--router-mode kv --no-router-kv-events');
    expect(main.outputs.limitations).toMatch(/Approximate KV mode/);
  });

  it('refuses a mode the interpreter’s release lacks before launching anything', async () => {
    // An interpreter that answers the version question as ai-dynamo 1.0.2 would (1.0.x offers
    // round-robin, random, kv and direct only) and would run anything else with the real Python.
    const dir = mkdtempSync(path.join(tmpdir(), 'old-dynamo-'));
    const python = path.join(dir, 'python');
    writeFileSync(
      python,
      `#!/bin/sh\ncase "$*" in *"version('ai-dynamo')"*) echo 1.0.2; exit 0;; esac\nexec ${dynamoPython()} "$@"\n`,
    );
    chmodSync(python, 0o755);
    try {
      const started = Date.now();
      const main = await runAction(await launchInputs({ mode: 'power-of-two', python }), {
        env: launchEnv(),
      });
      expect(main.outputs.failure).toBe('unsupported-mode');
      expect(main.outputs['dynamo-version']).toBe('1.0.2 (launch interpreter)');
      expect(main.summary).toContain('round-robin, random, kv, direct');
      expect(main.summary).toContain('first appears in 1.1.0');
      expect(main.state['launched-frontend']).toBeUndefined();
      expect(main.stdout).not.toContain('Launching:');
      expect(Date.now() - started).toBeLessThan(30_000);
      cleanup(main);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses DYN_ROUTER_LOAD_AWARE in the runner env that would override the mode', async () => {
    const main = await runAction(await launchInputs({ mode: 'random' }), {
      env: { ...launchEnv(), DYN_ROUTER_LOAD_AWARE: 'true' },
    });
    expect(main.outputs.failure).toBe('args-pin-mode');
    expect(main.stdout).toMatch(
      /::error title=Dynamo router check failed%3A args-pin-mode::DYN_ROUTER_LOAD_AWARE=true in the runner/,
    );
    expect(main.state['launched-frontend']).toBeUndefined();
    cleanup(main);
  });

  it('fails with launch-failed and the frontend log when the frontend cannot start', async () => {
    const { main } = await runAndStop(
      await launchInputs({ mode: 'kv', 'frontend-args': '--discovery-backend file --no-such-flag' }),
    );
    expect(main.exitCode).toBe(1);
    expect(main.outputs.failure).toBe('launch-failed');
    expect(main.summary).toContain('no-such-flag');
    expect(main.stdout).toContain('::error title=Dynamo router check failed%3A launch-failed::');
  });

  it('fails with no-models when no worker is registered (workers stopped)', async () => {
    const idle = await startWorkers({ workers: 1, speedupRatio: 10 });
    await idle.stop(); // graceful stop deregisters the workers
    const port = await freePort();
    const main = await runAction(
      {
        launch: 'true',
        python: dynamoPython(),
        mode: 'round-robin',
        'base-url': `http://127.0.0.1:${port}`,
        'frontend-args': '--discovery-backend file',
        retries: '3',
        'retry-delay': '0.2',
        timeout: '5',
      },
      { env: { DYN_FILE_KV: idle.discoveryDir + '-gone' } },
    );
    const post = await runPost(main);
    expect(post.exitCode).toBe(0);
    expect(main.outputs.result).toBe('fail');
    expect(main.outputs.failure).toBe('no-models');
    expect(main.outputs['next-command']).toContain('/v1/models');
    expect(main.stdout).toMatch(
      /::error title=Dynamo router check failed%3A no-models::.* Next step: .*; run: curl -sS http:\/\/127\.0\.0\.1:\d+\/v1\/models/,
    );
    expect(main.summary).toContain('no worker registered');
    cleanup(main);
  });

  it('fails a chat against workers that were killed (never a false green)', async () => {
    const doomed = await startWorkers({ workers: 1, speedupRatio: 10 });
    const frontend = await startFrontend({ discoveryDir: doomed.discoveryDir, mode: 'round-robin' });
    try {
      // SIGKILL leaves stale registrations behind: the model may still be listed for a while.
      process.kill(-doomed.process.pid, 'SIGKILL');
      const main = await runAction({
        'base-url': frontend.url,
        retries: '2',
        'retry-delay': '0.2',
        timeout: '5',
      });
      expect(main.outputs.result).toBe('fail');
      expect(['no-models', 'chat-error']).toContain(main.outputs.failure);
      cleanup(main);
    } finally {
      await frontend.stop();
      await doomed.stop();
    }
  });

  it('refuses to launch over a port that is already serving', async () => {
    const other = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'kv' });
    try {
      const main = await runAction(
        { launch: 'true', python: dynamoPython(), 'base-url': other.url },
        { env: launchEnv() },
      );
      expect(main.outputs.failure).toBe('launch-failed');
      expect(main.summary).toContain('already listens');
      cleanup(main);
    } finally {
      await other.stop();
    }
  });

  it('checks a running frontend by URL without touching its mode', async () => {
    const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
    try {
      const main = await runAction({ 'base-url': frontend.url });
      expect(main.outputs.result).toBe('pass');
      expect(main.outputs.command).toBe('');
      expect(main.outputs['mode-reason']).toMatch(/check only/);
      cleanup(main);
    } finally {
      await frontend.stop();
    }
  });

  it('reports kv mode over workers that publish no KV events, with the change that fixes it', async () => {
    const silent = await startWorkers({ workers: 2, speedupRatio: 10, kvEvents: false });
    try {
      const port = await freePort();
      const main = await runAction(
        {
          launch: 'true',
          python: dynamoPython(),
          mode: 'kv',
          'base-url': `http://127.0.0.1:${port}`,
          'frontend-args': '--discovery-backend file',
          'retry-delay': '0.5',
        },
        { env: { DYN_FILE_KV: silent.discoveryDir, DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1' } },
      );
      await runPost(main);
      expect(main.outputs.result).toBe('pass');
      expect(main.outputs['mode-verified']).toBe('verified');
      expect(main.outputs['kv-events']).toBe('false');
      expect(main.summary).toMatch(/publish no KV events/);
      expect(main.outputs.limitations).toMatch(/kv-events: false/);
      cleanup(main);
    } finally {
      await silent.stop();
    }
  });

  it('fails with mode-not-applied when the frontend at the URL runs another mode', async () => {
    const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
    try {
      const main = await runAction({ 'base-url': frontend.url, mode: 'kv' });
      expect(main.outputs.result).toBe('fail');
      expect(main.outputs.failure).toBe('mode-not-applied');
      expect(main.outputs['mode-verified']).toBe('contradicted');
      // The mode output names the mode that was checked, consistent with mode-verified.
      expect(main.outputs.mode).toBe('kv');
      cleanup(main);
    } finally {
      await frontend.stop();
    }
  });

  it('observes the mode of a running kv frontend in a check-only run', async () => {
    const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'kv' });
    try {
      const main = await runAction({ 'base-url': frontend.url });
      expect(main.outputs.result).toBe('pass');
      expect(main.outputs.mode).toBe('kv');
      expect(main.outputs['mode-verified']).toBe('verified');
      expect(main.outputs['kv-events']).toBe('true');
      cleanup(main);
    } finally {
      await frontend.stop();
    }
  });

  describe('CLI (dist/cli/index.js)', () => {
    it('prints the JSON document and exits 0 on a healthy frontend', async () => {
      const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
      try {
        const { exitCode, stdout, stderr } = await runCli([
          '--base-url',
          frontend.url,
          '--retry-sleep',
          '0.2',
        ]);
        expect(exitCode).toBe(0);
        const doc = JSON.parse(stdout);
        expect(doc).toMatchObject({ base_url: frontend.url, ok: true, failure: null, mode: null });
        expect(doc.checks.map((c: { name: string }) => c.name)).toEqual(['models', 'chat']);
        // Exactly one stderr line, and no claim about a mode nobody asked about.
        expect(stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(stderr).toMatch(new RegExp(`^PASS at ${frontend.url}: model tiny-model`));
        expect(stderr).not.toMatch(/unchanged/);
        const verbose = await runCli(['--base-url', frontend.url, '--retry-sleep', '0.2', '--verbose']);
        expect(verbose.stderr).toMatch(/^ {2}models: tiny-model/m);
        expect(verbose.stderr.trimEnd().split('\n').pop()).toMatch(/^PASS at /);
      } finally {
        await frontend.stop();
      }
    });

    it("verifies --mode with the action's verdicts: kv verified (0), contradicted on round-robin (5)", async () => {
      const kv = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'kv' });
      try {
        const run = await runCli(['--base-url', kv.url, '--mode', 'kv', '--retry-sleep', '0.2']);
        expect(run.exitCode).toBe(0);
        const doc = JSON.parse(run.stdout);
        expect(doc).toMatchObject({ ok: true, mode: 'kv', mode_verified: 'verified' });
        expect(run.stderr).toMatch(/^PASS kv \(verified\) at /);
        expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      } finally {
        await kv.stop();
      }
      const rr = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
      try {
        const run = await runCli(['--base-url', rr.url, '--mode', 'kv', '--retry-sleep', '0.2']);
        expect(run.exitCode).toBe(5);
        const doc = JSON.parse(run.stdout);
        expect(doc).toMatchObject({ ok: false, mode: 'kv', mode_verified: 'contradicted' });
        expect(doc.failure.code).toBe('mode-not-applied');
        expect(run.stderr).toMatch(/^FAIL mode-not-applied at /);
        expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
        // A wrong model names the flag, and a /v1 suffix gets its hint.
        const wrong = await runCli(['--base-url', rr.url, '--model', 'nope', '--retry-sleep', '0.1']);
        expect(JSON.parse(wrong.stdout).failure.next).toMatch(/`--model`/);
        expect(wrong.stdout).not.toMatch(/input/);
        const v1 = await runCli(['--base-url', `${rr.url}/v1`, '--retries', '1']);
        expect(v1.exitCode).toBe(2);
        expect(JSON.parse(v1.stdout).failure.next).toMatch(
          new RegExp(`drop the /v1 suffix.*--base-url ${rr.url}\``),
        );
      } finally {
        await rr.stop();
      }
    });

    it('prints its version', async () => {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
      const run = await runCli(['--version']);
      expect(run.exitCode).toBe(0);
      expect(run.stdout.trim()).toBe(`dynamo-router-check ${pkg.version}`);
    });

    it('exits 3 when no model is discovered and 2 when nothing answers', async () => {
      const empty = await startFrontend({
        discoveryDir: workers.discoveryDir + '-empty',
        mode: 'round-robin',
      });
      try {
        const none = await runCli(['--base-url', empty.url, '--retries', '2', '--retry-sleep', '0.1']);
        expect(none.exitCode).toBe(3);
        expect(JSON.parse(none.stdout).failure.code).toBe('no-models');
      } finally {
        await empty.stop();
      }
      const port = await freePort();
      const down = await runCli([
        '--base-url',
        `http://127.0.0.1:${port}`,
        '--retries',
        '2',
        '--retry-sleep',
        '0.1',
      ]);
      expect(down.exitCode).toBe(2);
      expect(JSON.parse(down.stdout).failure.code).toBe('frontend-unreachable');
    });

    it('exits 4 when the chat fails and 1 on a usage error', async () => {
      const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
      try {
        const bad = await runCli([
          '--base-url',
          frontend.url,
          '--model',
          'no-such-model',
          '--retry-sleep',
          '0.1',
        ]);
        expect(bad.exitCode).toBe(4);
        expect(JSON.parse(bad.stdout).failure.code).toBe('chat-error');
      } finally {
        await frontend.stop();
      }
      expect((await runCli(['--retries', 'lots'])).exitCode).toBe(1);
      expect((await runCli(['--bogus'])).exitCode).toBe(1);
    });
  });
});
