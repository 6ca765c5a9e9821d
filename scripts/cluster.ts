// Start the stand-in Kubernetes cluster with a manifest applied, wait until everything is Ready,
// print `KUBECONFIG=<path>` and run until SIGINT/SIGTERM.
//
//   node scripts/cluster.ts <deploy.yaml> [more.yaml ...] [--namespace NS] [--kubeconfig PATH]
//        [--timeout SECONDS] [--tiny-model DIR] [--python PATH] [--http] [--keep]
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { existsSync } from 'node:fs';
import { rtOf } from '../standin-cluster/controllers.ts';
import { parseManifests, startCluster } from '../standin-cluster/index.ts';

function usage(): never {
  console.error(
    'usage: node scripts/cluster.ts <deploy.yaml> [...] [--namespace NS] [--kubeconfig PATH] [--timeout SECONDS] [--tiny-model DIR] [--python PATH] [--http] [--keep]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const files: string[] = [];
let namespace: string | undefined;
let kubeconfigPath: string | undefined;
let timeoutS = 300;
let http = false;
let keep = false;
let tinyModelDir: string | undefined;
let python: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--namespace' || a === '-n') namespace = args[++i];
  else if (a === '--kubeconfig') kubeconfigPath = args[++i];
  else if (a === '--timeout') timeoutS = Number(args[++i]);
  else if (a === '--tiny-model') tinyModelDir = args[++i];
  else if (a === '--python') python = args[++i];
  else if (a === '--http') http = true;
  else if (a === '--keep') keep = true;
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('-')) usage();
  else files.push(a);
}
if (!files.length) usage();
for (const f of files) {
  if (!existsSync(f)) {
    console.error(`no such file: ${f}`);
    process.exit(2);
  }
}
const docs = parseManifests(files);
// default namespace: --namespace, else the first namespaced document's namespace, else default
namespace ??= docs.find((d) => d?.metadata?.namespace)?.metadata?.namespace ?? 'default';

const cluster = await startCluster({ namespace, kubeconfigPath, http, keepDir: keep, tinyModelDir, python });
let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await cluster.stop();
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await cluster.apply(docs);
  const namespaces = new Set<string>([namespace!]);
  for (const d of docs) if (d?.metadata?.namespace) namespaces.add(d.metadata.namespace);
  for (const ns of namespaces) await cluster.waitForReady(ns, { timeoutMs: timeoutS * 1000 });
} catch (e) {
  console.error(`stand-in cluster: ${(e as Error).message}`);
  for (const ns of new Set([namespace!])) {
    for (const p of cluster.store.list(rtOf('pods'), ns)) {
      const cs = (p.status?.containerStatuses ?? [])
        .map((c: Record<string, any>) => `${c.name}: ${JSON.stringify(c.state)}`)
        .join('; ');
      console.error(`  pod ${p.metadata.name}: ${p.status?.phase} ${cs}`);
    }
  }
  await shutdown(1);
}
console.log(`KUBECONFIG=${cluster.kubeconfigPath}`);
console.error(
  `stand-in cluster at ${cluster.url} (namespace ${namespace}); work dir ${cluster.dir}. Ctrl-C to stop.`,
);
