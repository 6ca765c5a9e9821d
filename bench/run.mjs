// Runs the benchmarks in sequence with Node 24 (the project's node_modules/.bin/node), each in its
// own process, and keeps a copy of each one's output in bench/results/<name>.txt.
//
//   npm run bench                              # all, in the order below
//   npm run bench -- port-forward startup      # some, by name
//   npm run bench -- port-forward 3 50         # arguments after a name go to that benchmark
//   node bench/run.mjs --list
//   node bench/run.mjs --baseline main startup kubernetes-startup   # before/after, same rounds
//
// --baseline <git ref | dist dir>: the benchmarks that support it (startup, kubernetes-startup) also
// run that bundle, interleaved with the current one (BASELINE_BUNDLE, BASELINE_CLI_BUNDLE). A git
// ref is built first (git archive → its own scripts/bundle.mjs, with this tree's node_modules).
//
// dist/ is copied to a private snapshot first and every benchmark runs that copy (ACTION_BUNDLE,
// CLI_BUNDLE): other work in the tree may rebuild dist/ (which deletes it for a moment) mid-run.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const BENCHMARKS = {
  startup: 'Start-up and time to verdict: action and CLI vs node -e 0, Python urllib, two curls',
  'kubernetes-startup': 'Kubernetes-mode start-up vs local mode; bundle sizes; chunks each run loads',
  'kubernetes-phases': 'Kubernetes check-only: start-up, API reads and port-forward, from log line times',
  'port-forward': 'Requests/s and p50 through the in-process port-forward vs straight to the pod',
  'comparison-fidelity': "Client TTFT vs the frontend's own TTFT histogram",
  'dead-frontend': 'Time to detect a dead frontend vs the configured budget',
  'canary-stability': 'False alarms of the history: 30 consecutive runs against one stable kv frontend',
};

const args = process.argv.slice(2);
let baselineArg;
const at = args.indexOf('--baseline');
if (at >= 0) {
  baselineArg = args[at + 1];
  if (!baselineArg) {
    console.error('--baseline needs a git ref or a dist directory');
    process.exit(2);
  }
  args.splice(at, 2);
}
if (args.includes('--list') || args.includes('-h') || args.includes('--help')) {
  for (const [name, what] of Object.entries(BENCHMARKS)) console.log(`${name.padEnd(20)} ${what}`);
  process.exit(0);
}
const plan = [];
for (const a of args) {
  if (a in BENCHMARKS) plan.push({ name: a, args: [] });
  else if (plan.length) plan[plan.length - 1].args.push(a);
  else {
    console.error(`unknown benchmark ${a}; one of: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
}
if (!plan.length) for (const name of Object.keys(BENCHMARKS)) plan.push({ name, args: [] });

const local = path.join(root, 'node_modules/.bin/node');
const node = existsSync(local) ? local : process.execPath;
const major = await new Promise((resolve) => {
  const c = spawn(node, ['-p', 'process.versions.node'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  c.stdout.on('data', (d) => (out += d));
  c.on('close', () => resolve(Number(out.split('.')[0])));
});
if (!(major >= 24)) {
  console.error(`${node} is Node ${major}; the benchmarks need Node 24 (npm ci installs it in node_modules)`);
  process.exit(2);
}

const snapshot = mkdtempSync(path.join(os.tmpdir(), 'bench-dist-'));
cpSync(path.join(root, 'dist'), path.join(snapshot, 'dist'), { recursive: true });
const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex').slice(0, 12);
const env = {
  ...process.env,
  ACTION_BUNDLE: path.join(snapshot, 'dist/index.js'),
  CLI_BUNDLE: path.join(snapshot, 'dist/cli/index.js'),
};
let bundles = `dist snapshot: index.js sha256 ${sha(env.ACTION_BUNDLE)}, cli/index.js ${sha(env.CLI_BUNDLE)}`;
process.on('exit', () => rmSync(snapshot, { recursive: true, force: true }));

if (baselineArg) {
  let from = path.resolve(baselineArg);
  if (!existsSync(path.join(from, 'index.js'))) {
    // A git ref: its own sources, built by its own bundle script (bounded: 15 minutes).
    const tree = path.join(snapshot, 'baseline-tree');
    mkdirSync(tree);
    const archive = spawnSync(
      'sh',
      ['-c', `git -C "${root}" archive "$0" | tar -x -C "${tree}"`, baselineArg],
      {
        stdio: 'inherit',
      },
    );
    if (archive.status !== 0) {
      console.error(`--baseline ${baselineArg}: not a dist directory and git archive failed`);
      process.exit(2);
    }
    symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
    console.log(`building the baseline bundle from ${baselineArg} …`);
    const build = spawnSync(node, ['scripts/bundle.mjs'], {
      cwd: tree,
      stdio: 'inherit',
      timeout: 15 * 60_000,
      env: { ...process.env, PATH: `${path.join(tree, 'node_modules/.bin')}:${process.env.PATH}` },
    });
    if (build.status !== 0) {
      console.error(`--baseline ${baselineArg}: its scripts/bundle.mjs failed`);
      process.exit(2);
    }
    from = path.join(tree, 'dist');
  }
  cpSync(from, path.join(snapshot, 'baseline'), { recursive: true });
  env.BASELINE_BUNDLE = path.join(snapshot, 'baseline/index.js');
  env.BASELINE_CLI_BUNDLE = path.join(snapshot, 'baseline/cli/index.js');
  bundles += `; baseline ${baselineArg}: index.js sha256 ${sha(env.BASELINE_BUNDLE)}`;
}

const results = path.join(root, 'bench/results');
mkdirSync(results, { recursive: true });
let failed = 0;
for (const { name, args: extra } of plan) {
  const header = `# ${name} — ${new Date().toISOString()} — ${os.cpus().length} CPUs, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n# node bench/${name}.ts ${extra.join(' ')}\n# ${bundles}\n`;
  process.stdout.write(`\n${header}`);
  const file = createWriteStream(path.join(results, `${name}.txt`));
  file.write(header);
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(node, [path.join(root, 'bench', `${name}.ts`), ...extra], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (d) => {
        (stream === child.stdout ? process.stdout : process.stderr).write(d);
        file.write(d);
      });
    }
    // Bounded: no benchmark may run longer than 30 minutes.
    const timer = setTimeout(() => child.kill('SIGTERM'), 30 * 60_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const footer = `# ${name}: exit ${code}, ${((Date.now() - started) / 1000).toFixed(0)} s, load after ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`;
  process.stdout.write(footer);
  file.end(footer);
  if (code !== 0) failed++;
}
process.exit(failed ? 1 : 0);
