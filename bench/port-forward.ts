// Port-forward cost: requests per second and p50 latency through the product's in-process
// port-forward (src/targets/kubernetes/forward/port-forward.ts, imported from source: the same startForward the
// action calls, with the same client-node PortForward over a v4.channel.k8s.io WebSocket) versus
// straight to the same frontend process (the pod's host port on the stand-in: the physical limit).
//
// The stand-in cluster (apiserver + kubelet + a mocker DGD of real Dynamo 1.6.1 processes) runs in
// a child process; this process holds the forward and the load generator, as the action does.
// Per round, every cell (target × request × connection policy × concurrency) sends a fixed number of
// requests through a fixed pool; cells rotate order each round. Medians over rounds of each cell's
// requests/s and p50 latency, and forward/direct ratios.
//
//   node bench/port-forward.ts [rounds=5] [requests=100]
//
// Experiments: BENCH_ONLY=<text> keeps the cells whose key (request|connections|concurrency, e.g.
// `models|keep-alive|8`) contains it; BENCH_NODELAY=1 turns Nagle off (setNoDelay) on the sockets
// the forward accepts, by wrapping net.createServer before the forward module is loaded.
import net from 'node:net';
import './support/src-hooks.ts';
import { median, percentile } from './lib.ts';
import { startStandin } from './support/standin.ts';

const rounds = Number(process.argv[2] ?? 5);
const requests = Number(process.argv[3] ?? 100);
const REQUEST_TIMEOUT_MS = 10_000;

if (process.env.BENCH_NODELAY === '1') {
  const createServer = net.createServer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (net as any).createServer = (listener: (socket: net.Socket) => void) =>
    createServer((socket) => {
      socket.setNoDelay(true);
      listener(socket);
    });
}
const { startForward } = await import('../src/targets/kubernetes/forward/port-forward.ts');
const { kubeApi } = await import('../src/targets/kubernetes/api/kube-api.ts');
const { loadCredentials } = await import('../src/targets/kubernetes/api/credentials.ts');
const { frontendServicePort, serviceSelector } =
  await import('../src/targets/kubernetes/object/service-port.ts');

type Kind = 'models' | 'chat';
type Conn = 'keep-alive' | 'new connection';
interface Cell {
  target: 'direct' | 'forward';
  kind: Kind;
  conn: Conn;
  concurrency: number;
}

const standin = await startStandin('bench', 0);
const forwardLog: string[] = [];
let forward: Awaited<ReturnType<typeof startForward>> | undefined;
try {
  const creds = loadCredentials({ KUBECONFIG: standin.kubeconfig });
  const api = kubeApi(creds);
  const service = await api.getService(standin.namespace, standin.service);
  forward = await startForward(
    api,
    creds.kc,
    {
      namespace: standin.namespace,
      service: standin.service,
      selector: serviceSelector(service),
      port: frontendServicePort(service),
    },
    (line) => forwardLog.push(line),
  );
  const base = { direct: `http://127.0.0.1:${standin.podPort}`, forward: forward.url };
  const model = ((await (await fetch(`${base.direct}/v1/models`)).json()) as { data: { id: string }[] })
    .data[0].id;
  const chatBody = JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
    max_tokens: 8,
  });

  async function one(url: string, kind: Kind, conn: Conn): Promise<number> {
    const started = performance.now();
    const headers: Record<string, string> = conn === 'new connection' ? { Connection: 'close' } : {};
    const response =
      kind === 'models'
        ? await fetch(`${url}/v1/models`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
        : await fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            headers: { ...headers, 'Content-Type': 'application/json' },
            body: chatBody,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    return performance.now() - started;
  }

  async function runCell(
    cell: Cell,
    n: number,
  ): Promise<{ rps: number; p50: number; p90: number; errors: string[] }> {
    const url = base[cell.target];
    const latencies: number[] = [];
    const errors: string[] = [];
    let next = 0;
    const started = performance.now();
    const slot = async (): Promise<void> => {
      while (next < n) {
        next++;
        try {
          latencies.push(await one(url, cell.kind, cell.conn));
        } catch (error) {
          errors.push(String((error as Error).message ?? error));
        }
      }
    };
    await Promise.all(Array.from({ length: cell.concurrency }, slot));
    const seconds = (performance.now() - started) / 1000;
    return {
      rps: latencies.length / seconds,
      p50: latencies.length ? median(latencies) : NaN,
      p90: latencies.length ? percentile(latencies, 90) : NaN,
      errors,
    };
  }

  const cells: Cell[] = [];
  for (const kind of ['models', 'chat'] as const)
    for (const conn of ['keep-alive', 'new connection'] as const)
      for (const concurrency of [1, 8])
        for (const target of ['direct', 'forward'] as const) cells.push({ target, kind, conn, concurrency });
  const key = (c: Cell) => `${c.target}|${c.kind}|${c.conn}|${c.concurrency}`;
  const only = process.env.BENCH_ONLY;
  if (only) cells.splice(0, cells.length, ...cells.filter((c) => key(c).includes(only)));
  const rps = new Map<string, number[]>(cells.map((c) => [key(c), []]));
  const p50 = new Map<string, number[]>(cells.map((c) => [key(c), []]));
  const p90 = new Map<string, number[]>(cells.map((c) => [key(c), []]));
  const errors: string[] = [];

  for (const cell of cells) await runCell(cell, Math.min(20, requests)); // warm-up, discarded
  const t0 = performance.now();
  for (let round = 0; round < rounds; round++) {
    const order = cells.map((_, i) => cells[(i + round * 3) % cells.length]);
    for (const cell of order) {
      const r = await runCell(cell, requests);
      rps.get(key(cell))!.push(r.rps);
      p50.get(key(cell))!.push(r.p50);
      p90.get(key(cell))!.push(r.p90);
      errors.push(...r.errors.map((e) => `${key(cell)}: ${e}`));
    }
  }
  const elapsed = (performance.now() - t0) / 1000;

  console.log(
    `${only ? `Only cells matching ${only}. ` : ''}${process.env.BENCH_NODELAY === '1' ? 'EXPERIMENT: setNoDelay(true) on the forward’s accepted sockets. ' : ''}Port-forward vs direct: stand-in cluster, mocker DGD (Dynamo 1.6.1, --speedup-ratio 0), ${rounds} interleaved rounds × ${requests} requests per cell, Node ${process.version}, ${elapsed.toFixed(0)} s.\n` +
      `forward = src/targets/kubernetes/forward/port-forward.ts startForward (client-node PortForward, WebSocket v4.channel.k8s.io via the stand-in apiserver over TLS, pod re-resolved per TCP connection); direct = the frontend pod's host port.\n`,
  );
  console.log(
    '| request | connections | concurrency | direct req/s | forward req/s | req/s ratio | direct p50 ms | forward p50 ms | p50 ratio | p50 added ms |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const c of cells) {
    if (c.target !== 'direct') continue;
    const f = { ...c, target: 'forward' as const };
    const dr = median(rps.get(key(c))!);
    const fr = median(rps.get(key(f))!);
    const dp = median(p50.get(key(c))!);
    const fp = median(p50.get(key(f))!);
    const label = c.kind === 'models' ? 'GET /v1/models' : 'chat, max_tokens 8';
    console.log(
      `| ${label} | ${c.conn} | ${c.concurrency} | ${dr.toFixed(0)} | ${fr.toFixed(0)} | ${(fr / dr).toFixed(2)} | ${dp.toFixed(2)} | ${fp.toFixed(2)} | ${(fp / dp).toFixed(2)} | ${(fp - dp).toFixed(2)} |`,
    );
  }
  const spread = (m: Map<string, number[]>, c: Cell) => {
    const v = m.get(key(c))!;
    return `${percentile(v, 0).toFixed(1)}–${percentile(v, 100).toFixed(1)}`;
  };
  console.log(
    '\n| request | connections | concurrency | direct p90 ms | forward p90 ms | forward p50 range over rounds |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | --- |');
  for (const c of cells) {
    if (c.target !== 'direct') continue;
    const f = { ...c, target: 'forward' as const };
    console.log(
      `| ${c.kind} | ${c.conn} | ${c.concurrency} | ${median(p90.get(key(c))!).toFixed(2)} | ${median(p90.get(key(f))!).toFixed(2)} | ${spread(p50, f)} |`,
    );
  }
  const failedForwardLines = forwardLog.filter((l) => l.includes('failed'));
  console.log(
    `\nErrors: ${errors.length} of ${cells.length * rounds * requests} requests${errors.length ? `; first: ${errors.slice(0, 3).join(' / ')}` : ''}. Forward log: ${forwardLog.length} line(s), ${failedForwardLines.length} failure(s)${failedForwardLines.length ? `; first: ${failedForwardLines[0]}` : ''}.`,
  );
} finally {
  await forward?.close();
  await standin.stop();
}
