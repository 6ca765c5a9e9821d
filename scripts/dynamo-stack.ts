// Start a local Dynamo stack (mocker workers, optionally a frontend) and keep it running.
//
//   node scripts/dynamo-stack.ts [--workers 2] [--frontend-mode kv] [--no-kv-events]
//                                [--speedup-ratio R] [--port P] [--discovery-dir DIR]
//
// Prints ONE JSON line on stdout once ready:
//   {"discoveryDir":"<temp dir>/dynamo-disc-…","env":{"DYN_FILE_KV":"…",…},"frontendArgs":["--discovery-backend","file"],
//    "url":"http://127.0.0.1:PORT"|null,"model":"tiny-model","workers":[{"instanceId":"…","hex":"…"}],
//    "pids":{"workers":N,"frontend":N|null}}
// then runs until SIGINT/SIGTERM (or until a child dies), stops everything and exits.
// A separately launched frontend sees the workers with `env` in its environment plus `frontendArgs`.
// Logs of the children go to temp files named in stderr (deleted on exit unless DYNAMO_KEEP_LOGS=1).

import { parseArgs } from 'node:util';
import {
  frontendEnv,
  startFrontend,
  startWorkers,
  waitForModels,
  type FrontendHandle,
  type WorkerHandle,
} from '../__tests__/support/dynamo.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    'frontend-mode': { type: 'string' },
    'no-kv-events': { type: 'boolean', default: false },
    'speedup-ratio': { type: 'string' },
    port: { type: 'string' },
    'discovery-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (values.help) {
  console.error(
    'usage: node scripts/dynamo-stack.ts [--workers N] [--frontend-mode MODE] [--no-kv-events] [--speedup-ratio R] [--port P] [--discovery-dir DIR]',
  );
  process.exit(0);
}

let workers: WorkerHandle | undefined;
let frontend: FrontendHandle | undefined;
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    await frontend?.stop();
    await workers?.stop();
  }
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  workers = await startWorkers({
    workers: Number(values.workers),
    kvEvents: !values['no-kv-events'],
    speedupRatio: values['speedup-ratio'] !== undefined ? Number(values['speedup-ratio']) : undefined,
    discoveryDir: values['discovery-dir'],
  });
  console.error(`[dynamo-stack] workers ready in ${workers.readyMs} ms, log: ${workers.process.logFile}`);
  if (values['frontend-mode'] !== undefined) {
    frontend = await startFrontend({
      discoveryDir: workers.discoveryDir,
      mode: values['frontend-mode'],
      port: values.port !== undefined ? Number(values.port) : undefined,
    });
    await waitForModels(frontend.url, 60_000, workers.modelName);
    console.error(`[dynamo-stack] frontend ${frontend.url} ready, log: ${frontend.process.logFile}`);
  }
  const fe = frontendEnv(workers.discoveryDir);
  console.log(
    JSON.stringify({
      discoveryDir: workers.discoveryDir,
      env: fe.env,
      frontendArgs: fe.args,
      url: frontend?.url ?? null,
      model: workers.modelName,
      workers: workers.instances().map((i) => ({ instanceId: i.instanceId, hex: i.hex })),
      pids: { workers: workers.process.pid, frontend: frontend?.process.pid ?? null },
    }),
  );
} catch (e) {
  console.error(`[dynamo-stack] ${e instanceof Error ? e.message : String(e)}`);
  await shutdown(1);
}

// Keep running; exit (with cleanup) if a child dies on its own.
const timer = setInterval(() => {
  if (shuttingDown) return;
  for (const p of [workers?.process, frontend?.process]) {
    if (p?.exited) {
      console.error(
        `[dynamo-stack] ${p.name} exited unexpectedly: ${JSON.stringify(p.exited)}; see ${p.logFile}`,
      );
      clearInterval(timer);
      void shutdown(1);
      return;
    }
  }
}, 500);
