// The jest side of support/dynamo.ts (which bench/ and scripts/ import outside jest): the suites
// that need the Dynamo venv run where it is set up and are skipped, with one warning, elsewhere.
import { afterAll, beforeAll, describe } from '@jest/globals';
import {
  dynamoAvailable,
  startFrontend,
  startWorkers,
  type FrontendHandle,
  type WorkerHandle,
} from './dynamo.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';

/** `describe` when the Dynamo venv and tiny model are set up, else `describe.skip`. */
export function dynamoSuite() {
  const available = dynamoAvailable();
  if (!available) console.warn('Dynamo venv missing: run scripts/setup-dynamo.sh (CI does).');
  return { available, describeDynamo: available ? describe : describe.skip };
}

export interface ProxiedFrontend {
  readonly workers: WorkerHandle;
  readonly frontend: FrontendHandle;
  /** In front of the frontend: its rules fake what a gateway or a hostile frontend would send. */
  readonly proxy: FaultProxy;
}

/**
 * One mocker worker and a round-robin frontend behind a fault proxy, started in `beforeAll` when
 * the venv is there and stopped in `afterAll`; read its parts inside tests only.
 */
export function proxiedFrontend(available: boolean): ProxiedFrontend {
  let started: ProxiedFrontend | undefined;
  let workers: WorkerHandle | undefined;
  let frontend: FrontendHandle | undefined;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    if (!available) return;
    workers = await startWorkers({ workers: 1, speedupRatio: 0 });
    frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
    proxy = await startFaultProxy({ upstream: frontend.url });
    started = { workers, frontend, proxy };
  }, 120_000);
  afterAll(async () => {
    await proxy?.stop();
    await frontend?.stop();
    await workers?.stop();
  });
  const part = <K extends keyof ProxiedFrontend>(key: K): ProxiedFrontend[K] => {
    if (!started) throw new Error('the proxied frontend is not running (read it inside a test)');
    return started[key];
  };
  return {
    get workers() {
      return part('workers');
    },
    get frontend() {
      return part('frontend');
    },
    get proxy() {
      return part('proxy');
    },
  };
}
