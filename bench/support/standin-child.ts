// Child process for the benchmarks: runs the stand-in Kubernetes cluster with one mocker DGD (real
// Dynamo processes) in its own Node process, so that the benchmark's load generator, the product's
// in-process port-forward and spawnSync-driven runs never share an event loop with the apiserver.
//
//   node bench/support/standin-child.ts <namespace> <speedup-ratio>
//
// Prints one JSON line on stdout when everything is Ready:
//   { kubeconfig, namespace, deployment, service, pod, podPort, dir }
// then runs until stdin closes or SIGTERM/SIGINT, stops the cluster (every pod process) and exits.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import path from 'node:path';
import { parseManifests, startCluster } from '../../standin-cluster/index.ts';

const [namespace = 'bench', speedup = '0'] = process.argv.slice(2);
const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.join(root, '__tests__/fixtures/k8s/mocker-agg.v1beta1.yaml');

// The upstream mocker example, with --speedup-ratio set by the caller (0: no simulated compute,
// so the transport is what is measured).
const docs = parseManifests(fixture).map((d: any) => {
  if (d.kind !== 'DynamoGraphDeployment') return d;
  for (const c of d.spec.components) {
    for (const k of c.podTemplate?.spec?.containers ?? []) {
      const args: string[] | undefined = k.args;
      const at = args?.indexOf('--speedup-ratio') ?? -1;
      if (args && at >= 0) args[at + 1] = speedup;
    }
  }
  return d;
});

const cluster = await startCluster({ namespace });
let stopping = false;
const shutdown = async (code: number): Promise<void> => {
  if (stopping) return;
  stopping = true;
  const hard = setTimeout(() => process.exit(code || 1), 30_000);
  hard.unref();
  const t = Date.now();
  await cluster.stop();
  if (process.env.BENCH_DEBUG) console.error(`cluster.stop took ${Date.now() - t} ms`);
  process.exit(code);
};
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('error', () => void shutdown(0));
process.stdin.resume();

try {
  await cluster.apply(docs, { namespace });
  await cluster.waitForReady(namespace, { timeoutMs: 240_000 });
  const pod = cluster.pods(namespace, 'nvidia.com/dynamo-component-type=frontend')[0];
  if (!pod) throw new Error('no frontend pod');
  const podPort = cluster.podPort(namespace, pod.metadata.name, 8000);
  // Ready is /health, which answers before a worker registered: wait for the model to be listed.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await fetch(`http://127.0.0.1:${podPort}/v1/models`).catch(() => undefined);
    const body = r ? ((await r.json()) as { data?: unknown[] }) : {};
    if (body.data?.length) break;
    if (Date.now() > deadline) throw new Error('model never listed');
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stdout.write(
    JSON.stringify({
      kubeconfig: cluster.kubeconfigPath,
      namespace,
      deployment: 'mocker-agg',
      service: 'mocker-agg-frontend',
      pod: pod.metadata.name,
      podPort,
      dir: cluster.dir,
      fileKvDir: cluster.fileKvDir,
    }) + '\n',
  );
} catch (error) {
  console.error(String((error as Error).stack ?? error));
  await shutdown(1);
}
