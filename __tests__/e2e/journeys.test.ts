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
  groupMembers,
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

// ---------------------------------------------------------------------------------------------
// The steps of other actions the canary workflow uses, run for what they do to this job, on this
// machine: actions/cache (a key → directory store: immutable keys, restore by exact key or the
// newest key with a restore-key prefix), actions/upload-artifact (a copy), and actions/github-script
// (the script itself, run as written, against an in-memory issue tracker in GitHub's REST shapes).

/** What one workflow run knows: its id, dispatch inputs, and the `router` step's outputs. */
interface WorkflowContext {
  runId: number;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

/** `${{ … }}` as the README's workflows use them; any other expression fails the test. */
function expand(text: string, ctx: WorkflowContext): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
    if (expr === 'github.run_id') return String(ctx.runId);
    const output = /^steps\.router\.outputs\.([a-z-]+)$/.exec(expr);
    if (output) return ctx.outputs[output[1]] ?? '';
    const input = /^inputs\.([a-z-]+) \|\| (false|true)$/.exec(expr);
    if (input) return ctx.inputs[input[1]] || input[2];
    throw new Error(`the test does not evaluate \${{ ${expr} }}`);
  });
}

/** A step's `if:` against the job's status so far (GitHub's default is success()). */
function shouldRun(step: AnyObj, failed: boolean): boolean {
  const condition = step.if as string | undefined;
  if (condition === undefined || condition === 'success()') return !failed;
  if (condition === 'failure()') return failed;
  if (condition === 'always()') return true;
  throw new Error(`the test does not evaluate if: ${condition}`);
}

interface Issue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  comments: string[];
}

/** The part of GitHub's REST API the scripts call, over an in-memory list of issues. */
function issueTracker(issues: Issue[]) {
  const find = (n: number): Issue => {
    const issue = issues.find((i) => i.number === n);
    if (!issue) throw new Error(`no issue #${n}`);
    return issue;
  };
  return {
    rest: {
      issues: {
        listForRepo: async (q: { state?: string; labels?: string }) => ({
          data: issues.filter(
            (i) => (!q.state || i.state === q.state) && (!q.labels || i.labels.includes(q.labels)),
          ),
        }),
        create: async (q: { title: string; body: string; labels?: string[] }) => {
          const issue: Issue = {
            number: issues.length + 1,
            title: q.title,
            body: q.body,
            labels: q.labels ?? [],
            state: 'open',
            comments: [],
          };
          issues.push(issue);
          return { data: issue };
        },
        createComment: async (q: { issue_number: number; body: string }) => {
          find(q.issue_number).comments.push(q.body);
          return { data: {} };
        },
        update: async (q: { issue_number: number; state?: 'open' | 'closed' }) => {
          if (q.state) find(q.issue_number).state = q.state;
          return { data: {} };
        },
      },
    },
  };
}

/** Runs a github-script step's script as the action does: an async function of github, context, core. */
async function githubScript(script: string, env: Record<string, string>, runId: number, issues: Issue[]) {
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<unknown>;
  const context = {
    serverUrl: 'https://github.com',
    repo: { owner: 'acme', repo: 'router' },
    runId,
  };
  const core = {
    info: () => undefined,
    warning: () => undefined,
    setFailed: (m: string) => {
      throw new Error(m);
    },
  };
  await new AsyncFunction('github', 'context', 'core', 'process', script)(
    issueTracker(issues),
    context,
    core,
    { env: { ...process.env, ...env } },
  );
}

/** actions/cache: keys are immutable; restore takes the exact key, else the newest with a prefix. */
function cacheStore(root: string) {
  const saved: string[] = [];
  return {
    restore(key: string, prefixes: string[], into: string): string | undefined {
      const hit = saved.includes(key)
        ? key
        : [...saved].reverse().find((k) => prefixes.some((p) => k.startsWith(p)));
      if (hit) cpSync(path.join(root, hit), into, { recursive: true });
      return hit;
    },
    save(key: string, from: string): boolean {
      if (saved.includes(key) || !existsSync(from)) return false;
      cpSync(from, path.join(root, key), { recursive: true });
      saved.push(key);
      return true;
    },
  };
}

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

  it('after every deploy: mode written into the recipe offline, one apply, asserted with expect-mode and no second write', async () => {
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
    // Step 3 asserted the mode the apply rolled out (expect-mode) and wrote nothing: one rollout per deploy.
    const verify = last as NonNullable<typeof last>;
    expect(verify.outputs.mode).toBe('kv');
    expect(verify.outputs['mode-verified']).toBe('verified');
    expect(verify.outputs['env-patch']).toBe('');
    expect(cluster.writes().filter((w) => w.method === 'PATCH')).toEqual([]);
  }, 400_000);

  it('after every deploy: a later apply that drops the router env fails the expect-mode step, naming the entry', async () => {
    const verify = (workflow('After every deploy').jobs.deploy.steps as AnyObj[]).filter((s) =>
      PINNED.test(String(s.uses ?? '')),
    )[1];
    // The action sets the mode itself (the recipe on disk lacks it) and marks its change …
    freshRecipe();
    const doc = YAML.parseAllDocuments(readFileSync(recipePath, 'utf8'));
    await kubectl(`kubectl apply -n dynamo -f ${recipePath}`, ws);
    const { 'expect-mode': asserted, ...checkInputs } = asStepInputs(verify);
    expect(asserted).toBe('kv');
    const first = await step({ ...checkInputs, mode: 'random' }, true);
    expect(first.outputs.result).toBe('pass');
    // … then a deploy applies a changed recipe whose frontend env has no router entries.
    const dgd = doc.find((d) => d.get('kind') === 'DynamoGraphDeployment') as YAML.Document;
    dgd.setIn(['spec', 'services', 'Frontend', 'envs'], [{ name: 'DYN_LOG', value: 'info' }]);
    writeFileSync(recipePath, doc.map((d) => d.toString()).join(''));
    await kubectl(`kubectl apply -n dynamo -f ${recipePath}`, ws);
    expect(frontendEnvs('dynamo')).toEqual([{ name: 'DYN_LOG', value: 'info' }]);
    cluster.clearRequestLog();
    const next = await step(asStepInputs(verify), true);
    // The marker names what went; expect-mode fails on what runs now, and says where it is set.
    expect(next.stdout).toMatch(
      /::warning[^\n]*router env this action set last \(DYN_ROUTER_MODE=random\) is gone/,
    );
    expect(next.outputs.failure).toBe('mode-drift');
    expect(next.stdout).toMatch(
      /::error title=Dynamo router check failed%3A mode-drift::`expect-mode: kv`, but the (frontend routes|deployment sets) round-robin[^\n]*Where the mode is set: DYN_ROUTER_MODE is not set on[^\n]*Dynamo's default, round-robin/,
    );
    // expect-mode wrote nothing: Git (the applied recipe) stays the source of truth.
    expect(cluster.writes()).toEqual([]);
  }, 400_000);

  it("PR gate, plan job: no secrets, no cluster; plans from the PR's file; fails on drift from expect-mode", async () => {
    const wf = workflow('As a PR gate');
    const plan = (wf.jobs.plan.steps as AnyObj[]).find((s) => PINNED.test(String(s.uses ?? ''))) as AnyObj;
    expect(plan.with['expect-mode']).toBe('kv');
    expect(wf.jobs.plan.steps.some((s: AnyObj) => String(s.uses ?? '').includes('set-context'))).toBe(false);
    /** The PR's recipe: the fixture with its frontend's envs and args as given. */
    const prRecipe = (envs?: AnyObj[], args?: string[]): void => {
      freshRecipe();
      const doc = YAML.parseAllDocuments(readFileSync(recipePath, 'utf8'));
      const dgd = doc.find((d) => d.get('kind') === 'DynamoGraphDeployment') as YAML.Document;
      if (envs) dgd.setIn(['spec', 'services', 'Frontend', 'envs'], envs);
      if (args) dgd.setIn(['spec', 'services', 'Frontend', 'extraPodSpec', 'mainContainer', 'args'], args);
      writeFileSync(recipePath, doc.map((d) => d.toString()).join(''));
    };
    cluster.clearRequestLog();
    // A PR whose recipe routes kv passes, from the file alone.
    prRecipe([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]);
    const ok = await step(asStepInputs(plan), false);
    expect(ok.outputs.result).toBe('pass');
    expect(ok.outputs.mode).toBe('kv');
    expect(ok.outputs['mode-reason']).toMatch(/read from DYN_ROUTER_MODE=kv/);
    expect(ok.outputs.limitations).toMatch(/Nothing was checked live/);
    expect(ok.summary).toMatch(/Pins found in/);
    expect(ok.summary).toMatch(/mocker-runtime:1\.6\.1/);
    // A PR that drops the entry (Dynamo's default, round-robin) fails mode-drift, naming where.
    prRecipe();
    const dropped = await step(asStepInputs(plan), false);
    expect(dropped.outputs.failure).toBe('mode-drift');
    expect(dropped.stdout).toMatch(
      /`expect-mode: kv`, but the file routes round-robin\. Where the mode is set: DYN_ROUTER_MODE is not set on [^\n]*Dynamo's default, round-robin/,
    );
    // A PR that pins another mode on the frontend's command line fails mode-drift, naming the args.
    prRecipe([{ name: 'DYN_ROUTER_MODE', value: 'kv' }], ['--router-mode', 'random']);
    const pinned = await step(asStepInputs(plan), false);
    expect(pinned.outputs.failure).toBe('mode-drift');
    expect(pinned.stdout).toMatch(
      /the file routes random\. Where the mode is set: read from the frontend's command line \(`--router-mode random`/,
    );
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

  it('scheduled canary: history kept in the cache, one issue per drift, accept-change, the issue closed again', async () => {
    const wf = workflow('As a scheduled canary');
    expect(wf.concurrency.group).toBe(workflow('After every deploy').concurrency.group);
    const steps = wf.jobs.canary.steps as AnyObj[];
    const store = cacheStore(mkdtempSync(path.join(tmpdir(), 'journeys-cache-')));
    const artifacts = mkdtempSync(path.join(tmpdir(), 'journeys-artifacts-'));
    const issues: Issue[] = [];
    let runId = 500;

    /** One scheduled (or dispatched) run of the workflow, each step as the runner would take it. */
    async function canaryRun(inputs: Record<string, string> = {}) {
      const job = mkdtempSync(path.join(tmpdir(), 'journeys-canary-job-'));
      const ctx: WorkflowContext = { runId: ++runId, inputs, outputs: {} };
      let failed = false;
      let configured = false;
      let run: Awaited<ReturnType<typeof runAction>> | undefined;
      try {
        for (const s of steps) {
          if (!shouldRun(s, failed)) continue;
          const uses = String(s.uses ?? '');
          const w = (s.with ?? {}) as AnyObj;
          if (uses === 'actions/cache/restore@v4') {
            store.restore(expand(w.key, ctx), [w['restore-keys']], path.join(job, w.path));
          } else if (uses === 'actions/cache/save@v4') {
            store.save(expand(w.key, ctx), path.join(job, w.path));
          } else if (uses === 'actions/upload-artifact@v4') {
            if (existsSync(path.join(job, w.path)))
              cpSync(path.join(job, w.path), path.join(artifacts, `${w.name}-${ctx.runId}`));
          } else if (uses.startsWith('azure/k8s-set-context')) {
            configured = true;
          } else if (PINNED.test(uses)) {
            const stepInputs = Object.fromEntries(
              Object.entries(asStepInputs(s)).map(([k, v]) => [k, expand(v, ctx)]),
            );
            run = await runAction(stepInputs, {
              cwd: job,
              env: {
                HOME: home,
                GITHUB_WORKSPACE: job,
                KUBECONFIG: configured ? cluster.kubeconfigPath : undefined,
                KUBERNETES_SERVICE_HOST: undefined,
                GITHUB_SERVER_URL: 'https://github.com',
                GITHUB_REPOSITORY: 'acme/router',
                GITHUB_RUN_ID: String(ctx.runId),
              },
            });
            cleanup(run);
            ctx.outputs = run.outputs;
            if (run.exitCode !== 0) failed = true;
          } else if (uses === 'actions/github-script@v8') {
            const env = Object.fromEntries(
              Object.entries((s.env ?? {}) as Record<string, string>).map(([k, v]) => [k, expand(v, ctx)]),
            );
            await githubScript(w.script, env, ctx.runId, issues);
          } else {
            throw new Error(`unhandled step in the canary example: ${JSON.stringify(s)}`);
          }
        }
      } finally {
        rmSync(job, { recursive: true, force: true });
      }
      return run as NonNullable<typeof run>;
    }

    /** A deploy of the recipe with this frontend router mode, rolled out (the canary waits for its group). */
    async function deploy(mode: string): Promise<void> {
      freshRecipe();
      const doc = YAML.parseAllDocuments(readFileSync(recipePath, 'utf8'));
      const dgd = doc.find((d) => d.get('kind') === 'DynamoGraphDeployment') as YAML.Document;
      dgd.setIn(['spec', 'services', 'Frontend', 'envs'], [{ name: 'DYN_ROUTER_MODE', value: mode }]);
      writeFileSync(recipePath, doc.map((d) => d.toString()).join(''));
      await kubectl(`kubectl apply -n dynamo -f ${recipePath}`, ws);
      await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
    }

    await deploy('kv');
    cluster.clearRequestLog();
    // Two quiet runs: the second finds the first's record through the cache's restore key.
    for (let i = 1; i <= 2; i++) {
      const quiet = await canaryRun();
      expect(quiet.outputs).toMatchObject({ result: 'pass', mode: 'kv', 'mode-verified': 'verified' });
      expect(JSON.parse(quiet.outputs.trend)).toMatchObject({ records: i - 1, subjectRuns: i - 1 });
    }
    expect(cluster.writes()).toEqual([]);
    expect(
      readFileSync(path.join(artifacts, `router-history-${runId}`), 'utf8')
        .trimEnd()
        .split('\n'),
    ).toHaveLength(2);
    expect(issues).toEqual([]);

    // A deploy switches the frontend to round-robin: the canary, with no mode of its own, fails on drift …
    await deploy('round-robin');
    cluster.clearRequestLog();
    const drift = await canaryRun();
    expect(drift.outputs.failure).toBe('mode-drift');
    expect(issues).toHaveLength(1);
    expect(issues[0].title).toBe('Dynamo router canary: mode-drift');
    expect(issues[0].body).toMatch(
      /^Run https:\/\/github\.com\/acme\/router\/actions\/runs\/\d+ failed: `mode-drift`\./,
    );
    expect(issues[0].body).toMatch(
      /Mode: kv \(last: https:\/\/github\.com\/acme\/router\/actions\/runs\/502\) → round-robin\./,
    );
    // … and again at the next run: a comment on the same issue, not a new one.
    const again = await canaryRun();
    expect(again.outputs.failure).toBe('mode-drift');
    expect(issues).toHaveLength(1);
    expect(issues[0].comments).toHaveLength(1);

    // The change was intended: a dispatched run accepts it, passes, and closes the issue.
    const accepted = await canaryRun({ 'accept-change': 'true' });
    expect(accepted.outputs.result).toBe('pass');
    expect(accepted.outputs.limitations).toMatch(/Accepted \(`accept-change: true`\), not failed/);
    expect(issues[0].state).toBe('closed');
    expect(issues[0].comments[1]).toMatch(
      /^Passing again in https:\/\/github\.com\/acme\/router\/actions\/runs\/\d+\.$/,
    );
    // Later scheduled runs hold round-robin against the new baseline.
    const later = await canaryRun();
    expect(later.outputs.result).toBe('pass');
    expect(JSON.parse(later.outputs.trend).mode).toEqual({ kind: 'same', reference: 'round-robin' });
    // No canary run wrote to the cluster.
    expect(cluster.writes()).toEqual([]);
  }, 600_000);
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
        // Until the workers' group is gone (SIGKILL after 5 s, as the harness does).
        for (let i = 0; i < 100 && groupMembers(workersPgid).length > 0; i++)
          await new Promise((r) => setTimeout(r, 50));
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
