// Every failure code on every target: the heading names what was reached, the rows agree with each
// other, and the next command is one that helps there. Pure: the engine with scripted effects.
import { describe, expect, it } from '@jest/globals';
import { HttpError, type HttpClient, type HttpResponse } from '../../src/check/http.js';
import { RunFailure, FAILURE_CODES, type FailureCause, type FailureCode } from '../../src/model/failure.js';
import type { TargetKind } from '../../src/model/contract.js';
import { knownRelease, unknownRelease } from '../../src/releases/capabilities.js';
import { renderSummary, verdictText } from '../../src/report/summary.js';
import { runRouterCheck } from '../../src/run.js';
import type { TargetSession } from '../../src/session.js';
import { parseSettings } from '../../src/settings/settings.js';
import { KV_ENV_PATCH } from '../support/run-effects.js';

const EPHEMERAL = 'http://127.0.0.1:41234';
const INPUTS: Record<TargetKind, Record<string, string>> = {
  url: { 'base-url': 'http://127.0.0.1:8000', mode: 'kv' },
  launch: { launch: 'true', 'base-url': 'http://127.0.0.1:8000', mode: 'kv' },
  kubernetes: { namespace: 'dynamo', deployment: 'mocker-agg', mode: 'kv' },
};

/** Realistic messages for failures raised while opening a target. */
const MESSAGES: Partial<Record<FailureCode, string>> = {
  'not-found':
    'DynamoGraphDeployment dynamo/mocker-agx does not exist. Did you mean mocker-agg? List them with `kubectl get dynamographdeployments.nvidia.com -n dynamo`.',
  'cluster-forbidden':
    'Forbidden (403) while trying to patch dynamographdeployment.nvidia.com/mocker-agg: dynamographdeployments.nvidia.com "mocker-agg" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "dynamographdeployments" in API group "nvidia.com" in the namespace "dynamo".',
  'rollout-timeout':
    'The frontend did not finish rolling out within 300 s: mocker-agg-frontend-7d9f is in CrashLoopBackOff (container main, 4 restart(s), last exit code 2 (Error)). State: 0/1 Ready.',
  'cluster-unreachable':
    'No Kubernetes cluster is configured: KUBECONFIG is unset, ~/.kube/config does not exist and this is not a pod with a service account.',
};

/** What each of those failures' detectors knows about its cause (the report reads this, not the words). */
const CAUSES: Partial<Record<FailureCode, FailureCause>> = {
  'not-found': { kind: 'missing', list: 'kubectl get dynamographdeployments.nvidia.com -n dynamo' },
  'cluster-forbidden': {
    kind: 'forbidden',
    verb: 'patch',
    resource: 'dynamographdeployments',
    group: 'nvidia.com',
    namespace: 'dynamo',
  },
  'rollout-timeout': { kind: 'crash-loop', pod: 'mocker-agg-frontend-7d9f', container: 'main' },
  'cluster-unreachable': { kind: 'no-kubeconfig' },
};

function settingsFor(target: TargetKind) {
  const inputs: Record<string, string> = { retries: '1', 'retry-delay': '0', ...INPUTS[target] };
  return { ...parseSettings((name) => inputs[name] ?? ''), verify: false };
}

function kubernetesSession(): TargetSession {
  return {
    baseUrl: EPHEMERAL,
    service: 'dynamo/mocker-agg-frontend',
    namespace: 'dynamo',
    frontendSelector: 'nvidia.com/selector=mocker-agg-frontend',
    workerSelector: 'nvidia.com/dynamo-graph-deployment-name=mocker-agg',
    mode: 'kv',
    envPatch: KV_ENV_PATCH,
    limitations: [],
    details: [],
    close: async () => undefined,
  };
}

const noHttp: HttpClient = {
  request: async () => {
    throw new HttpError('refused', 'connection refused', 1);
  },
};

/** Answers for the check phase, per code a check can end in. */
function checkAnswers(code: FailureCode): HttpClient | undefined {
  const answer = (models: Partial<HttpResponse>, chat?: Partial<HttpResponse>): HttpClient => ({
    request: async (req) => ({
      status: 200,
      headers: new Headers(),
      body: '',
      elapsedMs: 3,
      ...(new URL(req.url).pathname.endsWith('/models') ? models : (chat ?? {})),
    }),
  });
  const listed = { body: JSON.stringify({ object: 'list', data: [{ id: 'tiny-model' }] }) };
  switch (code) {
    case 'frontend-unreachable':
      return noHttp;
    case 'unauthorized':
      return answer({ status: 401, body: 'no' });
    case 'models-error':
      return answer({ status: 404, body: 'not found' });
    case 'no-models':
      return answer({ body: JSON.stringify({ object: 'list', data: [] }) });
    case 'chat-error':
      return answer(listed, { status: 500, body: 'boom' });
    case 'chat-invalid':
      return answer(listed, { body: '{"choices":[]}' });
    default:
      return undefined;
  }
}

async function report(target: TargetKind, code: FailureCode, phase: 'target' | 'check') {
  const settings = settingsFor(target);
  const http = phase === 'check' ? (checkAnswers(code) as HttpClient) : noHttp;
  const contract = await runRouterCheck(settings, {
    http,
    log: { info: () => undefined, warning: () => undefined, group: (_title, body) => body() },
    // The launch interpreter as a runner with ai-dynamo has it (the machine's python3 may lack it).
    askRelease: async () => knownRelease('1.6.1', 'launch interpreter'),
    openTarget: async (_s, plan) => {
      if (phase === 'target')
        throw new RunFailure(code, MESSAGES[code] ?? `A ${code} failure.`, undefined, [], CAUSES[code]);
      if (target === 'kubernetes') return kubernetesSession();
      return {
        baseUrl: plan.baseUrl,
        service: '',
        limitations: [],
        details: [],
        close: async () => undefined,
      };
    },
  });
  return { contract, summary: renderSummary(contract), line: verdictText(contract) };
}

const TARGETS: TargetKind[] = ['url', 'launch', 'kubernetes'];
const CASES = TARGETS.flatMap((target) => [
  ...FAILURE_CODES.map((code) => [target, code, 'target'] as const),
  ...FAILURE_CODES.filter((code) => checkAnswers(code)).map((code) => [target, code, 'check'] as const),
]);

describe('failure reports point at the cause', () => {
  it.each(CASES)('%s × %s (failed in the %s phase)', async (target, code, phase) => {
    const { contract, summary, line } = await report(target, code, phase);
    expect(contract.result).toBe('fail');
    expect(contract.failure?.code).toBe(code);
    const heading = summary.split('\n')[0];
    if (target === 'kubernetes') {
      // What was reached: the Service, or the object the inputs name; never the ephemeral forward.
      expect(heading).toMatch(
        phase === 'check'
          ? /Service dynamo\/mocker-agg-frontend/
          : /deployment mocker-agg in namespace dynamo/,
      );
      expect(heading).not.toMatch(/127\.0\.0\.1/);
      expect(line).toMatch(/^FAIL \S+ at (Service|deployment) /);
      // A curl at a port nobody forwards any more helps no one.
      expect(contract.nextCommand).not.toMatch(/127\.0\.0\.1:41234/);
      if (phase === 'target') expect(contract.nextCommand).not.toMatch(/^curl/);
    } else {
      expect(heading).toContain('http://127.0.0.1:8000');
    }
    // The rows agree: nothing reads "applied" when nothing was written, and a run that stopped
    // before the check does not report the check as failed.
    const rows = Object.fromEntries(
      [...summary.matchAll(/<tr><th align="left">([^<]+)<\/th><td>(.*?)<\/td><\/tr>/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    if (!contract.envPatch) expect(contract.modeReason).not.toMatch(/applied as/);
    if (contract.checks.length === 0) {
      expect(rows['4. Smoke test']).toMatch(/^Not run/);
      if (target === 'kubernetes') expect(rows['2. Command or env patch']).toMatch(/nothing was written/);
    }
    if (contract.nextCommand) expect(contract.failure?.next).toContain(contract.nextCommand);
  });

  it('not-found: lists what exists in the namespace', async () => {
    const { contract } = await report('kubernetes', 'not-found', 'target');
    expect(contract.nextCommand).toBe('kubectl get dynamographdeployments.nvidia.com -n dynamo');
  });

  it('forbidden: asks the cluster whether the identity may do exactly what was denied', async () => {
    const { contract } = await report('kubernetes', 'cluster-forbidden', 'target');
    expect(contract.nextCommand).toBe('kubectl auth can-i patch dynamographdeployments.nvidia.com -n dynamo');
  });

  it('a crash loop: the previous log of that container, the exit reason, and no advice about slow pulls', async () => {
    const { contract } = await report('kubernetes', 'rollout-timeout', 'target');
    expect(contract.nextCommand).toBe(
      'kubectl logs -n dynamo mocker-agg-frontend-7d9f -c main --previous --tail=100',
    );
    expect(contract.failure?.message).toMatch(/last exit code 2 \(Error\)/);
    expect(contract.failure?.next).not.toMatch(/slow image pulls/);
  });

  it('no-models speaks of pods only on Kubernetes', async () => {
    for (const target of TARGETS) {
      const { contract } = await report(target, 'no-models', 'check');
      if (target === 'kubernetes') expect(contract.failure?.next).toMatch(/worker pods are Ready/);
      else expect(contract.failure?.next).not.toMatch(/pod/);
    }
    expect((await report('launch', 'no-models', 'check')).contract.failure?.next).toMatch(
      /--discovery-backend file/,
    );
  });

  it('a launch interpreter without ai-dynamo: refused before launching, with a command to check it', async () => {
    const contract = await runRouterCheck(settingsFor('launch'), {
      http: noHttp,
      log: { info: () => undefined, warning: () => undefined, group: (_title, body) => body() },
      askRelease: async () => unknownRelease('`python3` has no ai-dynamo package installed', true),
      openTarget: async () => {
        throw new Error('nothing may be launched');
      },
    });
    expect(contract.failure?.code).toBe('launch-failed');
    expect(contract.failure?.message).toMatch(/has no ai-dynamo package installed\. Nothing was launched/);
    expect(contract.nextCommand).toBe('python3 -m pip show ai-dynamo');
  });

  it('no cluster configured: lists the contexts, not a curl', async () => {
    const { contract } = await report('kubernetes', 'cluster-unreachable', 'target');
    expect(contract.nextCommand).toBe('kubectl config get-contexts');
  });
});
