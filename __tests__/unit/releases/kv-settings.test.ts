// Frontend settings that change what kv does without changing the mode (Dynamo 1.6), reported as
// limitations.
import { describe, expect, it } from '@jest/globals';
import { kvSettingLimitations, standaloneRouterLimitation } from '../../../src/releases/kv-settings.ts';

const env =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];
const WHERE = 'on the frontend';

describe('kvSettingLimitations', () => {
  it('says nothing for another mode, or for kv with the defaults', () => {
    const s = { env: env({ DYN_ROUTER_KV_OVERLAP_SCORE_CREDIT: '0' }), argv: [] };
    expect(kvSettingLimitations(s, 'round-robin', WHERE)).toEqual([]);
    expect(kvSettingLimitations({ env: env({}), argv: [] }, 'kv', WHERE)).toEqual([]);
  });

  it('overlap credit 0 (env or flag; the flag wins): kv ignores cache overlap', () => {
    const [note] = kvSettingLimitations(
      { env: env({ DYN_ROUTER_KV_OVERLAP_SCORE_CREDIT: '0' }), argv: [] },
      'kv',
      WHERE,
    );
    expect(note.id).toBe('kv-setting');
    expect(note.text).toMatch(
      /^DYN_ROUTER_KV_OVERLAP_SCORE_CREDIT=0 on the frontend: kv then gives no credit/,
    );
    const flagWins = kvSettingLimitations(
      {
        env: env({ DYN_ROUTER_KV_OVERLAP_SCORE_CREDIT: '0' }),
        argv: ['--router-kv-overlap-score-credit', '1.0'],
      },
      'kv',
      WHERE,
    );
    expect(flagWins).toEqual([]);
  });

  it('session affinity with a TTL in hard mode (the default), not in soft mode', () => {
    const hard = kvSettingLimitations(
      { env: env({ DYN_ROUTER_SESSION_AFFINITY_TTL_SECS: '300' }), argv: [] },
      'kv',
      WHERE,
    );
    expect(hard[0].text).toMatch(
      /TTL_SECS=300 \(hard affinity, the default\) on the frontend: a request of a session/,
    );
    const explicit = kvSettingLimitations(
      {
        env: env({ DYN_ROUTER_SESSION_AFFINITY_TTL_SECS: '300', DYN_ROUTER_SESSION_AFFINITY_MODE: 'hard' }),
        argv: [],
      },
      'kv',
      WHERE,
    );
    expect(explicit[0].text).toMatch(/and DYN_ROUTER_SESSION_AFFINITY_MODE=hard/);
    const soft = {
      env: env({ DYN_ROUTER_SESSION_AFFINITY_TTL_SECS: '300' }),
      argv: ['--router-session-affinity-mode', 'soft'],
    };
    expect(kvSettingLimitations(soft, 'kv', WHERE)).toEqual([]);
  });

  it('replica sync only matters with more than one replica; --no- switches it off', () => {
    const on = { env: env({ DYN_ROUTER_REPLICA_SYNC: 'true' }), argv: [] };
    expect(kvSettingLimitations({ ...on, replicas: 1 }, 'kv', WHERE)).toEqual([]);
    expect(kvSettingLimitations({ ...on, replicas: 2 }, 'kv', WHERE)[0].text).toMatch(
      /^DYN_ROUTER_REPLICA_SYNC=true on the frontend with 2 replicas/,
    );
    expect(
      kvSettingLimitations({ env: env({}), argv: ['--router-replica-sync'], replicas: 3 }, 'kv', WHERE)[0]
        .text,
    ).toMatch(/^--router-replica-sync on the frontend with 3 replicas/);
    expect(
      kvSettingLimitations({ ...on, argv: ['--no-router-replica-sync'], replicas: 3 }, 'kv', WHERE),
    ).toEqual([]);
  });

  it('a router temperature above 0 samples among workers', () => {
    expect(
      kvSettingLimitations({ env: env({}), argv: ['--router-temperature=0.5'] }, 'kv', WHERE)[0].text,
    ).toMatch(/^--router-temperature=0\.5 on the frontend: kv samples among workers/);
  });

  it('a standalone dynamo.router component is named', () => {
    expect(standaloneRouterLimitation([])).toBeUndefined();
    expect(standaloneRouterLimitation(['Router'])?.text).toMatch(/python -m dynamo\.router: Router/);
  });
});
