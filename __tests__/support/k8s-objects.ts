// What "the user's object is unchanged except what the run reports" means, for the Kubernetes
// fault tests: the object without status and server bookkeeping, the frontend's router env
// entries compared against the action's env-patch output, every other field compared whole.
import { expect } from '@jest/globals';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes objects are arbitrary JSON
export type AnyObj = Record<string, any>;
export type Env = { name: string; value?: string }[];

/** What the user owns: everything but status and the server's bookkeeping. */
export function owned(o: AnyObj): AnyObj {
  const c = structuredClone(o);
  delete c.status;
  delete c.metadata.resourceVersion;
  delete c.metadata.generation;
  delete c.metadata.managedFields;
  return c;
}

export const ROUTER_VARS = ['DYN_ROUTER_MODE', 'DYN_ROUTER_USE_KV_EVENTS'];

/** The annotation the action leaves on what it changed (src/targets/kubernetes/decide/router-env-annotation.ts). */
export const ROUTER_MARK = 'dynamo-router-starter.nvidia.com/router-env';

/**
 * The frontend's env lists (component `envs`, main container `env`) and the object without them,
 * nor the action's mark: when present, the mark must name exactly the router env in effect.
 */
export function split(o: AnyObj): { rest: AnyObj; lists: Env[] } {
  const c = owned(o);
  const annotations = c.metadata.annotations as Record<string, string> | undefined;
  const mark = annotations?.[ROUTER_MARK];
  if (annotations && mark !== undefined) {
    delete annotations[ROUTER_MARK];
    if (Object.keys(annotations).length === 0) delete c.metadata.annotations;
  }
  const fe = c.spec.services.Frontend;
  const lists: Env[] = [fe.envs ?? [], fe.extraPodSpec?.mainContainer?.env ?? []];
  delete fe.envs;
  if (fe.extraPodSpec?.mainContainer) delete fe.extraPodSpec.mainContainer.env;
  if (mark !== undefined) {
    const now = effective(lists);
    const inEffect = ROUTER_VARS.filter((n) => now[n] !== undefined).map((n) => `${n}=${now[n]}`);
    expect(mark).toBe(inEffect.join(','));
  }
  return { rest: c, lists };
}

export const effective = (lists: Env[]) => Object.fromEntries(lists.flat().map((e) => [e.name, e.value]));
/**
 * The user's object after a run is unchanged, or changed exactly as the env-patch output says:
 * every field but the frontend's router env entries identical, the other entries in their order.
 */
export function expectAsReported(before: AnyObj, after: AnyObj, envPatchOutput: string): void {
  const b = split(before);
  const a = split(after);
  expect(a.rest).toEqual(b.rest);
  const patch = envPatchOutput
    ? (JSON.parse(envPatchOutput) as { applied: boolean; rolledBack?: boolean; set: Env; remove: string[] })
    : undefined;
  if (!patch?.applied || patch.rolledBack) {
    expect(a.lists).toEqual(b.lists);
    return;
  }
  const others = (lists: Env[]) => lists.map((l) => l.filter((e) => !ROUTER_VARS.includes(e.name)));
  expect(others(a.lists)).toEqual(others(b.lists));
  const want = effective(b.lists);
  for (const name of patch.remove) delete want[name];
  for (const e of patch.set) want[e.name] = e.value;
  expect(effective(a.lists)).toEqual(want);
}
