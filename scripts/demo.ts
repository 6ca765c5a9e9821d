// The demo, in two parts, each running the bundled action as GitHub would and printing the
// Output Contract:
//   1. local: two mocker workers (ai-dynamo on the CPU); the action launches a kv-mode frontend,
//      checks it, proves the mode; the post step stops it.
//   2. Kubernetes: the stand-in cluster runs a recipe-like DynamoGraphDeployment (real Dynamo
//      processes); the action switches it to kv, waits for the rollout, port-forwards, checks.
//
//   node scripts/demo.ts [local|kubernetes]      (bash scripts/demo.sh installs everything first)

import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanup, ROOT, runAction, runPost, type ActionRun } from '../__tests__/support/action.ts';
import { startCluster } from '../standin-cluster/index.ts';
import { dynamoPython, freePort, startWorkers } from '../__tests__/support/dynamo.ts';

const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

/** The summary is HTML for GitHub; for a terminal, keep its text and structure only. */
function summaryAsText(html: string): string {
  return html
    .replace(/<\/(tr|h3|p|li|summary|pre)>/g, '\n')
    .replace(/<br>/g, '\n    ')
    .replace(/<th[^>]*>/g, '  ')
    .replace(/<\/th><td>/g, ': ')
    .replace(/<\/t[dh]><t[dh][^>]*>/g, ' | ')
    .replace(/<li>/g, '    - ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n');
}

function printRun(step: number, run: ActionRun): void {
  console.log(
    run.stdout
      .replace(/^::add-mask::.*\n/gm, '')
      .replace(/^/gm, '   | ')
      .trimEnd(),
  );
  console.log(bold(`\n${step}. Step outputs (exit code ${run.exitCode}, ${run.elapsedMs} ms):`));
  for (const [k, v] of Object.entries(run.outputs)) console.log(`   ${k}: ${v}`);
  console.log(bold(`\n${step + 1}. Job summary (the Output Contract, as text; HTML in ${run.dir}/summary):`));
  console.log(summaryAsText(readFileSync(`${run.dir}/summary`, 'utf8')).replace(/^/gm, '   '));
}

async function kubernetesDemo(): Promise<number> {
  console.log(bold('\nKubernetes. 1. Starting the stand-in cluster with a mocker DynamoGraphDeployment …'));
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-k8s-'));
  const recipe = path.join(dir, 'deploy.yaml');
  copyFileSync(path.join(ROOT, '__tests__/fixtures/k8s/mocker-agg.v1alpha1.yaml'), recipe);
  const cluster = await startCluster({ namespace: 'dynamo' });
  try {
    await cluster.apply(recipe);
    await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
    console.log(`   KUBECONFIG=${cluster.kubeconfigPath}`);
    for (const pod of await cluster.pods('dynamo'))
      console.log(`   pod ${(pod as { metadata: { name: string } }).metadata.name} Ready`);
    const inputs = {
      namespace: 'dynamo',
      recipe,
      mode: 'kv',
      'write-recipe': 'true',
      'rollback-on-failure': 'true',
    };
    console.log(bold('\nKubernetes. 2. Running the bundled action with:'));
    for (const [k, v] of Object.entries(inputs)) console.log(`   ${k}: ${v}`);
    const run = await runAction(inputs, { env: { KUBECONFIG: cluster.kubeconfigPath, HOME: dir } });
    printRun(3, run);
    const envLines = readFileSync(recipe, 'utf8')
      .split('\n')
      .filter((l) => /DYN_ROUTER|envs:|value: kv/.test(l));
    console.log(bold('Kubernetes. 5. The recipe file now carries the change (comments kept):'));
    for (const line of envLines) console.log(`   ${line}`);
    cleanup(run);
    return run.exitCode ?? 1;
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(bold("Kubernetes. 6. Stand-in cluster stopped; its pods' processes are gone."));
  }
}

async function localDemo(): Promise<number> {
  console.log(bold('Local. 1. Starting two mocker workers (ai-dynamo 1.6.1, CPU, file discovery) …'));
  const workers = await startWorkers({ workers: 2, speedupRatio: 10 });
  try {
    console.log(
      `   registered in ${workers.readyMs} ms: ${workers
        .instances()
        .map((i) => i.instanceId)
        .join(', ')}`,
    );
    const port = await freePort();
    const inputs = {
      mode: 'kv',
      launch: 'true',
      python: dynamoPython(),
      'base-url': `http://127.0.0.1:${port}`,
      'frontend-args': '--discovery-backend file',
    };
    console.log(bold('\nLocal. 2. Running the bundled action (dist/index.js) with:'));
    for (const [k, v] of Object.entries(inputs)) console.log(`   ${k}: ${v}`);
    const main = await runAction(inputs, {
      env: { DYN_FILE_KV: workers.discoveryDir, DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1' },
    });
    printRun(3, main);
    const post = await runPost(main);
    console.log(bold('Local. 5. Post step:'), post.stdout.trim());
    cleanup(main);
    return main.exitCode ?? 1;
  } finally {
    await workers.stop();
    console.log(bold('Local. 6. Workers stopped; nothing left running.'));
  }
}

const which = process.argv[2] ?? 'all';
let code = 0;
if (which === 'all' || which === 'local') code ||= await localDemo();
if (which === 'all' || which === 'kubernetes') code ||= await kubernetesDemo();
process.exitCode = code;
