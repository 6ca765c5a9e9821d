// The env change that selects a router mode: only the router entries change, every other entry
// keeps its position and value.
import { describe, expect, it } from '@jest/globals';
import {
  computeEnvChange,
  envMatches,
  restoreLists,
  routerExpectation,
  type EnvLists,
} from '../../../../../src/targets/kubernetes/decide/env-change.ts';

const other = [
  { name: 'A', value: '1' },
  { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
  { name: 'B', value: '2' },
];

describe('computeEnvChange', () => {
  it('adds DYN_ROUTER_MODE to the component env, keeping every other entry in order', () => {
    const lists: EnvLists = { component: [...other], container: [{ name: 'C', value: '3' }] };
    const change = computeEnvChange(lists, 'kv', 'on');
    expect(change.changed).toBe(true);
    expect(change.lists.component).toEqual([...other, { name: 'DYN_ROUTER_MODE', value: 'kv' }]);
    expect(change.lists.container).toEqual([{ name: 'C', value: '3' }]);
    expect(change.set).toEqual([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]);
  });

  it('changes the value where the main container defines it (container env wins)', () => {
    const lists: EnvLists = {
      component: [...other],
      container: [
        { name: 'DYN_ROUTER_MODE', value: 'random' },
        { name: 'C', value: '3' },
      ],
    };
    const change = computeEnvChange(lists, 'kv', 'leave');
    expect(change.lists.container).toEqual([
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'C', value: '3' },
    ]);
    expect(change.lists.component).toEqual(other);
  });

  it('adds to the container env when the object has no component env (v1beta1, Deployment)', () => {
    const change = computeEnvChange({ container: [...other] }, 'least-loaded', 'leave');
    expect(change.lists.container).toEqual([...other, { name: 'DYN_ROUTER_MODE', value: 'least-loaded' }]);
    expect(change.lists.component).toBeUndefined();
  });

  it('approximate mode adds DYN_ROUTER_USE_KV_EVENTS=false', () => {
    const change = computeEnvChange({ component: [], container: [] }, 'kv', 'off');
    expect(change.lists.component).toEqual([
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
    ]);
  });

  it('with events on, removes a false left behind but keeps a true', () => {
    const lists: EnvLists = {
      component: [
        { name: 'DYN_ROUTER_MODE', value: 'kv' },
        { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
        ...other,
      ],
      container: [],
    };
    const change = computeEnvChange(lists, 'kv', 'on');
    expect(change.lists.component).toEqual([{ name: 'DYN_ROUTER_MODE', value: 'kv' }, ...other]);
    expect(change.remove).toEqual(['DYN_ROUTER_USE_KV_EVENTS']);
    const kept = computeEnvChange(
      { container: [{ name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'true' }] },
      'kv',
      'on',
    );
    expect(kept.lists.container).toEqual([
      { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'true' },
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
    ]);
  });

  it('reports no change when the entries are already as wanted', () => {
    const lists: EnvLists = {
      component: [
        { name: 'DYN_ROUTER_MODE', value: 'kv' },
        { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'False' },
      ],
      container: [],
    };
    expect(computeEnvChange(lists, 'kv', 'off').changed).toBe(false);
  });

  it('leaves DYN_ROUTER_MODE alone when the args already pin the mode', () => {
    const lists: EnvLists = { container: [{ name: 'DYN_ROUTER_MODE', value: 'random' }] };
    const change = computeEnvChange(lists, undefined, 'leave');
    expect(change.changed).toBe(false);
    expect(change.set).toEqual([]);
  });

  it('replaces a valueFrom router entry and says so', () => {
    const change = computeEnvChange(
      { container: [{ name: 'DYN_ROUTER_MODE', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } }] },
      'kv',
      'leave',
    );
    expect(change.lists.container).toEqual([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]);
    expect(change.notes.map((n) => n.text).join(' ')).toMatch(/valueFrom/);
    expect(change.notes.every((n) => n.id === 'env-value-from')).toBe(true);
  });
});

describe('graph-level env (v1alpha1 spec.envs, v1beta1 spec.env)', () => {
  const graphOff = [{ name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' }];

  it('writes DYN_ROUTER_USE_KV_EVENTS=true at the frontend level when the graph says false', () => {
    const lists: EnvLists = { graph: graphOff, component: [...other], container: [] };
    const change = computeEnvChange(lists, 'kv', 'on');
    expect(change.changed).toBe(true);
    expect(change.lists.component).toEqual([
      ...other,
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'true' },
    ]);
    // The graph-level list is never rewritten (that would roll the workers).
    expect(change.lists.graph).toBe(graphOff);
    expect(change.remove).toEqual([]);
    expect(routerExpectation(change.lists).DYN_ROUTER_USE_KV_EVENTS).toEqual({
      name: 'DYN_ROUTER_USE_KV_EVENTS',
      value: 'true',
    });
  });

  it('replaces a frontend-level false with true rather than removing it when the graph also says false', () => {
    const lists: EnvLists = {
      graph: graphOff,
      container: [{ name: 'DYN_ROUTER_USE_KV_EVENTS', value: '0' }],
    };
    const change = computeEnvChange(lists, undefined, 'on');
    expect(change.lists.container).toEqual([{ name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'true' }]);
    expect(change.remove).toEqual([]);
  });

  it('counts the graph layer in the rollout expectation (what the operator merges into the pod)', () => {
    const lists: EnvLists = { graph: [{ name: 'DYN_ROUTER_MODE', value: 'random' }], container: [] };
    expect(routerExpectation(lists).DYN_ROUTER_MODE).toEqual({ name: 'DYN_ROUTER_MODE', value: 'random' });
    const change = computeEnvChange(lists, 'kv', 'leave');
    expect(change.lists.container).toEqual([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]);
    const pod = [
      { name: 'DYN_ROUTER_MODE', value: 'random' },
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
    ];
    expect(envMatches(pod, routerExpectation(change.lists))).toBe(true);
    expect(envMatches([{ name: 'DYN_ROUTER_MODE', value: 'random' }], routerExpectation(change.lists))).toBe(
      false,
    );
  });

  it('writes nothing when the graph layer already gives the wanted values', () => {
    const lists: EnvLists = {
      graph: [
        { name: 'DYN_ROUTER_MODE', value: 'kv' },
        { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'False' },
      ],
      component: [],
      container: [],
    };
    expect(computeEnvChange(lists, 'kv', 'off').changed).toBe(false);
    const on = computeEnvChange(lists, 'kv', 'on');
    expect(on.changed).toBe(true);
    expect(on.lists.component).toEqual([{ name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'true' }]);
  });

  it('restoring removes the explicit true again and leaves the graph list alone', () => {
    const original: EnvLists = { graph: graphOff, component: [], container: [] };
    const change = computeEnvChange(original, 'kv', 'on');
    const restored = restoreLists(change.lists, original);
    expect(restored.lists.component).toEqual([]);
    expect(restored.lists.graph).toBe(graphOff);
  });
});

describe('restoreLists', () => {
  it('puts the original router entries back at their positions', () => {
    const original: EnvLists = {
      component: [
        { name: 'A', value: '1' },
        { name: 'DYN_ROUTER_MODE', value: 'random' },
        { name: 'B', value: '2' },
      ],
      container: [],
    };
    const changed = computeEnvChange(original, 'kv', 'off');
    const restored = restoreLists(changed.lists, original);
    expect(restored.changed).toBe(true);
    expect(restored.lists).toEqual(original);
  });

  it('removes entries the run added when there were none', () => {
    const original: EnvLists = {
      component: [{ name: 'A', value: '1' }],
      container: [{ name: 'C', value: '3' }],
    };
    const changed = computeEnvChange(original, 'kv', 'off');
    expect(restoreLists(changed.lists, original).lists).toEqual(original);
  });
});

describe('envMatches', () => {
  it('compares the effective router entries of a pod container', () => {
    const expected = routerExpectation({
      component: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
      container: [],
    });
    expect(
      envMatches(
        [
          { name: 'X', value: '1' },
          { name: 'DYN_ROUTER_MODE', value: 'kv' },
        ],
        expected,
      ),
    ).toBe(true);
    expect(envMatches([{ name: 'DYN_ROUTER_MODE', value: 'round-robin' }], expected)).toBe(false);
    expect(
      envMatches(
        [
          { name: 'DYN_ROUTER_MODE', value: 'kv' },
          { name: 'DYN_ROUTER_USE_KV_EVENTS', value: 'false' },
        ],
        expected,
      ),
    ).toBe(false);
    expect(envMatches([], routerExpectation({ container: [] }))).toBe(true);
  });
});
