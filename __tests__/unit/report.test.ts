import { describe, expect, it } from '@jest/globals';
import { cliDocument, exitCodeFor } from '../../src/cli/document.js';
import { contractOutputs } from '../../src/report/step-outputs.js';
import { failureOf } from '../../src/report/failure-guide.js';
import { type Contract } from '../../src/model/contract.js';
import { contractWith } from '../support/contract.ts';
import { escapeHtml } from '../../src/report/escape.js';
import { renderSummary, verdictText } from '../../src/report/summary.js';
import { nextCommand as fromInput } from '../../src/report/next-command.js';
import { nextInput, type RunKnows } from '../support/next-command-input.ts';

const nextCommand = (k: RunKnows): string => fromInput(nextInput(k));

const base = (over: Partial<Contract> = {}): Contract =>
  contractWith({
    target: 'launch',
    mode: 'kv',
    modeReason: 'requested by the `mode` input',
    kvEventsReason: 'not inspected',
    command: 'python3 -m dynamo.frontend --router-mode kv --http-port 8000',
    model: 'tiny',
    models: ['tiny'],
    latencyMs: 42,
    checks: [
      { name: 'models', ok: true, attempts: 1, status: 200, latencyMs: 3, detail: '1 model listed' },
      { name: 'chat', ok: true, attempts: 1, status: 200, latencyMs: 42, detail: 'model "tiny" answered' },
    ],
    limitations: [{ id: 'smoke-scope', text: 'A smoke check is one chat completion.' }],
    nextCommand: 'aiperf profile --model tiny',
    ...over,
  });

describe('summary', () => {
  it('opens with the verdict and carries the six contract parts', () => {
    const html = renderSummary(base());
    expect(html.split('\n')[0]).toMatch(/^<h3>✅ Dynamo router check passed: kv mode/);
    for (const part of [
      '1. Mode and why',
      '2. Command or env patch',
      '3. Frontend',
      '4. Smoke test',
      '5. Limitations',
      '6. Next command',
    ]) {
      expect(html).toContain(part);
    }
    expect(html).toContain('<details>');
  });

  it('escapes every outside value, including Markdown and HTML in a model id', () => {
    const evil = '<img src=x onerror=alert(1)>|**bold**|[link](http://x)\n\n# heading';
    const html = renderSummary(base({ model: evil, models: [evil], failure: undefined }));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('**bold**');
    expect(html).not.toContain('](http');
    expect(html).not.toMatch(/\n\n# heading/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows the failure, its cause and the next step first on a failure', () => {
    const c = base({
      result: 'fail',
      failure: failureOf('no-models', 'GET /v1/models lists no model'),
      latencyMs: undefined,
    });
    const html = renderSummary(c);
    expect(html).toMatch(/^<h3>❌ Dynamo router check failed: <code>no-models<\/code>/);
    expect(html).toContain('Likely cause');
    expect(html).toContain('Next step');
    expect(verdictText(c)).toMatch(/^FAIL no-models/);
  });

  it('says the smoke check passed when the run failed after it (drift, regression)', () => {
    const html = renderSummary(base({ result: 'fail', failure: failureOf('regression', '20× slower') }));
    expect(html).toMatch(
      /4\. Smoke test<\/th><td>Passed: <code>tiny<\/code> answered a chat completion in 42 ms; 1 model\(s\) listed\. The run failed afterwards \(<code>regression<\/code>\): see above\./,
    );
    expect(exitCodeFor(base({ result: 'fail', failure: failureOf('regression', 'x') }))).toBe(7);
    expect(exitCodeFor(base({ result: 'fail', failure: failureOf('mode-drift', 'x') }))).toBe(6);
    expect(exitCodeFor(base({ result: 'fail', failure: failureOf('mode-unverified', 'x') }))).toBe(8);
    expect(exitCodeFor(base({ result: 'fail', failure: failureOf('deployment-changed', 'x') }))).toBe(9);
    // After a regression the next step is a measurement under load, as after a pass.
    const next = (failure: 'regression' | 'mode-drift' | 'deployment-changed') =>
      nextCommand({
        result: 'fail',
        failure,
        url: 'http://10.0.0.5:8000',
        model: 'tiny',
        mode: 'kv',
        apiKeySet: false,
      });
    expect(next('regression')).toMatch(
      /^aiperf profile --model-names tiny .*--url http:\/\/10\.0\.0\.5:8000/,
    );
    expect(next('mode-drift')).toMatch(/^curl -sS http:\/\/10\.0\.0\.5:8000\/metrics \| grep/);
    expect(next('deployment-changed')).toBe('curl -sS http://10.0.0.5:8000/health');
  });

  it('escapes characters that would break out of HTML or Markdown', () => {
    const escaped = escapeHtml('a<b>&"\'`|*_[]@#~\\');
    expect(escaped.replace(/&[a-z]+;|&#\d+;/g, '')).toBe('ab');
    expect(escapeHtml('one\n\ntwo')).toBe('one<br><br>two');
  });
});

describe('outputs', () => {
  it('maps the contract to the action outputs', () => {
    const out = contractOutputs(base());
    expect(out).toMatchObject({
      result: 'pass',
      failure: '',
      mode: 'kv',
      models: '["tiny"]',
      'latency-ms': '42',
      'env-patch': '',
      service: '',
      limitations: '["A smoke check is one chat completion."]',
      'dynamo-version': 'unknown',
    });
    expect(contractOutputs(base({ dynamoVersion: '1.3.1 (launch interpreter)' }))['dynamo-version']).toBe(
      '1.3.1 (launch interpreter)',
    );
    expect(Object.keys(out).sort()).toEqual(
      [
        'command',
        'comparison',
        'dynamo-version',
        'env-patch',
        'failure',
        'kv-events',
        'latency-ms',
        'limitations',
        'mode',
        'mode-proven-by',
        'mode-reason',
        'mode-verified',
        'model',
        'models',
        'models-count',
        'next-command',
        'result',
        'routing',
        'service',
        'trend',
        'url',
      ].sort(),
    );
    expect(out.trend).toBe('');
  });
});

describe('CLI document and exit codes', () => {
  it('prints the smoke-script document', () => {
    const doc = cliDocument(base(), '0.1.0');
    expect(doc).toMatchObject({ base_url: 'http://127.0.0.1:8000', ok: true, failure: null });
    expect((doc.checks as unknown[]).length).toBe(2);
  });

  it.each([
    ['frontend-unreachable', [{ name: 'models', ok: false }], 2],
    ['models-error', [{ name: 'models', ok: false }], 2],
    ['unauthorized', [{ name: 'models', ok: false }], 2],
    ['no-models', [{ name: 'models', ok: false }], 3],
    [
      'chat-timeout',
      [
        { name: 'models', ok: true },
        { name: 'chat', ok: false },
      ],
      4,
    ],
    [
      'chat-invalid',
      [
        { name: 'models', ok: true },
        { name: 'chat', ok: false },
      ],
      4,
    ],
    [
      'mode-not-applied',
      [
        { name: 'models', ok: true },
        { name: 'chat', ok: true },
      ],
      5,
    ],
    ['bad-input', [], 1],
  ] as const)('maps %s (checks %j) to exit code %i', (code, checks, exit) => {
    const c = base({
      result: 'fail',
      failure: failureOf(code, 'x'),
      checks: checks.map((k) => ({ ...k, attempts: 1, detail: '' })),
    });
    expect(exitCodeFor(c)).toBe(exit);
  });
});

describe('next command', () => {
  it('forwards again before a comparison against a Kubernetes service', async () => {
    const cmd = nextCommand({
      result: 'pass',
      url: 'http://127.0.0.1:41234',
      model: 'm',
      mode: 'kv',
      namespace: 'dynamo',
      service: 'dynamo/agg-frontend',
      apiKeySet: false,
    });
    expect(cmd).toMatch(
      /^kubectl port-forward -n dynamo svc\/agg-frontend 8000:8000 & aiperf profile --model-names m --tokenizer '<TOKENIZER[^']*>' --url http:\/\/127\.0\.0\.1:8000 /,
    );
    const local = nextCommand({
      result: 'pass',
      url: 'http://127.0.0.1:8123',
      model: 'm',
      mode: 'kv',
      apiKeySet: false,
    });
    expect(local).toMatch(
      /^aiperf profile --model-names m --tokenizer '<TOKENIZER[^']*>' --url http:\/\/127\.0\.0\.1:8123 /,
    );
  });

  it('points at the cause after a failure', async () => {
    const base = {
      result: 'fail' as const,
      url: 'http://127.0.0.1:8000',
      model: '',
      mode: '',
      apiKeySet: false,
    };
    expect(nextCommand({ ...base, failure: 'no-models', namespace: 'ns', workerSelector: 'a=b' })).toBe(
      'kubectl logs -n ns -l a=b --tail=100 --prefix',
    );
    expect(nextCommand({ ...base, failure: 'frontend-unreachable', namespace: 'ns', service: 'ns/fe' })).toBe(
      'kubectl get endpoints -n ns fe -o wide',
    );
    expect(nextCommand({ ...base, failure: 'bad-input' })).toBe('');
  });
});

describe('the verdict line of a plan', () => {
  it('a plan from a file sent no request: no "model -"', () => {
    expect(verdictText(base({ model: '', latencyMs: undefined }))).not.toMatch(/model -/);
    expect(verdictText(base({ model: 'tiny-model', latencyMs: 12 }))).toMatch(
      /: model tiny-model, chat 12 ms$/,
    );
  });
});
