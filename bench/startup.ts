// Start-up and time to verdict on a healthy local frontend (real Dynamo, mocker workers):
// the bundled action and CLI against `node -e 0`, two curl calls and a minimal Python urllib
// script making the same two requests. Interleaved runs; medians and ratios.
//
// Also the action against the same frontend behind a proxy (bench/support/proxy.ts) whose /metrics
// carries only unrelated series (a gateway's own Prometheus metrics, or a release that names the
// router's differently), answers 404, or is passed on unchanged (the proxy hop alone).
//
// BASELINE_BUNDLE / BASELINE_CLI_BUNDLE (bench/run.mjs --baseline <git ref | dist dir>) add the
// same runs of another bundle to the same interleaved rounds: before and after, side by side.
//
//   node bench/startup.ts [rounds]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFrontend, startWorkers } from '../__tests__/support/dynamo.ts';
import { interleaved, median, table, type Candidate } from './lib.ts';
import { startProxy } from './support/proxy.ts';

const rounds = Number(process.argv[2] ?? 30);
const root = path.resolve(import.meta.dirname, '..');
const node = path.join(root, 'node_modules/.bin/node');
const action = process.env.ACTION_BUNDLE ?? path.join(root, 'dist/index.js');
const cli = process.env.CLI_BUNDLE ?? path.join(root, 'dist/cli/index.js');
const baseline = process.env.BASELINE_BUNDLE;
const baselineCli = process.env.BASELINE_CLI_BUNDLE;

// What a gateway in front of Dynamo might expose: Prometheus text, none of it the router's.
const GATEWAY_METRICS = [
  '# HELP gateway_requests_total Requests proxied.',
  '# TYPE gateway_requests_total counter',
  'gateway_requests_total{route="/v1/chat/completions",code="200"} 1027',
  'gateway_requests_total{route="/v1/models",code="200"} 311',
  '# TYPE process_cpu_seconds_total counter',
  'process_cpu_seconds_total 12.5',
  '',
].join('\n');

const workers = await startWorkers({ workers: 2, speedupRatio: 0 });
const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
const dir = mkdtempSync(path.join(tmpdir(), 'bench-'));
const started: { stop(): Promise<void> }[] = [];
const proxy = async (rules: Parameters<typeof startProxy>[1]) => {
  const p = await startProxy(frontend.url, rules);
  started.push(p);
  return p;
};
try {
  const proxies = {
    passthrough: await proxy([]),
    foreign: await proxy([
      { path: '/metrics', fault: { kind: 'body', body: GATEWAY_METRICS, contentType: 'text/plain' } },
    ]),
    missing: await proxy([{ path: '/metrics', fault: { kind: 'status', status: 404, body: 'not found' } }]),
  };
  const runnerEnv = (name: string, url: string): Record<string, string> => {
    const d = mkdtempSync(path.join(dir, `${name}-`));
    for (const f of ['out', 'summary', 'state']) writeFileSync(path.join(d, f), '');
    return {
      GITHUB_OUTPUT: path.join(d, 'out'),
      GITHUB_STEP_SUMMARY: path.join(d, 'summary'),
      GITHUB_STATE: path.join(d, 'state'),
      'INPUT_BASE-URL': url,
    };
  };
  const chatBody = JSON.stringify({
    model: 'tiny-model',
    messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
    max_tokens: 32,
  });
  const actionRuns = (label: string, bundle: string): Candidate[] => [
    { name: `${label} (dist/index.js)`, argv: [node, bundle], env: runnerEnv(label, frontend.url) },
    {
      name: `${label}, /metrics with unrelated series only`,
      argv: [node, bundle],
      env: runnerEnv(`${label}-foreign`, proxies.foreign.url),
    },
    {
      name: `${label}, /metrics 404`,
      argv: [node, bundle],
      env: runnerEnv(`${label}-missing`, proxies.missing.url),
    },
    {
      name: `${label}, through the proxy, /metrics passed on`,
      argv: [node, bundle],
      env: runnerEnv(`${label}-proxy`, proxies.passthrough.url),
    },
  ];

  // One run of each action case first: the figures mean something only if these pass as stated.
  const outputs = (bundle: string, url: string) => {
    const env = runnerEnv('verify', url);
    spawnSync(node, [bundle], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
    const text = readFileSync(env.GITHUB_OUTPUT, 'utf8');
    const get = (k: string) => new RegExp(`^${k}<<(\\S+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(text)?.[2] ?? '';
    return { result: get('result'), verified: get('mode-verified'), limitations: get('limitations') };
  };
  console.log('Verification runs:');
  for (const [name, url] of [
    ['frontend', frontend.url],
    ['unrelated /metrics', proxies.foreign.url],
    ['/metrics 404', proxies.missing.url],
    ['proxy', proxies.passthrough.url],
  ] as const) {
    const o = outputs(action, url);
    console.log(`  ${name}: ${JSON.stringify(o)}`);
    if (o.result !== 'pass') throw new Error(`the action did not pass against ${name}`);
  }

  const candidates: Candidate[] = [
    { name: 'node -e 0 (Node 24)', argv: [node, '-e', '0'] },
    ...actionRuns('action', action),
    { name: 'cli (dist/cli/index.js)', argv: [node, cli, '--base-url', frontend.url] },
    { name: 'python urllib script', argv: ['python3', path.join(root, 'bench/smoke.py'), frontend.url] },
    {
      name: 'two curl calls',
      argv: [
        'sh',
        '-c',
        `curl -sf ${frontend.url}/v1/models >/dev/null && curl -sf -H 'content-type: application/json' -d '${chatBody}' ${frontend.url}/v1/chat/completions >/dev/null`,
      ],
    },
  ];
  if (baseline) candidates.push(...actionRuns('baseline action', baseline));
  if (baselineCli)
    candidates.push({ name: 'baseline cli', argv: [node, baselineCli, '--base-url', frontend.url] });
  const times = interleaved(candidates, rounds);
  console.log(`\nHealthy local frontend, ${rounds} interleaved rounds, Node ${process.version}:\n`);
  console.log(table(times, 'python urllib script'));
  const at = (name: string) => median(times.get(name)!);
  const cost = (label: string) =>
    `${(at(`${label}, /metrics with unrelated series only`) - at(`${label}, through the proxy, /metrics passed on`)).toFixed(0)} ms`;
  console.log(
    `\nAction / Python urllib: ${(at('action (dist/index.js)') / at('python urllib script')).toFixed(2)}` +
      (baseline
        ? `; baseline ${(at('baseline action (dist/index.js)') / at('python urllib script')).toFixed(2)}`
        : ''),
  );
  console.log(
    `Unrelated /metrics minus a passed-on /metrics, both through the proxy: ${cost('action')}` +
      (baseline ? `; baseline ${cost('baseline action')}` : ''),
  );
  const size = (f: string) => `${(statSync(f).size / 1024).toFixed(0)} KiB`;
  // dist/cli/index.js is the small entry that checks the Node release; the bundle is main.js beside it.
  const cliBundle = path.join(path.dirname(cli), 'main.js');
  console.log(
    `\nBundle sizes: dist/index.js ${size(action)}, dist/cli/main.js ${size(cliBundle)} (entry dist/cli/index.js ${size(cli)})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  for (const p of started) await p.stop();
  await frontend.stop();
  await workers.stop();
}
