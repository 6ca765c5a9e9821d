// Bounded from outside, on Kubernetes (issue 21): the bundled action against the stand-in cluster
// with a man in the middle (the fault proxy, serving the stand-in's own certificate) that does
// what a broken proxy, load balancer or API server does, and against credential plugins and
// kubeconfig files that never answer. Each case is one finding and must end by itself, with its
// code, within its bound, leaving no process or API connection behind, the token never printed
// and the object unchanged except what the run reports (support/kubernetes-fault-cases.ts checks
// all that):
// - a pod watch that never ends a line: `cluster-response-too-large`, and with
//   rollback-on-failure the env is restored;
// - a pod list that never ends: the same code, under 1 GB of memory (the action's VmHWM);
// - a flood of watch events: linear, and the message names at most 10 pods;
// - a port-forward upgrade nobody answers: `port-forward-failed`, and the process ends;
// - an exec plugin or an auth-provider cmd-path that waits for a login: `cluster-unauthorized`
//   after the plugin deadline, the plugin's process group gone; one that answers still works,
//   without stdin (`interactiveMode: Never`), and sees neither the key nor the runner's tokens;
// - a certificate-authority that is a FIFO: refused at once;
// - masking: the stand-in's token `standin-…` hides neither the context `standin` nor its path;
// - an error nothing caught, after the write: the Contract is still published, the env restored.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { ACTION, cleanup, ROOT, runAction } from '../support/action.ts';
import { processesMatching } from '../support/dynamo.ts';
import { startApiFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import {
  faultFile,
  runFaultCase,
  SLACK_MS,
  waitIdle,
  type FaultCase,
} from '../support/kubernetes-fault-cases.ts';
import type { Cluster } from '../../standin-cluster/index.ts';

const FIXTURE = path.join(ROOT, '__tests__/fixtures/k8s/fault-graph.v1alpha1.yaml');
const NS = 'dynamo';
const DGD = 'bounds-graph';
const PODS_PATH = `/api/v1/namespaces/${NS}/pods`;
/** The action's deadlines these cases meet (src/bounded/limits.ts). */
const PLUGIN_TIMEOUT_MS = 15_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
const GB_KB = 1024 * 1024;

// What a run must never hand a child.
const KEY = 'sk-bounds-Qz7vK2mX9pL4wR8tN3bY6c';
const RUNNER_TOKENS = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-Hq4n8Vw2Lk6Zp1Xc',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-Tg5m9Rb3Jd7Ys2',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example.invalid/oidc',
};

let cluster: Cluster;
let proxy: FaultProxy;
let dir: string;

const file = faultFile({
  fixture: FIXTURE,
  namespace: NS,
  object: DGD,
  settle: async () => {
    await cluster.waitForReady(NS, { timeoutMs: 60_000 });
  },
});
const { dgd, frontendEnv } = file;

/** A kubeconfig whose server is the man in the middle, with `user` (default: the stand-in token). */
function kubeconfig(name: string, user?: object, clusterEntry?: object): string {
  const target = path.join(dir, `${name}.kubeconfig`);
  writeFileSync(
    target,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'standin',
          cluster: clusterEntry ?? {
            server: proxy.url,
            'certificate-authority-data': Buffer.from(cluster.caPem ?? '').toString('base64'),
          },
        },
      ],
      users: [{ name: 'ci', user: user ?? { token: cluster.token } }],
      contexts: [{ name: 'standin', context: { cluster: 'standin', user: 'ci', namespace: NS } }],
      'current-context': 'standin',
    }),
  );
  return target;
}

/** An executable shell script in the test's directory. */
function script(name: string, body: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, `#!/bin/sh\n${body}\n`);
  chmodSync(target, 0o755);
  return target;
}

/** Runs the bundle with the peak RSS (VmHWM) of the action process written to `out` at exit. */
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

function peakKb(out: string): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(out, 'utf8'))?.[1]);
}

/** What a plugin saw: its environment and its stdin (written by the scripts below). */
function seen(dump: string): { env: Record<string, string>; stdin: string } {
  const env: Record<string, string> = {};
  for (const line of readFileSync(`${dump}.env`, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return { env, stdin: readFileSync(`${dump}.stdin`, 'utf8').trim() };
}

/** Nothing the action holds for itself reached the child. */
function expectClean(dump: string): void {
  const { env, stdin } = seen(dump);
  const text = readFileSync(`${dump}.env`, 'utf8');
  expect(text).not.toContain(KEY);
  for (const value of Object.values(RUNNER_TOKENS)) expect(text).not.toContain(value);
  const leaked = Object.keys(env).filter(
    (k) =>
      /^(INPUT_|STATE_|ACTIONS_)/.test(k) || /^GITHUB_(ENV|PATH|OUTPUT|STATE|STEP_SUMMARY|TOKEN)$/.test(k),
  );
  expect(leaked).toEqual([]);
  // No stdin: a plugin that asks cannot wait for an answer (kubectl gives it none either).
  expect(stdin).toBe('/dev/null');
}

const dumpLines = (dump: string) => `env > "${dump}.env"; readlink /proc/self/fd/0 > "${dump}.stdin" 2>&1`;

const flood = (i: number): string | undefined =>
  i < 20_000
    ? JSON.stringify({
        type: 'ADDED',
        object: {
          metadata: { name: `flood-${i}`, uid: `flood-${i}`, namespace: NS },
          spec: { containers: [{ name: 'main' }] },
          status: { phase: 'Running' },
        },
      })
    : undefined;

/** A case is built when it runs (it needs the started cluster and proxy); its name is known before. */
type Built = Omit<FaultCase, 'name'>;
const CASES: [string, () => Built][] = [
  [
    'masking hides the token, not the words near it: the context and the kubeconfig path stay readable',
    () => ({
      inputs: { deployment: DGD },
      // The stand-in's own kubeconfig: context `standin`, a path holding `standin-k8s-`, and a token
      // `standin-<random>` (the six-character rule once masked all three alike).
      kubeconfig: () => cluster.kubeconfigPath,
      expected: 'pass',
      boundMs: 15_000 + SLACK_MS,
      check: (run) => {
        expect(cluster.token.startsWith('standin-')).toBe(true);
        expect(run.stdout).toContain(
          `Kubernetes: context standin from KUBECONFIG (${cluster.kubeconfigPath}), API server`,
        );
      },
    }),
  ],
  [
    'a pod watch that never ends a line (rollback-on-failure)',
    () => {
      const rss = path.join(dir, 'rss-watch-line');
      return {
        inputs: { deployment: DGD, mode: 'least-loaded', 'rollback-on-failure': 'true' },
        kubeconfig: () => kubeconfig('mitm'),
        arrange: () =>
          proxy.setRules([
            {
              path: PODS_PATH,
              query: { watch: 'true' },
              times: 1,
              fault: { kind: 'endless', head: '{"type":"ADDED","object":{"metadata":{"name":"', chunk: 'x' },
            },
          ]),
        expected: 'cluster-response-too-large',
        boundMs: 30_000 + SLACK_MS,
        env: { RSS_OUT: rss },
        script: peakRssRunner(rss),
        check: (run) => {
          expect(run.stdout).toMatch(/::error .*more than 4 MiB for one event of the pod watch/);
          expect(JSON.parse(run.outputs['env-patch']).rolledBack).toBe(true);
          expect(frontendEnv().DYN_ROUTER_MODE).toBeUndefined();
          expect(peakKb(rss)).toBeLessThan(GB_KB / 2);
        },
      };
    },
  ],
  [
    'a pod list that never ends (under 1 GB)',
    () => {
      const rss = path.join(dir, 'rss-pod-list');
      return {
        inputs: { deployment: DGD, mode: 'least-loaded' },
        kubeconfig: () => kubeconfig('mitm'),
        arrange: () =>
          proxy.setRules([
            {
              path: PODS_PATH,
              method: 'GET',
              times: 1,
              fault: {
                kind: 'endless',
                head: '{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[',
                chunk: '{"metadata":{"name":"endless","namespace":"dynamo"}},',
              },
            },
          ]),
        expected: 'cluster-response-too-large',
        boundMs: 15_000 + SLACK_MS,
        env: { RSS_OUT: rss },
        script: peakRssRunner(rss),
        check: (run) => {
          expect(run.stdout).toMatch(
            /::error .*more than 32 MiB for GET \/api\/v1\/namespaces\/dynamo\/pods/,
          );
          expect(run.outputs['env-patch']).toBe('');
          const kb = peakKb(rss);
          console.log(`endless pod list: action peak RSS ${Math.round(kb / 1024)} MB`);
          expect(kb).toBeLessThan(GB_KB);
        },
      };
    },
  ],
  [
    'a flood of 20,000 watch events (rollback-on-failure): linear, 10 pod names in the message',
    () => ({
      inputs: {
        deployment: DGD,
        mode: 'least-loaded',
        'rollout-timeout': '8',
        'rollback-on-failure': 'true',
      },
      kubeconfig: () => kubeconfig('mitm'),
      arrange: () =>
        proxy.setRules([
          { path: PODS_PATH, query: { watch: 'true' }, times: 1, fault: { kind: 'lines', line: flood } },
        ]),
      expected: 'rollout-timeout',
      boundMs: 8000 + 20_000 + SLACK_MS,
      check: (run) => {
        const error = run.stdout.split('\n').find((l) => l.startsWith('::error')) ?? '';
        expect(error).toMatch(/flood-\d+.* and 1\d,\d{3} more/);
        expect((error.match(/flood-\d+/g) ?? []).length).toBeLessThanOrEqual(2 * 10);
        expect(error.length).toBeLessThan(4000);
        expect(JSON.parse(run.outputs['env-patch']).rolledBack).toBe(true);
      },
    }),
  ],
  [
    'a port-forward upgrade nobody answers (check only)',
    () => ({
      inputs: { deployment: DGD },
      kubeconfig: () => kubeconfig('mitm'),
      arrange: () => proxy.setRules([{ path: /\/portforward$/, fault: { kind: 'hang' } }]),
      expected: 'port-forward-failed',
      boundMs: HANDSHAKE_TIMEOUT_MS + 5000 + SLACK_MS,
      check: (run) => {
        expect(run.stdout).toMatch(/::error .*did not answer its WebSocket upgrade within 10 s/);
        expect(proxy.requests().some((r) => r.handled === 'upgrade hang')).toBe(true);
        expect(proxy.openSockets()).toBe(0);
      },
    }),
  ],
  [
    'an exec plugin that answers: run by the action, no stdin, no key or runner token in its env',
    () => {
      const dump = path.join(dir, 'exec-ok');
      const plugin = script(
        'exec-ok.sh',
        `${dumpLines(dump)}\ncat > /dev/null\nprintf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}' "$PLUGIN_TOKEN"`,
      );
      return {
        inputs: { deployment: DGD, 'api-key': KEY },
        kubeconfig: () =>
          kubeconfig('exec-ok', {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              command: plugin,
              interactiveMode: 'Never',
              env: [{ name: 'PLUGIN_TOKEN', value: cluster.token }],
            },
          }),
        arrange: () => proxy.setRules([]),
        env: RUNNER_TOKENS,
        expected: 'pass',
        boundMs: 20_000 + SLACK_MS,
        check: (run) => {
          expectClean(dump);
          expect(JSON.parse(seen(dump).env.KUBERNETES_EXEC_INFO).spec).toEqual({ interactive: false });
          // The token the plugin returned is masked like a kubeconfig token.
          expect(run.stdout.split('\n')).toContain(`::add-mask::${cluster.token}`);
        },
      };
    },
  ],
  [
    'a legacy gcp auth-provider cmd-path that answers (no execSync)',
    () => {
      const ok = script(
        'gcloud-ok.sh',
        'printf \'{"credential":{"access_token":"%s","token_expiry":"2099-01-01T00:00:00Z"}}\' "$2"',
      );
      return {
        inputs: { deployment: DGD },
        kubeconfig: () =>
          kubeconfig('gcp-ok', {
            'auth-provider': {
              name: 'gcp',
              config: {
                'cmd-path': ok,
                'cmd-args': `--token ${cluster.token}`,
                'token-key': '{.credential.access_token}',
                'expiry-key': '{.credential.token_expiry}',
              },
            },
          }),
        arrange: () => proxy.setRules([]),
        expected: 'pass',
        boundMs: 20_000 + SLACK_MS,
      };
    },
  ],
  [
    'a certificate-authority that is a FIFO (a shell’s <(…)): refused, not read',
    () => {
      const fifo = path.join(dir, 'ca.fifo');
      if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]);
      return {
        inputs: { deployment: DGD, mode: 'least-loaded' },
        kubeconfig: () =>
          kubeconfig('fifo-ca', undefined, { server: proxy.url, 'certificate-authority': fifo }),
        arrange: () => proxy.setRules([]),
        expected: 'cluster-unreachable',
        boundMs: SLACK_MS,
        check: (run) => {
          expect(run.stdout).toMatch(
            /::error .*certificate-authority file .*ca\.fifo is a FIFO \(named pipe\), not a regular file/,
          );
          expect(proxy.requests()).toEqual([]);
        },
      };
    },
  ],
];

/**
 * Credential plugins that wait for a login: neither contacts the API server, so both run at once,
 * each held to its own deadline (the plugin deadline is waited out, once for both).
 */
const WAITING_FOR_LOGIN: [string, () => Built][] = [
  [
    'an exec plugin waiting for a login (device code, expired SSO)',
    () => {
      const dump = path.join(dir, 'exec-hang');
      const plugin = script('exec-hang.sh', `${dumpLines(dump)}\nexec sleep 900`);
      return {
        inputs: { deployment: DGD, mode: 'least-loaded', 'api-key': KEY },
        kubeconfig: () =>
          kubeconfig('exec-hang', {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: plugin,
              interactiveMode: 'IfAvailable',
            },
          }),
        arrange: () => proxy.setRules([]),
        env: RUNNER_TOKENS,
        expected: 'cluster-unauthorized',
        boundMs: PLUGIN_TIMEOUT_MS + 5000 + SLACK_MS,
        check: (run) => {
          expect(run.elapsedMs).toBeGreaterThanOrEqual(PLUGIN_TIMEOUT_MS - 1000);
          expect(run.stdout).toMatch(
            /::error .*exec plugin .*exec-hang\.sh.* gave no credential within 15 s/,
          );
          expectClean(dump);
          expect(proxy.requests()).toEqual([]);
        },
      };
    },
  ],
  [
    'a legacy gcp auth-provider cmd-path that hangs (the event loop keeps running)',
    () => {
      const dump = path.join(dir, 'gcp-hang');
      const hang = script('gcloud-hang.sh', `${dumpLines(dump)}\nexec sleep 900`);
      return {
        inputs: { deployment: DGD, 'api-key': KEY },
        kubeconfig: () =>
          kubeconfig('gcp-hang', {
            'auth-provider': { name: 'gcp', config: { 'cmd-path': hang, 'token-key': '{.access_token}' } },
          }),
        arrange: () => proxy.setRules([]),
        env: RUNNER_TOKENS,
        expected: 'cluster-unauthorized',
        boundMs: PLUGIN_TIMEOUT_MS + 5000 + SLACK_MS,
        check: (run) => {
          expect(run.stdout).toMatch(
            /::error .*gcp auth-provider cmd-path .* gave no credential within 15 s/,
          );
          expectClean(dump);
        },
      };
    },
  ],
];

beforeAll(async () => {
  cluster = await file.start({ namespace: NS });
  dir = mkdtempSync(path.join(tmpdir(), 'bounds-k8s-'));
  proxy = await startApiFaultProxy(cluster);
  await cluster.apply(file.graph(DGD));
  await cluster.waitForReady(NS, { timeoutMs: 90_000 });
}, 150_000);

afterAll(async () => {
  await proxy?.stop();
  await file.stop(
    'Bounded from outside: Kubernetes (bundled action, stand-in cluster behind a man in the middle)',
  );
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('bounded from outside: the Kubernetes API, its credentials and its sockets', () => {
  it.each(CASES)(
    '%s',
    async (name, build) => {
      proxy.reset();
      cleanup(await runFaultCase(file.bench, { name, ...build() }));
    },
    120_000,
  );

  it('credential plugins waiting for a login, side by side: an exec plugin, a legacy gcp cmd-path', async () => {
    proxy.reset();
    const runs = await Promise.allSettled(
      WAITING_FOR_LOGIN.map(([name, build]) => runFaultCase(file.bench, { name, ...build() })),
    );
    for (const run of runs) if (run.status === 'fulfilled') cleanup(run.value);
    for (const run of runs) if (run.status === 'rejected') throw run.reason;
  }, 120_000);

  it('an error nothing caught, after the write (rollback-on-failure): the Contract is still published, the env restored', async () => {
    await cluster.waitForReady(NS, { timeoutMs: 60_000 });
    proxy.setRules([]);
    const before = frontendEnv();
    const pidFile = path.join(dir, 'crash.pid');
    const wrapper = path.join(dir, 'crash.mjs');
    writeFileSync(
      wrapper,
      [
        "import { writeFileSync } from 'node:fs';",
        `writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));`,
        // A library that throws from an event handler, as client-node's watch once did.
        "process.on('SIGUSR2', () => setImmediate(() => { throw new RangeError('Invalid string length'); }));",
        `await import(${JSON.stringify(pathToFileURL(ACTION).href)});`,
      ].join('\n'),
    );
    cluster.clearRequestLog();
    const marker = `bounds-crash-${Date.now()}`;
    let done = false;
    const pending = runAction(
      {
        namespace: NS,
        deployment: DGD,
        mode: 'least-loaded',
        'rollback-on-failure': 'true',
        'rollout-timeout': '30',
      },
      {
        env: { KUBECONFIG: kubeconfig('mitm'), HOME: file.home(), K8S_FAULT_MARKER: marker },
        script: wrapper,
        timeoutMs: 120_000,
      },
    ).finally(() => (done = true));
    // Once the patch is written, the "library" throws.
    await cluster.waitFor(
      () => done || cluster.writes().some((w) => w.method === 'PATCH' && w.status === 200),
      'the patch',
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    if (!done) process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGUSR2');
    const run = await pending;
    try {
      expect(run.outputs.failure).toBe('internal');
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(
        /::error .*Unexpected error: Invalid string length\. .*previous env was restored/,
      );
      expect(JSON.parse(run.outputs['env-patch']).rolledBack).toBe(true);
      expect(frontendEnv()).toEqual(before);
      expect(run.summary).toContain('internal');
      expect(processesMatching(marker)).toEqual([]);
      expect(await waitIdle(cluster)).toBe(0);
      expect(dgd().metadata.name).toBe(DGD);
    } finally {
      cleanup(run);
    }
  }, 150_000);
});
