// Fakes for a run's effects (src/session.ts): a scripted HTTP client, a logger, a target that
// opens a given session, and a mode switcher, all writing to one event list, so unit tests can
// assert the order in which a run's phases touch the world without a frontend or a cluster.
import { HttpError, type HttpClient, type HttpRequest, type HttpResponse } from '../../src/check/http.js';
import type { RouterMode } from '../../src/model/modes.js';
import type { EnvPatch } from '../../src/model/contract.js';
import type { ModeSwitcher, RunEffects, TargetSession } from '../../src/session.js';

/** The change a Kubernetes run reports after switching mocker-agg's frontend to kv. */
export const KV_ENV_PATCH: EnvPatch = {
  object: 'dynamographdeployment.nvidia.com/mocker-agg (v1alpha1), component Frontend',
  namespace: 'dynamo',
  path: 'spec.services.Frontend.envs',
  set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
  remove: [],
  changed: true,
  applied: true,
  dryRun: false,
};

/** One answer per request path (e.g. '/v1/models'); a path with no answer is refused. */
export type Answers = Record<string, Partial<HttpResponse>>;

/** The answers of a healthy frontend serving `model`. */
export function healthyFrontend(model = 'tiny-model'): Answers {
  return {
    '/v1/models': { body: JSON.stringify({ object: 'list', data: [{ id: model }] }) },
    '/v1/chat/completions': {
      body: JSON.stringify({
        id: 'c1',
        object: 'chat.completion',
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      }),
    },
  };
}

export function scriptedHttp(answers: Answers, events: string[]): HttpClient {
  return {
    request: async (req: HttpRequest) => {
      const path = new URL(req.url).pathname;
      events.push(`http ${req.method} ${path}`);
      const answer = answers[path];
      if (!answer) throw new HttpError('refused', 'connection refused', 1);
      return { status: 200, headers: new Headers(), body: '', elapsedMs: 1, ...answer };
    },
  };
}

/** A session of `baseUrl` whose close and onCheckFailed are recorded. */
export function fakeSession(
  events: string[],
  overrides: Partial<TargetSession> = {},
  options: { rollback?: boolean } = {},
): TargetSession {
  return {
    baseUrl: 'http://127.0.0.1:41234',
    service: '',
    limitations: [],
    details: [],
    close: async () => {
      events.push('close');
    },
    ...(options.rollback
      ? {
          onCheckFailed: async (failure) => {
            events.push(`onCheckFailed ${failure.code}`);
            return { details: [], limitations: [] };
          },
        }
      : {}),
    ...overrides,
  };
}

/** A switcher that records each switch and answers with `baseUrl`. */
export function fakeSwitcher(events: string[], baseUrl = 'http://127.0.0.1:41234'): ModeSwitcher {
  return {
    switchTo: async (mode: RouterMode) => {
      events.push(`switchTo ${mode}`);
      return baseUrl;
    },
    restore: async () => {
      events.push('restore');
    },
  };
}

export interface FakeEffects extends RunEffects {
  events: string[];
  lines: string[];
}

/**
 * Effects whose target opens `session` (or throws what `open` throws), whose log groups and
 * lines are recorded, and whose HTTP answers come from `answers`.
 */
export function fakeEffects(options: {
  answers?: Answers;
  session?: (events: string[]) => TargetSession;
  open?: () => Promise<TargetSession>;
}): FakeEffects {
  const events: string[] = [];
  const lines: string[] = [];
  return {
    events,
    lines,
    http: scriptedHttp(options.answers ?? {}, events),
    log: {
      info: (line) => lines.push(line),
      warning: (line) => lines.push(`warning: ${line}`),
      group: async (title, body) => {
        events.push(`group ${title}`);
        try {
          return await body();
        } finally {
          events.push(`end ${title}`);
        }
      },
    },
    openTarget: async () => {
      events.push('openTarget');
      if (options.open) return options.open();
      return (options.session ?? ((e) => fakeSession(e)))(events);
    },
  };
}
