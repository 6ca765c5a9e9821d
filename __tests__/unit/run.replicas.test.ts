// A target with several frontend replicas: each is probed on its own (a simulated Dynamo router
// behind each, support/routing-sim.ts), in turn and each connection closed; a replica that routes
// differently fails the run with replica-mismatch naming its pod; replicas that agree are named
// as proven; one that cannot be reached is reported, not guessed.
import { describe, expect, it } from '@jest/globals';
import { runRouterCheck } from '../../src/run.js';
import type { FrontendReplica } from '../../src/session.js';
import { parseSettings } from '../../src/settings/settings.js';
import { fakeEffects, fakeSession, healthyFrontend } from '../support/run-effects.js';
import { simTransport, type SimMode } from '../support/routing-sim.ts';

function replicas(modes: Record<string, SimMode | 'unreachable'>, events: string[]): FrontendReplica[] {
  return Object.entries(modes).map(([name, mode]) => ({
    name,
    open: async () => {
      events.push(`open ${name}`);
      if (mode === 'unreachable') throw new Error('port-forward refused');
      return {
        // The replica's own router mode in its host name; its /v1/models answers like any frontend's.
        baseUrl: `http://${mode}.${name}.invalid`,
        close: async () => {
          events.push(`close ${name}`);
        },
      };
    },
  }));
}

async function run(modes: Record<string, SimMode | 'unreachable'>, asked: string) {
  const replicaEvents: string[] = [];
  const effects = fakeEffects({
    answers: healthyFrontend(),
    session: (events) => fakeSession(events, { replicas: replicas(modes, replicaEvents) }),
  });
  let seed = 7;
  const contract = await runRouterCheck(
    { ...parseSettings((n) => ({ mode: asked, retries: '1', 'retry-delay': '0' })[n] ?? ''), verify: true },
    {
      ...effects,
      probeTransport: (baseUrl) =>
        simTransport({ mode: new URL(baseUrl).hostname.split('.')[0] as SimMode, workers: 3, seed: seed++ }),
    },
  );
  return { contract, replicaEvents };
}

describe('frontend replicas, each probed on its own', () => {
  it('a replica still on the old mode fails replica-mismatch, naming the pod and what it does', async () => {
    const { contract, replicaEvents } = await run(
      { 'frontend-7d9f-a': 'round-robin', 'frontend-7d9f-b': 'kv' },
      'round-robin',
    );
    expect(contract.result).toBe('fail');
    expect(contract.failure?.code).toBe('replica-mismatch');
    expect(contract.failure?.message).toMatch(
      /^Frontend pod frontend-7d9f-b does not run the round-robin router mode while frontend-7d9f-a does: frontend-7d9f-b runs kv \(Routing probe: .*\)\./,
    );
    expect(contract.failure?.next).toMatch(/pod frontend-7d9f-b/);
    expect(contract.modeProvenBy).toBe('behaviour');
    expect(contract.routing?.replicas?.map((r) => [r.name, r.probe?.observed])).toEqual([
      ['frontend-7d9f-a', 'round-robin'],
      ['frontend-7d9f-b', 'kv'],
    ]);
    // One at a time, each connection closed before the next opens.
    expect(replicaEvents).toEqual([
      'open frontend-7d9f-a',
      'close frontend-7d9f-a',
      'open frontend-7d9f-b',
      'close frontend-7d9f-b',
    ]);
  });

  it('replicas that agree prove the mode on each, named in the evidence', async () => {
    const { contract } = await run({ 'fe-a': 'round-robin', 'fe-b': 'round-robin' }, 'round-robin');
    expect(contract.result).toBe('pass');
    expect(contract.modeVerified).toBe('verified');
    expect(contract.modeProvenBy).toBe('behaviour');
    expect(contract.modeEvidence).toMatch(/on each of 2 frontend replicas \(fe-a, fe-b\)/);
  });

  it('every replica on another mode is mode-not-applied, not a mismatch', async () => {
    const { contract } = await run({ 'fe-a': 'kv', 'fe-b': 'kv' }, 'round-robin');
    expect(contract.failure?.code).toBe('mode-not-applied');
  });

  it('a check-only run whose replicas route differently names both', async () => {
    const { contract } = await run({ 'fe-a': 'round-robin', 'fe-b': 'kv' }, '');
    expect(contract.failure?.code).toBe('replica-mismatch');
    expect(contract.failure?.message).toMatch(
      /^The frontend pods route differently: fe-a runs round-robin, while fe-b runs kv \(/,
    );
  });

  it('a replica that cannot be reached is reported as not probed', async () => {
    const { contract } = await run({ 'fe-a': 'round-robin', 'fe-b': 'unreachable' }, 'round-robin');
    expect(contract.result).toBe('pass');
    expect(contract.routing?.replicas?.[1]).toEqual({
      name: 'fe-b',
      problem: 'could not be reached: port-forward refused',
    });
  });
});
