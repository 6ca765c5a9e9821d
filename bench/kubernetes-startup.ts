// The bundled action's start-up in Kubernetes mode versus local mode, on the same real Dynamo
// frontend process (a mocker DGD on the stand-in cluster, Dynamo 1.6.1): local mode checks the
// pod's host port directly (base-url); Kubernetes check-only mode (namespace + deployment, no mode)
// loads the lazily imported Kubernetes chunks, reads the DGD through the API, port-forwards in
// process and checks through the forward. Also: the same Kubernetes run with the cluster
// unreachable (start-up + chunk load + one refused API connection) next to a local run whose
// frontend is unreachable (start-up + one refused connection, no chunk), and importing the big
// chunk alone. Interleaved runs, medians and ratios.
//
// Then: the size of every dist file, and which dist files each kind of run loads, recorded by a
// module.registerHooks load hook (bench/support/trace-modules.mjs) that sees every module file
// Node loads, including import() chunks. The chunks are found by that trace, not by name (ncc's
// chunk ids change with the code).
//
// BASELINE_BUNDLE=<other dist/index.js> (bench/run.mjs --baseline <git ref or dist dir> sets it)
// adds the same Kubernetes and local runs of that bundle to the same interleaved rounds: before and
// after side by side, on one frontend process, under the same machine load.
//
//   node bench/kubernetes-startup.ts [rounds=15]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { interleaved, median, runnerFiles, table, type Candidate } from './lib.ts';
import { startStandin } from './support/standin.ts';

const rounds = Number(process.argv[2] ?? 15);
const root = path.resolve(import.meta.dirname, '..');
const node = path.join(root, 'node_modules/.bin/node');
// ACTION_BUNDLE (set by bench/run.mjs to a snapshot of dist/) selects the dist directory measured.
const action = process.env.ACTION_BUNDLE ?? path.join(root, 'dist/index.js');
const dist = path.dirname(action);
const cli = process.env.CLI_BUNDLE ?? path.join(dist, 'cli/index.js');
const distName = (file: string) => `dist/${path.relative(dist, file)}`;
const trace = path.join(root, 'bench/support/trace-modules.mjs');
const baseline = process.env.BASELINE_BUNDLE;

const work = mkdtempSync(path.join(tmpdir(), 'bench-k8s-startup-'));
const runnerEnv = (name: string): Record<string, string> => runnerFiles(work, name);
// Only what a runner step would see: no inherited INPUT_*/KUBECONFIG from this shell.
const cleanEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  LANG: 'C.UTF-8',
});

const standin = await startStandin('bench', 0);
try {
  const direct = `http://127.0.0.1:${standin.podPort}`;
  // A kubeconfig whose server refuses connections: the run loads the Kubernetes chunks and fails
  // at its first API call (cluster-unreachable).
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));
  const deadKubeconfig = path.join(work, 'dead-kubeconfig');
  writeFileSync(
    deadKubeconfig,
    readFileSync(standin.kubeconfig, 'utf8').replace(
      /server: \S+/,
      `server: https://127.0.0.1:${closedPort}`,
    ),
  );

  const modes = {
    local: { ...cleanEnv(), 'INPUT_BASE-URL': direct },
    kubernetes: {
      ...cleanEnv(),
      KUBECONFIG: standin.kubeconfig,
      INPUT_NAMESPACE: standin.namespace,
      INPUT_DEPLOYMENT: standin.deployment,
    },
    'local-unreachable': {
      ...cleanEnv(),
      'INPUT_BASE-URL': `http://127.0.0.1:${closedPort}`,
      INPUT_RETRIES: '1',
    },
    unreachable: {
      ...cleanEnv(),
      KUBECONFIG: deadKubeconfig,
      INPUT_NAMESPACE: standin.namespace,
      INPUT_DEPLOYMENT: standin.deployment,
      INPUT_RETRIES: '1',
    },
  };

  // One verification run of each (the figures below are only meaningful if these pass/fail as stated).
  const outputs = (env: Record<string, string>) => {
    const r = spawnSync(node, [action], { env, encoding: 'utf8', timeout: 120_000 });
    const text = readFileSync(env.GITHUB_OUTPUT, 'utf8');
    const get = (k: string) => new RegExp(`^${k}<<(\\S+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(text)?.[2] ?? '';
    return {
      status: r.status,
      result: get('result'),
      failure: get('failure'),
      mode: get('mode'),
      verified: get('mode-verified'),
      url: get('url'),
    };
  };
  const verify = Object.fromEntries(
    Object.entries(modes).map(([k, env]) => [k, outputs({ ...env, ...runnerEnv(`verify-${k}`) })]),
  );
  console.log(
    `Verification runs (dist/index.js sha256 ${createHash('sha256').update(readFileSync(action)).digest('hex').slice(0, 12)}):`,
  );
  for (const [k, v] of Object.entries(verify)) console.log(`  ${k}: ${JSON.stringify(v)}`);
  if (verify.local.result !== 'pass' || verify.kubernetes.result !== 'pass')
    throw new Error('the local or Kubernetes verification run did not pass; figures would be meaningless');
  const unreachableStatus = verify.unreachable.status ?? 1;
  const localUnreachableStatus = verify['local-unreachable'].status ?? 1;

  // Which files each kind of run loads (module load hook); this also finds the chunks.
  // `base`: the dist directory file names are given relative to (the CLI's bundle lives in dist/cli).
  const loaded = (
    base: string,
    argv: string[],
    env: Record<string, string>,
    okStatus: number[] = [0],
  ): string[] => {
    const file = path.join(work, `trace-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, '');
    const r = spawnSync(node, ['--import', trace, ...argv], {
      env: { ...env, BENCH_TRACE_FILE: file },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (!okStatus.includes(r.status as number)) throw new Error(`traced run exited ${r.status}: ${r.stderr}`);
    return [
      ...new Set(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((u) => u.startsWith(`file://${base}/`))
          .map((u) => `dist/${path.relative(base, new URL(u).pathname)}`),
      ),
    ];
  };
  const traces: [string, string[]][] = [
    ['action, local mode', loaded(dist, [action], { ...modes.local, ...runnerEnv('trace-local') })],
    [
      'action, local mode, post step',
      loaded(dist, [action], { ...modes.local, ...runnerEnv('trace-post'), STATE_isPost: 'true' }),
    ],
    [
      'action, Kubernetes check-only',
      loaded(dist, [action], { ...modes.kubernetes, ...runnerEnv('trace-k8s') }),
    ],
    [
      'action, local mode, frontend unreachable',
      loaded(dist, [action], { ...modes['local-unreachable'], ...runnerEnv('trace-local-dead') }, [
        localUnreachableStatus,
      ]),
    ],
    [
      'action, Kubernetes, cluster unreachable',
      loaded(dist, [action], { ...modes.unreachable, ...runnerEnv('trace-dead') }, [unreachableStatus]),
    ],
    ['cli, local', loaded(dist, [cli, '--base-url', direct], cleanEnv())],
  ];
  // The Kubernetes chunks: what a Kubernetes run loads and a local run does not.
  const kubernetesChunks = (bundle: string): string[] => {
    const base = path.dirname(bundle);
    const local = loaded(base, [bundle], { ...modes.local, ...runnerEnv('chunks-local') });
    return loaded(base, [bundle], { ...modes.unreachable, ...runnerEnv('chunks-k8s') }, [unreachableStatus])
      .filter((f) => !local.includes(f))
      .map((f) => path.join(path.dirname(bundle), f.slice('dist/'.length)));
  };
  const importAlone = (name: string, chunks: string[]): Candidate => ({
    name,
    argv: [
      node,
      '--input-type=module',
      '-e',
      chunks.map((c) => `await import(${JSON.stringify(c)});`).join(''),
    ],
  });
  const chunks = kubernetesChunks(action);
  const mb = (files: string[]) =>
    (files.reduce((a, f) => a + statSync(f).size, 0) / 1e6).toFixed(1).concat(' MB');

  const candidates: Candidate[] = [
    { name: 'node -e 0 (Node 24)', argv: [node, '-e', '0'] },
    importAlone(`import the Kubernetes chunks alone (${mb(chunks)})`, chunks),
    {
      name: 'action, local mode (base-url → pod port)',
      argv: [node, action],
      env: { ...modes.local, ...runnerEnv('local') },
    },
    {
      name: 'action, Kubernetes check-only (API + port-forward)',
      argv: [node, action],
      env: { ...modes.kubernetes, ...runnerEnv('kubernetes') },
    },
    {
      name: 'action, local mode, frontend unreachable',
      argv: [node, action],
      env: { ...modes['local-unreachable'], ...runnerEnv('local-unreachable') },
      okStatus: [localUnreachableStatus],
    },
    {
      name: 'action, Kubernetes, cluster unreachable',
      argv: [node, action],
      env: { ...modes.unreachable, ...runnerEnv('unreachable') },
      okStatus: [unreachableStatus],
    },
  ];
  if (baseline) {
    const before = kubernetesChunks(baseline);
    candidates.push(
      importAlone(`baseline: import the Kubernetes chunks alone (${mb(before)})`, before),
      {
        name: 'baseline: action, local mode',
        argv: [node, baseline],
        env: { ...modes.local, ...runnerEnv('b-local') },
      },
      {
        name: 'baseline: action, Kubernetes check-only',
        argv: [node, baseline],
        env: { ...modes.kubernetes, ...runnerEnv('b-kubernetes') },
      },
      {
        name: 'baseline: action, Kubernetes, cluster unreachable',
        argv: [node, baseline],
        env: { ...modes.unreachable, ...runnerEnv('b-unreachable') },
        okStatus: [unreachableStatus],
      },
    );
  }
  const times = interleaved(candidates, rounds);
  console.log(
    `\nSame frontend process (mocker DGD on the stand-in, Dynamo 1.6.1), ${rounds} interleaved rounds, Node ${process.version}:\n`,
  );
  console.log(table(times, 'action, local mode (base-url → pod port)'));
  const at = (name: string) => median(times.get(name)!);
  const overhead = (k8s: string, local: string) => `${(at(k8s) - at(local)).toFixed(0)} ms`;
  console.log(
    `\nKubernetes check-only minus local mode (medians): ${overhead('action, Kubernetes check-only (API + port-forward)', 'action, local mode (base-url → pod port)')}` +
      (baseline
        ? `; baseline ${overhead('baseline: action, Kubernetes check-only', 'baseline: action, local mode')}`
        : ''),
  );

  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else files.push(path.join(dir, e.name));
    }
  };
  walk(dist);
  files.sort();
  // What a file holds, from names that survive minification (chunk ids change with the code).
  const parts: [RegExp, string][] = [
    [/loadFromDefault/, '@kubernetes/client-node (pre-bundled, minified)'],
    [/openKubernetesTarget/, 'Kubernetes target (src/targets/kubernetes)'],
    [/DispatcherBase/, 'undici'],
    [/gatherEvidence/, 'mode verification evidence (src/verify/gather)'],
    [/runComparison/, 'compare-modes run (src/compare/compare-run)'],
  ];
  const what = (rel: string, file: string): string => {
    if (rel === 'dist/index.js') return 'action entry (main and post)';
    if (rel === 'dist/cli/index.js') return 'CLI entry';
    if (!rel.endsWith('.js')) return 'metadata';
    const text = readFileSync(file, 'utf8');
    return (
      parts
        .filter(([re]) => re.test(text))
        .map(([, label]) => label)
        .join(' + ') || '?'
    );
  };
  console.log('\n| file | bytes | KiB | gzip KiB | contents | loaded by |');
  console.log('| --- | ---: | ---: | ---: | --- | --- |');
  for (const f of files) {
    const rel = distName(f);
    const bytes = statSync(f).size;
    const gz = gzipSync(readFileSync(f)).length;
    const by = traces.filter(([, l]) => l.includes(rel)).map(([n]) => n);
    console.log(
      `| ${rel} | ${bytes} | ${(bytes / 1024).toFixed(1)} | ${(gz / 1024).toFixed(1)} | ${what(rel, f)} | ${rel.endsWith('.js') ? by.join('; ') || 'none of these runs' : '–'} |`,
    );
  }
  console.log('\nLoaded dist files per run (module load hook):');
  for (const [name, list] of traces) {
    const bytes = list.reduce((a, f) => a + statSync(path.join(dist, f.slice('dist/'.length))).size, 0);
    console.log(`  ${name}: ${list.join(', ')} (${(bytes / 1024).toFixed(0)} KiB)`);
  }
} finally {
  await standin.stop();
  rmSync(work, { recursive: true, force: true });
}
