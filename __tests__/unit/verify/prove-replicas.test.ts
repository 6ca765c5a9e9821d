// Every frontend replica proven on its own: one connection at a time, each closed, and what the
// findings on every replica mean (replica-mismatch naming the pods).
import { describe, expect, it } from '@jest/globals';
import { HttpError, type HttpClient, type HttpRequest } from '../../../src/check/http.js';
import type { SmokeResult } from '../../../src/check/smoke.js';
import { RunFailure } from '../../../src/model/failure.js';
import { makePlan } from '../../../src/plan.js';
import type { FrontendReplica, LogSource } from '../../../src/session.js';
import type { ProbeTransport } from '../../../src/verify/probe/transport.js';
import { parseSettings } from '../../../src/settings/settings.js';
import { judgeReplicas, proveReplicas, type ReplicaFinding } from '../../../src/verify/prove-replicas.js';
import { verifyInEffect } from '../../../src/verify/verify-step.js';
import { simTransport } from '../../support/routing-sim.ts';
import { fakeEffects, fakeSession, healthyFrontend } from '../../support/run-effects.ts';

const finding = (
  name: string,
  verdict: ReplicaFinding['verdict'],
  observed = '',
  evidence = 'why.',
): ReplicaFinding => ({
  name,
  verdict,
  observed,
  evidence,
  provenBy: verdict === 'verified' || verdict === 'contradicted' ? ['log'] : [],
});

/**
 * A frontend per replica URL whose chat answers 200 and whose /metrics is refused; its
 * /v1/models lists model m, except on the replicas in `noModelYet` (no worker discovered).
 */
function chatOnly(events: string[], noModelYet: string[] = []): HttpClient {
  return {
    request: async (req: HttpRequest) => {
      events.push(`${req.method} ${req.url}`);
      const url = new URL(req.url);
      if (url.pathname === '/v1/models') {
        const ids = noModelYet.includes(url.hostname.split('.')[0]) ? [] : [{ id: 'm' }];
        return { status: 200, headers: new Headers(), body: JSON.stringify({ data: ids }), elapsedMs: 1 };
      }
      if (url.pathname !== '/v1/chat/completions') throw new HttpError('refused', 'connection refused', 1);
      return { status: 200, headers: new Headers(), body: '{}', elapsedMs: 1 };
    },
  };
}

/** A replica whose connection is a URL of its own, recorded when opened and closed. */
function replica(name: string, events: string[], fails?: RunFailure): FrontendReplica {
  return {
    name,
    async open() {
      if (fails) throw fails;
      events.push(`open ${name}`);
      return {
        baseUrl: `http://${name}.replica`,
        close: async () => {
          events.push(`close ${name}`);
        },
      };
    },
  };
}

/** Each replica's own log: one routed line per request, in that replica's mode. */
function logsOf(modes: Record<string, string>): (name: string) => LogSource {
  return (name) => ({
    mark: async () => 0,
    since: async () => ({ text: `Selected worker router_mode="${modes[name]}"\n`.repeat(2) }),
  });
}

describe('judgeReplicas: what the findings on every replica mean', () => {
  it('every replica proven: names them all, no failure', () => {
    const judged = judgeReplicas(
      [finding('fe-a', 'verified', 'kv'), finding('fe-b', 'verified', 'kv')],
      'kv',
    );
    expect(judged).toEqual({
      evidence: 'Proven on each of the 2 Ready frontend pods: fe-a, fe-b.',
      verdict: 'verified',
      provenBy: ['log'],
      limitations: [],
    });
  });

  it('one replica on another mode while another runs it: replica-mismatch naming that pod and its mode', () => {
    const judged = judgeReplicas(
      [
        finding(
          'fe-a',
          'contradicted',
          'round-robin',
          'Expected kv, but the frontend log: 2× router_mode=round-robin.',
        ),
        finding('fe-b', 'verified', 'kv'),
      ],
      'kv',
    );
    expect(judged.verdict).toBe('contradicted');
    expect(judged.failure?.code).toBe('replica-mismatch');
    expect(judged.failure?.message).toMatch(
      /^Frontend pod fe-a does not run the kv router mode while fe-b does: fe-a runs round-robin \(Expected kv, but the frontend log: 2× router_mode=round-robin\)\./,
    );
    expect(judged.evidence).toBe('Proven on 1 of the 2 Ready frontend pods: fe-b. Not on fe-a.');
  });

  it('no replica runs the mode: mode-not-applied, naming the pods', () => {
    const judged = judgeReplicas(
      [finding('fe-a', 'contradicted', 'random'), finding('fe-b', 'contradicted', 'random')],
      'kv',
    );
    expect(judged.failure).toMatchObject({
      code: 'mode-not-applied',
      message: 'No frontend pod runs the kv router mode: fe-a runs random (why); fe-b runs random (why).',
    });
  });

  it('one replica on another mode and the other unproven: mode-not-applied naming the pod, not a mismatch', () => {
    const judged = judgeReplicas(
      [finding('fe-a', 'contradicted', 'random'), finding('fe-b', 'unverifiable', '', 'no log.')],
      'kv',
    );
    expect(judged.failure).toMatchObject({
      code: 'mode-not-applied',
      message:
        'Frontend pod fe-a does not run the kv router mode: fe-a runs random (why). It could not be proven on fe-b either.',
    });
  });

  it('with no mode asked, replicas that show different modes disagree', () => {
    const judged = judgeReplicas(
      [finding('fe-a', 'verified', 'kv'), finding('fe-b', 'verified', 'round-robin')],
      undefined,
    );
    expect(judged.failure?.code).toBe('replica-mismatch');
    expect(judged.failure?.message).toMatch(
      /^The frontend pods route differently: fe-a runs kv, while fe-b runs round-robin \(why\)\./,
    );
  });

  it('a pod not reached or not provable is a limitation (one per reason, naming its pods), never a failure', () => {
    const judged = judgeReplicas(
      [
        finding('fe-a', 'verified', 'kv'),
        finding('fe-b', 'unreachable', '', 'pods "fe-b" not found.'),
        finding('fe-c', 'unverifiable', '', 'no frontend log available.'),
        finding('fe-d', 'unverifiable', '', 'no frontend log available.'),
      ],
      'round-robin',
    );
    expect(judged.failure).toBeUndefined();
    expect(judged.verdict).toBeUndefined();
    expect(judged.evidence).toBe('Proven on 1 of the 4 Ready frontend pods: fe-a.');
    expect(judged.limitations.map((l) => l.text)).toEqual([
      'The round-robin mode is not proven on frontend pod fe-b: not reached on its own: pods "fe-b" not found.',
      'The round-robin mode is not proven on frontend pods fe-c, fe-d: no frontend log available.',
    ]);
    expect(judged.limitations.every((l) => l.id === 'replica-unproven')).toBe(true);
  });
});

describe('proveReplicas: the same evidence on each replica, one connection at a time', () => {
  it('opens, proves and closes each replica in turn; one that cannot be opened is unreachable', async () => {
    const events: string[] = [];
    const findings = await proveReplicas(
      chatOnly(events),
      [
        replica('fe-a', events),
        replica('fe-b', events),
        replica('fe-c', events, new RunFailure('port-forward-failed', 'pods "fe-c" not found.')),
      ],
      { model: 'm', expected: 'kv', approximateKv: false, headers: {}, timeoutMs: 1000 },
      {
        logsOf: logsOf({ 'fe-a': 'kv', 'fe-b': 'round-robin' }),
        available: ['kv', 'round-robin'],
        retries: { attempts: 1, firstDelayMs: 0 },
      },
      () => undefined,
    );
    expect(findings.map((f) => [f.name, f.verdict, f.observed])).toEqual([
      ['fe-a', 'verified', 'kv'],
      ['fe-b', 'contradicted', 'round-robin'],
      ['fe-c', 'unreachable', ''],
    ]);
    const order = events.filter((e) => /^(open|close)/.test(e) || e.includes('/v1/chat'));
    expect(order).toEqual([
      'open fe-a',
      'POST http://fe-a.replica/v1/chat/completions',
      'POST http://fe-a.replica/v1/chat/completions',
      'close fe-a',
      'open fe-b',
      'POST http://fe-b.replica/v1/chat/completions',
      'POST http://fe-b.replica/v1/chat/completions',
      'close fe-b',
    ]);
  });
});

describe('a replica Ready before it discovered its workers', () => {
  it('is asked for the model again, as the check would, then proven; one that never lists it is not proven', async () => {
    const events: string[] = [];
    let asked = 0;
    const http: HttpClient = {
      request: async (req: HttpRequest) => {
        if (req.url === 'http://fe-a.replica/v1/models' && ++asked < 3)
          return { status: 200, headers: new Headers(), body: '{"data":[]}', elapsedMs: 1 };
        return chatOnly(events, ['fe-b']).request(req);
      },
    };
    const findings = await proveReplicas(
      http,
      [replica('fe-a', events), replica('fe-b', events)],
      { model: 'm', expected: 'kv', approximateKv: false, headers: {}, timeoutMs: 1000 },
      {
        logsOf: logsOf({ 'fe-a': 'kv', 'fe-b': 'kv' }),
        available: ['kv'],
        retries: { attempts: 3, firstDelayMs: 1 },
      },
      () => undefined,
    );
    expect(asked).toBe(3);
    expect(findings.map((f) => [f.name, f.verdict, f.evidence])).toEqual([
      ['fe-a', 'verified', expect.stringContaining('router_mode=kv')],
      ['fe-b', 'unverifiable', 'its /v1/models does not list m (no worker of it discovered yet)'],
    ]);
    expect(events.filter((e) => e.includes('fe-b') && e.includes('/v1/chat'))).toEqual([]);
  });
});

describe('the routing probe on each replica', () => {
  it('sends each replica prompts new to the workers: a prefix one replica spread would be cached everywhere', async () => {
    const settings = parseSettings(
      (name) => ({ mode: 'kv', 'base-url': 'http://127.0.0.1:41234' })[name] ?? '',
    );
    const sent: Record<string, string[]> = {};
    const effects = {
      ...fakeEffects({ answers: healthyFrontend('m') }),
      probeTransport: (baseUrl: string): ProbeTransport => {
        const sim = simTransport({ mode: 'kv', workers: 3, seed: 3 });
        const name = new URL(baseUrl).hostname.split('.')[0];
        return {
          ...sim,
          chat: (content, headers) => {
            (sent[name] ??= []).push(content);
            return sim.chat(content, headers);
          },
        };
      },
    };
    const events: string[] = [];
    const session = fakeSession(events, {
      logs: { mark: async () => 0, since: async () => ({ text: '' }) },
      replicas: [replica('fe-a', events), replica('fe-b', events)],
    });
    await verifyInEffect({
      settings,
      plan: makePlan(settings),
      session,
      smoke: { ok: true, model: 'm', checks: [] } as unknown as SmokeResult,
      kvEvents: 'unknown',
      effects,
    });
    const prefixes = (name: string) =>
      new Set(sent[name].filter((c) => c.includes('\n\n')).map((c) => c.slice(0, c.indexOf('\n\n'))));
    expect(prefixes('fe-a').size).toBeGreaterThan(0);
    expect([...prefixes('fe-a')].filter((p) => prefixes('fe-b').has(p))).toEqual([]);
  });
});

describe('verifyInEffect with several replicas', () => {
  // The log decides here; routing-replicas.test.ts has the routing probe on each replica.
  const settings = parseSettings(
    (name) => ({ mode: 'kv', 'base-url': 'http://127.0.0.1:41234', 'probe-requests': '0' })[name] ?? '',
  );
  const smoke = { ok: true, model: 'm', checks: [] } as unknown as SmokeResult;
  const verify = (mainMode: string, modes: Record<string, string>, count = Object.keys(modes).length) => {
    const effects = fakeEffects({ answers: healthyFrontend('m') });
    const events: string[] = [];
    const session = fakeSession(events, {
      logs: {
        mark: async () => 0,
        since: async () => ({ text: mainMode ? `Selected worker router_mode="${mainMode}"` : '' }),
      },
      replicas: Object.keys(modes)
        .slice(0, count)
        .map((name) => replica(name, events)),
      replicaLogs: logsOf(modes),
    });
    return verifyInEffect({
      settings,
      plan: makePlan(settings),
      session,
      smoke,
      kvEvents: 'unknown',
      effects,
    });
  };

  it('the Service’s pod runs the mode but another replica does not: replica-mismatch', async () => {
    const outcome = await verify('kv', { 'fe-a': 'round-robin', 'fe-b': 'kv' });
    expect(outcome.verdict).toBe('contradicted');
    expect(outcome.failure?.code).toBe('replica-mismatch');
    expect(outcome.failure?.message).toMatch(
      /^Frontend pod fe-a does not run the kv router mode while fe-b does/,
    );
    expect(outcome.evidence).toMatch(/Proven on 1 of the 2 Ready frontend pods: fe-b\. Not on fe-a\.$/);
  });

  it('the Service happened to pick the old pod: still replica-mismatch, not mode-not-applied', async () => {
    const outcome = await verify('round-robin', { 'fe-a': 'round-robin', 'fe-b': 'kv' });
    expect(outcome.failure?.code).toBe('replica-mismatch');
  });

  it('every replica runs the mode: verified, both named', async () => {
    const outcome = await verify('kv', { 'fe-a': 'kv', 'fe-b': 'kv' });
    expect(outcome.verdict).toBe('verified');
    expect(outcome.failure).toBeUndefined();
    expect(outcome.evidence).toMatch(/Proven on each of the 2 Ready frontend pods: fe-a, fe-b\.$/);
  });

  it('the Service’s pod left the mode unproven but every replica proved it: verified', async () => {
    const outcome = await verify('', { 'fe-a': 'kv', 'fe-b': 'kv' });
    expect(outcome.verdict).toBe('verified');
    expect(outcome.limitations).toEqual([]);
  });

  it('one replica: the check through the Service already proved it, nothing more is sent', async () => {
    const outcome = await verify('kv', { 'fe-a': 'kv' });
    expect(outcome.verdict).toBe('verified');
    expect(outcome.evidence).not.toMatch(/Proven on/);
  });
});
