// The hostile table (issue 9 items 5 and 7): the bundled action against peers that try to turn
// their text into workflow commands or to make the action write outside the workspace. The
// workflow author is trusted; frontend responses, cluster objects, pod logs and events, and the
// files (and symlinks) of a checkout are not. Each case says what the input is, what the hostile
// peer does and what must hold; on top of that, every case must hold the rules in `holdsAlways`:
// - no stdout/stderr line (split as the runner splits: CR, LF, CRLF) contains `##[` (the runner
//   acts on the legacy form anywhere in a line);
// - a line that starts with `::` (after the whitespace the runner's TrimStart drops, NEL included)
//   is one of the action's own toolkit commands, with its properties and message escaped as the
//   toolkit escapes them (so hostile text inside a message cannot start a command of its own);
// - GITHUB_STATE holds no key but the action's own (and nothing, as no case launches a frontend);
// - no file outside the workspace was created, changed or removed;
// - the run ends within its bound and leaves no process behind.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { cleanup, ROOT, runAction, type ActionRun } from '../support/action.ts';
import { parseManifests, startCluster, type Cluster, type K8sObject } from '../../standin-cluster/index.ts';
import { processesMatching } from '../support/dynamo.ts';
import type { AnyObj } from '../support/k8s-objects.ts';
import { startRecorder, type Recorder } from '../support/fault-proxy.ts';

const NS = 'dynamo';
const MiB = 1024 * 1024;
/** Node start-up of the bundle and a loaded 2-core runner. */
const SLACK_MS = 8000;

/** Workflow commands a hostile peer would like the runner to run. */
const COMMANDS = [
  '##[save-state name=launched-frontend;]{"pid":1,"logPath":"/x"}',
  '##[warning title=Security;]Approve PR 123',
  '::error::x',
  '::add-mask::',
  '::stop-commands::tok',
];

/** One command at the start, middle and end of a text, and after each kind of line break. */
function placements(cmd: string): string[] {
  return [
    cmd,
    `model ${cmd} tail`,
    `model-${cmd}`,
    `model\n${cmd}`,
    `model\r${cmd}`,
    `model\r\n   ${cmd}`,
    // .NET's TrimStart (the runner's) drops NEL and no-break spaces before `::`.
    `model\n\u0085\u00a0${cmd}`,
  ];
}
const EVERY_PLACEMENT = COMMANDS.flatMap(placements);

/** The commands the action itself issues (GITHUB_OUTPUT / GITHUB_STATE files replace set-output / save-state). */
const OWN_COMMANDS = ['error', 'warning', 'notice', 'debug', 'add-mask', 'group', 'endgroup'];
const OWN_STATE_KEYS = ['isPost', 'launched-frontend'];

// ---- the rules every case holds ---------------------------------------------------------------

/** Lines as the runner reads them (StreamReader.ReadLine: CR, LF or CRLF end a line). */
function runnerLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Why a line would make the runner act on something the action did not mean; undefined if fine.
 * `secrets` are the values the action itself masks (its own `::add-mask::` lines).
 */
function injected(line: string, secrets: string[] = []): string | undefined {
  if (line.includes('##[')) return 'legacy ##[ command';
  const trimmed = line.replace(/^[\s\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/, '');
  if (!trimmed.startsWith('::')) return undefined;
  const m = /^::([A-Za-z-]+)((?: [^:]*)?)::(.*)$/.exec(trimmed);
  if (!m) return 'a `::` line that is no toolkit command';
  const [, name, props, message] = m;
  if (!OWN_COMMANDS.includes(name)) return `command ${name} is not one the action issues`;
  // The hostile commands look like the action's own: they must never open a line.
  if (name === 'add-mask' ? !secrets.includes(message) : COMMANDS.some((c) => trimmed.startsWith(c)))
    return 'a hostile command at the start of a line';
  if (/%(?!25|0D|0A|3A|2C)/i.test(props)) return 'properties not escaped as the toolkit does';
  if (/%(?!25|0D|0A)/i.test(message)) return 'message not escaped as the toolkit does';
  return undefined;
}

interface Snapshot {
  [file: string]: string;
}

/** Every entry under `dir` with its content (or link target): what "nothing written" compares. */
function snapshot(dir: string, out: Snapshot = {}): Snapshot {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out[p] = `-> ${readlinkSync(p)}`;
    else if (st.isDirectory()) snapshot(p, out);
    else out[p] = `${st.mode.toString(8)} ${readFileSync(p, 'utf8')}`;
  }
  return out;
}

/** What lies outside the workspace but within the runs' reach: the sibling directory and HOME. */
function outsideWorkspace(ctx: Ctx): Snapshot {
  return snapshot(ctx.home, snapshot(ctx.outside));
}

interface Ctx {
  /** GITHUB_WORKSPACE of every run (real path). */
  workspace: string;
  /** Next to the workspace: what a symlink or `../` would reach. */
  outside: string;
  home: string;
  marker: string;
}

function holdsAlways(run: ActionRun, c: HostileCase, ctx: Ctx, before: Snapshot): void {
  const secrets = ['tripwire-token', ...(cluster ? [cluster.token] : [])];
  const detail = `${c.name}\nstdout:\n${run.stdout.slice(0, 20_000)}\nstderr:\n${run.stderr.slice(0, 5000)}`;
  for (const [stream, text] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ] as const) {
    const bad = runnerLines(text)
      .map((line) => ({ line: JSON.stringify(line.slice(0, 300)), why: injected(line, secrets) }))
      .filter((l) => l.why);
    expect({ stream, bad, detail: bad.length ? detail : '' }).toEqual({ stream, bad: [], detail: '' });
  }
  expect(Object.keys(run.state).filter((k) => !OWN_STATE_KEYS.includes(k))).toEqual([]);
  expect(run.state['launched-frontend']).toBeUndefined();
  expect(outsideWorkspace(ctx)).toEqual(before);
  expect(run.elapsedMs).toBeLessThanOrEqual(c.boundMs);
  expect(processesMatching(ctx.marker)).toEqual([]);
  expect(run.stdout).not.toMatch(/\n\s+at (?:async )?\S+ \(|(?:Type|Reference|Range)Error: /);
}

// ---- the hostile peers ---------------------------------------------------------------------------

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A tiny OpenAI-shaped server on 127.0.0.1 whose answers the case decides. */
interface HostileServer {
  url: string;
  handler: Handler;
  stop(): Promise<void>;
}

async function startHostileServer(): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const state: { handler: Handler } = { handler: (_req, _body, res) => res.end() };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => state.handler(req, body, res));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get handler() {
      return state.handler;
    },
    set handler(h: Handler) {
      state.handler = h;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const modelList = (ids: string[]) => ({
  object: 'list',
  data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'nvidia' })),
});

const chatReply = (model: string, content: string) => ({
  id: 'chatcmpl-hostile',
  object: 'chat.completion',
  created: 0,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
});

/** Serves `ids` as the model list and a chat reply that quotes the requested model and a command. */
function serveModels(ids: string[], content = EVERY_PLACEMENT.join(' | ')): Handler {
  return (req, body, res) => {
    if (req.url === '/v1/models') return json(res, 200, modelList(ids));
    if (req.url === '/v1/chat/completions') {
      let model = ids[0] ?? '';
      try {
        model = String((JSON.parse(body) as { model?: unknown }).model ?? model);
      } catch {
        // keep the first id
      }
      return json(res, 200, chatReply(model, content));
    }
    json(res, 404, `{"error":"${COMMANDS[1]}"}`);
  };
}

// ---- the cases -----------------------------------------------------------------------------------

interface HostileCase {
  name: string;
  /** The action's inputs, in words. */
  input: string;
  /** What the hostile peer does. */
  peer: string;
  /** What must hold beyond the rules every case holds. */
  holds: string;
  kind: 'server' | 'recipe' | 'cluster';
  inputs: (ctx: Ctx) => Record<string, string>;
  /** 'pass', a failure code, or undefined when only the rules matter. */
  expected?: string;
  boundMs: number;
  arrange?: (ctx: Ctx) => void;
  during?: (ctx: Ctx, done: () => boolean) => Promise<void>;
  check?: (run: ActionRun, ctx: Ctx) => void;
}

const FAST = { retries: '2', 'retry-delay': '0.1', timeout: '3' };

const MODEL_ID_CASES: HostileCase[] = COMMANDS.map((cmd) => ({
  name: `model ids carrying ${cmd.slice(0, 24)}… at start, middle, end and after CR/LF/NEL`,
  input: 'base-url of the hostile server (the first id is used for the chat)',
  peer: `/v1/models lists ${placements(cmd).length} ids with the command placed in each way; the chat reply echoes the id and carries every command in its content`,
  holds: 'the ids reach outputs and summary (escaped), never the log as a command',
  kind: 'server',
  inputs: () => ({ ...FAST }),
  boundMs: 20_000 + SLACK_MS,
  arrange: () => (server.handler = serveModels(placements(cmd))),
  check: (run) => {
    expect(run.outputs.failure ?? '').not.toBe('internal');
    expect(run.outputs.models ?? '').toContain('model-');
  },
}));

const BODY_CASES: HostileCase[] = [
  {
    name: 'hostile 503 bodies quoted in the retry lines of /v1/models',
    input: 'base-url of the hostile server, retries 3',
    peer: '/v1/models answers 503 with a body carrying every command in every placement',
    holds: 'models-error after 3 attempts; the retry lines quote the body without a command',
    kind: 'server',
    inputs: () => ({ ...FAST, retries: '3' }),
    expected: 'models-error',
    boundMs: 15_000 + SLACK_MS,
    arrange: () =>
      (server.handler = (_req, _body, res) => {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end(EVERY_PLACEMENT.join('\n'));
      }),
    check: (run) => expect(run.stdout).toMatch(/attempt 1\/3 failed/),
  },
  {
    name: 'hostile 500 body of the chat, after a clean model list',
    input: 'base-url of the hostile server, model given',
    peer: '/v1/models is clean; the chat answers 500 with every command in its JSON error message',
    holds: 'chat-error; the body is quoted, no command starts',
    kind: 'server',
    inputs: () => ({ ...FAST, model: 'clean/model' }),
    expected: 'chat-error',
    boundMs: 15_000 + SLACK_MS,
    arrange: () =>
      (server.handler = (req, _body, res) => {
        if (req.url === '/v1/models') return json(res, 200, modelList(['clean/model']));
        json(res, 500, { error: { message: EVERY_PLACEMENT.join('\n'), type: COMMANDS[0] } });
      }),
  },
];

const HUGE_LIST: HostileCase = {
  name: 'a huge model list: 16,000 ids of 200 characters (3.3 MB)',
  input: 'base-url of the hostile server',
  peer: '/v1/models lists 16,000 long ids, some carrying commands',
  holds: 'every output value and the summary stay under 1 MiB; the summary says the list was cut',
  kind: 'server',
  inputs: () => ({ ...FAST }),
  boundMs: 30_000 + SLACK_MS,
  arrange: () =>
    (server.handler = serveModels(
      Array.from({ length: 16_000 }, (_, i) =>
        `org-${i}/${i % 97 === 0 ? COMMANDS[i % COMMANDS.length] : ''}`.padEnd(200, 'x'),
      ),
    )),
  check: (run) => {
    for (const [name, value] of Object.entries(run.outputs))
      expect({ name, bytes: Buffer.byteLength(value) <= MiB }).toEqual({ name, bytes: true });
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(MiB);
    expect(run.summary).toMatch(/16,?000/);
    expect(run.summary).toMatch(/cut|first \d|truncated|omitted|not shown|more/i);
  },
};

/** A DGD recipe that names a deployment no cluster has: refusals must come before any contact. */
const RECIPE = `apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata:
  name: secret-graph
  namespace: dynamo
spec:
  services:
    Frontend:
      componentType: frontend
      envs:
        - name: KEEP # a comment
          value: "1"
`;

function refusal(
  name: string,
  input: string,
  peer: string,
  recipe: (ctx: Ctx) => string,
  write: boolean,
  message: (ctx: Ctx) => string,
): HostileCase {
  return {
    name,
    input: `${input}${write ? ', write-recipe: true' : ''}, mode kv, kubeconfig pointing at a tripwire`,
    peer,
    holds:
      'bad-input naming `recipe`, the workspace and the resolved path; nothing contacted; the target untouched',
    kind: 'recipe',
    inputs: (ctx) => ({ recipe: recipe(ctx), mode: 'kv', ...(write ? { 'write-recipe': 'true' } : {}) }),
    expected: 'bad-input',
    boundMs: 5000 + SLACK_MS,
    check: (run, ctx) => {
      const error = run.stdout.split('\n').find((l) => l.startsWith('::error')) ?? '';
      expect(decodeURIComponent(error.replace(/%(?![0-9A-F]{2})/g, '%25'))).toContain(message(ctx));
      expect(error).toContain('`recipe`');
      expect(tripwire.requests()).toEqual([]);
      expect(tripwire.connections()).toBe(0);
    },
  };
}

const RECIPE_CASES: HostileCase[] = [false, true].flatMap((write) => [
  refusal(
    `recipe: a symlink in the workspace to a file outside${write ? ' (write-recipe)' : ''}`,
    'recipe = <workspace>/deploy-link.yaml',
    'the checkout holds deploy-link.yaml -> ../outside/deploy.yaml',
    (ctx) => path.join(ctx.workspace, 'deploy-link.yaml'),
    write,
    (ctx) =>
      `resolves to ${path.join(ctx.outside, 'deploy.yaml')}, outside the workspace ${ctx.workspace} (GITHUB_WORKSPACE)`,
  ),
  refusal(
    `recipe: a \`../\` path out of the workspace${write ? ' (write-recipe)' : ''}`,
    'recipe = <workspace>/../outside/deploy.yaml',
    'the path itself climbs out',
    (ctx) => `${ctx.workspace}/../outside/deploy.yaml`,
    write,
    (ctx) => `resolves to ${path.join(ctx.outside, 'deploy.yaml')}, outside the workspace ${ctx.workspace}`,
  ),
  refusal(
    `recipe: a symlinked directory in the workspace leading out${write ? ' (write-recipe)' : ''}`,
    'recipe = <workspace>/linked-dir/deploy.yaml',
    'the checkout holds linked-dir -> ../outside',
    (ctx) => path.join(ctx.workspace, 'linked-dir', 'deploy.yaml'),
    write,
    (ctx) => `resolves to ${path.join(ctx.outside, 'deploy.yaml')}, outside the workspace ${ctx.workspace}`,
  ),
]);
RECIPE_CASES.push(
  refusal(
    'recipe: a symlink inside the workspace to a file inside (write-recipe)',
    'recipe = <workspace>/inner-link.yaml',
    'the checkout holds inner-link.yaml -> deploy/deploy.yaml (inside, but a link)',
    (ctx) => path.join(ctx.workspace, 'inner-link.yaml'),
    true,
    (ctx) =>
      `${path.join(ctx.workspace, 'inner-link.yaml')} is a symlink (the file is really ${path.join(ctx.workspace, 'deploy', 'deploy.yaml')}); \`write-recipe\` never writes through a symlink`,
  ),
);

// The stand-in cluster cases: a DGD whose fields, pod logs and events carry commands.
const FIXTURE = path.join(ROOT, '__tests__/fixtures/k8s/fault-graph.v1alpha1.yaml');
const HOSTILE_MODEL = `hostile/model ${COMMANDS[0]} ${COMMANDS[2]}`;
const HOSTILE_LOG = [
  COMMANDS[1],
  // Not a router_mode line: the mode verification must count only what the router logged.
  `push_router: Selected worker worker_id=1 ${COMMANDS[0]}`,
  ...EVERY_PLACEMENT.slice(10, 17),
].join('\n');

/** The fault fixture as a hostile namespace editor leaves it. */
function hostileGraph(name: string, extraEnv: Record<string, string> = {}): K8sObject {
  const obj = parseManifests(FIXTURE)[0] as K8sObject & { spec: AnyObj };
  obj.metadata.name = name;
  obj.metadata.annotations = { 'example.com/note': EVERY_PLACEMENT.join('\n') };
  const frontend = obj.spec.services.Frontend;
  const env = frontend.envs as { name: string; value: string }[];
  env.find((e) => e.name === 'FAKE_MODEL')!.value = HOSTILE_MODEL;
  env.push({ name: 'FAKE_LOG', value: HOSTILE_LOG });
  for (const [k, v] of Object.entries(extraEnv)) env.push({ name: k, value: v });
  const args = frontend.extraPodSpec.mainContainer.args as string[];
  // The frontend prints the hostile lines at start, on stderr before a crash, and on every chat.
  args[1] = args[1]
    .replace(
      "const http = require('http');",
      "const http = require('http');\nconsole.log(process.env.FAKE_LOG);",
    )
    .replace(
      'console.error(`fake frontend: refusing',
      'console.error(process.env.FAKE_LOG); console.error(`fake frontend: refusing',
    )
    .replace('console.log(`fake frontend: chat request received`);', 'console.log(process.env.FAKE_LOG);');
  obj.spec.services.VllmWorker = {
    componentType: 'worker',
    replicas: 1,
    extraPodSpec: {
      mainContainer: {
        image: 'standin.local/fake-dynamo:1',
        command: ['node'],
        args: [
          '-e',
          "require('http').createServer((q, s) => { s.writeHead(200, {'content-type': 'application/json'}); s.end('{}'); }).listen(Number(process.env.DYN_SYSTEM_PORT || process.env.DYN_HTTP_PORT), process.env.DYN_HTTP_HOST || '127.0.0.1'); process.on('SIGTERM', () => process.exit(0));",
          'dynamo.vllm',
          '--model-name',
          HOSTILE_MODEL,
          '--served-model-name',
          COMMANDS[1],
        ],
      },
    },
  };
  return obj;
}

/** Adds a Warning event with a hostile message, newer than any real one, to each new frontend pod. */
async function plantEvents(graph: string, done: () => boolean): Promise<void> {
  const cluster = standIn();
  const seen = new Set(
    cluster.pods(NS, `nvidia.com/dynamo-graph-deployment-name=${graph}`).map((p) => p.metadata.name),
  );
  const planted = new Set<string>();
  while (!done()) {
    for (const pod of cluster.pods(NS, `nvidia.com/dynamo-graph-deployment-name=${graph}`)) {
      const name = pod.metadata.name;
      if (seen.has(name) || planted.has(name)) continue;
      planted.add(name);
      for (const reason of ['Unhealthy', 'BackOff', 'FailedScheduling'])
        await cluster.apply({
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${name}.hostile-${reason.toLowerCase()}`, namespace: NS },
          involvedObject: { kind: 'Pod', name, namespace: NS, apiVersion: 'v1' },
          reason,
          type: 'Warning',
          message: EVERY_PLACEMENT.join('\n'),
          count: 1,
          firstTimestamp: '2099-01-01T00:00:00Z',
          lastTimestamp: '2099-01-01T00:00:00Z',
          source: { component: 'kubelet' },
        });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ROLLOUT_S = 6;
const CLUSTER_CASES: HostileCase[] = [
  {
    name: 'DGD fields, worker --model-name, pod logs; recipe through a symlink inside the workspace (read only)',
    input: 'recipe = <workspace>/graph-link.yaml -> deploy/graph.yaml, mode kv',
    peer: 'annotations, FAKE_MODEL (served as the model id), the worker args and every frontend log line carry commands',
    holds: 'pass; the recipe is read through the inner link and left as it was',
    kind: 'cluster',
    inputs: (ctx) => ({
      recipe: path.join(ctx.workspace, 'graph-link.yaml'),
      mode: 'kv',
      ...FAST,
      timeout: '5',
    }),
    expected: 'pass',
    boundMs: 40_000 + SLACK_MS,
    check: (run, ctx) => {
      expect(readFileSync(path.join(ctx.workspace, 'deploy', 'graph.yaml'), 'utf8')).toBe(graphText);
      expect(run.outputs.model ?? run.outputs.models ?? '').toContain('hostile/model');
    },
  },
  {
    name: 'the same graph with write-recipe through a `../` that stays inside the workspace',
    input: 'recipe = <workspace>/deploy/../deploy/graph.yaml, write-recipe: true, mode least-loaded',
    peer: 'the same hostile graph (fields, worker args, pod logs)',
    holds:
      'pass; only the two lines of the new DYN_ROUTER_MODE entry are added to the recipe, every other byte kept',
    kind: 'cluster',
    inputs: (ctx) => ({
      recipe: `${ctx.workspace}/deploy/../deploy/graph.yaml`,
      'write-recipe': 'true',
      mode: 'least-loaded',
      ...FAST,
      timeout: '5',
    }),
    expected: 'pass',
    boundMs: 40_000 + SLACK_MS,
    check: (_run, ctx) => {
      const after = readFileSync(path.join(ctx.workspace, 'deploy', 'graph.yaml'), 'utf8').split('\n');
      const at = after.findIndex((l) => l.trim() === '- name: DYN_ROUTER_MODE');
      expect(after.slice(at, at + 2).map((l) => l.trim())).toEqual([
        '- name: DYN_ROUTER_MODE',
        'value: least-loaded',
      ]);
      after.splice(at, 2);
      expect(after.join('\n')).toBe(graphText);
    },
  },
  {
    name: 'a never-Ready frontend whose pod events carry commands (rollback-on-failure)',
    input: 'deployment hostile-notready, mode power-of-two, rollout-timeout 6 s, rollback-on-failure',
    peer: 'the new pod never becomes Ready; Warning events (newest) and its log lines carry every command',
    holds: 'rollout-timeout; the event message is quoted in the error without starting a command',
    kind: 'cluster',
    inputs: () => ({
      deployment: 'hostile-notready',
      mode: 'power-of-two',
      'rollout-timeout': String(ROLLOUT_S),
      'rollback-on-failure': 'true',
      ...FAST,
    }),
    expected: 'rollout-timeout',
    boundMs: 2 * ROLLOUT_S * 1000 + SLACK_MS,
    during: (_ctx, done) => plantEvents('hostile-notready', done),
    check: (run) =>
      // The planted event is the one quoted: the hostile text did reach the annotation, defused.
      expect(run.stdout).toMatch(
        /::error .*hostile-notready-frontend-\S+ is Running but not Ready \(Unhealthy: .*Approve PR 123/,
      ),
  },
  {
    name: 'a crash-looping frontend that prints commands before it exits, with hostile events',
    input: 'deployment hostile-crash, mode random, rollout-timeout 6 s, rollback-on-failure',
    peer: 'the new pod prints every command on stderr and exits 3; Warning events carry every command',
    holds: 'rollout-timeout naming CrashLoopBackOff; nothing hostile starts a command',
    kind: 'cluster',
    inputs: () => ({
      deployment: 'hostile-crash',
      mode: 'random',
      'rollout-timeout': String(ROLLOUT_S),
      'rollback-on-failure': 'true',
      ...FAST,
    }),
    expected: 'rollout-timeout',
    boundMs: 2 * ROLLOUT_S * 1000 + SLACK_MS,
    during: (_ctx, done) => plantEvents('hostile-crash', done),
    check: (run) => expect(run.stdout).toMatch(/::error .*hostile-crash-frontend-\S+ is in CrashLoopBackOff/),
  },
];

// ---- the run -------------------------------------------------------------------------------------

let server: HostileServer;
let tripwire: Recorder;
let cluster: Cluster | undefined;
const standIn = (): Cluster => {
  if (!cluster) throw new Error('the stand-in cluster is not started');
  return cluster;
};
let root: string;
let ctxBase: Omit<Ctx, 'marker'>;
let home: string;
let tripwireConfig: string;
let graphText: string;

interface Verdict {
  name: string;
  expected: string;
  got: string;
  elapsedMs: number;
  boundMs: number;
}
const verdicts: Verdict[] = [];

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'hostile-')));
  const workspace = path.join(root, 'workspace');
  const outside = path.join(root, 'outside');
  home = path.join(root, 'home');
  for (const d of [path.join(workspace, 'deploy'), outside, home]) mkdirSync(d, { recursive: true });
  ctxBase = { workspace, outside, home };
  writeFileSync(path.join(outside, 'deploy.yaml'), RECIPE);
  writeFileSync(path.join(workspace, 'deploy', 'deploy.yaml'), RECIPE);
  symlinkSync('../outside/deploy.yaml', path.join(workspace, 'deploy-link.yaml'));
  symlinkSync('../outside', path.join(workspace, 'linked-dir'));
  symlinkSync('deploy/deploy.yaml', path.join(workspace, 'inner-link.yaml'));
  server = await startHostileServer();
  tripwire = await startRecorder();
  tripwireConfig = path.join(home, 'tripwire-kubeconfig');
  writeFileSync(
    tripwireConfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 't', cluster: { server: tripwire.url } }],
      users: [{ name: 't', user: { token: 'tripwire-token' } }],
      contexts: [{ name: 't', context: { cluster: 't', user: 't', namespace: NS } }],
      'current-context': 't',
    }),
  );
}, 30_000);

afterAll(async () => {
  await server?.stop();
  await tripwire?.stop();
  await cluster?.stop();
  if (cluster) expect(cluster.kubelet.runningPids()).toEqual([]);
  if (root) rmSync(root, { recursive: true, force: true });
  if (verdicts.length) {
    console.log(
      [
        'Hostile table (bundled action)',
        '| case | expected | got | elapsed ms | bound ms |',
        '| --- | --- | --- | ---: | ---: |',
        ...verdicts.map((v) => `| ${v.name} | ${v.expected} | ${v.got} | ${v.elapsedMs} | ${v.boundMs} |`),
      ].join('\n'),
    );
  }
}, 60_000);

async function runCase(c: HostileCase): Promise<ActionRun> {
  const ctx: Ctx = { ...ctxBase, marker: `hostile-${randomUUID()}` };
  c.arrange?.(ctx);
  tripwire.reset();
  const before = outsideWorkspace(ctx);
  let finished = false;
  const inputs = c.inputs(ctx);
  if (c.kind === 'server') inputs['base-url'] = server.url;
  const kubeconfig = c.kind === 'cluster' ? standIn().kubeconfigPath : tripwireConfig;
  const pending = runAction(inputs, {
    env: { KUBECONFIG: kubeconfig, HOME: home, GITHUB_WORKSPACE: ctx.workspace, HOSTILE_MARKER: ctx.marker },
    timeoutMs: c.boundMs + 30_000,
  }).finally(() => (finished = true));
  await c.during?.(ctx, () => finished);
  const run = await pending;
  const got = run.outputs.failure || (run.outputs.result === 'pass' ? 'pass' : `exit ${run.exitCode}`);
  verdicts.push({
    name: c.name,
    expected: c.expected ?? '(rules only)',
    got,
    elapsedMs: run.elapsedMs,
    boundMs: c.boundMs,
  });
  if (c.expected) {
    const detail = `stdout:\n${run.stdout.slice(0, 20_000)}\nstderr:\n${run.stderr.slice(0, 5000)}`;
    expect({ got, detail: got === c.expected ? '' : detail }).toEqual({ got: c.expected, detail: '' });
  }
  holdsAlways(run, c, ctx, before);
  c.check?.(run, ctx);
  return run;
}

describe('hostile peers through the bundled action: the table', () => {
  it('every case states input, peer and what must hold', () => {
    for (const c of [...MODEL_ID_CASES, ...BODY_CASES, HUGE_LIST, ...RECIPE_CASES, ...CLUSTER_CASES])
      expect([c.input, c.peer, c.holds].every((s) => s.length > 10)).toBe(true);
    // The rules themselves catch what they are meant to catch.
    expect(injected(`models: a ${COMMANDS[0]}`)).toBe('legacy ##[ command');
    expect(injected('\u0085\u00a0::error::x')).toBe('a hostile command at the start of a line');
    expect(injected('::add-mask::')).toBe('a hostile command at the start of a line');
    expect(injected('::add-mask::tripwire-token', ['tripwire-token'])).toBeUndefined();
    expect(injected('  ::stop-commands::tok')).toMatch(/not one the action issues/);
    expect(injected('::error title=a%b::m')).toMatch(/properties/);
    expect(injected('::error::100% sure')).toMatch(/message/);
    expect(injected('::error title=Dynamo%3A x::m%0A::warning::y')).toBeUndefined();
    expect(injected('\u200b::error::x')).toBeUndefined();
  });
});

describe('hostile frontends (a tiny OpenAI-shaped server on 127.0.0.1)', () => {
  it.each([...MODEL_ID_CASES, ...BODY_CASES].map((c) => [c.name, c] as const))(
    '%s',
    async (_n, c) => cleanup(await runCase(c)),
    60_000,
  );
  it(HUGE_LIST.name, async () => cleanup(await runCase(HUGE_LIST)), 90_000);
});

describe('recipe paths out of the workspace (refused before anything is contacted)', () => {
  it.each(RECIPE_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_n, c) => cleanup(await runCase(c)),
    30_000,
  );
});

describe('hostile cluster objects, pod logs and events (stand-in cluster)', () => {
  beforeAll(async () => {
    const graph = hostileGraph('hostile-graph');
    graphText = `# A recipe from the checkout\n${stringify(graph)}`;
    writeFileSync(path.join(ctxBase.workspace, 'deploy', 'graph.yaml'), graphText);
    symlinkSync('deploy/graph.yaml', path.join(ctxBase.workspace, 'graph-link.yaml'));
    cluster = await startCluster({ namespace: NS });
    await cluster.apply(graph);
    await cluster.apply(hostileGraph('hostile-notready'));
    await cluster.apply(hostileGraph('hostile-crash'));
    await cluster.waitForReady(NS, { timeoutMs: 90_000 });
  }, 150_000);

  it.each(CLUSTER_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_n, c) => cleanup(await runCase(c)),
    120_000,
  );
});
