// Bounded from outside, on the runner (issue 21): the bundled action (and the CLI) against a
// launch interpreter that never answers, a frontend whose model ids carry terminal escapes, and
// recipes built to exhaust memory. Each case is one finding and must end by itself within its
// bound, with its code, leaving no process behind:
// - `python` that runs `exec sleep 900` (a wrapper, or a venv whose .pth file sleeps): the version
//   probe and the launch both end on the parent's deadlines, well under a minute past
//   `launch-timeout`; neither child sees the key or the runner's tokens, nor an open stdin; the
//   frontend log lives in a private directory and only its last KiB is read (a 200 MB log);
// - model ids with ESC, OSC (title, hyperlink), BEL, CR, C1 and bidi controls: no raw control
//   reaches stdout or stderr (action and CLI), an output or the summary; the CLI's JSON keeps the
//   exact id (escaped losslessly);
// - a recipe of 1,000,000 documents (under 500 MB) and a YAML alias bomb: `bad-input`, nothing
//   contacted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { ACTION, cleanup, runAction, runCli } from '../support/action.ts';
import { freePort, processesMatching } from '../support/dynamo.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { STACK } from '../support/fault-verdict.ts';

/** Node start-up of the bundle and a loaded 2-core runner. */
const SLACK_MS = 8000;
const MB_KB = 1024;
const KEY = 'sk-bounds-Zq8vK2mX9pL4wR8tN3bY6cJ1';
const RUNNER_TOKENS = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-Hq4n8Vw2Lk6Zp1Xc',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-Tg5m9Rb3Jd7Ys2',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example.invalid/oidc',
};
/** Raw control characters no terminal or later step may receive. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

let dir: string;
let tripwire: FaultProxy;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bounds-local-'));
  // Answers nothing it is not told to: a run that must contact nothing leaves it untouched.
  tripwire = await startFaultProxy();
});

afterAll(async () => {
  await tripwire?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the bundle with the action process's peak RSS (VmHWM) written to `out` at exit. */
function peakRssRunner(out: string): string {
  const target = path.join(dir, `rss-${path.basename(out)}.mjs`);
  writeFileSync(
    target,
    [
      "import { readFileSync, writeFileSync } from 'node:fs';",
      `process.on('exit', () => writeFileSync(${JSON.stringify(out)}, readFileSync('/proc/self/status', 'utf8')));`,
      `await import(${JSON.stringify(pathToFileURL(ACTION).href)});`,
    ].join('\n'),
  );
  return target;
}

const peakKb = (out: string): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(out, 'utf8'))?.[1]);

function envOf(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

describe('a launch interpreter that never answers', () => {
  it('python = `exec sleep 900`: probe and launch end on the parent’s deadlines, no process left, no secret seen, 1 KiB of a 200 MB log read', async () => {
    const dumps = path.join(dir, 'python-dumps');
    const python = path.join(dir, 'python');
    writeFileSync(
      python,
      [
        '#!/bin/sh',
        `n=$(date +%s%N); env > "${dumps}-$n.env"; readlink /proc/self/fd/0 > "${dumps}-$n.stdin"`,
        // As the frontend: a big log first (a chatty start-up), its last line last.
        'case "$*" in *dynamo.frontend*) head -c 200000000 /dev/zero | tr "\\0" x; echo; echo "last line of the frontend log";; esac',
        'exec sleep 900',
      ].join('\n'),
    );
    chmodSync(python, 0o755);
    const marker = `bounds-${randomUUID()}`;
    const rss = path.join(dir, 'rss-launch');
    const port = await freePort();
    const launchTimeoutS = 3;
    const run = await runAction(
      {
        launch: 'true',
        python,
        mode: 'round-robin',
        'base-url': `http://127.0.0.1:${port}`,
        'launch-timeout': String(launchTimeoutS),
        'api-key': KEY,
      },
      {
        env: { ...RUNNER_TOKENS, BOUNDS_MARKER: marker, RSS_OUT: rss },
        script: peakRssRunner(rss),
        timeoutMs: 90_000,
      },
    );
    try {
      expect(run.outputs.failure).toBe('launch-failed');
      expect(run.exitCode).toBe(1);
      // The probe (at most launch-timeout), the launch (launch-timeout), a kill, Node's start.
      expect(run.elapsedMs).toBeLessThan(2 * launchTimeoutS * 1000 + 2000 + SLACK_MS);
      expect(processesMatching(marker)).toEqual([]);
      // The version probe was held to its deadline (launch-timeout, 3 s) and stopped.
      expect(run.outputs.limitations).toMatch(/\bai-dynamo\b.*\bwithin 3 s\b.*\bstopped\b/);
      expect(run.stdout).not.toMatch(STACK);
      // Both children (the probe, then the frontend): no key, no runner token, no runner file, no stdin.
      const seen = readdirSync(dir).filter((f) => f.startsWith('python-dumps-') && f.endsWith('.env'));
      expect(seen).toHaveLength(2);
      for (const f of seen) {
        const text = readFileSync(path.join(dir, f), 'utf8');
        expect(text).not.toContain(KEY);
        for (const token of Object.values(RUNNER_TOKENS)) expect(text).not.toContain(token);
        expect(
          Object.keys(envOf(path.join(dir, f))).filter((k) =>
            /^(INPUT_|STATE_|ACTIONS_)|^GITHUB_(ENV|PATH|OUTPUT|STATE|STEP_SUMMARY)$/.test(k),
          ),
        ).toEqual([]);
        expect(readFileSync(path.join(dir, f.replace(/\.env$/, '.stdin')), 'utf8').trim()).toBe('/dev/null');
      }
      // The log: a new private directory under RUNNER_TEMP, a file only this run created.
      const logPath = /\(log: (\S+)\)/.exec(run.stdout)?.[1] ?? '';
      expect(path.dirname(path.dirname(logPath))).toBe(run.dir);
      expect(statSync(path.dirname(logPath)).mode & 0o777).toBe(0o700);
      expect(lstatSync(logPath).isFile()).toBe(true);
      expect(lstatSync(logPath).mode & 0o777).toBe(0o600);
      expect(statSync(logPath).size).toBeGreaterThan(200_000_000);
      // Only its end was read: the last line, not the 200 MB before it.
      expect(run.summary).toContain('last line of the frontend log');
      expect(run.summary.length).toBeLessThan(64 * 1024);
      const kb = peakKb(rss);
      console.log(
        `launch with a 200 MB log: action peak RSS ${Math.round(kb / MB_KB)} MB, ${run.elapsedMs} ms`,
      );
      expect(kb).toBeLessThan(200 * MB_KB);
    } finally {
      cleanup(run);
    }
  }, 120_000);
});

describe('model ids that carry terminal escapes', () => {
  const HOSTILE_ID =
    'org/model\x1b]0;pwned\x07\x1b[2J\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\rOVERWRITTEN\u009b31m\u202egnp.exe\u2066';
  let frontend: FaultProxy;

  beforeAll(async () => {
    frontend = await startFaultProxy({
      rules: [
        {
          path: '/v1/models',
          fault: {
            kind: 'body',
            body: JSON.stringify({
              object: 'list',
              data: [{ id: HOSTILE_ID, object: 'model', created: 0, owned_by: 'x' }],
            }),
          },
        },
        {
          path: '/v1/chat/completions',
          fault: {
            kind: 'body',
            body: JSON.stringify({
              id: 'c',
              object: 'chat.completion',
              created: 0,
              model: HOSTILE_ID,
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content: `hello \x1b[31m${HOSTILE_ID}` },
                  finish_reason: 'stop',
                },
              ],
              usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
            }),
          },
        },
      ],
    });
  });
  afterAll(() => frontend?.stop());

  it('the action: nothing raw reaches the log, an output or the summary', async () => {
    const run = await runAction(
      { 'base-url': frontend.url, retries: '1', timeout: '3' },
      { timeoutMs: 60_000 },
    );
    try {
      expect(run.outputs.result).toBe('pass');
      for (const [where, text] of Object.entries({
        stdout: run.stdout,
        stderr: run.stderr,
        summary: run.summary,
        ...run.outputs,
      }))
        expect({ where, raw: RAW_CONTROLS.exec(text)?.[0] }).toEqual({ where, raw: undefined });
      // Visible, not gone: a reader sees what the server sent.
      expect(run.outputs.model).toContain('org/model\\x1b]0;pwned\\x07');
      expect(run.outputs.model).toContain('\\x0dOVERWRITTEN');
      expect(run.stdout).toContain('\\x07 OVERWRITTEN'); // a log line folds its line breaks first
    } finally {
      cleanup(run);
    }
  }, 60_000);

  it('the CLI: stdout and stderr hold no raw control, the JSON keeps the exact id', async () => {
    const cli = await runCli(
      ['--base-url', frontend.url, '--retries', '1', '--timeout', '3', '--verbose'],
      {},
      60_000,
    );
    expect(cli.exitCode).toBe(0);
    expect(RAW_CONTROLS.exec(cli.stdout)?.[0]).toBeUndefined();
    expect(RAW_CONTROLS.exec(cli.stderr)?.[0]).toBeUndefined();
    expect((JSON.parse(cli.stdout) as { model: string }).model).toBe(HOSTILE_ID);
  }, 60_000);
});

describe('recipes built to exhaust memory (refused before anything is contacted)', () => {
  let kubeconfig: string;
  beforeAll(() => {
    kubeconfig = path.join(dir, 'tripwire.kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 't', cluster: { server: tripwire.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 't', user: { token: 'tripwire-token' } }],
        contexts: [{ name: 't', context: { cluster: 't', user: 't', namespace: 'dynamo' } }],
        'current-context': 't',
      }),
    );
  });

  const refused = async (name: string, text: string, message: RegExp, rssLimitKb: number) => {
    const recipe = path.join(dir, name);
    writeFileSync(recipe, text);
    const rss = path.join(dir, `rss-${name}`);
    tripwire.reset();
    const run = await runAction(
      { recipe, mode: 'kv' },
      { env: { KUBECONFIG: kubeconfig, RSS_OUT: rss }, script: peakRssRunner(rss), timeoutMs: 60_000 },
    );
    try {
      expect(run.outputs.failure).toBe('bad-input');
      expect(run.stdout).toMatch(message);
      expect(run.stdout).not.toMatch(STACK);
      expect(tripwire.requests()).toEqual([]);
      expect(run.elapsedMs).toBeLessThan(10_000 + SLACK_MS);
      const kb = peakKb(rss);
      console.log(`${name}: action peak RSS ${Math.round(kb / MB_KB)} MB, ${run.elapsedMs} ms`);
      expect(kb).toBeLessThan(rssLimitKb);
    } finally {
      cleanup(run);
    }
  };

  it(
    '1,000,000 YAML documents: bad-input under 500 MB',
    () =>
      refused(
        'million.yaml',
        '---\n'.repeat(1_000_000),
        /::error .*holds more than 1000 YAML documents/,
        500 * MB_KB,
      ),
    90_000,
  );

  it('a YAML alias bomb: bad-input, not internal', () => {
    const bomb = [
      'apiVersion: nvidia.com/v1alpha1',
      'kind: DynamoGraphDeployment',
      'metadata: {name: bomb, namespace: dynamo}',
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
    ].join('\n');
    return refused(
      'bomb.yaml',
      `${bomb}\n`,
      /::error .*cannot be read as YAML data \(Excessive alias count/,
      500 * MB_KB,
    );
  }, 90_000);

  it(
    'a recipe over the size cap: bad-input, never read whole',
    () =>
      refused(
        'huge.yaml',
        `# ${'x'.repeat(5 * 1024 * 1024)}\n`,
        /::error .*is larger than 4 MiB/,
        500 * MB_KB,
      ),
    90_000,
  );
});
