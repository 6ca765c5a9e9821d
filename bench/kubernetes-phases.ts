// Where a passing Kubernetes check-only run (namespace + deployment, no mode) spends its time before
// the check, from the times of its own log lines (bench/support/line-times.mjs): start-up and chunk
// load (first Kubernetes line), the API reads that resolve the frontend (→ "Frontend: …"), and the
// port-forward up to its proven first connection (→ "Port-forward: 127.0.0.1:…"). Same stand-in
// cluster and mocker DGD as kubernetes-startup.ts; with BASELINE_BUNDLE (bench/run.mjs --baseline),
// that bundle's runs alternate with these, so both see the same load.
//
//   node bench/kubernetes-phases.ts [rounds=20]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { median, runnerFiles } from './lib.ts';
import { startStandin } from './support/standin.ts';

const rounds = Number(process.argv[2] ?? 20);
const root = path.resolve(import.meta.dirname, '..');
const node = path.join(root, 'node_modules/.bin/node');
const hook = path.join(root, 'bench/support/line-times.mjs');
const bundles: Record<string, string> = {
  current: process.env.ACTION_BUNDLE ?? path.join(root, 'dist/index.js'),
};
if (process.env.BASELINE_BUNDLE) bundles.baseline = process.env.BASELINE_BUNDLE;

interface Phases {
  firstLine: number;
  resolve: number;
  forward: number;
  total: number;
}

const work = mkdtempSync(path.join(tmpdir(), 'bench-k8s-phases-'));
const standin = await startStandin('bench', 0);
const results: Record<string, Phases[]> = Object.fromEntries(Object.keys(bundles).map((k) => [k, []]));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const loadBefore = load();
try {
  for (let round = 0; round < rounds; round++) {
    const order = Object.keys(bundles);
    if (round % 2) order.reverse();
    for (const name of order) {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'C.UTF-8',
        ...runnerFiles(work, name),
        KUBECONFIG: standin.kubeconfig,
        INPUT_NAMESPACE: standin.namespace,
        INPUT_DEPLOYMENT: standin.deployment,
      };
      const started = performance.now();
      const r = spawnSync(node, ['--import', hook, bundles[name]], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      const total = performance.now() - started;
      const at = (re: RegExp) =>
        Number(/^\[([\d.]+)\]/.exec(r.stdout.split('\n').find((l) => re.test(l)) ?? '')?.[1] ?? NaN);
      const creds = at(/^\[[\d.]+\] Kubernetes: context /);
      const frontend = at(/^\[[\d.]+\] Frontend: /);
      const ready = at(/^\[[\d.]+\] Port-forward: 127\.0\.0\.1:/);
      if (r.status !== 0 || !(ready > 0))
        throw new Error(`${name}: the run did not pass (exit ${r.status})\n${r.stdout.slice(-2000)}`);
      results[name].push({ firstLine: creds, resolve: frontend - creds, forward: ready - frontend, total });
    }
  }
} finally {
  await standin.stop();
  rmSync(work, { recursive: true, force: true });
}

const ms = (values: number[]) => median(values).toFixed(1);
console.log(
  `Kubernetes check-only, ${rounds} alternating rounds, load ${loadBefore} → ${load()}, medians in ms:\n`,
);
console.log(
  '| bundle | first Kubernetes line | API reads → "Frontend:" | → port-forward ready | both | whole run |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, list] of Object.entries(results)) {
  console.log(
    `| ${name} | ${ms(list.map((p) => p.firstLine))} | ${ms(list.map((p) => p.resolve))} | ${ms(list.map((p) => p.forward))} | ${ms(list.map((p) => p.resolve + p.forward))} | ${ms(list.map((p) => p.total))} |`,
  );
}
