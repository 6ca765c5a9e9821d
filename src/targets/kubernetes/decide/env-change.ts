// The env change that selects a router mode, computed on lists read fresh from the server. Only
// the router entries change; every other entry keeps its position and value (valueFrom too).

import { limitation, type Limitation } from '../../../model/findings.js';
import type { EnvEntry } from '../../../model/contract.js';

export const MODE_VAR = 'DYN_ROUTER_MODE';
export const KV_EVENTS_VAR = 'DYN_ROUTER_USE_KV_EVENTS';
export const ROUTER_VARS = [MODE_VAR, KV_EVENTS_VAR] as const;

/** `off`: approximate KV mode; `on`: no `false` may remain; `leave`: not this run's business. */
export type KvEventsWant = 'on' | 'off' | 'leave';

export interface EnvLists {
  /**
   * The graph-level env (v1alpha1 `spec.envs`, v1beta1 `spec.env`): the operator puts it under
   * every component's env, so it is the lowest layer. Read-only here: writing it would roll the
   * workers too, so a different wanted value is written at the frontend's own level instead.
   */
  graph?: EnvEntry[];
  /** v1alpha1 component `envs`; undefined where the object has no component-level env. */
  component?: EnvEntry[];
  /** The frontend (main) container's env: wins over the component env. */
  container: EnvEntry[];
}

export interface EnvChange {
  lists: EnvLists;
  set: EnvEntry[];
  remove: string[];
  changed: boolean;
  notes: Limitation[];
}

/** Dynamo reads booleans as true only for true/1/yes/on (any case). */
export function envTruthy(value: string | undefined): boolean {
  return ['true', '1', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}

function sameEntry(a: EnvEntry, b: EnvEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const lastOf = (list: EnvEntry[] | undefined, name: string) =>
  [...(list ?? [])].reverse().find((e) => e.name === name);

/** The entry that takes effect for `name`: the container's last, else the component's, else the graph's. */
export function effectiveEntry(lists: EnvLists, name: string): EnvEntry | undefined {
  return lastOf(lists.container, name) ?? lastOf(lists.component, name) ?? lastOf(lists.graph, name);
}

/** `mode` undefined leaves DYN_ROUTER_MODE alone (the command line already pins the wanted mode). */
export function computeEnvChange(
  current: EnvLists,
  mode: string | undefined,
  kvEvents: KvEventsWant,
): EnvChange {
  const notes: Limitation[] = [];
  const note = (text: string): void => void notes.push(limitation('env-value-from', text));
  const set: EnvEntry[] = mode === undefined ? [] : [{ name: MODE_VAR, value: mode }];
  const remove: string[] = [];
  const wanted = new Map<string, string>(mode === undefined ? [] : [[MODE_VAR, mode]]);
  if (kvEvents === 'off') {
    wanted.set(KV_EVENTS_VAR, 'false');
    set.push({ name: KV_EVENTS_VAR, value: 'false' });
  }

  const graphEntry = (name: string) => lastOf(current.graph, name);
  // Removing a `false` is not enough where the graph-level env also says false: the frontend
  // would inherit it. The wanted `true` is written at the frontend's level instead.
  const inherited = graphEntry(KV_EVENTS_VAR);
  const inheritsOff =
    kvEvents === 'on' &&
    inherited?.valueFrom === undefined &&
    inherited !== undefined &&
    !envTruthy(inherited.value);
  if (kvEvents === 'on' && inherited?.valueFrom !== undefined)
    note(
      `${KV_EVENTS_VAR} comes from valueFrom in the graph-level env and was left alone; if it resolves to false the router runs in approximate mode.`,
    );
  if (inheritsOff) {
    wanted.set(KV_EVENTS_VAR, 'true');
    set.push({ name: KV_EVENTS_VAR, value: 'true' });
  }

  const edit = (list: EnvEntry[]): EnvEntry[] => {
    const out: EnvEntry[] = [];
    for (const entry of list) {
      if (entry.name === MODE_VAR && mode !== undefined) {
        if (entry.valueFrom !== undefined)
          note(`${MODE_VAR} came from valueFrom; it is replaced by the literal value ${mode}.`);
        out.push(
          entry.value === mode && entry.valueFrom === undefined ? entry : { name: MODE_VAR, value: mode },
        );
      } else if (entry.name === KV_EVENTS_VAR && kvEvents === 'off') {
        // Any spelling Dynamo reads as false already means approximate mode: keep it as written.
        const alreadyOff = entry.valueFrom === undefined && !envTruthy(entry.value);
        out.push(alreadyOff ? entry : { name: KV_EVENTS_VAR, value: 'false' });
      } else if (entry.name === KV_EVENTS_VAR && kvEvents === 'on') {
        if (entry.valueFrom !== undefined) {
          note(
            `${KV_EVENTS_VAR} comes from valueFrom and was left alone; if it resolves to false the router runs in approximate mode.`,
          );
          out.push(entry);
        } else if (envTruthy(entry.value)) {
          out.push(entry);
        } else if (inheritsOff) {
          out.push({ name: KV_EVENTS_VAR, value: 'true' });
        } else if (!remove.includes(KV_EVENTS_VAR)) {
          remove.push(KV_EVENTS_VAR);
        }
      } else {
        out.push(entry);
      }
    }
    return out;
  };

  const lists: EnvLists = { container: edit(current.container) };
  if (current.component) lists.component = edit(current.component);
  if (current.graph) lists.graph = current.graph;
  // A variable defined nowhere at the frontend's level is added where the object keeps its
  // per-component env, unless the graph-level env already gives exactly the wanted value.
  for (const [name, value] of wanted) {
    const defined =
      lists.container.some((e) => e.name === name) || (lists.component ?? []).some((e) => e.name === name);
    if (defined) continue;
    const fromGraph = graphEntry(name);
    const graphGives =
      fromGraph?.valueFrom === undefined &&
      fromGraph !== undefined &&
      (name === KV_EVENTS_VAR && value === 'false' ? !envTruthy(fromGraph.value) : fromGraph.value === value);
    if (graphGives) continue;
    if (lists.component) lists.component.push({ name, value });
    else lists.container.push({ name, value });
  }
  const changed =
    !listsEqual(lists.container, current.container) ||
    (current.component !== undefined && !listsEqual(lists.component ?? [], current.component));
  return { lists, set, remove, changed, notes };
}

function listsEqual(a: EnvEntry[], b: EnvEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => sameEntry(e, b[i]));
}

/**
 * Puts the router entries of `original` back into `current` at their old positions, leaving
 * any other entry as it is now (another writer may have changed those meanwhile).
 */
export function restoreRouterEntries(current: EnvEntry[], original: EnvEntry[]): EnvEntry[] {
  const isRouter = (e: EnvEntry) => (ROUTER_VARS as readonly string[]).includes(e.name);
  const out = current.filter((e) => !isRouter(e));
  original.forEach((entry, index) => {
    if (isRouter(entry)) out.splice(Math.min(index, out.length), 0, entry);
  });
  return out;
}

export function restoreLists(current: EnvLists, original: EnvLists): { lists: EnvLists; changed: boolean } {
  const lists: EnvLists = { container: restoreRouterEntries(current.container, original.container) };
  if (current.component) lists.component = restoreRouterEntries(current.component, original.component ?? []);
  if (current.graph) lists.graph = current.graph;
  const changed =
    !listsEqual(lists.container, current.container) ||
    (current.component !== undefined && !listsEqual(lists.component ?? [], current.component));
  return { lists, changed };
}

/** What the router entries of a pod's frontend container must look like once the change rolled out. */
export type RouterExpectation = Record<string, EnvEntry | undefined>;

export function routerExpectation(lists: EnvLists): RouterExpectation {
  return Object.fromEntries(ROUTER_VARS.map((name) => [name, effectiveEntry(lists, name)]));
}

/** True when a pod container's env carries the expected router entries (valueFrom compared loosely). */
export function envMatches(podEnv: EnvEntry[], expected: RouterExpectation): boolean {
  for (const [name, want] of Object.entries(expected)) {
    const have = [...podEnv].reverse().find((e) => e.name === name);
    if (!want || !have) {
      if (want || have) return false;
      continue;
    }
    if (want.valueFrom !== undefined || have.valueFrom !== undefined) {
      if (want.valueFrom === undefined || have.valueFrom === undefined) return false;
      continue;
    }
    if ((want.value ?? '') !== (have.value ?? '')) return false;
  }
  return true;
}

export function describeEntries(entries: EnvEntry[]): string {
  return entries
    .map((e) => (e.valueFrom !== undefined ? `${e.name} (valueFrom)` : `${e.name}=${e.value ?? ''}`))
    .join(', ');
}
