// End-to-end check of the local Dynamo harness: 2 mocker workers + a kv-mode frontend.
// Needs scripts/setup-dynamo.sh to have run (skipped with a message otherwise).
import { afterAll, expect, it } from '@jest/globals';
import {
  chat,
  groupMembers,
  processesMatching,
  startFrontend,
  startWorkers,
  TINY_MODEL_NAME,
  waitForModels,
  type FrontendHandle,
  type WorkerHandle,
} from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';

const { describeDynamo: d } = dynamoSuite();

d('dynamo harness (mocker + frontend, file discovery)', () => {
  let workers: WorkerHandle | undefined;
  let frontend: FrontendHandle | undefined;

  afterAll(async () => {
    await frontend?.stop();
    await workers?.stop();
  });

  it('serves the tiny model through 2 workers and cleans up completely', async () => {
    workers = await startWorkers({ workers: 2, speedupRatio: 0 });
    const ids = workers.instances();
    expect(ids).toHaveLength(2);
    for (const i of ids) expect(i.instanceId).toMatch(/^\d+$/);

    frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'kv' });
    expect(frontend.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const models = await waitForModels(frontend.url, 60_000);
    expect(models.map((m) => m.id)).toContain(TINY_MODEL_NAME);

    const res = await chat(frontend.url, {
      content: 'Hello there, which worker are you?',
      maxTokens: 4,
      extraFields: ['worker_id'],
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as {
      object: string;
      choices: unknown[];
      usage: { completion_tokens: number };
    };
    expect(body.object).toBe('chat.completion');
    expect(body.choices).toHaveLength(1);
    expect(body.usage.completion_tokens).toBe(4);
    // The worker id in nvext must be one of the registered instances (compare as text: u64).
    const served = /"decode_worker_id":(\d+)/.exec(res.body)?.[1];
    expect(ids.map((i) => i.instanceId)).toContain(served);

    const marker = workers.discoveryDir;
    const pgids = [workers.process.pid, frontend.process.pid];
    expect(processesMatching(marker).length).toBeGreaterThanOrEqual(2);

    await frontend.stop();
    await workers.stop();
    await frontend.stop(); // idempotent
    await workers.stop();

    expect(processesMatching(marker)).toEqual([]);
    // Logs stay readable after stop (the files themselves are removed).
    expect(workers.process.logs()).toContain('mocker worker(s)');
    expect(frontend.process.logs()).toContain('router_mode="kv"');
    for (const pg of pgids) expect(groupMembers(pg)).toEqual([]);
  });
});
