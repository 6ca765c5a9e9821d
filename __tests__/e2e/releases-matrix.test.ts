// The bundled action against several real ai-dynamo releases, each from its own venv
// (scripts/setup-dynamo-release.sh) with the planes it needs: 1.0.2 on etcd discovery and NATS
// (its defaults; its mocker and frontend exit without NATS), 1.3.1 and 1.6.1 on file discovery.
// Each release's workers start once and serve every case of that release.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { alive, cleanup, ROOT, runAction, runPost, type ActionRun } from '../support/action.ts';
import {
  chat,
  dynamoAvailable,
  freePort,
  releasePython,
  startFrontend,
  startReleaseStack,
  waitForModels,
  type ReleaseStack,
} from '../support/dynamo.ts';

/** Oldest 1.x that works here, a middle one, the newest. DYNAMO_MATRIX overrides (space-separated). */
const MATRIX = (process.env.DYNAMO_MATRIX ?? '1.0.2 1.3.1 1.6.1').split(/\s+/).filter(Boolean);

function installed(version: string): boolean {
  try {
    releasePython(version);
    return dynamoAvailable();
  } catch {
    return false;
  }
}

const missing = MATRIX.filter((v) => !installed(v));
// describe.each needs one row; 'none' is never installed, so its cases skip.
if (missing.length > 0) {
  console.warn(
    `release matrix: no venv for ${missing.join(', ')}: run DYNAMO_VERSION=<v> bash scripts/setup-dynamo.sh (bootstrap.sh does)`,
  );
}

/** The capability data file, or why it cannot be read yet. */
function releasesFile(): { path: string; releases: ReleaseEntry[] } | string {
  const file = process.env.RELEASES_JSON ?? path.join(ROOT, 'src', 'releases', 'releases.json');
  if (!existsSync(file)) return `${file} does not exist yet (H5b's data file): the check is skipped`;
  return {
    path: file,
    releases: (JSON.parse(readFileSync(file, 'utf8')) as { releases: ReleaseEntry[] }).releases,
  };
}

interface ReleaseEntry {
  series: string;
  routerModes: string[];
  kvEvents: { flagOn: string; flagOff: string; env: string | null };
  workerIdInResponse?: 'all-modes' | 'kv-only';
}

/** The data file's entry for `version`'s series. */
function entryOf(version: string): ReleaseEntry | undefined {
  const file = releasesFile();
  if (typeof file === 'string') return undefined;
  const series = version.split('.').slice(0, 2).join('.');
  return file.releases.find((r) => r.series === series);
}

/** --router-mode choices and the KV-events flag spellings from a release's own --help. */
function helpFacts(python: string): { modes: string[]; kvFlags: string[]; kvEnv: string | undefined } {
  const help = execFileSync(python, ['-m', 'dynamo.frontend', '--help'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, COLUMNS: '400' },
  });
  const modes = /--router-mode \{([^}]*)\}/.exec(help)?.[1].split(',') ?? [];
  const kvLine = /^ {2}(--[a-z-]*kv-events[^\n]*)$/m.exec(help)?.[1] ?? '';
  const kvFlags = kvLine.split(/,\s*/).filter((f) => /^--(no-)?(router-)?kv-events$/.test(f));
  const after = help.slice(help.indexOf(kvLine));
  const kvEnv = /env var: (DYN_[A-Z_]+)/.exec(after)?.[1];
  return { modes, kvFlags, kvEnv };
}

/**
 * Releases on which a non-kv mode cannot be proven, and why (measured on 1.0.2): the frontend logs no
 * per-request line naming the router mode (not even at DYN_LOG=debug: only "Using TCP transport for
 * instance …"), and dynamo_component_router_requests_total counts only kv-routed requests. The
 * action must then say "unverifiable" with that reason, never "verified".
 */
const NON_KV_UNPROVABLE = (version: string) => version.startsWith('1.0.');

/**
 * What a release lets the action learn about KV events (measured): 1.0.x exposes no
 * dynamo_component_kv_cache_events_applied (absent from /metrics even after kv-routed requests over
 * publishing workers), so nothing can be told; 1.2–1.3 count applied events but have no
 * router_kv_event_source_mismatch_workers gauge, so arriving events prove publishers while silence
 * proves nothing; 1.4+ have both. Where the evidence is missing `kv-events` must stay "unknown".
 */
function kvEventsSignals(version: string): { applied: boolean; mismatch: boolean } {
  const minor = Number(version.split('.')[1]);
  return { applied: minor >= 2, mismatch: minor >= 4 };
}

if (MATRIX.length === 0) {
  describe.skip('release matrix (DYNAMO_MATRIX is empty)', () => it('is skipped', () => undefined));
}

describe.each(MATRIX.length > 0 ? MATRIX : ['none'])('ai-dynamo %s', (version) => {
  const run = installed(version) ? it : it.skip;
  let stack: ReleaseStack;

  beforeAll(async () => {
    if (!installed(version)) return;
    // Block size 16: the smoke chat (8 prompt + 32 generated tokens) then fills whole KV blocks, so
    // workers publish "stored" events. At the mocker's default 64 none completes and, on releases
    // without the mismatch gauge (1.2/1.3), nothing shows that events would arrive.
    stack = await startReleaseStack(version, { workers: 2, speedupRatio: 10, blockSize: 16 });
    console.log(`release ${version}: planes and workers ready`, stack.timings);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  async function launchInputs(extra: Record<string, string>): Promise<Record<string, string>> {
    const port = await freePort();
    return {
      launch: 'true',
      python: stack.python,
      'base-url': `http://127.0.0.1:${port}`,
      'frontend-args': stack.frontendArgs.join(' '),
      'retry-delay': '0.5',
      retries: '6',
      timeout: '10',
      ...extra,
    };
  }

  /** Runs main + post; the launched frontend must be gone afterwards. */
  async function launchAndStop(inputs: Record<string, string>, env = stack.env): Promise<ActionRun> {
    const main = await runAction(inputs, { env });
    if (main.state['launched-frontend']) {
      const { pid } = JSON.parse(main.state['launched-frontend']) as { pid: number };
      const post = await runPost(main);
      expect(post.exitCode).toBe(0);
      expect(alive(pid)).toBe(false);
    }
    cleanup(main);
    return main;
  }

  run.each(['kv', 'round-robin'])(
    'launches in %s mode through the bundled action: pass, mode verified',
    async (mode) => {
      const main = await launchAndStop(await launchInputs({ mode }));
      expect({
        result: main.outputs.result,
        failure: main.outputs.failure,
        summary: main.summary,
      }).toMatchObject({
        result: 'pass',
        failure: '',
      });
      expect(main.outputs.mode).toBe(mode);
      expect(main.outputs.command).toContain(`--router-mode ${mode}`);
      // The routing probe runs where the release names the serving worker, and says why not elsewhere.
      const routing = JSON.parse(main.outputs.routing) as { probe?: unknown; skipped?: string };
      const named = mode === 'kv' || entryOf(version)?.workerIdInResponse === 'all-modes';
      if (named) {
        expect(routing.probe).toBeDefined();
        expect(main.outputs['mode-proven-by'].split(',')).toContain('behaviour');
      } else {
        // Skipped, with why (the worker is named only for kv-routed requests), and the limitation
        // says what the mode rests on instead.
        expect(routing.skipped).toMatch(/\bkv-routed\b/);
        expect(main.outputs['mode-proven-by']).not.toContain('behaviour');
        expect(main.outputs.limitations).toMatch(/\bkv-routed\b.*\bround-robin\b.*\blog and metrics\b/);
      }
      expect(JSON.parse(main.outputs.models)).toEqual(['tiny-model']);
      if (mode !== 'kv' && NON_KV_UNPROVABLE(version)) {
        expect(main.outputs['mode-verified']).toBe('unverifiable');
        expect(main.outputs.limitations).toMatch(/counted none of the requests/);
      } else {
        expect(main.outputs['mode-verified']).toBe('verified');
      }
      if (mode === 'kv') {
        // The workers publish KV events: the run must see them and say so, not "not confirmed".
        expect(main.outputs['kv-events']).toBe(kvEventsSignals(version).applied ? 'true' : 'unknown');
      }
    },
    150_000,
  );

  run(
    'checks a running kv frontend by URL and observes its mode',
    async () => {
      const frontend = await startFrontend({
        discoveryDir: stack.workers.discoveryDir,
        python: stack.python,
        discoveryArgs: stack.frontendArgs,
        env: stack.env,
        mode: 'kv',
      });
      try {
        const main = await runAction({ 'base-url': frontend.url, 'retry-delay': '0.5', retries: '6' });
        expect({ result: main.outputs.result, summary: main.summary }).toMatchObject({ result: 'pass' });
        expect(main.outputs.command).toBe('');
        expect(main.outputs.mode).toBe('kv');
        expect(main.outputs['mode-verified']).toBe('verified');
        cleanup(main);
      } finally {
        await frontend.stop();
      }
    },
    150_000,
  );

  run(
    'detects workers that publish no KV events in kv mode',
    async () => {
      // A stack of its own: on etcd discovery (1.0.x) a second worker set would join the first.
      const silent = await startReleaseStack(version, {
        workers: 2,
        speedupRatio: 10,
        blockSize: 16,
        kvEvents: false,
      });
      try {
        const main = await launchAndStop(
          { ...(await launchInputs({ mode: 'kv' })), 'frontend-args': silent.frontendArgs.join(' ') },
          silent.env,
        );
        expect({ result: main.outputs.result, summary: main.summary }).toMatchObject({ result: 'pass' });
        expect(main.outputs['mode-verified']).toBe('verified');
        if (!kvEventsSignals(version).mismatch) {
          expect(main.outputs['kv-events']).toBe('unknown');
        } else {
          expect(main.outputs['kv-events']).toBe('false');
          expect(main.summary).toMatch(/publish no KV events/);
        }
      } finally {
        await silent.stop();
      }
    },
    180_000,
  );

  run('matches the capability data file (router modes, KV-events flags)', () => {
    const file = releasesFile();
    if (typeof file === 'string') {
      console.warn(file);
      return;
    }
    const series = version.split('.').slice(0, 2).join('.');
    const entry = file.releases.find((r) => r.series === series);
    expect(entry).toBeDefined();
    const help = helpFacts(stack.python);
    expect([...(entry as ReleaseEntry).routerModes].sort()).toEqual([...help.modes].sort());
    expect(help.kvFlags).toEqual(expect.arrayContaining([entry?.kvEvents.flagOn, entry?.kvEvents.flagOff]));
    expect(help.kvEnv ?? null).toBe(entry?.kvEvents.env);
  });

  run(
    'names the serving worker in replies as releases.json says (nvext.worker_id, per mode)',
    async () => {
      const entry = entryOf(version);
      expect(entry?.workerIdInResponse).toBeDefined();
      const names: Record<string, boolean> = {};
      for (const mode of ['round-robin', 'kv']) {
        const frontend = await startFrontend({
          discoveryDir: stack.workers.discoveryDir,
          python: stack.python,
          discoveryArgs: stack.frontendArgs,
          env: stack.env,
          mode,
        });
        try {
          await waitForModels(frontend.url, 90_000);
          const reply = await chat(frontend.url, { maxTokens: 1, extraFields: ['worker_id'] });
          expect(reply.status).toBe(200);
          // u64 ids above 2^53: the reply carries them as JSON numbers, read here as text.
          names[mode] = /"decode_worker_id"\s*:\s*\d+/.test(reply.body);
        } finally {
          await frontend.stop();
        }
      }
      expect(names).toEqual({ 'round-robin': entry?.workerIdInResponse === 'all-modes', kv: true });
    },
    180_000,
  );

  const lacksLeastLoaded = version.startsWith('1.0.');
  (lacksLeastLoaded ? run : it.skip)(
    'refuses a mode the release lacks before launching (unsupported-mode)',
    async () => {
      const main = await launchAndStop(await launchInputs({ mode: 'least-loaded' }));
      expect(main.outputs.result).toBe('fail');
      expect(main.outputs.failure).toBe('unsupported-mode');
      expect(main.state['launched-frontend'] ?? '').toBe('');
      expect(main.summary).toContain(version);
    },
    60_000,
  );
});
