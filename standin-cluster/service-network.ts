// Services reachable from pods by their cluster DNS names, the stand-in's way (README "The simulated
// network"): every ClusterIP Service gets a loopback address of its own (127.64.0.0/10, picked at
// random, so clusters on one machine do not collide) with a listener on each of its ports, standing in
// for kube-proxy: a connection goes to one Ready endpoint of the Service (the Endpoints object the
// endpoints controller keeps), picked at random like kube-proxy's iptables mode, on the host port the
// kubelet mapped its target port to. The names are published in a hosts file that pod-dns.mjs reads
// inside Node processes; the Service's `spec.clusterIP` stays the address the API shows.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { renameSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { rtOf } from './controllers.ts';
import type { Store, StoreEvent } from './store.ts';

type AnyObj = Record<string, any>;
const SVC = rtOf('services');
const ENDPOINTS = rtOf('endpoints');

export interface ServiceNetworkOptions {
  /** The file pod-dns.mjs reads: `{ "<service>.<namespace>": "<address>" }`. */
  hostsFile: string;
  /** Host port (127.0.0.1) of a pod's container port, from the kubelet. */
  hostPort(ns: string, pod: string, containerPort: number): number | undefined;
}

interface Entry {
  ns: string;
  name: string;
  address: string;
  servers: Map<number, net.Server>;
}

const randomAddress = () =>
  `127.${64 + Math.floor(Math.random() * 64)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

export class ServiceNetwork {
  private store: Store;
  private opts: ServiceNetworkOptions;
  private entries = new Map<string, Entry>(); // Service uid → its address and listeners
  private sockets = new Set<net.Socket>();
  private unsub: () => void = () => {};
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(store: Store, opts: ServiceNetworkOptions) {
    this.store = store;
    this.opts = opts;
  }

  start(): void {
    this.writeHosts();
    this.unsub = this.store.onEvent((e) => this.onEvent(e));
    for (const svc of this.store.list(SVC)) this.queue(svc.metadata.uid);
  }

  /** The address a Service's DNS name resolves to in pods (for tests and the README's example). */
  addressOf(ns: string, name: string): string | undefined {
    for (const e of this.entries.values()) if (e.ns === ns && e.name === name) return e.address;
    return undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsub();
    await this.chain;
    for (const s of this.sockets) s.destroy();
    await Promise.all([...this.entries.values()].flatMap((e) => [...e.servers.values()].map(closeServer)));
    this.entries.clear();
  }

  private onEvent(e: StoreEvent): void {
    if (e.rt.plural !== 'services') return;
    if (e.type === 'DELETED') this.queue(e.object.metadata.uid, true);
    else this.queue(e.object.metadata.uid);
  }

  /** Reconcile one Service at a time (listening is asynchronous). */
  private queue(uid: string, gone = false): void {
    this.chain = this.chain
      .then(() => (this.stopped ? undefined : this.reconcile(uid, gone)))
      .catch((err) => {
        console.error('[stand-in] service network:', err);
      });
  }

  private async reconcile(uid: string, gone: boolean): Promise<void> {
    const svc = gone ? undefined : this.store.list(SVC).find((s) => s.metadata.uid === uid);
    const entry = this.entries.get(uid);
    const ports: number[] =
      svc && svc.spec?.type !== 'ExternalName' && svc.spec?.clusterIP !== 'None'
        ? (svc.spec?.ports ?? [])
            .filter((p: AnyObj) => (p.protocol ?? 'TCP') === 'TCP')
            .map((p: AnyObj) => p.port)
        : [];
    if (!svc || !ports.length) {
      if (entry) {
        this.entries.delete(uid);
        await Promise.all([...entry.servers.values()].map(closeServer));
        this.writeHosts();
      }
      return;
    }
    const e: Entry = entry ?? {
      ns: svc.metadata.namespace!,
      name: svc.metadata.name,
      address: '',
      servers: new Map(),
    };
    for (const [port, server] of e.servers)
      if (!ports.includes(port)) {
        e.servers.delete(port);
        await closeServer(server);
      }
    // Bind every port on one address; another address when one of them is taken.
    for (let attempt = 0; attempt < 20 && ports.some((p) => !e.servers.has(p)); attempt++) {
      if (!e.address || attempt > 0) {
        await Promise.all([...e.servers.values()].map(closeServer));
        e.servers.clear();
        e.address = randomAddress();
      }
      for (const port of ports) {
        if (e.servers.has(port)) continue;
        const server = await this.listen(e, port);
        if (!server) break;
        e.servers.set(port, server);
      }
    }
    this.entries.set(uid, e);
    this.writeHosts();
  }

  private listen(e: Entry, port: number): Promise<net.Server | undefined> {
    return new Promise((resolve) => {
      const server = net.createServer((socket) => this.forward(e, port, socket));
      server.once('error', () => resolve(undefined));
      server.listen(port, e.address, () => resolve(server));
    });
  }

  /** kube-proxy: one Ready endpoint, at random; none → the connection is reset. */
  private forward(e: Entry, port: number, socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const svc = this.store.get(SVC, e.ns, e.name);
    const sp = (svc?.spec?.ports ?? []).find((p: AnyObj) => p.port === port);
    const ep = this.store.get(ENDPOINTS, e.ns, e.name);
    const targets: number[] = [];
    for (const subset of (ep?.subsets ?? []) as AnyObj[]) {
      const epPort =
        (subset.ports ?? []).find((p: AnyObj) => (p.name ?? '') === (sp?.name ?? '')) ?? subset.ports?.[0];
      for (const a of (subset.addresses ?? []) as AnyObj[]) {
        const hp =
          a.targetRef?.name && epPort ? this.opts.hostPort(e.ns, a.targetRef.name, epPort.port) : undefined;
        if (hp) targets.push(hp);
      }
    }
    if (!sp || !targets.length) {
      socket.resetAndDestroy();
      return;
    }
    const upstream = net.connect({
      host: '127.0.0.1',
      port: targets[Math.floor(Math.random() * targets.length)],
    });
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => socket.resetAndDestroy());
    socket.on('error', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  }

  private writeHosts(): void {
    const hosts: Record<string, string> = {};
    for (const e of this.entries.values()) if (e.servers.size) hosts[`${e.name}.${e.ns}`] = e.address;
    const tmp = `${this.opts.hostsFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(hosts));
    renameSync(tmp, this.opts.hostsFile);
  }
}

/** Stop listening (open connections are not waited for: stop() destroys them). */
function closeServer(server: net.Server): Promise<void> {
  server.close();
  return new Promise((resolve) => setImmediate(resolve));
}
