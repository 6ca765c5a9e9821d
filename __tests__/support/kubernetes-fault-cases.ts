// The case runner the Kubernetes fault tests share (faults-kubernetes-api and -pods,
// hostile-bounds-kubernetes); it injects nothing itself (support/fault-proxy.ts does): run the
// bundled action against the stand-in cluster, then check the failure code, one `::error`
// annotation with the next step, no stack trace, the run time against its bound, no process or
// API connection left behind, the token never printed, and the object unchanged except what the
// run reports it changed. Each file keeps its own cases, fixtures and extra checks.
import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanup, runAction, type ActionRun } from './action.ts';
import { parseManifests, startCluster, type Cluster, type K8sObject } from '../../standin-cluster/index.ts';
import { processesMatching } from './dynamo.ts';
import { expectReported, type Verdict } from './fault-verdict.ts';
import { effective, expectAsReported, split, type AnyObj } from './k8s-objects.ts';

/** Node start-up of the bundle, TLS, discovery and a loaded 2-core runner. */
export const SLACK_MS = 8000;

export interface FaultCase {
  name: string;
  inputs: Record<string, string>;
  /** 'pass' or the failure code. */
  expected: string;
  boundMs: number;
  /** Object the run may touch (default: the bench's object). */
  object?: string;
  kubeconfig?: () => string;
  arrange?: () => void | (() => void);
  /** Runs alongside the action (e.g. closes watches once the rollout wait is watching). */
  during?: (done: () => boolean) => Promise<void>;
  check?: (run: ActionRun) => void;
  /** What others legitimately changed meanwhile (the storm's writer), applied to the snapshot. */
  othersWrote?: (before: AnyObj) => void;
  /** More process env for the run (runner tokens a child must not see, a file for the peak RSS). */
  env?: Record<string, string>;
  /** Run this script instead of the bundle (a wrapper that imports it, e.g. to read VmHWM at exit). */
  script?: string;
}

/** What a fault file runs its cases against (getters: the cluster starts in beforeAll). */
export interface FaultBench {
  namespace: string;
  /** The DGD a case touches unless it names another. */
  object: string;
  cluster(): Cluster;
  home(): string;
  verdicts: Verdict[];
  /** Waits until `object` is ready for the next run. */
  settle(object: string): Promise<void>;
  /** More "nothing left open" checks, once the API server is idle (e.g. port-forward sockets). */
  idle?(): void;
}

/** The first object of `fixture`, renamed, its spec changed by `mutate`. */
export function faultGraph(fixture: string, name: string, mutate?: (spec: AnyObj) => void): K8sObject {
  const obj = parseManifests(fixture)[0] as K8sObject;
  obj.metadata.name = name;
  mutate?.(obj.spec as AnyObj);
  return obj;
}

export const dgdOf = (cluster: Cluster, namespace: string, name: string): AnyObj =>
  cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', name, namespace) as AnyObj;

function openApiSockets(cluster: Cluster): number {
  return (cluster.server as unknown as { sockets: Set<net.Socket> }).sockets.size;
}

/** Open connections on the API server once they had 5 s to close (0 when none is left). */
export async function waitIdle(cluster: Cluster): Promise<number> {
  const deadline = Date.now() + 5000;
  while (openApiSockets(cluster) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return openApiSockets(cluster);
}

export async function runFaultCase(bench: FaultBench, c: FaultCase): Promise<ActionRun> {
  const cluster = bench.cluster();
  const object = c.object ?? bench.object;
  const dgd = () => dgdOf(cluster, bench.namespace, object);
  await bench.settle(object);
  const before = dgd();
  const marker = `k8s-fault-${randomUUID()}`;
  cluster.clearRequestLog();
  const undo = c.arrange?.();
  let finished = false;
  const kubeconfig = c.kubeconfig?.() ?? cluster.kubeconfigPath;
  const pending = runAction(
    {
      namespace: bench.namespace,
      retries: '3',
      'retry-delay': '0.2',
      timeout: '5',
      'rollout-timeout': '30',
      ...c.inputs,
    },
    {
      env: { KUBECONFIG: kubeconfig, HOME: bench.home(), K8S_FAULT_MARKER: marker, ...c.env },
      timeoutMs: c.boundMs + 60_000,
      script: c.script,
    },
  ).finally(() => (finished = true));
  let run: ActionRun;
  try {
    await c.during?.(() => finished);
    run = await pending;
  } finally {
    if (typeof undo === 'function') undo();
  }
  const got = run.outputs.failure ?? '';
  const want = c.expected === 'pass' ? '' : c.expected;
  bench.verdicts.push({
    name: c.name,
    expected: c.expected,
    got: got || 'pass',
    elapsedMs: run.elapsedMs,
    boundMs: c.boundMs,
    ok: got === want && run.elapsedMs <= c.boundMs,
  });
  expectReported(run, c.name, c.expected, c.boundMs);
  // The kubeconfig token: masked first, never printed, never in outputs or the summary.
  const visible = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  for (const text of [visible.join('\n'), run.summary, JSON.stringify(run.outputs)]) {
    expect(text).not.toContain(cluster.token);
    if (c.kubeconfig) expect(text).not.toContain('wrong-token');
  }
  // Nothing left running, no connection left open on the API server.
  expect(processesMatching(marker)).toEqual([]);
  expect(await waitIdle(cluster)).toBe(0);
  bench.idle?.();
  // The object: unchanged, or changed exactly as reported.
  c.othersWrote?.(before);
  expectAsReported(before, dgd(), run.outputs['env-patch'] ?? '');
  c.check?.(run);
  return run;
}

/** The matrix a fault file prints after its cases, as a Markdown table under `title`. */
export function verdictTable(title: string, verdicts: readonly Verdict[]): string {
  return [
    title,
    '| case | expected | got | elapsed ms | bound ms | verdict |',
    '| --- | --- | --- | ---: | ---: | --- |',
    ...verdicts.map(
      (v) =>
        `| ${v.name} | ${v.expected} | ${v.got} | ${v.elapsedMs} | ${v.boundMs} | ${v.ok ? 'ok' : 'FAILED'} |`,
    ),
  ].join('\n');
}

/** What a fault file shares: its cluster and home, its bench, and handles on its DGD. */
export interface FaultFile {
  bench: FaultBench;
  verdicts: Verdict[];
  cluster(): Cluster;
  home(): string;
  /** The fixture's first object, renamed, its spec changed by `mutate`. */
  graph(name: string, mutate?: (spec: AnyObj) => void): K8sObject;
  /** The DGD as stored (default: the bench's object). */
  dgd(name?: string): AnyObj;
  /** The frontend's env as its pods get it (container entries win over component ones). */
  frontendEnv(name?: string): Record<string, string | undefined>;
  /** One test per case (inside a describe), each run and cleaned up. */
  eachCase(cases: readonly FaultCase[]): void;
  /** beforeAll: a home directory and a stand-in cluster started with `options`. */
  start(options: Parameters<typeof startCluster>[0]): Promise<Cluster>;
  /** afterAll: the cluster stopped (no pod process left), the home removed, the matrix printed. */
  stop(title: string): Promise<void>;
}

export function faultFile(o: {
  fixture: string;
  namespace: string;
  object: string;
  /** Waits until `object` is ready for the next run. */
  settle(object: string): Promise<void>;
  idle?(): void;
}): FaultFile {
  let cluster: Cluster | undefined;
  let home = '';
  const current = (): Cluster => {
    if (!cluster) throw new Error('the fault file has not started its cluster');
    return cluster;
  };
  const verdicts: Verdict[] = [];
  const bench: FaultBench = {
    namespace: o.namespace,
    object: o.object,
    cluster: current,
    home: () => home,
    verdicts,
    settle: o.settle,
    idle: o.idle,
  };
  const dgd = (name = o.object) => dgdOf(current(), o.namespace, name);
  return {
    bench,
    verdicts,
    cluster: current,
    home: () => home,
    graph: (name, mutate) => faultGraph(o.fixture, name, mutate),
    dgd,
    frontendEnv: (name) => effective(split(dgd(name)).lists),
    eachCase(cases) {
      it.each(cases.map((c) => [c.name, c] as const))(
        '%s',
        async (_name, c) => cleanup(await runFaultCase(bench, c)),
        120_000,
      );
    },
    async start(options) {
      home = mkdtempSync(path.join(tmpdir(), `k8s-faults-${o.object}-`));
      cluster = await startCluster(options);
      return cluster;
    },
    async stop(title) {
      await cluster?.stop();
      expect(cluster?.kubelet.runningPids() ?? []).toEqual([]);
      if (home) rmSync(home, { recursive: true, force: true });
      if (verdicts.length) console.log(verdictTable(title, verdicts));
    },
  };
}
