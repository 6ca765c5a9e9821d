// The kubelet simulation: runs each scheduled pod's containers as local processes (argument arrays,
// no shell), maps container ports to free loopback ports, runs probes, restarts crashed containers
// with back-off and reports pod status and events the way the real kubelet does.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NODE_NAME, rtOf, type EventRecorder } from './controllers.ts';
import {
  DEFAULT_IMAGE_COMMANDS,
  NODE_PATHS,
  imageKind,
  nodeEntrypoint,
  pullFailure,
  type ImageKind,
} from './images.ts';
import { clone, deepEqual } from './patch.ts';
import type { K8sObject, Store, StoreEvent } from './store.ts';
import { MountError, containerMounts, mapPath, mountVolumes, type Mount } from './volumes.ts';

type AnyObj = Record<string, any>;
const PODS = rtOf('pods');
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface KubeletOptions {
  /** Interpreter used for `python`/`python3` commands. */
  python: string;
  /** Local model directory substituted for model ids that would be downloaded. */
  tinyModelDir?: string;
  /** Root of the DYN_FILE_KV directories (one per namespace: the simulated cluster's discovery plane). */
  fileKvDir: string;
  /** Per-pod working dirs and logs. */
  workDir: string;
  /** Images matching this never pull (ErrImagePull / ImagePullBackOff). */
  unpullableImages?: RegExp;
  /** Scale factor for probe initialDelaySeconds/periodSeconds (default 0.1: 10 s -> 1 s). */
  probeTimeScale?: number;
  /** Containers without a readiness probe are Ready after running this long (default 1000 ms). */
  readyAfterMs?: number;
  /** First crash back-off (default 1000 ms; the real kubelet uses 10 s), doubled per crash. */
  crashBackoffBaseMs?: number;
  crashBackoffMaxMs?: number;
  /**
   * Upper bound for the grace period before SIGKILL. Default: none, as a real kubelet (the operator
   * asks 60 s; containers that exit on SIGTERM end at once). Tests may shorten it.
   */
  maxGraceSeconds?: number;
  /**
   * How long a new frontend takes to discover its workers (real: Kubernetes discovery after the pod
   * is Ready). Passed as STANDIN_DISCOVERY_DELAY_MS; the fake-graph frontends list no model and answer
   * /health 200 "No endpoints available" until then. Real Dynamo processes here use file discovery and
   * see workers at once.
   */
  discoveryDelayMs?: number;
  /** Run liveness probes (restart on failure). Off by default: a loaded 2-core CI box makes them flaky. */
  liveness?: boolean;
  /** Command for images that are run without `command` (the image's entrypoint). */
  imageCommands?: { pattern: RegExp; command: string[] }[];
  /**
   * Executables baked into images, e.g. a vendor's wrapper script: argv[0] → the argv it runs,
   * with '$@' for the container's other arguments. Nothing in the pod spec shows what such a
   * script passes (a mode pinned there is invisible).
   */
  commandAliases?: Record<string, string[]>;
  /** Extra environment for every process (e.g. PYTHONUNBUFFERED). */
  extraEnv?: Record<string, string>;
  /** The Node that runs Node-image containers (images.ts): the project's Node 24. */
  nodeBinary?: string;
  /** A directory holding `node` → nodeBinary, put first on Node-image containers' PATH. */
  nodeImageBin?: string;
  /** More Node 24 images than the official ones: a mirror's references or patterns. */
  nodeImages?: (string | RegExp)[];
  /** Cluster DNS for Node-image containers: the Services' hosts file and the preload (pod-dns.mjs). */
  clusterDns?: { hostsFile: string; preload: string };
  events: EventRecorder;
}

interface ContainerRt {
  name: string;
  spec: AnyObj;
  proc?: ChildProcess;
  state: AnyObj; // waiting | running | terminated
  lastState: AnyObj;
  restartCount: number;
  ready: boolean;
  started: boolean;
  startedAtMs?: number;
  containerID?: string;
  timers: Set<NodeJS.Timeout>;
  pullFailures: number;
  stopping: boolean;
  logPath: string;
  /** Each line with the time the runtime read it (the CRI log's timestamps), current and previous run. */
  lines: LogLine[];
  previousLines: LogLine[];
  generation: number; // increments per process start, to ignore stale callbacks
  /** How its image runs (images.ts), and its mounts of the pod's materialised volumes. */
  kind?: ImageKind;
  mounts: Mount[];
}

interface LogLine {
  timeMs: number;
  /** RFC3339Nano as the kubelet prints it with `timestamps=true`. */
  stamp: string;
  text: string;
}

// Lines kept per container run; the kubelet rotates at 10 MiB (containerLogMaxSize).
const MAX_LOG_LINES = 100_000;

export interface LogOptions {
  tailLines?: number;
  previous?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
}

interface PodRt {
  uid: string;
  ns: string;
  name: string;
  dir: string;
  ports: Map<number, number>; // containerPort -> host port
  containers: ContainerRt[];
  terminating: boolean;
  gone: boolean;
  statusQueued: boolean;
  startTime: string;
  /** The pod's volumes once materialised (volumes.ts): name → directory. */
  volumes?: Map<string, string>;
}

const ALL_PGIDS = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of ALL_PGIDS) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
}

const handedOut = new Set<number>();

function tryBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.unref();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A free loopback port below 32768: Dynamo reads DYN_SYSTEM_PORT as a signed 16-bit value, so the
 * kernel's ephemeral range (32768+) cannot be used for mapped container ports.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = 20000 + Math.floor(Math.random() * 12000);
    if (handedOut.has(p)) continue;
    if (await tryBind(p)) {
      handedOut.add(p);
      if (handedOut.size > 5000) handedOut.clear();
      return p;
    }
  }
  throw new Error('no free port in 20000-32000');
}

export class Kubelet {
  private store: Store;
  private opts: KubeletOptions;
  private pods = new Map<string, PodRt>(); // uid -> runtime
  private unsub: () => void;
  private stopped = false;

  constructor(store: Store, opts: KubeletOptions) {
    this.store = store;
    this.opts = opts;
    installExitHook();
    mkdirSync(opts.workDir, { recursive: true });
    mkdirSync(opts.fileKvDir, { recursive: true });
    this.unsub = store.onEvent((e) => this.onEvent(e));
  }

  /** Host port the pod's containerPort is reachable on (127.0.0.1), if any. */
  hostPort(ns: string, pod: string, containerPort: number): number | undefined {
    for (const p of this.pods.values())
      if (p.ns === ns && p.name === pod && !p.gone) return p.ports.get(containerPort);
    return undefined;
  }

  /** Process ids of a pod's containers (for tests). */
  processes(ns: string, pod: string): { container: string; pid?: number; logPath: string }[] {
    for (const p of this.pods.values()) {
      if (p.ns === ns && p.name === pod)
        return p.containers.map((c) => ({ container: c.name, pid: c.proc?.pid, logPath: c.logPath }));
    }
    return [];
  }

  runningPids(): number[] {
    const out: number[] = [];
    for (const p of this.pods.values())
      for (const c of p.containers)
        if (c.proc?.pid && c.proc.exitCode === null && c.proc.signalCode === null) out.push(c.proc.pid);
    return out;
  }

  dial(ns: string, podName: string, port: number): Promise<net.Socket> {
    const pod = this.store.get(PODS, ns, podName);
    const uid = pod?.metadata.uid ?? '';
    const fail = (why: string) =>
      new Error(
        `an error occurred forwarding ${port} -> ${port}: error forwarding port ${port} to pod ${uid}, uid : failed to connect to localhost:${port} inside namespace "${podName}", IPv4: dial tcp4 127.0.0.1:${port}: connect: ${why} IPv6 dial tcp6 [::1]:${port}: connect: ${why} `,
      );
    const hp = this.hostPort(ns, podName, port);
    if (!hp) return Promise.reject(fail('connection refused'));
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: hp });
      s.once('connect', () => resolve(s));
      s.once('error', (e: NodeJS.ErrnoException) =>
        reject(fail(e.code === 'ECONNREFUSED' ? 'connection refused' : e.message)),
      );
    });
  }

  /**
   * A container's log as the kubelet serves pods/log (pkg/kubelet/kuberuntime/logs ReadLogs): the
   * last `tailLines`, then only lines stamped at or after `sinceTime` / now − `sinceSeconds`,
   * optionally prefixed with their RFC3339Nano timestamp, cut after `limitBytes` bytes.
   */
  log(ns: string, podName: string, container: string | undefined, opts: LogOptions): string {
    for (const p of this.pods.values()) {
      if (p.ns !== ns || p.name !== podName) continue;
      const c = container ? p.containers.find((x) => x.name === container) : p.containers[0];
      if (!c) break;
      let lines = opts.previous ? c.previousLines : c.lines;
      if (lines.length === 0) {
        const path = opts.previous ? `${c.logPath}.previous` : c.logPath;
        if (!existsSync(path)) return '';
        const raw = readFileSync(path, 'utf8').split('\n');
        if (raw[raw.length - 1] === '') raw.pop();
        lines = raw.map((text) => ({ timeMs: 0, stamp: rfc3339Nano(0), text }));
      }
      if (opts.tailLines !== undefined) lines = opts.tailLines <= 0 ? [] : lines.slice(-opts.tailLines);
      const since =
        opts.sinceTime !== undefined
          ? Date.parse(opts.sinceTime)
          : opts.sinceSeconds !== undefined
            ? Date.now() - opts.sinceSeconds * 1000
            : undefined;
      if (since !== undefined && Number.isFinite(since)) lines = lines.filter((l) => l.timeMs >= since);
      let text = lines.map((l) => `${opts.timestamps ? `${l.stamp} ` : ''}${l.text}\n`).join('');
      if (opts.limitBytes !== undefined && opts.limitBytes > 0) {
        const bytes = Buffer.from(text, 'utf8');
        if (bytes.length > opts.limitBytes) text = bytes.subarray(0, opts.limitBytes).toString('utf8');
      }
      return text;
    }
    return '';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsub();
    await Promise.all([...this.pods.values()].map((p) => this.killPod(p, 1)));
    this.pods.clear();
  }

  // ---- event handling ------------------------------------------------------------------------
  private onEvent(e: StoreEvent): void {
    if (e.rt.plural !== 'pods' || this.stopped) return;
    const pod = e.object;
    const uid = pod.metadata.uid;
    const rt = this.pods.get(uid);
    if (e.type === 'DELETED') {
      if (rt) {
        rt.gone = true;
        void this.killPod(rt, 0).then(() => this.pods.delete(uid));
      }
      return;
    }
    if (pod.spec?.nodeName !== NODE_NAME) return;
    if (!rt) {
      if (pod.metadata.deletionTimestamp) {
        this.safeRemove(pod.metadata.namespace!, pod.metadata.name, uid);
        return;
      }
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
      this.startPod(pod);
      return;
    }
    if (pod.metadata.deletionTimestamp && !rt.terminating) {
      rt.terminating = true;
      const grace = Math.min(
        pod.metadata.deletionGracePeriodSeconds ?? 30,
        this.opts.maxGraceSeconds ?? Infinity,
      );
      for (const c of rt.containers) {
        if (c.proc && c.state.running)
          this.opts.events.record(
            pod,
            'Normal',
            'Killing',
            `Stopping container ${c.name}`,
            'kubelet',
            `spec.containers{${c.name}}`,
          );
      }
      void this.killPod(rt, grace).then(() => {
        rt.gone = true;
        this.pods.delete(uid);
        this.safeRemove(rt.ns, rt.name, uid);
      });
    }
  }

  private safeRemove(ns: string, name: string, uid: string): void {
    const cur = this.store.get(PODS, ns, name);
    if (cur && cur.metadata.uid === uid) {
      try {
        this.store.remove(PODS, ns, name);
      } catch {
        /* gone */
      }
    }
  }

  private startPod(pod: K8sObject): void {
    const uid = pod.metadata.uid;
    const dir = join(this.opts.workDir, `${pod.metadata.namespace}_${pod.metadata.name}_${uid.slice(0, 8)}`);
    mkdirSync(dir, { recursive: true });
    const rt: PodRt = {
      uid,
      ns: pod.metadata.namespace!,
      name: pod.metadata.name,
      dir,
      ports: new Map(),
      containers: (pod.spec.containers ?? []).map((c: AnyObj) => ({
        name: c.name,
        spec: c,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
        restartCount: 0,
        ready: false,
        started: false,
        timers: new Set(),
        pullFailures: 0,
        stopping: false,
        logPath: join(dir, `${c.name}.log`),
        lines: [],
        previousLines: [],
        generation: 0,
        mounts: [],
      })),
      terminating: false,
      gone: false,
      statusQueued: false,
      startTime: now(),
    };
    this.pods.set(uid, rt);
    this.queueStatus(rt);
    void (async () => {
      for (const c of pod.spec.containers ?? []) {
        for (const p of c.ports ?? []) {
          if (!rt.ports.has(p.containerPort)) rt.ports.set(p.containerPort, await freePort());
        }
      }
      for (const c of rt.containers) this.pullAndStart(rt, c);
    })();
  }

  private podObj(rt: PodRt): K8sObject | undefined {
    const p = this.store.get(PODS, rt.ns, rt.name);
    return p && p.metadata.uid === rt.uid ? p : undefined;
  }

  private timer(c: ContainerRt, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      c.timers.delete(t);
      fn();
    }, ms);
    c.timers.add(t);
  }

  private pullAndStart(rt: PodRt, c: ContainerRt): void {
    if (rt.terminating || rt.gone || this.stopped) return;
    const pod = this.podObj(rt);
    if (!pod) return;
    const image = String(c.spec.image ?? '');
    const field = `spec.containers{${c.name}}`;
    const ev = (type: 'Normal' | 'Warning', reason: string, msg: string) =>
      this.opts.events.record(pod, type, reason, msg, 'kubelet', field);
    // Volumes are set up before any image is pulled; a missing ConfigMap/Secret holds the pod.
    if (!rt.volumes) {
      try {
        rt.volumes = mountVolumes(this.store, pod, rt.dir);
      } catch (e) {
        if (!(e instanceof MountError)) throw e;
        this.opts.events.record(pod, 'Warning', 'FailedMount', e.message, 'kubelet');
        this.timer(c, 2000, () => this.pullAndStart(rt, c));
        return;
      }
    }
    c.mounts = containerMounts(c.spec, rt.volumes);
    c.kind = imageKind(image, this.opts);
    // An image the stand-in cannot run fails as one no registry has.
    if ((this.opts.unpullableImages && this.opts.unpullableImages.test(image)) || c.kind === 'unknown') {
      c.pullFailures++;
      ev('Normal', 'Pulling', `Pulling image "${image}"`);
      const failure = pullFailure(image);
      ev('Warning', 'Failed', failure.event);
      ev('Warning', 'Failed', 'Error: ErrImagePull');
      c.state = { waiting: { reason: 'ErrImagePull', message: failure.message } };
      this.queueStatus(rt);
      const backoff = Math.min(
        (this.opts.crashBackoffBaseMs ?? 1000) * 2 ** (c.pullFailures - 1),
        this.opts.crashBackoffMaxMs ?? 20000,
      );
      this.timer(c, 300, () => {
        if (rt.terminating || rt.gone) return;
        c.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } };
        const p = this.podObj(rt);
        if (p) {
          this.opts.events.record(
            p,
            'Normal',
            'BackOff',
            `Back-off pulling image "${image}"`,
            'kubelet',
            field,
          );
          this.opts.events.record(p, 'Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet', field);
        }
        this.queueStatus(rt);
      });
      this.timer(c, backoff + 300, () => this.pullAndStart(rt, c));
      return;
    }
    if (c.restartCount === 0 && c.generation === 0)
      ev('Normal', 'Pulled', `Container image "${image}" already present on machine`);
    let env: Record<string, string>;
    let argv: string[];
    try {
      env = this.resolveEnv(pod, c.spec);
      argv = (c.kind === 'node' ? this.nodeCommand(c.spec, env) : this.resolveCommand(rt, c.spec, env)).map(
        (a) => mapPath(a, c.mounts),
      );
    } catch (e) {
      const msg = (e as Error).message;
      c.state = { waiting: { reason: 'CreateContainerConfigError', message: msg } };
      ev('Warning', 'Failed', `Error: ${msg}`);
      this.queueStatus(rt);
      this.timer(c, 2000, () => this.pullAndStart(rt, c));
      return;
    }
    this.spawnContainer(rt, c, pod, argv, env);
  }

  private resolveEnv(pod: AnyObj, spec: AnyObj): Record<string, string> {
    const ns = pod.metadata.namespace;
    const out: Record<string, string> = {};
    const secretData = (name: string, optional: boolean): Record<string, string> | undefined => {
      const s = this.store.get(rtOf('secrets'), ns, name);
      if (!s) {
        if (optional) return undefined;
        throw new Error(`secret "${name}" not found`);
      }
      const d: Record<string, string> = {};
      for (const [k, v] of Object.entries<string>(s.data ?? {}))
        d[k] = Buffer.from(v, 'base64').toString('utf8');
      return d;
    };
    const cmData = (name: string, optional: boolean): Record<string, string> | undefined => {
      const c = this.store.get(rtOf('configmaps'), ns, name);
      if (!c) {
        if (optional) return undefined;
        throw new Error(`configmap "${name}" not found`);
      }
      return { ...(c.data ?? {}) };
    };
    for (const ef of spec.envFrom ?? []) {
      const prefix = ef.prefix ?? '';
      const data = ef.secretRef
        ? secretData(ef.secretRef.name, !!ef.secretRef.optional)
        : ef.configMapRef
          ? cmData(ef.configMapRef.name, !!ef.configMapRef.optional)
          : undefined;
      for (const [k, v] of Object.entries(data ?? {})) out[prefix + k] = v;
    }
    for (const e of spec.env ?? []) {
      if (e.value !== undefined) {
        out[e.name] = expand(String(e.value), out);
      } else if (e.valueFrom?.fieldRef) {
        out[e.name] = fieldRef(pod, e.valueFrom.fieldRef.fieldPath);
      } else if (e.valueFrom?.secretKeyRef) {
        const r = e.valueFrom.secretKeyRef;
        const d = secretData(r.name, !!r.optional);
        if (d && d[r.key] === undefined && !r.optional)
          throw new Error(`couldn't find key ${r.key} in Secret ${ns}/${r.name}`);
        if (d && d[r.key] !== undefined) out[e.name] = d[r.key];
      } else if (e.valueFrom?.configMapKeyRef) {
        const r = e.valueFrom.configMapKeyRef;
        const d = cmData(r.name, !!r.optional);
        if (d && d[r.key] === undefined && !r.optional)
          throw new Error(`couldn't find key ${r.key} in ConfigMap ${ns}/${r.name}`);
        if (d && d[r.key] !== undefined) out[e.name] = d[r.key];
      } else if (e.valueFrom?.resourceFieldRef) {
        out[e.name] = '0';
      } else out[e.name] = '';
    }
    return out;
  }

  /** A Node image's argv: its command, else its entrypoint's rules; `node` is the project's Node 24. */
  private nodeCommand(spec: AnyObj, env: Record<string, string>): string[] {
    const command: string[] = (spec.command ?? []).map((s: string) => expand(String(s), env));
    const args: string[] = (spec.args ?? []).map((s: string) => expand(String(s), env));
    const argv = command.length ? [...command, ...args] : nodeEntrypoint(args);
    if (NODE_PATHS.has(argv[0])) argv[0] = this.opts.nodeBinary ?? process.execPath;
    return argv;
  }

  /** argv with the simulated cluster's rewrites (python, ports, discovery, model ids). */
  private resolveCommand(rt: PodRt, spec: AnyObj, env: Record<string, string>): string[] {
    let command: string[] = (spec.command ?? []).map((s: string) => expand(String(s), env));
    const args: string[] = (spec.args ?? []).map((s: string) => expand(String(s), env));
    if (!command.length) {
      const image = String(spec.image ?? '');
      const entry = (this.opts.imageCommands ?? DEFAULT_IMAGE_COMMANDS).find((x) => x.pattern.test(image));
      if (!entry)
        throw new Error(
          `failed to create containerd task: the stand-in has no entrypoint for image "${image}"; set command`,
        );
      command = [...entry.command];
      // `args: [-m, module, ...]` replaces the image's CMD; other args extend the default command
      if (args[0] === '-m') command = [command[0]];
    }
    let argv = [...command, ...args];
    const alias = this.opts.commandAliases?.[argv[0]];
    if (alias) {
      // '$@' in the alias stands for the container's remaining argv, as in a shell wrapper.
      const rest = argv.slice(1);
      const at = alias.indexOf('$@');
      argv = at < 0 ? [...alias, ...rest] : [...alias.slice(0, at), ...rest, ...alias.slice(at + 1)];
    }
    // python -> project venv, node -> this Node
    if (/^(python|python3(\.\d+)?)$/.test(argv[0])) argv[0] = this.opts.python;
    else if (argv[0] === 'node') argv[0] = process.execPath;
    argv = this.rewriteArgs(rt, argv);
    return argv;
  }

  private rewriteArgs(rt: PodRt, argv: string[]): string[] {
    const out: string[] = [];
    const mapPort = (v: string) => {
      const n = Number(v);
      const hp = rt.ports.get(n);
      return hp ? String(hp) : v;
    };
    let modelId: string | undefined;
    let hasModelName = false;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      const [flag, inline] =
        a.startsWith('--') && a.includes('=')
          ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
          : [a, undefined];
      const takeValue = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
      switch (flag) {
        case '--http-port':
        case '--system-port': {
          const v = takeValue();
          out.push(flag, v === undefined ? '' : mapPort(v));
          continue;
        }
        case '--http-host': {
          takeValue();
          out.push(flag, '127.0.0.1');
          continue;
        }
        case '--discovery-backend': {
          takeValue();
          out.push(flag, 'file');
          continue;
        }
        case '--request-plane': {
          const v = takeValue();
          out.push(flag, v === 'nats' ? 'tcp' : (v ?? 'tcp'));
          continue;
        }
        case '--event-plane': {
          const v = takeValue();
          out.push(flag, v === 'nats' ? 'zmq' : (v ?? 'zmq'));
          continue;
        }
        case '--model-path': {
          const v = takeValue() ?? '';
          if (this.opts.tinyModelDir && !existsSync(v) && /^[\w.-]+\/[\w.-]+$/.test(v)) {
            modelId = v;
            out.push(flag, this.opts.tinyModelDir);
          } else out.push(flag, v);
          continue;
        }
        case '--planner-profile-data': {
          const v = takeValue() ?? '';
          if (existsSync(v)) out.push(flag, v); // an in-image path: dropped (documented)
          continue;
        }
        case '--model-name':
          hasModelName = true;
          out.push(a);
          continue;
        default:
          out.push(a);
      }
    }
    if (modelId && !hasModelName) out.push('--model-name', modelId);
    return out;
  }

  private processEnv(rt: PodRt, c: ContainerRt, env: Record<string, string>): Record<string, string> {
    const base: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      LANG: process.env.LANG ?? 'C.UTF-8',
      HOSTNAME: rt.name,
      TMPDIR: rt.dir,
      PYTHONUNBUFFERED: '1',
      ...(this.opts.extraEnv ?? {}),
    };
    const e: Record<string, string> = { ...base };
    for (const [k, v] of Object.entries(env)) e[k] = mapPath(v, c.mounts);
    if (c.kind === 'node') {
      // A Node image: its `node` first on PATH, and cluster DNS for Service names (pod-dns.mjs).
      if (this.opts.nodeImageBin) e.PATH = `${this.opts.nodeImageBin}:${e.PATH}`;
      const dns = this.opts.clusterDns;
      if (dns) {
        e.STANDIN_CLUSTER_DNS = dns.hostsFile;
        e.STANDIN_POD_NAMESPACE = rt.ns;
        const preload = `--import=${pathToFileURL(dns.preload).href}`;
        e.NODE_OPTIONS = e.NODE_OPTIONS ? `${preload} ${e.NODE_OPTIONS}` : preload;
      }
      return e;
    }
    // the simulated cluster network (see README): file discovery, loopback ports, no NATS/etcd
    e.DYN_DISCOVERY_BACKEND = 'file';
    // one discovery directory per Kubernetes namespace, as the operator's kubernetes discovery is namespace-scoped
    e.DYN_FILE_KV = join(this.opts.fileKvDir, rt.ns);
    mkdirSync(e.DYN_FILE_KV, { recursive: true });
    e.DYN_HTTP_HOST = '127.0.0.1';
    // Kubernetes discovery takes a while to find the workers; the fake frontends honour this.
    if (this.opts.discoveryDelayMs) e.STANDIN_DISCOVERY_DELAY_MS = String(this.opts.discoveryDelayMs);
    const httpPort = (c.spec.ports ?? []).find((p: AnyObj) => p.name === 'http')?.containerPort;
    for (const k of ['DYN_HTTP_PORT', 'DYN_SYSTEM_PORT']) {
      if (e[k] !== undefined && rt.ports.has(Number(e[k]))) e[k] = String(rt.ports.get(Number(e[k])));
    }
    if (e.DYN_HTTP_PORT === undefined && httpPort && rt.ports.has(httpPort))
      e.DYN_HTTP_PORT = String(rt.ports.get(httpPort));
    if (e.DYN_REQUEST_PLANE === 'nats') e.DYN_REQUEST_PLANE = 'tcp';
    if (e.DYN_EVENT_PLANE === 'nats') e.DYN_EVENT_PLANE = 'zmq';
    delete e.NATS_SERVER;
    delete e.ETCD_ENDPOINTS;
    e.HF_HUB_OFFLINE = '1';
    e.TRANSFORMERS_OFFLINE = '1';
    for (const [cp, hp] of rt.ports) e[`STANDIN_PORT_${cp}`] = String(hp);
    return e;
  }

  private spawnContainer(
    rt: PodRt,
    c: ContainerRt,
    pod: AnyObj,
    argv: string[],
    env: Record<string, string>,
  ): void {
    const field = `spec.containers{${c.name}}`;
    const workingDir = c.spec.workingDir ? mapPath(String(c.spec.workingDir), c.mounts) : undefined;
    const wd =
      workingDir && existsSync(workingDir) && statSync(workingDir).isDirectory() ? workingDir : rt.dir;
    if (existsSync(c.logPath) && c.generation > 0) {
      try {
        renameSync(c.logPath, `${c.logPath}.previous`);
      } catch {
        /* ignore */
      }
      c.previousLines = c.lines;
      c.lines = [];
    }
    let proc: ChildProcess;
    const penv = this.processEnv(rt, c, env);
    try {
      // Through pipes, like a container runtime: each line is stamped when read (CRI log format).
      proc = spawn(argv[0], argv.slice(1), {
        cwd: wd,
        env: penv,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      this.onExit(rt, c, 128, null, `StartError: ${(e as Error).message}`);
      return;
    }
    const fd = openSync(c.logPath, 'a');
    const lines = c.lines;
    let open = 2;
    const capture = (stream: NodeJS.ReadableStream | null) => {
      let partial = '';
      const add = (text: string) => {
        const t = Date.now();
        lines.push({ timeMs: t, stamp: rfc3339Nano(t), text });
        if (lines.length > MAX_LOG_LINES) lines.splice(0, lines.length - MAX_LOG_LINES);
      };
      if (!stream) {
        if (--open === 0) closeSync(fd);
        return;
      }
      stream.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        try {
          writeSync(fd, text);
        } catch {
          /* the pod dir is gone */
        }
        const parts = (partial + text).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) add(line);
      });
      stream.on('close', () => {
        if (partial) add(partial);
        partial = '';
        if (--open === 0) closeSync(fd);
      });
    };
    capture(proc.stdout);
    capture(proc.stderr);
    c.generation++;
    const gen = c.generation;
    c.proc = proc;
    if (proc.pid) ALL_PGIDS.add(proc.pid);
    c.containerID = `containerd://${createHash('sha256').update(`${rt.uid}/${c.name}/${gen}/${Date.now()}`).digest('hex')}`;
    c.startedAtMs = Date.now();
    c.state = { running: { startedAt: now() } };
    c.ready = false;
    c.started = !c.spec.startupProbe;
    this.opts.events.record(pod, 'Normal', 'Created', `Created container: ${c.name}`, 'kubelet', field);
    this.opts.events.record(pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet', field);
    this.queueStatus(rt);
    let spawnError: string | undefined;
    proc.on('error', (err) => {
      spawnError = err.message;
    });
    proc.on('exit', (code, signal) => {
      if (proc.pid) ALL_PGIDS.delete(proc.pid);
      // kill the rest of the process group (children of the container's main process)
      if (proc.pid) {
        try {
          process.kill(-proc.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      if (gen !== c.generation) return;
      this.onExit(
        rt,
        c,
        code ?? (signal ? 128 + (SIGNALS[signal] ?? 9) : 1),
        signal,
        spawnError ? `StartError: ${spawnError}` : undefined,
      );
    });
    this.startProbes(rt, c, gen);
  }

  private onExit(
    rt: PodRt,
    c: ContainerRt,
    exitCode: number,
    signal: NodeJS.Signals | null,
    startError?: string,
  ): void {
    c.proc = undefined;
    c.ready = false;
    for (const t of c.timers) clearTimeout(t);
    c.timers.clear();
    const terminated: AnyObj = {
      exitCode,
      reason: startError ? 'StartError' : exitCode === 0 ? 'Completed' : 'Error',
      startedAt: c.state.running?.startedAt ?? now(),
      finishedAt: now(),
      containerID: c.containerID,
    };
    if (startError) terminated.message = startError;
    if (signal) terminated.signal = SIGNALS[signal];
    if (rt.terminating || rt.gone || this.stopped || c.stopping) {
      c.state = { terminated };
      this.queueStatus(rt);
      return;
    }
    const pod = this.podObj(rt);
    const policy = pod?.spec?.restartPolicy ?? 'Always';
    const restart = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    if (!restart) {
      // lastState is the previous run's end: a container that is not restarted keeps it.
      c.state = { terminated };
      this.queueStatus(rt);
      return;
    }
    c.lastState = { terminated };
    const n = c.restartCount; // crashes so far before this one
    const delay =
      n === 0
        ? 0
        : Math.min(
            (this.opts.crashBackoffBaseMs ?? 1000) * 2 ** (n - 1),
            this.opts.crashBackoffMaxMs ?? 20000,
          );
    if (delay > 0 && pod) {
      const secs = Math.max(1, Math.round(delay / 1000));
      c.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${secs}s restarting failed container=${c.name} pod=${rt.name}_${rt.ns}(${rt.uid})`,
        },
      };
      this.opts.events.record(
        pod,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${rt.name}_${rt.ns}(${rt.uid})`,
        'kubelet',
        `spec.containers{${c.name}}`,
      );
    } else {
      c.state = { terminated };
    }
    this.queueStatus(rt);
    this.timer(c, delay, () => {
      if (rt.terminating || rt.gone || this.stopped) return;
      c.restartCount++;
      this.pullAndStart(rt, c);
    });
  }

  // ---- probes --------------------------------------------------------------------------------
  private startProbes(rt: PodRt, c: ContainerRt, gen: number): void {
    const scale = this.opts.probeTimeScale ?? 0.1;
    const alive = () => gen === c.generation && c.proc && !rt.gone && !this.stopped;
    const period = (p: AnyObj) => Math.min(Math.max((p.periodSeconds ?? 10) * 1000 * scale, 250), 2000);
    const startup = c.spec.startupProbe;
    const readiness = c.spec.readinessProbe;
    const liveness = this.opts.liveness ? c.spec.livenessProbe : undefined;
    const runReadiness = () => {
      if (!readiness) {
        this.timer(c, this.opts.readyAfterMs ?? 1000, () => {
          if (!alive()) return;
          c.ready = true;
          this.queueStatus(rt);
        });
        return;
      }
      let failures = 0;
      let warned = false;
      const tick = async () => {
        if (!alive()) return;
        const r = await this.probe(rt, c, readiness);
        if (!alive()) return;
        if (r.ok) {
          failures = 0;
          warned = false;
          if (!c.ready) {
            c.ready = true;
            this.queueStatus(rt);
          }
        } else {
          failures++;
          if (failures >= (readiness.failureThreshold ?? 3) && c.ready) {
            c.ready = false;
            this.queueStatus(rt);
          }
          if (!warned && failures >= 2) {
            warned = true;
            const pod = this.podObj(rt);
            if (pod)
              this.opts.events.record(
                pod,
                'Warning',
                'Unhealthy',
                `Readiness probe failed: ${r.why}`,
                'kubelet',
                `spec.containers{${c.name}}`,
              );
          }
        }
        this.timer(c, period(readiness), () => void tick());
      };
      this.timer(c, (readiness.initialDelaySeconds ?? 0) * 1000 * scale, () => void tick());
    };
    const runLiveness = () => {
      if (!liveness) return;
      let failures = 0;
      const tick = async () => {
        if (!alive()) return;
        const r = await this.probe(rt, c, liveness);
        if (!alive()) return;
        if (r.ok) failures = 0;
        else if (++failures >= (liveness.failureThreshold ?? 3)) {
          const pod = this.podObj(rt);
          if (pod) {
            this.opts.events.record(
              pod,
              'Warning',
              'Unhealthy',
              `Liveness probe failed: ${r.why}`,
              'kubelet',
              `spec.containers{${c.name}}`,
            );
            this.opts.events.record(
              pod,
              'Normal',
              'Killing',
              `Container ${c.name} failed liveness probe, will be restarted`,
              'kubelet',
              `spec.containers{${c.name}}`,
            );
          }
          if (c.proc?.pid) killGroup(c.proc.pid, 'SIGKILL');
          return;
        }
        this.timer(c, period(liveness), () => void tick());
      };
      this.timer(c, (liveness.initialDelaySeconds ?? 0) * 1000 * scale, () => void tick());
    };
    if (startup) {
      let failures = 0;
      const tick = async () => {
        if (!alive()) return;
        const r = await this.probe(rt, c, startup);
        if (!alive()) return;
        if (r.ok) {
          c.started = true;
          this.queueStatus(rt);
          runReadiness();
          runLiveness();
          return;
        }
        if (++failures >= (startup.failureThreshold ?? 3)) {
          if (c.proc?.pid) killGroup(c.proc.pid, 'SIGKILL');
          return;
        }
        this.timer(c, Math.min(period(startup), 500), () => void tick());
      };
      this.timer(c, (startup.initialDelaySeconds ?? 0) * 1000 * scale, () => void tick());
    } else {
      runReadiness();
      runLiveness();
    }
  }

  private probe(rt: PodRt, c: ContainerRt, p: AnyObj): Promise<{ ok: boolean; why?: string }> {
    const timeoutMs = Math.max(p.timeoutSeconds ?? 1, 2) * 1000;
    const portOf = (port: unknown): number | undefined => {
      let n: number | undefined;
      if (typeof port === 'string' && !/^\d+$/.test(port))
        n = (c.spec.ports ?? []).find((x: AnyObj) => x.name === port)?.containerPort;
      else n = Number(port);
      return n === undefined ? undefined : rt.ports.get(n);
    };
    if (p.httpGet) {
      const hp = portOf(p.httpGet.port);
      if (!hp)
        return Promise.resolve({
          ok: false,
          why: `Get "http://127.0.0.1:${p.httpGet.port}${p.httpGet.path ?? '/'}": dial tcp 127.0.0.1:${p.httpGet.port}: connect: connection refused`,
        });
      return new Promise((resolve) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port: hp,
            path: p.httpGet.path ?? '/',
            timeout: timeoutMs,
            headers: { 'User-Agent': 'kube-probe/1.32' },
          },
          (res) => {
            res.resume();
            const code = res.statusCode ?? 0;
            resolve(
              code >= 200 && code < 400
                ? { ok: true }
                : { ok: false, why: `HTTP probe failed with statuscode: ${code}` },
            );
          },
        );
        req.on('timeout', () => {
          req.destroy();
          resolve({
            ok: false,
            why: `Get "http://127.0.0.1:${p.httpGet.port}${p.httpGet.path}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          });
        });
        req.on('error', (e: NodeJS.ErrnoException) =>
          resolve({
            ok: false,
            why: `Get "http://127.0.0.1:${p.httpGet.port}${p.httpGet.path ?? '/'}": dial tcp 127.0.0.1:${p.httpGet.port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`,
          }),
        );
      });
    }
    if (p.tcpSocket) {
      const hp = portOf(p.tcpSocket.port);
      if (!hp)
        return Promise.resolve({
          ok: false,
          why: `dial tcp 127.0.0.1:${p.tcpSocket.port}: connect: connection refused`,
        });
      return new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port: hp });
        s.setTimeout(timeoutMs);
        s.once('connect', () => {
          s.destroy();
          resolve({ ok: true });
        });
        s.once('error', () =>
          resolve({ ok: false, why: `dial tcp 127.0.0.1:${p.tcpSocket.port}: connect: connection refused` }),
        );
        s.once('timeout', () => {
          s.destroy();
          resolve({ ok: false, why: 'timeout' });
        });
      });
    }
    if (p.exec?.command?.length) {
      return new Promise((resolve) => {
        const argv: string[] = p.exec.command;
        const bin = /^(python|python3(\.\d+)?)$/.test(argv[0]) ? this.opts.python : argv[0];
        const child = spawn(bin, argv.slice(1), { cwd: rt.dir, stdio: 'ignore', timeout: timeoutMs });
        child.on('error', () => resolve({ ok: false, why: 'exec failed' }));
        child.on('exit', (code) =>
          resolve(code === 0 ? { ok: true } : { ok: false, why: `command exited with ${code}` }),
        );
      });
    }
    return Promise.resolve({ ok: true });
  }

  // ---- status --------------------------------------------------------------------------------
  private queueStatus(rt: PodRt): void {
    if (rt.statusQueued || rt.gone) return;
    rt.statusQueued = true;
    setImmediate(() => {
      rt.statusQueued = false;
      if (rt.gone || this.stopped) return;
      try {
        this.writeStatus(rt);
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code === 409) this.queueStatus(rt);
        else if (code !== 404) console.error('[stand-in] kubelet status update failed', e);
      }
    });
  }

  private writeStatus(rt: PodRt): void {
    const pod = this.podObj(rt);
    if (!pod) return;
    const prev: AnyObj = pod.status ?? {};
    const prevConds: AnyObj[] = prev.conditions ?? [];
    const cond = (type: string, ok: boolean, reason?: string) => {
      const p = prevConds.find((x) => x.type === type);
      const status = ok ? 'True' : 'False';
      const c: AnyObj = {
        type,
        status,
        lastProbeTime: null,
        lastTransitionTime: p && p.status === status ? p.lastTransitionTime : now(),
      };
      if (!ok && reason) c.reason = reason;
      return c;
    };
    const statuses = rt.containers.map((c) => {
      const s: AnyObj = {
        name: c.name,
        state: c.state,
        lastState: c.lastState,
        ready: c.ready,
        restartCount: c.restartCount,
        image: c.spec.image,
        imageID: c.containerID
          ? `${String(c.spec.image).split(':')[0]}@sha256:${createHash('sha256').update(String(c.spec.image)).digest('hex')}`
          : '',
        started: !!(c.state.running && c.started),
      };
      if (c.containerID) s.containerID = c.containerID;
      return s;
    });
    const allReady = rt.containers.every((c) => c.ready);
    const anyRunning = rt.containers.some((c) => c.state.running);
    const everStarted = rt.containers.some((c) => c.generation > 0);
    const allTerminated = rt.containers.every((c) => c.state.terminated);
    let phase = 'Pending';
    if (allTerminated && everStarted && !rt.containers.some((c) => c.timers.size)) {
      phase = rt.containers.every((c) => c.state.terminated.exitCode === 0) ? 'Succeeded' : 'Failed';
    } else if (anyRunning || (everStarted && rt.containers.every((c) => c.generation > 0))) phase = 'Running';
    const notReadyNames = rt.containers.filter((c) => !c.ready).map((c) => c.name);
    // A finished pod (Succeeded/Failed): the kubelet's PodCompleted reasons, its sandbox gone.
    const done = phase === 'Succeeded' || phase === 'Failed';
    const readyCond = (type: string) => {
      const c = cond(type, allReady, done ? 'PodCompleted' : 'ContainersNotReady');
      if (!allReady && !done) c.message = `containers with unready status: [${notReadyNames.join(' ')}]`;
      return c;
    };
    const initialized = cond('Initialized', true);
    if (done) initialized.reason = 'PodCompleted';
    const status: AnyObj = {
      phase,
      conditions: [
        cond('PodReadyToStartContainers', !done),
        initialized,
        readyCond('Ready'),
        readyCond('ContainersReady'),
        cond('PodScheduled', true),
      ],
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: prev.startTime ?? rt.startTime,
      containerStatuses: statuses,
      qosClass: prev.qosClass ?? 'BestEffort',
    };
    if (deepEqual(status, prev)) return;
    const next = clone(pod);
    next.status = status;
    this.store.update(PODS, next, { subresource: 'status' });
  }

  // ---- stopping ------------------------------------------------------------------------------
  private async killPod(rt: PodRt, graceSeconds: number): Promise<void> {
    await Promise.all(
      rt.containers.map(async (c) => {
        c.stopping = true;
        for (const t of c.timers) clearTimeout(t);
        c.timers.clear();
        const proc = c.proc;
        if (!proc || !proc.pid || proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        killGroup(proc.pid, 'SIGTERM');
        let t: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          t = setTimeout(() => resolve('timeout'), Math.max(graceSeconds, 0.2) * 1000);
        });
        const outcome = await Promise.race([exited.then(() => 'exited' as const), timeout]);
        clearTimeout(t);
        if (outcome === 'timeout') {
          killGroup(proc.pid, 'SIGKILL');
          let t2: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((r) => (t2 = setTimeout(r, 2000)))]);
          clearTimeout(t2);
        }
        killGroup(proc.pid, 'SIGKILL'); // leftovers in the group
      }),
    );
    if (!rt.gone && !this.stopped) this.queueStatus(rt);
  }
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  }
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGTERM: 15,
  SIGABRT: 6,
};

function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name) => {
    if (m === '$$') return '$';
    return env[name] !== undefined ? env[name] : m;
  });
}

function fieldRef(pod: AnyObj, path: string): string {
  const m = path.match(/^metadata\.(labels|annotations)\['(.+)'\]$/);
  if (m) return String(pod.metadata[m[1]]?.[m[2]] ?? '');
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.hostIP':
    case 'status.podIPs':
    case 'status.hostIPs':
      return '127.0.0.1';
    default:
      return '';
  }
}

/** `2006-01-02T15:04:05.999999999Z07:00` as Go prints it: trailing zeros of the fraction dropped. */
function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // …T15:04:05.123Z
  const [head, frac] = iso.slice(0, -1).split('.');
  const trimmed = frac.replace(/0+$/, '');
  return `${head}${trimmed ? `.${trimmed}` : ''}Z`;
}
