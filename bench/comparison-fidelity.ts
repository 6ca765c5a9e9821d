// Comparison fidelity: the time to first token the product measures on the client
// (src/compare/stream.ts runWorkload → streamChat, as compare-modes sends it: streaming, fresh
// connection per request) against the frontend's own histogram
// dynamo_frontend_time_to_first_token_seconds for exactly the same requests (the delta of _sum and
// _count around each batch, i.e. the server's mean). Real Dynamo 1.6.1 frontend (round-robin) and 2
// mocker workers, at two prompt lengths, two concurrencies and two mocker --speedup-ratio values.
// Every prompt is unique (no prefix-cache hits). Cells are interleaved: per round, each cell runs
// once, in rotating order; the frontend is restarted only between speedup ratios (mocker flag).
//
//   node bench/comparison-fidelity.ts [rounds=3] [requests=20]
import './support/src-hooks.ts';
import {
  metricSum,
  metricsText,
  startFrontend,
  startWorkers,
  waitForModels,
} from '../__tests__/support/dynamo.ts';
import { median, percentile } from './lib.ts';

const rounds = Number(process.argv[2] ?? 3);
const requests = Number(process.argv[3] ?? 20);
const SPEEDUPS = [1, 0.25];
const PROMPT_WORDS = [64, 1024];
const CONCURRENCY = [1, 4];
const MAX_TOKENS = 8;

const { runWorkload } = await import('../src/compare/stream.ts');
const { buildWorkload } = await import('../src/compare/workload.ts');

interface Cell {
  words: number;
  concurrency: number;
}
interface Batch {
  client: number[];
  serverSum: number;
  serverCount: number;
  promptTokens: number[];
  errors: number;
}

const HIST = 'dynamo_frontend_time_to_first_token_seconds';
const rows: string[] = [];
const t0 = performance.now();
let variant = 0;
for (const speedup of SPEEDUPS) {
  const workers = await startWorkers({ workers: 2, speedupRatio: speedup });
  const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
  try {
    await waitForModels(frontend.url, 60_000, 'tiny-model');
    const cells: Cell[] = PROMPT_WORDS.flatMap((words) =>
      CONCURRENCY.map((concurrency) => ({ words, concurrency })),
    );
    const batches = new Map<Cell, Batch[]>(cells.map((c) => [c, []]));
    const batch = async (cell: Cell, n: number): Promise<Batch> => {
      const workload = buildWorkload({
        requests: n,
        prefixGroups: n,
        prefixTokens: cell.words,
        maxTokens: MAX_TOKENS,
        seed: 7,
        model: 'tiny-model',
        variant: ++variant,
      });
      const before = await metricsText(frontend.url);
      const samples = await runWorkload(frontend.url, workload, {
        concurrency: cell.concurrency,
        timeoutMs: 60_000,
      });
      // The frontend records TTFT when it emits the first token; the _count update is done by the
      // time the stream ends, but give it a moment before scraping.
      await new Promise((r) => setTimeout(r, 100));
      const after = await metricsText(frontend.url);
      const delta = (name: string) => (metricSum(after, name) ?? 0) - (metricSum(before, name) ?? 0);
      const ok = samples.filter((s) => s.ok && s.ttftMs !== undefined);
      return {
        client: ok.map((s) => s.ttftMs as number),
        serverSum: delta(`${HIST}_sum`) * 1000,
        serverCount: delta(`${HIST}_count`),
        promptTokens: ok.map((s) => s.promptTokens ?? NaN),
        errors: samples.length - ok.length,
      };
    };
    for (const cell of cells) await batch(cell, 3); // warm-up, discarded
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[(i + round) % cells.length];
        batches.get(cell)!.push(await batch(cell, requests));
      }
    }
    for (const cell of cells) {
      const bs = batches.get(cell)!;
      const client = bs.flatMap((b) => b.client);
      const clientMean = client.reduce((a, b) => a + b, 0) / client.length;
      const serverCount = bs.reduce((a, b) => a + b.serverCount, 0);
      const serverMean = bs.reduce((a, b) => a + b.serverSum, 0) / serverCount;
      const perRoundDiff = bs.map(
        (b) => b.client.reduce((a, x) => a + x, 0) / b.client.length - b.serverSum / b.serverCount,
      );
      const errors = bs.reduce((a, b) => a + b.errors, 0);
      const tokens = median(bs.flatMap((b) => b.promptTokens));
      rows.push(
        `| ${speedup} | ${cell.words} (${tokens.toFixed(0)}) | ${cell.concurrency} | ${client.length}/${serverCount}${errors ? ` (${errors} errors)` : ''} | ${clientMean.toFixed(1)} | ${serverMean.toFixed(1)} | ${(clientMean - serverMean).toFixed(1)} | ${median(perRoundDiff).toFixed(1)} (${percentile(perRoundDiff, 0).toFixed(1)}…${percentile(perRoundDiff, 100).toFixed(1)}) | ${(clientMean / serverMean).toFixed(3)} | ${median(client).toFixed(1)} |`,
      );
    }
  } finally {
    await frontend.stop();
    await workers.stop();
  }
}

console.log(
  `Client TTFT (src/compare/stream.ts runWorkload, streaming, new connection per request) vs the frontend's ${HIST} (Δ_sum/Δ_count over the same requests).\n` +
    `Dynamo 1.6.1 frontend (round-robin) + 2 mocker workers, unique prompts, max_tokens ${MAX_TOKENS}, ${rounds} interleaved rounds × ${requests} requests per cell, Node ${process.version}, ${((performance.now() - t0) / 1000).toFixed(0)} s.\n`,
);
console.log(
  '| speedup ratio | prompt words (median prompt tokens) | concurrency | requests client/server | client mean ms | server mean ms | client − server ms | median per-round diff ms (min…max) | client/server | client p50 ms |',
);
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |');
for (const r of rows) console.log(r);
