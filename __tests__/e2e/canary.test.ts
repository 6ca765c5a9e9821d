// The canary that remembers, against real Dynamo 1.6.1 mocker workers and frontends started
// outside the action, run through the bundled action: expect-mode, a history of runs, a latency
// regression when the same deployment's workers turn 10× slower, mode drift found from history
// alone, and a history file with a torn and a foreign line. One worker set and one URL are shared
// by the cases, in order (the deployment at that URL changes between them as a real one would).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanup, runAction, type ActionRun } from '../support/action.ts';
import {
  startFrontend,
  startWorkers,
  waitForModels,
  type FrontendHandle,
  type WorkerHandle,
} from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';
import { errorLine } from '../support/fault-verdict.ts';

const { describeDynamo } = dynamoSuite();

describeDynamo('canary on a real Dynamo 1.6.1', () => {
  let workers: WorkerHandle;
  /** The deployment under watch: kv first, restarted in round-robin for the last case. */
  let watched: FrontendHandle;
  /** Another frontend on the same workers, in round-robin from the start. */
  let roundRobin: FrontendHandle;
  let ws: string;
  let discoveryDir: string;
  let runId = 100;
  const HISTORY = '.router-history/canary.jsonl';
  const historyPath = () => path.join(ws, HISTORY);

  beforeAll(async () => {
    ws = mkdtempSync(path.join(tmpdir(), 'canary-ws-'));
    // The discovery directory outlives one worker set: the slow workers replace the fast ones in it.
    discoveryDir = mkdtempSync(path.join(tmpdir(), 'canary-disc-'));
    workers = await startWorkers({ workers: 2, speedupRatio: 1, discoveryDir });
    [watched, roundRobin] = await Promise.all([
      startFrontend({ discoveryDir, mode: 'kv' }),
      startFrontend({ discoveryDir, mode: 'round-robin' }),
    ]);
    await Promise.all([waitForModels(watched.url, 60_000), waitForModels(roundRobin.url, 60_000)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([watched?.stop(), roundRobin?.stop()]);
    await workers?.stop();
    for (const dir of [ws, discoveryDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The bundled action as a scheduled workflow step runs it: a workspace, a commit, a run id. */
  async function canary(inputs: Record<string, string>): Promise<ActionRun> {
    runId++;
    const run = await runAction(
      { 'max-tokens': '4', retries: '10', ...inputs },
      {
        env: {
          GITHUB_WORKSPACE: ws,
          GITHUB_SHA: `sha${runId}`,
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/router',
          GITHUB_RUN_ID: String(runId),
        },
        cwd: ws,
      },
    );
    cleanup(run);
    if (run.outputs.result !== 'pass') console.log(run.stdout);
    return run;
  }

  const records = (file = historyPath()) =>
    readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      })
      .filter((r) => r?.schema === 'dynamo-router-starter/history/v1');

  it('expect-mode: kv fails mode-drift at a round-robin frontend, naming what runs and where, and passes at a kv one', async () => {
    const rr = await canary({ 'base-url': roundRobin.url, 'expect-mode': 'kv' });
    expect(rr.exitCode).not.toBe(0);
    expect(rr.outputs.failure).toBe('mode-drift');
    // What was expected, what runs, and where the mode is set (a flag a URL cannot show).
    const error = errorLine(rr, 'mode-drift');
    expect(error).toContain('`expect-mode: kv`');
    expect(error).toContain('round-robin');
    expect(rr.stdout).toContain('`--router-mode`');
    const kv = await canary({ 'base-url': watched.url, 'expect-mode': 'kv' });
    expect(kv.outputs).toMatchObject({ result: 'pass', mode: 'kv', 'mode-verified': 'verified' });
  }, 120_000);

  it('six runs against a fast kv frontend pass, leave six records, and the last one shows the trend', async () => {
    let last: ActionRun | undefined;
    for (let i = 0; i < 6; i++) {
      last = await canary({ 'base-url': watched.url, history: HISTORY });
      expect(last.outputs.result).toBe('pass');
    }
    const kept = records();
    expect(kept).toHaveLength(6);
    expect(kept[5]).toMatchObject({
      commit: `sha${runId}`,
      run: `https://github.com/acme/router/actions/runs/${runId}`,
      target: 'url',
      subject: watched.url,
      result: 'pass',
      mode: 'kv',
      modeVerified: 'verified',
      model: 'tiny-model',
      kvEvents: 'true',
      // The routing probe proved the mode from behaviour and gave the latency sample and the workers.
      provenBy: expect.arrayContaining(['behaviour']),
      workers: { count: 2, source: 'probe' },
      latency: { source: 'probe', errors: 0 },
    });
    expect((kept[5]?.latency as { samplesMs: number[] }).samplesMs.length).toBeGreaterThanOrEqual(5);
    const trend = JSON.parse((last as ActionRun).outputs.trend);
    // Five earlier runs: the sixth is the first one judged.
    expect(trend.latency).toMatchObject({ kind: 'ok', bound: { runs: 5 } });
    expect(trend.mode).toEqual({ kind: 'same', reference: 'kv' });
    const summary = (last as ActionRun).summary;
    expect(summary).toMatch(
      /<h4>History: 5 earlier run\(s\) of this deployment in <code>\.router-history\/canary\.jsonl<\/code><\/h4>/,
    );
    expect(summary).toMatch(
      /```mermaid\nxychart-beta\n {4}title "Latency p50 \(ms\) of the last 6 runs"\n {4}x-axis \[1, 2, 3, 4, 5, 6\]/,
    );
    expect(summary).toMatch(/ {4}bar \[[\d., ]+\]\n {4}line \[/);
    expect(summary).toMatch(/since the last passing run/);
  }, 240_000);

  it('a history with a torn last line and a foreign line still works, warns once, and keeps every record', async () => {
    const copy = '.router-history/damaged.jsonl';
    copyFileSync(historyPath(), path.join(ws, copy));
    const foreign = JSON.stringify({ benchmark: 'router', ttft_ms: 12 });
    const torn = readFileSync(historyPath(), 'utf8').split('\n')[0].slice(0, 90);
    const text = readFileSync(path.join(ws, copy), 'utf8');
    writeFileSync(path.join(ws, copy), `${foreign}\n${text}${torn}`);
    const run = await canary({ 'base-url': watched.url, history: copy });
    expect(run.outputs.result).toBe('pass');
    expect(run.stdout.match(/::warning[^\n]*line\(s\) skipped/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/2 line\(s\) skipped[^\n]*\bline 1\b[^\n]*\bline 8\b/);
    const after = readFileSync(path.join(ws, copy), 'utf8').trimEnd().split('\n');
    expect(after[0]).toBe(foreign);
    expect(after).toContain(torn);
    expect(records(path.join(ws, copy))).toHaveLength(7);
    expect(JSON.parse(run.outputs.trend).latency.kind).toBe('ok');
  }, 120_000);

  it('with the probe off, the latency sample is eight smoke-kind chats and the workers come from GET /health', async () => {
    const run = await canary({ 'base-url': watched.url, history: 'smoke.jsonl', 'probe-requests': '0' });
    expect(run.outputs.result).toBe('pass');
    expect(records(path.join(ws, 'smoke.jsonl'))[0]).toMatchObject({
      latency: { source: 'smoke', requests: 8, errors: 0 },
      workers: { count: 2, source: 'health' },
    });
  }, 120_000);

  it('the same model on workers 10× slower fails regression, with before/after figures and the run links', async () => {
    // The deployment's workers are replaced by slow ones (mocker --speedup-ratio 0.1) behind the same frontend.
    await workers.stop();
    workers = await startWorkers({ workers: 2, speedupRatio: 0.1, discoveryDir });
    await waitForModels(watched.url, 60_000);
    const slow = await canary({ 'base-url': watched.url, history: HISTORY });
    expect(slow.outputs.failure).toBe('regression');
    // The figures (this run's median, the ratio, the baseline's) and the baseline's runs, linked.
    const error = errorLine(slow, 'regression');
    expect(error).toMatch(/\b\d+ ms\b.*\b\d+\.\d\d×.*\b[\d.]+ ms\b/);
    expect(error).toMatch(/\b6 passing kv runs\b/);
    expect(error).toMatch(
      /acme\/router\/actions\/runs\/\d+ … https:\/\/github\.com\/acme\/router\/actions\/runs\/\d+/,
    );
    const trend = JSON.parse(slow.outputs.trend);
    expect(trend.latency.kind).toBe('regression');
    expect(trend.latency.ratio).toBeGreaterThan(5);
    // The workers are new processes: named as replaced, never failed on (fail-on-change is empty).
    expect(trend.changes).toContainEqual(
      expect.objectContaining({ what: 'workers', since: 'last', fails: false }),
    );
    expect(slow.summary).toMatch(
      /latency p50<\/th><td>[^<]+ → [^<]+ <b>\(fails\)<\/b><\/td><td>[^<]+ → [^<]+ <b>\(fails\)<\/b>/,
    );
    const kept = records();
    expect(kept).toHaveLength(7);
    expect(kept[6]).toMatchObject({ result: 'fail', failure: 'regression' });
  }, 240_000);

  it('after kv history, the frontend restarted in round-robin fails mode-drift with no expect-mode', async () => {
    // Fast workers again (the drift is the finding here, not the latency), and the frontend in round-robin.
    const port = watched.port;
    await Promise.all([watched.stop(), workers.stop()]);
    workers = await startWorkers({ workers: 2, speedupRatio: 1, discoveryDir });
    watched = await startFrontend({ discoveryDir, mode: 'round-robin', port });
    await waitForModels(watched.url, 60_000);
    const run = await canary({ 'base-url': watched.url, history: HISTORY });
    expect(run.outputs.failure).toBe('mode-drift');
    // What the history saw (linked to its last run) and what runs now.
    const error = errorLine(run, 'mode-drift');
    expect(error).toMatch(/\bkv \(last: https:\/\/github\.com\/acme\/router\/actions\/runs\/\d+\)/);
    expect(error).toContain('round-robin');
    const trend = JSON.parse(run.outputs.trend);
    expect(trend.mode).toMatchObject({ kind: 'drift', reference: 'kv' });
    expect(records()).toHaveLength(8);
  }, 240_000);
});
