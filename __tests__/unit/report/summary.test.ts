// The job summary: the verdict line first, the six parts of the Contract, what ran and what did not.
import { describe, expect, it } from '@jest/globals';
import { exitCodeFor } from '../../../src/cli/document.js';
import { failureOf } from '../../../src/report/failure-guide.js';
import { type Contract } from '../../../src/model/contract.js';
import { contractWith } from '../../support/contract.ts';
import { escapeHtml } from '../../../src/report/escape.js';
import { renderSummary, verdictText } from '../../../src/report/summary.js';
import { nextCommand as fromInput } from '../../../src/report/next-command.js';
import { nextInput, type RunKnows } from '../../support/next-command-input.ts';

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
