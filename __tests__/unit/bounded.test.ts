// The pieces that bound the run from outside, one by one: a child process (its own group, a
// deadline, no stdin, capped output, a clean env), bounded file reads (a FIFO refused), Kubernetes
// API bodies and watches with byte caps, the rollout judged in O(1) per event, control characters
// made visible, the legacy providers' token path, and the last resort's Contract.
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { childEnv, withheld } from '../../src/bounded/child-env.ts';
import { runChild } from '../../src/bounded/child.ts';
import { FileProblem, readRegularFile } from '../../src/bounded/read-file.ts';
import { RunFailure } from '../../src/failures.ts';
import { baseContract } from '../../src/fold.ts';
import { rescue, rescueContract } from '../../src/last-resort.ts';
import { makePlan } from '../../src/plan.ts';
import { failureCommand } from '../../src/report/failure-command.ts';
import { jsonDocument } from '../../src/runner/print.ts';
import { visibleControls } from '../../src/runner/redact.ts';
import { parseSettings } from '../../src/settings.ts';
import { valueAt } from '../../src/targets/kubernetes/credential-plugins.ts';
import { kubeApi, type Credentials, type WatchEvent } from '../../src/targets/kubernetes/cluster.ts';
import { watchObjects } from '../../src/targets/kubernetes/capped-http.ts';
import {
  assessRollout,
  listNames,
  RolloutTally,
  type PodView,
} from '../../src/targets/kubernetes/rollout.ts';

/** Running (not gone, not a zombie waiting for a reaper). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

describe('runChild', () => {
  it('kills the whole process group on the deadline, grandchildren included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'child-'));
    try {
      const pids = path.join(dir, 'pids');
      // The child starts a grandchild and both wait: a wrapper around a hung interpreter.
      const result = await runChild('sh', ['-c', `sleep 60 & echo $! > ${pids}; exec sleep 60`], {
        timeoutMs: 300,
        maxOutputBytes: 1024,
        env: { PATH: process.env.PATH ?? '' },
        graceMs: 200,
      });
      expect(result.timedOut).toBe(true);
      expect(result.signal).toBe('SIGTERM');
      const grandchild = Number(execFileSync('cat', [pids]).toString());
      // The group's signal is sent; the kernel ends the grandchild a moment later: wait for that.
      for (let i = 0; i < 500 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 10));
      expect(alive(grandchild)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('escalates to SIGKILL for a child that ignores SIGTERM', async () => {
    const result = await runChild('sh', ['-c', "trap '' TERM; sleep 60 & wait"], {
      timeoutMs: 200,
      maxOutputBytes: 1024,
      env: { PATH: process.env.PATH ?? '' },
      graceMs: 200,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
  });

  it('a child that exits leaving a helper on its pipes: its answer counts, the helper goes', async () => {
    const result = await runChild('sh', ['-c', 'sleep 60 & echo answer'], {
      timeoutMs: 30_000,
      maxOutputBytes: 1024,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('answer\n');
  });

  it('gives no stdin, caps the output, reports a command that is not there', async () => {
    const stdin = await runChild('sh', ['-c', 'readlink /proc/self/fd/0; cat; head -c 100000 /dev/zero'], {
      timeoutMs: 10_000,
      maxOutputBytes: 4096,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(stdin.stdout.startsWith('/dev/null\n')).toBe(true);
    expect(Buffer.byteLength(stdin.stdout)).toBe(4096);
    expect(stdin.cut).toBe(true);
    expect(stdin.code).toBe(0);
    const missing = await runChild('/no/such/plugin', [], { timeoutMs: 1000, maxOutputBytes: 10, env: {} });
    expect(missing.spawnError?.code).toBe('ENOENT');
  });

  it('hands a child the runner environment without the action’s secrets and the runner’s channels', () => {
    const env = childEnv(
      {
        PATH: '/bin',
        HOME: '/home/runner',
        AWS_PROFILE: 'ci',
        'INPUT_API-KEY': 'k',
        STATE_isPost: 'true',
        ACTIONS_RUNTIME_TOKEN: 't',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
        ACTIONS_CACHE_URL: 'u',
        ACTIONS_RESULTS_URL: 'u',
        GITHUB_TOKEN: 't',
        DYNAMO_API_KEY: 'k',
        GITHUB_ENV: '/f',
        GITHUB_PATH: '/f',
        GITHUB_OUTPUT: '/f',
        GITHUB_STATE: '/f',
        GITHUB_STEP_SUMMARY: '/f',
        GITHUB_WORKSPACE: '/w',
      },
      { KUBERNETES_EXEC_INFO: '{}' },
    );
    expect(Object.keys(env).sort()).toEqual(
      ['AWS_PROFILE', 'GITHUB_WORKSPACE', 'HOME', 'KUBERNETES_EXEC_INFO', 'PATH'].sort(),
    );
    expect(withheld('input_api-key')).toBe(true);
  });
});

describe('readRegularFile', () => {
  it('refuses a FIFO without blocking, a directory, a file over the cap; reads a regular file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'read-'));
    try {
      const fifo = path.join(dir, 'ca.fifo');
      execFileSync('mkfifo', [fifo]);
      const problem = (p: string, max = 100) => {
        try {
          readRegularFile(p, max);
          return undefined;
        } catch (error) {
          return error instanceof FileProblem ? `${error.code}: ${error.message}` : String(error);
        }
      };
      expect(problem(fifo)).toBe('not-regular: is a FIFO (named pipe), not a regular file');
      expect(problem(dir)).toMatch(/^not-regular: is a directory/);
      const big = path.join(dir, 'big');
      writeFileSync(big, 'x'.repeat(101));
      expect(problem(big)).toMatch(/^too-large/);
      expect(readRegularFile(big, 101).toString()).toBe('x'.repeat(101));
      expect(problem(path.join(dir, 'none'))).toBe('missing: does not exist');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- Kubernetes API bodies and watches, against a small local server ---------------------------

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function apiServer(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = http.createServer(handle);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'token-0123456789' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const creds: Credentials = { kc, source: 'test', server: url, context: 'x' };
  return { kc, api: kubeApi(creds, 20_000) };
}

/** Writes `chunk` until the client goes away (a body that never ends). */
function endless(res: http.ServerResponse, head: string, chunk: string, type = 'application/json'): void {
  res.writeHead(200, { 'content-type': type });
  res.write(head);
  const data = chunk.repeat(4096);
  const more = () => {
    while (!res.destroyed && res.write(data));
    if (!res.destroyed) res.once('drain', more);
  };
  more();
}

describe('Kubernetes API bodies with a byte cap', () => {
  it('an endless list fails as cluster-response-too-large, after 32 MiB and no more', async () => {
    const { api } = await apiServer((_req, res) =>
      endless(res, '{"kind":"PodList","items":[', '{"metadata":{"name":"p"}},'),
    );
    const error = await api.listPods('ns', 'app=x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailure);
    expect((error as RunFailure).code).toBe('cluster-response-too-large');
    expect((error as RunFailure).message).toMatch(/more than 32 MiB for GET \/api\/v1\/namespaces\/ns\/pods/);
  });

  it('a declared length over the cap is refused before reading', async () => {
    const { api } = await apiServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(64 * 1024 * 1024) });
      res.write('{');
    });
    const error = await api.getService('ns', 'svc').catch((e: unknown) => e);
    expect((error as RunFailure).code).toBe('cluster-response-too-large');
  });

  it('a pod log is cut at its cap, keeping the start', async () => {
    const { api } = await apiServer((_req, res) => endless(res, 'first line\n', 'x', 'text/plain'));
    const text = await api.podLog('ns', 'pod', undefined, 5);
    expect(text.startsWith('first line\n')).toBe(true);
    expect(Buffer.byteLength(text)).toBe(8 * 1024 * 1024);
  });
});

describe('watchObjects', () => {
  const watch = (kc: KubeConfig, limits = { eventBytes: 4096, watchBytes: 1 << 20, idleMs: 5000 }) =>
    new Promise<{ events: WatchEvent[]; error?: unknown }>((resolve) => {
      const events: WatchEvent[] = [];
      void watchObjects(
        kc,
        '/api/v1/namespaces/ns/pods',
        { labelSelector: 'a=b' },
        (e) => events.push(e),
        (error) => resolve({ events, error }),
        limits,
      );
    });

  it('splits events across chunks, skips what is not JSON, ends when the server does', async () => {
    const { kc } = await apiServer((req, res) => {
      expect(req.url).toContain('watch=true');
      res.writeHead(200, { 'content-type': 'application/json' });
      const line = `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n`;
      res.write(line.slice(0, 10));
      setTimeout(() => res.end(`${line.slice(10)}not json\n${line}`), 20);
    });
    const { events, error } = await watch(kc);
    expect(error).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED']);
  });

  it('a line that never ends: cluster-response-too-large at the event cap', async () => {
    const { kc } = await apiServer((_req, res) =>
      endless(res, '{"type":"ADDED","object":{"metadata":{"name":"', 'x'),
    );
    const { error } = await watch(kc);
    expect((error as RunFailure).code).toBe('cluster-response-too-large');
    expect((error as RunFailure).message).toMatch(/more than 4096 bytes for one event of the pod watch/);
  });

  it('a watch over its bytes ends without blame (the caller lists again)', async () => {
    const line = `${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a' } } })}\n`;
    const { kc } = await apiServer((_req, res) => endless(res, '', line));
    const { events, error } = await watch(kc, { eventBytes: 4096, watchBytes: 100_000, idleMs: 5000 });
    expect(error).toBeUndefined();
    expect(events.length).toBeGreaterThan(100);
    expect(events.length).toBeLessThan(100_000 / line.length + 4096);
  });
});

describe('the rollout, one event at a time', () => {
  it('RolloutTally agrees with assessRollout after every change, and lists at most 10 names', () => {
    const tally = new RolloutTally(2);
    const views = new Map<string, PodView>();
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 2000; i++) {
      const key = `p${rand(30)}`;
      if (rand(5) === 0) {
        views.delete(key);
        tally.set(key, undefined);
      } else {
        const view: PodView = {
          name: key,
          phase: ['Running', 'Pending', 'Failed'][rand(3)],
          ready: rand(2) === 0,
          terminating: rand(4) === 0,
          current: rand(2) === 0,
        };
        views.set(key, view);
        tally.set(key, view);
      }
      expect(tally.done).toBe(assessRollout([...views.values()], 2).done);
    }
    expect(tally.state()).toEqual(assessRollout([...views.values()], 2));
    const names = Array.from({ length: 13_219 }, (_, i) => `pod-${i}`);
    expect(listNames(names)).toBe(`${names.slice(0, 10).join(', ')} and 13,209 more`);
  });
});

describe('what is printed and output', () => {
  it('makes C0, C1 and bidi controls visible, keeps line feeds and tabs', () => {
    expect(visibleControls('a\x1b]0;t\x07b\rc\u009b1m\u202ed\te\nf')).toBe(
      'a\\x1b]0;t\\x07b\\x0dc\\x9b1m\\u202ed\te\nf',
    );
  });
  it('the CLI JSON escapes them losslessly', () => {
    const value = { id: 'm\x1b[2J\u0085\u009b\u202e\u2028x' };
    const text = jsonDocument(value);
    for (const c of ['\x1b', '\u0085', '\u009b', '\u202e', '\u2028']) expect(text).not.toContain(c);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('the next command after a response over its cap', () => {
  it('counts the same list through the same path', () => {
    expect(
      failureCommand({
        failure: 'cluster-response-too-large',
        url: '',
        namespace: 'dynamo',
        frontendSelector: 'app=frontend',
        apiKeySet: false,
        kubernetes: true,
      }),
    ).toBe('kubectl get pods -n dynamo -l app=frontend -o name | wc -l');
  });
});

describe('legacy auth-provider token paths', () => {
  it('reads the {.a.b} paths gcloud and az print, nothing fancier', () => {
    const out = {
      credential: { access_token: 'tok', token_expiry: '2099-01-01T00:00:00Z' },
      access_token: 'top',
    };
    expect(valueAt(out, '{.credential.access_token}')).toBe('tok');
    expect(valueAt(out, '{.access_token}')).toBe('top');
    expect(valueAt(out, '{.credential.missing}')).toBeUndefined();
    expect(valueAt(out, '{$..access_token}')).toBeUndefined();
  });
});

describe('the last resort', () => {
  const settings = () =>
    parseSettings((name) => ({ namespace: 'ns', deployment: 'g', mode: 'kv' })[name] ?? '');

  it('fails the run internal, undoes the write through the target, and keeps the real stack', async () => {
    const s = settings();
    rescue.contract = baseContract(s, makePlan(s));
    rescue.afterWrite = async (failure) =>
      new RunFailure(failure.code, `${failure.message} The previous env was restored (rollback-on-failure).`);
    const contract = await rescueContract(new RangeError('Invalid string length'), () => {
      throw new Error('not used');
    });
    expect(contract.result).toBe('fail');
    expect(contract.failure?.code).toBe('internal');
    expect(contract.failure?.message).toBe(
      'Unexpected error: Invalid string length. The previous env was restored (rollback-on-failure).',
    );
    expect(contract.details.filter((d) => d.title.startsWith('Stack trace'))).toHaveLength(1);
    expect(contract.details.find((d) => d.title.startsWith('Stack trace'))?.text).toMatch(/^RangeError/);
    expect(rescue.afterWrite).toBeUndefined();
  });

  it('says nothing was written when the Kubernetes run had not written', async () => {
    const s = settings();
    rescue.contract = baseContract(s, makePlan(s));
    const contract = await rescueContract('boom', () => {
      throw new Error('not used');
    });
    expect(contract.failure?.message).toBe('Unexpected error: boom. No change was written to the cluster.');
    rescue.contract = undefined;
  });
});
