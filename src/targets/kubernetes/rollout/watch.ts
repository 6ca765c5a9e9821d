// Waits for the frontend rollout with a pod watch: list, then watch from the list's
// resourceVersion; a dropped watch is re-listed and re-watched, a 410 Gone too. Never outlives
// the deadline: the cause of a stall is gathered inside it. A failure of our own making (a
// response over its byte cap, a credential plugin that failed) ends the wait at once: listing
// again would meet it again. Each event costs O(1) (RolloutTally), whatever the pod count.

import { RunFailure } from '../../../model/failure.js';
import type { KubeApi, WatchEvent } from '../api/kube-api.js';
import type { FrontendLocation, ObjectRef } from '../object/dgd.js';
import { routerExpectation, type EnvLists, type RouterExpectation } from '../decide/env-change.js';
import { asString, dig, type JsonObject } from '../object/json.js';
import { watchPodsCommand } from '../kubectl-steps.js';
import { diagnosePod, telling, type PodDiagnosis } from './pod-diagnosis.js';
import { listNames, podView, RolloutTally, type RolloutState } from './pod-progress.js';

export interface RolloutTarget {
  namespace: string;
  selector: string;
  containerName: string;
  expected: RouterExpectation;
  replicas: number;
  /** Who rolls the pods, for the message when nothing happens: the operator or a Deployment. */
  controller: string;
  /** Command a person runs to watch the same thing. */
  watchCommand: string;
  /**
   * Re-reads the object for a stall: says who reverted the router env the run wrote (a GitOps
   * controller's sync), so the cause is not blamed on the controller that rolls pods.
   */
  reverted?: () => Promise<string | undefined>;
}

export interface RolloutOptions {
  timeoutMs: number;
  log: (line: string) => void;
  progressEveryMs?: number;
  now?: () => number;
}

export interface RolloutResult {
  pods: string[];
  elapsedMs: number;
}

/** Where the frontend's pods are and what rolls them. */
export interface FrontendPods {
  namespace: string;
  selector: string;
  ref: ObjectRef;
  loc: FrontendLocation;
}

/**
 * Waits until the frontend pods behind `at` run the router entries of `lists` and the old ones
 * are gone: the one rollout wait of the first write, the mode switches and the rollback.
 */
export function rollOut(
  api: KubeApi,
  at: FrontendPods,
  lists: EnvLists,
  options: RolloutOptions & { reverted?: RolloutTarget['reverted'] },
): Promise<RolloutResult> {
  const { namespace, selector, ref, loc } = at;
  return waitForRollout(
    api,
    {
      namespace,
      selector,
      containerName: loc.containerName,
      expected: routerExpectation(lists),
      reverted: options.reverted,
      replicas: loc.replicas,
      controller: ref.kind === 'dgd' ? 'the Dynamo operator' : 'the Deployment controller',
      watchCommand: watchPodsCommand(namespace, selector),
    },
    options,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export async function waitForRollout(
  api: KubeApi,
  target: RolloutTarget,
  options: RolloutOptions,
): Promise<RolloutResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + options.timeoutMs;
  // Keep a slice of the budget to read pod events for the diagnosis.
  const reserve = Math.min(3000, options.timeoutMs * 0.1);
  const pods = new Map<string, JsonObject>();
  const tally = new RolloutTally(target.replicas);
  let stop: (() => void) | undefined;
  let finish: (() => void) | undefined;
  let lastError: unknown;
  let finished = false;

  const key = (pod: JsonObject) =>
    asString(dig(pod, 'metadata', 'uid')) ?? asString(dig(pod, 'metadata', 'name')) ?? '';
  const put = (pod: JsonObject) => {
    const k = key(pod);
    pods.set(k, pod);
    tally.set(k, podView(pod, target.containerName, target.expected));
  };
  const evaluate = () => {
    if (tally.done) finish?.();
  };

  const relistAndWatch = async (): Promise<void> => {
    while (!finished && now() < deadline - reserve) {
      try {
        const list = await api.listPods(target.namespace, target.selector);
        pods.clear();
        tally.clear();
        for (const pod of list.items) put(pod);
        evaluate();
        if (finished || tally.done) return;
        let resourceVersion = list.resourceVersion;
        const ended = new Promise<unknown>((resolve) => {
          void api
            .watchPods(
              target.namespace,
              target.selector,
              resourceVersion,
              (event: WatchEvent) => {
                if (event.type === 'BOOKMARK') {
                  resourceVersion =
                    asString(dig(event.object, 'metadata', 'resourceVersion')) ?? resourceVersion;
                  return;
                }
                if (event.type === 'ERROR') {
                  // 410 Gone (resourceVersion too old) and other watch errors: re-list.
                  stop?.();
                  resolve(new Error(asString(event.object.message) ?? 'watch error'));
                  return;
                }
                if (event.type === 'DELETED') {
                  pods.delete(key(event.object));
                  tally.set(key(event.object), undefined);
                } else put(event.object);
                evaluate();
              },
              (error) => resolve(error),
            )
            .then((s) => {
              stop = s;
              if (finished) s();
            }, resolve);
        });
        lastError = await ended;
      } catch (error) {
        lastError = error;
      }
      // Ours (a byte cap, a credential plugin): the same would happen again; the run fails with it.
      if (lastError instanceof RunFailure && !finished) throw lastError;
      if (finished) return;
      // A dropped watch is normal (server timeouts); pause briefly so a broken one cannot spin.
      await sleep(Math.min(500 + Math.random() * 500, deadline - reserve - now()));
    }
  };

  // The deadline timer is cleared on every way out: a pending timer would keep the action alive.
  let deadlineTimer: NodeJS.Timeout | undefined;
  // A GitOps sync can put the old env back mid-rollout: checked with each progress line, so the
  // wait ends with that cause instead of running out the whole timeout.
  let revertedSeen: string | undefined;
  let reading = false;
  const progress = setInterval(() => {
    options.log(
      `Rollout: ${tally.state().summary} (${Math.round((now() - started) / 1000)} s of ${Math.round(options.timeoutMs / 1000)} s).`,
    );
    if (!target.reverted || reading || finished) return;
    reading = true;
    void bounded(target.reverted, 5000).then((seen) => {
      reading = false;
      if (seen && !finished && !tally.done) {
        revertedSeen = seen;
        finish?.();
      }
    });
  }, options.progressEveryMs ?? 10_000);
  try {
    await Promise.race([
      new Promise<void>((resolve) => {
        finish = resolve;
        if (tally.done) resolve();
      }),
      relistAndWatch(),
      new Promise<void>((resolve) => {
        deadlineTimer = setTimeout(resolve, Math.max(0, deadline - reserve - now()));
      }),
    ]);
  } finally {
    finished = true;
    clearTimeout(deadlineTimer);
    clearInterval(progress);
    stop?.();
  }
  const state = tally.state();
  if (state.done) {
    options.log(`Rollout finished in ${Math.round((now() - started) / 100) / 10} s: ${state.summary}.`);
    return { pods: state.fresh.map((p) => p.name), elapsedMs: now() - started };
  }
  const reverted = revertedSeen ?? (await bounded(target.reverted, Math.max(deadline - now(), 500)));
  const stall: PodDiagnosis[] = reverted
    ? [
        {
          text: `the router env this run wrote is no longer on the object (${reverted}), so the pods will not get it`,
        },
      ]
    : await stallCause(api, target, state, pods, deadline - now());
  const cause = stall.map((d) => d.text).join('; ');
  const watchNote =
    lastError && state.fresh.length === 0 && pods.size === 0
      ? ` (last watch problem: ${String((lastError as Error).message ?? lastError)})`
      : '';
  throw new RunFailure(
    'rollout-timeout',
    `The frontend did not finish rolling out ${revertedSeen ? `(stopped waiting after ${Math.round((now() - started) / 1000)} s)` : `within ${Math.round(options.timeoutMs / 1000)} s`}: ${cause}. State: ${state.summary}${watchNote}.`,
    undefined,
    [{ title: 'Rollout state', text: `${state.summary}\nWatch it yourself: ${target.watchCommand}` }],
    telling(stall.map((d) => d.problem)),
  );
}

/** Runs `read` for at most `ms`; undefined on timeout or error (the timer never outlives it). */
async function bounded(read: (() => Promise<string | undefined>) | undefined, ms: number) {
  if (!read) return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      read().catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function stallCause(
  api: KubeApi,
  target: RolloutTarget,
  state: RolloutState,
  pods: Map<string, JsonObject>,
  budgetMs: number,
): Promise<PodDiagnosis[]> {
  const byName = new Map([...pods.values()].map((p) => [asString(dig(p, 'metadata', 'name')) ?? '', p]));
  const stuck = state.fresh.filter((p) => !p.ready);
  if (stuck.length === 0 && state.fresh.length === 0) {
    if (state.old.length === 0) return [{ text: `no pod matches the selector ${target.selector}` }];
    return [
      { text: `no pod with the new env was created: ${target.controller} has not rolled the frontend` },
    ];
  }
  if (stuck.length === 0) {
    const terminating = state.old.filter((p) => p.terminating);
    if (terminating.length)
      return [{ text: `old pod(s) still terminating: ${listNames(terminating.map((p) => p.name))}` }];
    return [{ text: `old pod(s) still present: ${listNames(state.old.map((p) => p.name))}` }];
  }
  return Promise.all(
    stuck.slice(0, 3).map(async (view) => {
      const pod = byName.get(view.name) ?? {};
      let events: JsonObject[] = [];
      try {
        events = await Promise.race([
          api.listEvents(target.namespace, view.name),
          sleep(Math.max(budgetMs, 500)).then(() => []),
        ]);
      } catch {
        // The status alone still says most; events are a bonus.
      }
      return diagnosePod(pod, events);
    }),
  );
}
