// Hostile and mistaken input, over every input in action.yml (read from the file, so a new input
// without a case fails the coverage test). Each case runs the bundled action with `base-url` and the
// kubeconfig's API server both pointing at a recording server: the run must end with
// `failure=bad-input`, name the input and what is allowed (the nearest mode for a near-miss), and
// contact nothing and write nothing (no env, no state, no recipe change).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { cleanup, ROOT, runAction, type ActionRun } from '../support/action.ts';
import { startRecorder, type Recorder } from '../support/fault-proxy.ts';

const ACTION_YML = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};
const INPUTS = Object.keys(ACTION_YML.inputs);

/** Inputs with no value the settings can reject, and why. Anything else needs a case below. */
const NOTHING_TO_REJECT: Record<string, string> = {
  python:
    'any executable path or name; it is only used by `launch: true`, where a missing interpreter is `launch-failed` (the launch e2e test covers it)',
};

let recorder: Recorder;
let dir: string;
let kubeconfig: string;
const DGD = (name: string) => `apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata:
  name: ${name}
  namespace: dynamo
spec:
  services:
    Frontend:
      componentType: frontend
      replicas: 1
`;
const RECIPES: Record<string, string> = {
  'not-yaml.yaml': 'apiVersion: nvidia.com/v1alpha1\nkind: [DynamoGraphDeployment\n  metadata: {name: x\n',
  'no-dgd.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n',
  'two-dgds.yaml': `${DGD('one')}---\n${DGD('two')}`,
  'empty.yaml': '',
};
const recipe = (name: string) => path.join(dir, name);

beforeAll(async () => {
  recorder = await startRecorder();
  dir = mkdtempSync(path.join(tmpdir(), 'inputs-test-'));
  for (const [name, text] of Object.entries(RECIPES)) writeFileSync(recipe(name), text);
  // A kubeconfig whose API server is the recorder: any cluster call would be recorded.
  kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: rec, cluster: {server: "${recorder.url}"}}]
users: [{name: rec, user: {token: kube-token-must-not-leak}}]
contexts: [{name: rec, context: {cluster: rec, user: rec, namespace: dynamo}}]
current-context: rec
`,
  );
});

afterAll(async () => {
  await recorder?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface InputCase {
  /** The input the message must name. */
  input: string;
  inputs: Record<string, string>;
  /** What the message (annotation) must say is allowed. */
  allowed: RegExp;
  /** For modes: the suggested nearest valid mode. */
  suggest?: string;
  /** The value the advice sets, when it is not the suggested mode alone (a list input). */
  advice?: string;
  /** Text that must not be echoed anywhere (credentials). */
  secret?: string;
  label?: string;
}

/** Placeholders, filled in when the case runs (the recorder starts after the cases are listed). */
const REC = () => '{{REC}}';
const MODE_LIST =
  /allowed: round-robin, random, power-of-two, least-loaded, device-aware-weighted, kv, direct/;

function cases(): InputCase[] {
  const c: InputCase[] = [];
  // mode: unknown values and near-misses, with the nearest valid mode.
  for (const [raw, near] of [
    ['round_robin', 'round-robin'],
    ['Round-Robin', 'round-robin'],
    ['roundrobin', 'round-robin'],
    ['rr', 'round-robin'],
    ['KV', 'kv'],
    ['kv-aware', 'kv'],
    ['kvv', 'kv'],
    ['Kv_Router', 'kv'],
    ['least_loaded', 'least-loaded'],
    ['power-of-2', 'power-of-two'],
    ['p2c', 'power-of-two'],
    ['RANDOM', 'random'],
    ['Direct', 'direct'],
    ['device_aware_weighted', 'device-aware-weighted'],
  ] as const)
    c.push({ input: 'mode', inputs: { mode: raw }, allowed: MODE_LIST, suggest: near });
  for (const raw of ['banana', 'kv,round-robin', '--router-mode=kv', '42'])
    c.push({ input: 'mode', inputs: { mode: raw }, allowed: MODE_LIST });

  for (const raw of ['maybe', 'yes', '1', 'off'])
    c.push({ input: 'kv-events', inputs: { 'kv-events': raw }, allowed: /`auto`, `true` or `false`/ });

  // base-url: other schemes, credentials, query/fragment, not a URL.
  const port = () => '{{PORT}}';
  const urlCases: [string, string?][] = [
    [`ftp://127.0.0.1:${port()}/`],
    ['file:///etc/passwd'],
    [`ws://127.0.0.1:${port()}`],
    ['javascript:alert(1)'],
    [`127.0.0.1:${port()}`],
    ['localhost:8000'],
    ['http://'],
    ['http://127.0.0.1:99999'],
    ['http://exa mple.com'],
    [`http://127.0.0.1:${port()}/?token=abc`],
    [`http://127.0.0.1:${port()}/#frag`],
    [`http://admin:hunter2secret@127.0.0.1:${port()}`, 'hunter2secret'],
    [`https://:tok-in-url-9f8e@127.0.0.1:${port()}`, 'tok-in-url-9f8e'],
  ];
  for (const [raw, secret] of urlCases)
    c.push({
      input: 'base-url',
      inputs: { 'base-url': raw },
      allowed: secret ? /without user:password@/ : /http:\/\/ or https:\/\/ URL|without query or fragment/,
      secret,
    });

  for (const input of ['launch', 'write-recipe', 'dry-run', 'rollback-on-failure'])
    for (const raw of ['yes', '1', 'on', 'tru'])
      c.push({ input, inputs: { [input]: raw }, allowed: /`true` or `false`/ });

  const numbers: [string, string[], RegExp][] = [
    ['launch-timeout', ['soon', '0', '-5', '3601', '1e3', '0x10', 'Infinity'], /a number from 1 to 3600/],
    ['max-tokens', ['lots', '0', '3.5', '32769', '-1', '1e2'], /a whole number from 1 to 32768/],
    ['retries', ['five', '0', '1.5', '101', '-1', 'NaN'], /a whole number from 1 to 100/],
    ['retry-delay', ['2s', '-1', '601', '1,5'], /a number from 0 to 600/],
    ['timeout', ['20s', '0', '0.01', '3601', '-1'], /a number from 0.1 to 3600/],
    ['rollout-timeout', ['5m', '0', '7201', '-1'], /a number from 1 to 7200/],
  ];
  for (const [input, raws, allowed] of numbers)
    for (const raw of raws) c.push({ input, inputs: { [input]: raw }, allowed });

  // Kubernetes names.
  for (const raw of ['My-Namespace', 'ns_1', '-ns', 'ns-', 'a.b', 'n'.repeat(64), 'ns;rm -rf /'])
    c.push({ input: 'namespace', inputs: { namespace: raw }, allowed: /Kubernetes namespace name/ });
  for (const raw of ['Bad_Name', 'UPPER', 'x'.repeat(254), 'a/b', '../etc', 'name '.repeat(3).trim()])
    c.push({ input: 'deployment', inputs: { deployment: raw }, allowed: /Kubernetes object name/ });
  for (const raw of ['1svc', 'svc.name', 'Svc', 's'.repeat(64), 'svc_1'])
    c.push({
      input: 'service',
      inputs: { service: raw },
      allowed: /Kubernetes Service name starting with a letter/,
    });

  // Recipe files: missing, a directory, not YAML, no DGD, several DGDs, empty.
  const recipeAllowed = /exactly one DynamoGraphDeployment/;
  for (const name of ['missing.yaml', '.', 'no-dgd.yaml', 'two-dgds.yaml', 'empty.yaml'])
    c.push({
      input: 'recipe',
      label: `recipe ${name}`,
      inputs: { recipe: `@${name}` },
      allowed: recipeAllowed,
    });
  // Broken YAML: the advice names the line at fault, not "point recipe at a deploy.yaml".
  c.push({
    input: 'recipe',
    label: 'recipe not-yaml.yaml',
    inputs: { recipe: '@not-yaml.yaml' },
    allowed:
      /not valid YAML: .* \(the line: kind: \[DynamoGraphDeployment\) Next step: fix the YAML of `recipe` \(\S+not-yaml\.yaml\) at line 2, column 8, then run again/,
  });

  // The routing probe's size.
  for (const raw of ['7', '1001', 'many', '-1', '2.5'])
    c.push({
      input: 'probe-requests',
      inputs: { 'probe-requests': raw },
      allowed: /`auto` \(sized by the number of workers\), 0 \(no probe\), or a whole number from 8 to 1000/,
    });

  // The canary: an asserted mode, proof required, the history and how it judges.
  for (const [raw, near] of [
    ['KV', 'kv'],
    ['round_robin', 'round-robin'],
  ] as const)
    c.push({ input: 'expect-mode', inputs: { 'expect-mode': raw }, allowed: MODE_LIST, suggest: near });
  c.push({
    input: 'expect-mode',
    label: 'expect-mode kv with mode round-robin',
    inputs: { mode: 'round-robin', 'expect-mode': 'kv' },
    allowed: /empty or `round-robin`/,
  });
  for (const input of ['require-verified', 'accept-change'])
    for (const raw of ['yes', '1'])
      c.push({
        input,
        inputs: { history: 'history.jsonl', [input]: raw },
        allowed: /`true` or `false`/,
      });
  for (const raw of ['4', '101', 'ten', '7.5'])
    c.push({
      input: 'history-window',
      inputs: { history: 'history.jsonl', 'history-window': raw },
      allowed: /a whole number from 5 to 100/,
    });
  for (const raw of ['1', '0', 'twice', '101'])
    c.push({
      input: 'regression-ratio',
      inputs: { history: 'history.jsonl', 'regression-ratio': raw },
      allowed: /a number from 1.05 to 100/,
    });
  c.push({
    input: 'fail-on-change',
    inputs: { history: 'history.jsonl', 'fail-on-change': 'latency' },
    allowed: /any of workers, models, kv-events/,
  });
  for (const input of ['history-window', 'fail-on-change'])
    c.push({
      input,
      label: `${input} without history`,
      inputs: { [input]: input === 'history-window' ? '20' : 'workers' },
      allowed: /empty unless `history` names the history file/,
    });
  c.push({
    input: 'history',
    label: 'history outside the workspace',
    inputs: { history: '../../outside-history.jsonl' },
    allowed: /workspace/,
  });

  // Free text with control characters.
  c.push({ input: 'model', inputs: { model: 'tiny\u0007model' }, allowed: /printable text/ });
  c.push({ input: 'prompt', inputs: { prompt: 'hello\u001b[31m red' }, allowed: /printable text/ });

  // frontend-args: unbalanced quotes, flags the action owns, given without launch.
  c.push({
    input: 'frontend-args',
    inputs: { launch: 'true', 'base-url': 'http://127.0.0.1:1', 'frontend-args': '--x "unclosed' },
    allowed: /balanced quotes/,
  });
  for (const flag of ['--router-mode kv', '--http-port=9000', '--no-router-kv-events'])
    c.push({
      input: 'frontend-args',
      inputs: {
        launch: 'true',
        'base-url': 'http://127.0.0.1:1',
        'frontend-args': `--discovery-backend file ${flag}`,
      },
      allowed: /other than the router mode, kv-events and port flags/,
    });
  c.push({
    input: 'frontend-args',
    inputs: { 'frontend-args': '--discovery-backend file' },
    allowed: /empty unless `launch: true`/,
  });

  // api-key values that cannot be sent in a header; never echoed.
  for (const raw of ['key with-space-7c1d', 'key\u0001ctl-7c1d', 'key\nnewline-7c1d', 'kéy-non-ascii-7c1d'])
    c.push({
      input: 'api-key',
      inputs: { 'api-key': raw },
      allowed: /printable ASCII characters without spaces/,
      secret: raw,
    });

  // Conflicting combinations.
  c.push({
    input: 'launch',
    label: 'launch with namespace',
    inputs: { launch: 'true', namespace: 'dynamo' },
    allowed: /`false` when a Kubernetes target/,
  });
  c.push({
    input: 'launch',
    label: 'launch with recipe',
    inputs: { launch: 'true', recipe: '@two-dgds.yaml' },
    allowed: /`false` when a Kubernetes target/,
  });
  c.push({
    input: 'base-url',
    label: 'launch with a remote base-url',
    inputs: { launch: 'true', 'base-url': 'http://10.1.2.3:8000' },
    allowed: /a loopback URL/,
  });
  c.push({
    input: 'write-recipe',
    label: 'write-recipe with no recipe',
    inputs: { 'write-recipe': 'true', namespace: 'dynamo', deployment: 'x' },
    allowed: /unless `recipe` names/,
  });
  for (const input of ['write-recipe', 'dry-run', 'rollback-on-failure'])
    c.push({
      input,
      label: `${input} without a Kubernetes target`,
      inputs: { [input]: 'true' },
      allowed: /unless a Kubernetes target/,
    });
  for (const mode of ['round-robin', 'direct'])
    c.push({
      input: 'kv-events',
      label: `kv-events false with mode ${mode}`,
      inputs: { mode, 'kv-events': 'false' },
      allowed: /unless `mode: kv`/,
    });
  // Mode comparison inputs, once action.yml declares them (messages checked loosely: in progress).
  if (INPUTS.includes('compare-modes')) {
    const launch = { launch: 'true', 'base-url': 'http://127.0.0.1:1' };
    c.push({
      input: 'compare-modes',
      label: 'compare-modes near-miss',
      inputs: { ...launch, 'compare-modes': 'round-robin,KV' },
      allowed: /allowed:/,
      suggest: 'kv',
      // The advice must pass this same validation: the whole list, the one mode corrected.
      advice: 'round-robin,kv',
    });
    c.push({
      input: 'compare-modes',
      label: 'compare-modes with one mode',
      inputs: { ...launch, 'compare-modes': 'kv' },
      allowed: /allowed:/,
    });
    c.push({
      input: 'compare-modes',
      label: 'compare-modes with a duplicate',
      inputs: { ...launch, 'compare-modes': 'kv,kv' },
      allowed: /allowed:/,
    });
    c.push({
      input: 'compare-modes',
      label: 'compare-modes on a URL target',
      inputs: { 'compare-modes': 'round-robin,kv' },
      allowed: /allowed:/,
    });
  }
  for (const name of INPUTS.filter((n) => n.startsWith('compare-') && n !== 'compare-modes')) {
    c.push({
      input: name,
      label: `${name} without compare-modes`,
      inputs: { [name]: '7' },
      allowed: /allowed:/,
    });
    for (const raw of ['lots', '-1', '2.5'])
      c.push({
        input: name,
        inputs: {
          launch: 'true',
          'base-url': 'http://127.0.0.1:1',
          'compare-modes': 'round-robin,kv',
          [name]: raw,
        },
        allowed: /a whole number from \d+ to \d+/,
      });
  }
  return c;
}

const CASES = cases();

function resolve(inputs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { 'base-url': REC(), ...inputs };
  if (out.recipe?.startsWith('@')) out.recipe = recipe(out.recipe.slice(1));
  for (const [k, v] of Object.entries(out))
    out[k] = v.replaceAll('{{REC}}', recorder.url).replaceAll('{{PORT}}', String(recorder.port));
  return out;
}

const STACK = /^\s+at .+:\d+:\d+\)?$|(?:Type|Reference|Range)Error: /m;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('hostile and mistaken input (bundled action)', () => {
  it('has a case for every input in action.yml', () => {
    const covered = new Set(CASES.map((c) => c.input));
    const missing = INPUTS.filter((name) => !covered.has(name) && !(name in NOTHING_TO_REJECT));
    expect(missing).toEqual([]);
    // And no stale exception.
    for (const name of Object.keys(NOTHING_TO_REJECT)) expect(INPUTS).toContain(name);
  });

  it.each(
    CASES.map(
      (c) => [c.label ?? `${c.input}: ${JSON.stringify(Object.values(c.inputs).at(-1))}`, c] as const,
    ),
  )('%s → bad-input', async (_label, c) => {
    recorder.reset();
    const recipeBefore = Object.fromEntries(
      Object.keys(RECIPES).map((n) => [n, readFileSync(recipe(n), 'utf8')]),
    );
    const inputs = resolve(c.inputs);
    const run: ActionRun = await runAction(inputs, {
      env: { KUBECONFIG: kubeconfig, GITHUB_WORKSPACE: dir },
      timeoutMs: 30_000,
    });
    try {
      const where = `${JSON.stringify(inputs)}\n${run.stdout}\n${run.stderr}`;
      expect({ failure: run.outputs.failure, where }).toEqual({ failure: 'bad-input', where });
      expect(run.outputs.result).toBe('fail');
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toBe('');
      expect(run.stdout).not.toMatch(STACK);
      const errors = run.stdout.split('\n').filter((l) => l.startsWith('::'));
      const annotations = errors.filter((l) => l.startsWith('::error'));
      expect(annotations).toHaveLength(1);
      const annotation = annotations[0];
      expect(annotation).toMatch(/^::error title=Dynamo router check failed%3A bad-input::/);
      // Names the input, says what is allowed, and the next step names it too.
      expect(annotation).toContain(`\`${c.input}\``);
      expect(annotation).toMatch(c.allowed);
      expect(annotation).toMatch(new RegExp(`Next step: .*\`${escapeRe(c.input)}`));
      if (c.suggest) {
        expect(annotation).toContain(`did you mean \`${c.suggest}\`?`);
        expect(annotation).toContain(`set \`${c.input}: ${c.advice ?? c.suggest}\``);
      }
      expect(run.summary).toContain('bad-input');
      // Contacted nothing: neither the frontend URL nor the kubeconfig's API server.
      expect(recorder.connections()).toBe(0);
      // Wrote nothing: no env, no saved state, recipes unchanged, no outputs beyond the contract.
      expect(readFileSync(path.join(run.dir, 'env'), 'utf8')).toBe('');
      expect(Object.keys(run.state).filter((k) => k !== 'isPost')).toEqual([]);
      for (const [n, text] of Object.entries(recipeBefore))
        expect(readFileSync(recipe(n), 'utf8')).toBe(text);
      expect(run.outputs['next-command']).toBe('');
      // Credentials in a rejected input are never echoed (except the runner's own mask command).
      const kubeToken = 'kube-token-must-not-leak';
      for (const text of [
        run.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
        run.summary,
        JSON.stringify(run.outputs),
      ]) {
        expect(text).not.toContain(kubeToken);
        if (c.secret) {
          expect(text).not.toContain(c.secret);
          for (const part of c.secret.split(/[^\x21-\x7e]/))
            if (part.length >= 4) expect(text).not.toContain(part);
        }
      }
    } finally {
      cleanup(run);
    }
  });

  it('trims surrounding whitespace like @actions/core getInput: " kv " is kv, "  " is the default', async () => {
    recorder.reset();
    const run = await runAction(
      {
        mode: ' kv ',
        retries: '   ',
        'kv-events': ' auto ',
        'base-url': ` ${recorder.url} `,
        timeout: '1',
        'retry-delay': '0',
      },
      { env: { KUBECONFIG: kubeconfig } },
    );
    try {
      expect(run.outputs.failure).not.toBe('bad-input');
      expect(run.outputs.command).toContain('--router-mode kv');
      // The recorder answers 200 {} (not a model list): a models-error after one attempt.
      expect(run.outputs.failure).toBe('models-error');
      expect(recorder.requests().map((r) => r.path)).toContain('/v1/models');
    } finally {
      cleanup(run);
    }
  });

  it('the recipe fixtures are what the cases say (a directory, a missing file)', () => {
    expect(statSync(recipe('.')).isDirectory()).toBe(true);
    expect(() => statSync(recipe('missing.yaml'))).toThrow();
  });
});
