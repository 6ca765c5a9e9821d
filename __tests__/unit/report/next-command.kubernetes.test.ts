// The next command with a Kubernetes Service (forward again first) and after a failure.
import { describe, expect, it } from '@jest/globals';
import { nextCommand as fromInput } from '../../../src/report/next-command.js';
import { nextInput, type RunKnows } from '../../support/next-command-input.ts';

const nextCommand = (k: RunKnows): string => fromInput(nextInput(k));

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
