// Each journey of the README, extracted from the README and run as written on this machine's
// equivalents: the stand-in cluster for Kubernetes, a local Dynamo for the launched frontend, the
// bundled CLI. Substitutions are only the ones a reader makes (the pinned action is this checkout's
// bundle, their recipe/deployment/namespace names are the fixture's, port 8000 is a free port).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ACTION, cleanup, parseFileCommands, ROOT, runAction, runPost } from '../support/action.ts';
import { startCluster, type Cluster } from '../../standin-cluster/index.ts';
import {
  baseEnv,
  dynamoPython,
  freePort,
  startFrontend,
  startWorkers,
  tinyModelDir,
  waitForModels,
} from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';
import type { AnyObj } from '../support/k8s-objects.ts';

const execFileAsync = promisify(execFile);

/** A command as a shell would start it (PATH lookup), bounded; stdout and stderr kept apart. */
async function runCommand(
  file: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NODE_OPTIONS: undefined, ...options.env }))
    if (v !== undefined) env[k] = v;
  return execFileAsync(file, args, { cwd: options.cwd, env, timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ exitCode: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      exitCode: typeof error.code === 'number' ? error.code : null,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const FIXTURE = path.join(ROOT, '__tests__/fixtures/k8s/mocker-agg.v1alpha1.yaml');
const PINNED = /^OWNER\/dynamo-router-starter@/;

/** The first fenced block of `lang` under the heading `title`. */
function example(title: string, lang = 'yaml'): string {
  const section = README.split(new RegExp(`^#+ ${title}$`, 'm'))[1];
  const block = section?.split('```' + lang + '\n')[1]?.split('```')[0];
  if (!block) throw new Error(`README has no ${lang} example under "${title}"`);
  return block;
}

function workflow(title: string): AnyObj {
  return YAML.parse(example(title)) as AnyObj;
}

/** The `with:` of a step, as the runner passes inputs (strings). */
function inputsOf(step: AnyObj, rename: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((step.with ?? {}) as AnyObj)) {
    const text = String(v);
    out[k] = rename[text] ?? text;
  }
  return out;
}

const { describeDynamo } = dynamoSuite();

describe('Kubernetes journeys on the stand-in', () => {
  let cluster: Cluster;
  let ws: string;
  let home: string;
  let recipePath: string;
  const RECIPE = 'recipes/llama-3-70b/deploy.yaml';

  /** The bundled action with a step's inputs; `cluster: false` is a runner before the credentials step. */
  async function step(inputs: Record<string, string>, withCluster: boolean) {
    const run = await runAction(inputs, {
      env: {
        HOME: home,
        GITHUB_WORKSPACE: ws,
        KUBECONFIG: withCluster ? cluster.kubeconfigPath : undefined,
        KUBERNETES_SERVICE_HOST: undefined,
      },
    });
    cleanup(run);
    return run;
  }

  /** `kubectl …` as a `run:` step writes it, against the stand-in (async: the stand-in is in-process). */
  async function kubectl(line: string, cwd: string): Promise<string> {
    const argv = line.trim().split(/\s+/);
    expect(argv[0]).toBe('kubectl');
    const { stdout } = await execFileAsync('kubectl', argv.slice(1), {
      cwd,
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath, HOME: home },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return stdout;
  }

  function freshRecipe(): void {
    mkdirSync(path.dirname(recipePath), { recursive: true });
    cpSync(FIXTURE, recipePath); // like Dynamo's recipes: no metadata.namespace
  }

  const frontendEnvs = (ns: string): AnyObj[] =>
    (cluster.get('nvidia.com/v1alpha1', 'DynamoGraphDeployment', 'mocker-agg', ns) as AnyObj).spec.services
      .Frontend.envs ?? [];

  const asStepInputs = (s: AnyObj) => inputsOf(s, { [RECIPE]: recipePath, 'llama-3-70b-agg': 'mocker-agg' });

  beforeAll(async () => {
    if (!existsSync(ACTION)) throw new Error(`${ACTION} missing: run \`npm run build\` first`);
    ws = mkdtempSync(path.join(tmpdir(), 'journeys-ws-'));
    home = mkdtempSync(path.join(tmpdir(), 'journeys-home-'));
    recipePath = path.join(ws, RECIPE);
    cluster = await startCluster({ namespace: 'dynamo' });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    for (const dir of [ws, home]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('after every deploy: mode written into the recipe offline, one apply, verified with no second write', async () => {
    const wf = workflow('After every deploy');
    expect(wf.concurrency.group).toBe('dynamo-production');
    const steps = wf.jobs.deploy.steps as AnyObj[];
    freshRecipe();
    cluster.clearRequestLog();
    let configured = false;
    let last: Awaited<ReturnType<typeof step>> | undefined;
    const seen: string[] = [];
    for (const s of steps) {
      if (s.uses === 'actions/checkout@v5') continue;
      if (String(s.uses ?? '').startsWith('azure/k8s-set-context')) {
        configured = true;
        continue;
      }
      if (PINNED.test(String(s.uses ?? ''))) {
        last = await step(asStepInputs(s), configured);
        if (last.exitCode !== 0) console.log(last.stdout);
        expect(last.outputs.result).toBe('pass');
        if (!configured) {
          // Step 1: the file alone; nothing contacted; the mode is in the file now.
          expect(cluster.requestLog).toEqual([]);
          expect(last.outputs.limitations).toMatch(/Nothing was checked live/);
          expect(readFileSync(recipePath, 'utf8')).toMatch(/name: DYN_ROUTER_MODE\s+value: kv/);
          expect(last.stdout).toMatch(/dry run planned from the file/);
        }
        seen.push('action');
      } else if (s.run && /^kubectl apply/.test(s.run)) {
        await kubectl(s.run.replace(RECIPE, recipePath), ws);
        expect(frontendEnvs('dynamo')).toContainEqual({ name: 'DYN_ROUTER_MODE', value: 'kv' });
        seen.push('apply');
      }
    }
    expect(seen).toEqual(['action', 'apply', 'action']);
    // Step 3 verified the mode the apply rolled out, and wrote nothing itself: one rollout per deploy.
    const verify = last as NonNullable<typeof last>;
    expect(verify.outputs.mode).toBe('kv');
    expect(verify.outputs['mode-verified']).toBe('verified');
    expect(JSON.parse(verify.outputs['env-patch'])).toMatchObject({ changed: false, applied: false });
    expect(cluster.writes().filter((w) => w.method === 'PATCH')).toEqual([]);
  }, 400_000);

  it('after every deploy: a later apply that drops the router env it set is reported', async () => {
    const verify = (workflow('After every deploy').jobs.deploy.steps as AnyObj[]).filter((s) =>
      PINNED.test(String(s.uses ?? '')),
    )[1];
    // The action sets the mode itself (the recipe on disk lacks it) and marks its change …
    freshRecipe();
    const doc = YAML.parseAllDocuments(readFileSync(recipePath, 'utf8'));
    await kubectl(`kubectl apply -n dynamo -f ${recipePath}`, ws);
    const first = await step({ ...asStepInputs(verify), mode: 'random' }, true);
    expect(first.outputs.result).toBe('pass');
    // … then a deploy applies a changed recipe whose frontend env has no router entries.
    const dgd = doc.find((d) => d.get('kind') === 'DynamoGraphDeployment') as YAML.Document;
    dgd.setIn(['spec', 'services', 'Frontend', 'envs'], [{ name: 'DYN_LOG', value: 'info' }]);
    writeFileSync(recipePath, doc.map((d) => d.toString()).join(''));
    await kubectl(`kubectl apply -n dynamo -f ${recipePath}`, ws);
    expect(frontendEnvs('dynamo')).toEqual([{ name: 'DYN_LOG', value: 'info' }]);
    const next = await step(asStepInputs(verify), true);
    expect(next.outputs.result).toBe('pass');
    expect(next.stdout).toMatch(
      /::warning[^\n]*router env this action set last \(DYN_ROUTER_MODE=random\) is gone/,
    );
  }, 400_000);

  it('PR gate, plan job: no secrets, no cluster; plans from the file; fails on what the file pins', async () => {
    const wf = workflow('As a PR gate');
    const plan = (wf.jobs.plan.steps as AnyObj[]).find((s) => PINNED.test(String(s.uses ?? ''))) as AnyObj;
    expect(wf.jobs.plan.steps.some((s: AnyObj) => String(s.uses ?? '').includes('set-context'))).toBe(false);
    freshRecipe();
    cluster.clearRequestLog();
    const ok = await step(asStepInputs(plan), false);
    expect(ok.outputs.result).toBe('pass');
    expect(ok.outputs.mode).toBe('kv');
    expect(ok.outputs['mode-reason']).toMatch(/would be applied as DYN_ROUTER_MODE=kv/);
    expect(JSON.parse(ok.outputs['env-patch'])).toMatchObject({
      set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
      dryRun: true,
      applied: false,
    });
    expect(ok.outputs.limitations).toMatch(/Nothing was checked live/);
    expect(ok.summary).toMatch(/Pins found in/);
    expect(ok.summary).toMatch(/mocker-runtime:1\.6\.1/);
    expect(cluster.requestLog).toEqual([]);
    // A PR whose recipe pins another mode on the frontend's command line fails on the file alone.
    const doc = YAML.parseAllDocuments(readFileSync(recipePath, 'utf8'));
    const dgd = doc.find((d) => d.get('kind') === 'DynamoGraphDeployment') as YAML.Document;
    dgd.setIn(
      ['spec', 'services', 'Frontend', 'extraPodSpec', 'mainContainer', 'args'],
      ['--router-mode', 'random'],
    );
    writeFileSync(recipePath, doc.map((d) => d.toString()).join(''));
    const pinned = await step(asStepInputs(plan), false);
    expect(pinned.outputs.failure).toBe('args-pin-mode');
    expect(cluster.requestLog).toEqual([]);
  }, 120_000);

  it('PR gate, staging job: the live check with a comparison, in its own concurrency group', async () => {
    const wf = workflow('As a PR gate');
    expect(wf.jobs.staging.concurrency.group).toBe('dynamo-staging-router');
    const live = (wf.jobs.staging.steps as AnyObj[]).find((s) => PINNED.test(String(s.uses ?? ''))) as AnyObj;
    freshRecipe();
    await cluster.apply(recipePath, { namespace: 'staging' });
    await cluster.waitForReady('staging', { timeoutMs: 180_000 });
    const inputs = { ...inputsOf(live, { [RECIPE]: recipePath, 'dynamo-staging': 'staging' }) };
    const run = await step(inputs, true);
    if (run.exitCode !== 0) console.log(run.stdout);
    expect(run.outputs.result).toBe('pass');
    expect(run.outputs.mode).toBe('kv');
    expect(JSON.parse(run.outputs.comparison).modes.map((m: AnyObj) => m.mode)).toEqual([
      'round-robin',
      'kv',
    ]);
  }, 600_000);

  it('scheduled canary: check only, shares the deploy group, reports the mode it runs', async () => {
    const wf = workflow('As a scheduled canary');
    expect(wf.concurrency.group).toBe(workflow('After every deploy').concurrency.group);
    const canary = (wf.jobs.canary.steps as AnyObj[]).find((s) =>
      PINNED.test(String(s.uses ?? '')),
    ) as AnyObj;
    cluster.clearRequestLog();
    const run = await step(asStepInputs(canary), true);
    expect(run.outputs.result).toBe('pass');
    expect(run.outputs.mode).not.toBe('');
    expect(cluster.writes()).toEqual([]);
  }, 120_000);
});

describeDynamo('local journeys on a real Dynamo', () => {
  it('launching a frontend on the runner: the workflow as written, steps in order', async () => {
    const wf = workflow('Launching a frontend on the runner');
    const steps = wf.jobs.launch.steps as AnyObj[];
    const temp = mkdtempSync(path.join(tmpdir(), 'journeys-launch-'));
    const githubEnv = path.join(temp, 'github-env');
    writeFileSync(githubEnv, '');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const venvBin = path.dirname(dynamoPython());
    let workersPgid: number | undefined;
    let main: Awaited<ReturnType<typeof runAction>> | undefined;
    try {
      for (const s of steps) {
        if (
          s.uses?.startsWith('actions/setup-python') ||
          /^pip install ai-dynamo==1\.6\.1$/.test(s.run ?? '')
        ) {
          continue; // .venv-dynamo holds ai-dynamo 1.6.1 already
        }
        if (s.name === 'Start two mocker workers (file discovery)') {
          // The hub model id becomes the local tiny model (same tokenizer files, no download).
          const script = (s.run as string).replace('Qwen/Qwen3-0.6B', tinyModelDir());
          const bash = spawn('bash', ['-e', '-c', script], {
            detached: true,
            stdio: 'ignore',
            env: baseEnv({
              RUNNER_TEMP: temp,
              GITHUB_ENV: githubEnv,
              PATH: `${venvBin}:${process.env.PATH}`,
            }),
          });
          workersPgid = bash.pid;
          await new Promise((resolve) => bash.on('exit', resolve));
          continue;
        }
        if (PINNED.test(String(s.uses ?? ''))) {
          const jobEnv = parseFileCommands(readFileSync(githubEnv, 'utf8'));
          expect(jobEnv.DYN_FILE_KV).toBe(path.join(temp, 'dynamo-discovery'));
          const inputs = inputsOf(s, { 'http://127.0.0.1:8000': url });
          main = await runAction(
            { ...inputs, python: dynamoPython(), retries: '10' },
            { env: { ...jobEnv, DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1' } },
          );
          if (main.exitCode !== 0) console.log(main.stdout);
          expect(main.outputs.result).toBe('pass');
          expect(main.outputs.mode).toBe('kv');
          expect(main.outputs['mode-verified']).toBe('verified');
          continue;
        }
        if (/^curl -sf http:\/\/127\.0\.0\.1:8000\/v1\/models/.test(s.run ?? '')) {
          const models = await fetch(`${url}/v1/models`);
          expect(models.status).toBe(200);
          continue;
        }
        if (s.if === 'failure()') continue;
        throw new Error(`unhandled step in the launch example: ${JSON.stringify(s)}`);
      }
      expect(main).toBeDefined();
    } finally {
      if (main) {
        await runPost(main);
        cleanup(main);
      }
      if (workersPgid) {
        try {
          process.kill(-workersPgid, 'SIGTERM');
        } catch {
          // already gone
        }
        await new Promise((r) => setTimeout(r, 2000));
        try {
          process.kill(-workersPgid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(temp, { recursive: true, force: true });
    }
  }, 300_000);

  it('the CLI: the README command proves the mode of a running frontend', async () => {
    const command = example('The command-line tool', 'sh').split('#')[0].trim().split(/\s+/);
    expect(command.slice(0, 2)).toEqual(['npx', 'dynamo-router-check']);
    const workers = await startWorkers({ workers: 2, speedupRatio: 10 });
    try {
      const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'kv' });
      try {
        await waitForModels(frontend.url, 60_000);
        const args = command.slice(2).map((a) => (a === 'http://127.0.0.1:8000' ? frontend.url : a));
        // As a reader runs it: npx in the clone, with the project's Node 24 first on PATH.
        const run = await runCommand(command[0], [command[1], ...args], {
          cwd: ROOT,
          env: {
            PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
          },
        });
        expect(run.exitCode).toBe(0);
        expect(run.stderr.trimEnd().split('\n')).toEqual([
          expect.stringMatching(/^PASS kv \(verified\) at /),
        ]);
        expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, mode: 'kv', mode_verified: 'verified' });
      } finally {
        await frontend.stop();
      }
    } finally {
      await workers.stop();
    }
  }, 180_000);
});
