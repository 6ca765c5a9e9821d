// The next command: after a pass, the run's own workload in aiperf's terms; after a failure, only
// steps that help at that target.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { splitArgs } from '../../../src/shell-words.js';
import {
  nextCommand as fromInput,
  SUFFIX_WORDS,
  TOKENIZER_PLACEHOLDER,
  tokenLengths,
} from '../../../src/report/next-command.js';
import { nextInput, type RunKnows } from '../../support/next-command-input.ts';

const nextCommand = (k: RunKnows): string => fromInput(nextInput(k));

const pass: RunKnows = {
  result: 'pass',
  url: 'http://127.0.0.1:8123',
  model: 'tiny-model',
  mode: 'kv',
  apiKeySet: false,
};

/** The printed command's flags → values (flags without a value map to ''). */
function flags(command: string): Map<string, string> {
  const argv = splitArgs(command);
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const value = argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[i + 1] : '';
    out.set(argv[i], value);
  }
  return out;
}

describe('next command after a pass: the run’s own workload in aiperf’s terms', () => {
  it('uses the compare settings of the run, not defaults', () => {
    const f = flags(
      nextCommand({
        ...pass,
        tokenizer: '/models/Qwen3-0.6B',
        compare: { concurrency: 2, requests: 30, prefixGroups: 3, prefixTokens: 28, maxTokens: 32, seed: 7 },
      }),
    );
    expect(f.get('--concurrency')).toBe('2');
    expect(f.get('--request-count')).toBe('30');
    expect(f.get('--prompt-prefix-pool-size')).toBe('3');
    expect(f.get('--prompt-output-tokens-mean')).toBe('32');
    expect(f.get('--random-seed')).toBe('7');
    expect(f.get('--tokenizer')).toBe('/models/Qwen3-0.6B');
    expect(f.get('--extra-inputs')).toBe('ignore_eos:true');
    expect(f.has('--use-server-token-count')).toBe(true);
    expect(f.has('--streaming')).toBe(true);
    // Without a measurement, one word counts as one token.
    expect(f.get('--prompt-prefix-length')).toBe('28');
    expect(f.get('--prompt-input-tokens-mean')).toBe(String(SUFFIX_WORDS));
  });

  it('states lengths in tokens from the frontend’s own count of the run’s prompts', () => {
    // 28 prefix words + 8 other words; the frontend counted 122.4 tokens per prompt on average.
    expect(tokenLengths(28, { promptTokensMean: 122.4 })).toEqual({ prefix: 95, rest: 27, from: 'measured' });
    const f = flags(
      nextCommand({
        ...pass,
        compare: { concurrency: 4, requests: 20, prefixGroups: 4, prefixTokens: 28, maxTokens: 32, seed: 42 },
        measured: { promptTokensMean: 122.4 },
      }),
    );
    expect(Number(f.get('--prompt-prefix-length')) + Number(f.get('--prompt-input-tokens-mean'))).toBe(122);
  });

  it('uses aiperf’s main flag names, never the GenAI-Perf aliases', () => {
    const command = nextCommand(pass);
    for (const alias of [
      '--model ',
      '--num-prefix-prompts',
      '--prefix-prompt-length',
      '--synthetic-input-tokens-mean',
      '--output-tokens-mean',
    ])
      expect(command).not.toContain(alias);
  });

  it('marks the tokenizer as a placeholder when the run does not know the model path', () => {
    expect(flags(nextCommand(pass)).get('--tokenizer')).toBe(TOKENIZER_PLACEHOLDER);
  });

  it('keeps the API key in the environment', () => {
    const command = nextCommand({ ...pass, apiKeySet: true });
    expect(command.endsWith(' --api-key "$DYNAMO_API_KEY"')).toBe(true);
  });
});

describe('next command after a failure: only steps that can help at that target', () => {
  const fail = { ...pass, result: 'fail' as const, model: '', mode: '' };

  it('mode-not-applied at a bare URL reads the router metrics, not /v1/models', () => {
    const command = nextCommand({ ...fail, failure: 'mode-not-applied', target: 'url' });
    expect(command).not.toContain('/v1/models');
    expect(command).toMatch(/\/metrics \| grep -E/);
  });

  it('mode-not-applied on a launch reads the frontend log, on Kubernetes the pods’ args', () => {
    expect(nextCommand({ ...fail, failure: 'mode-not-applied', logPath: '/var/log/dynamo/f.log' })).toBe(
      'grep -n -i router /var/log/dynamo/f.log',
    );
    expect(
      nextCommand({ ...fail, failure: 'mode-not-applied', namespace: 'ns', frontendSelector: 'a=b' }),
    ).toMatch(/^kubectl get pods -n ns -l a=b -o 'jsonpath=/);
  });

  it('suggests nothing where a command cannot add to the message', () => {
    for (const failure of [
      'unsupported-mode',
      'args-pin-mode',
      'direct-needs-worker-id',
      'compare-failed',
      'internal',
    ] as const)
      expect(nextCommand({ ...fail, failure })).toBe('');
  });
});

describe('a failure command with an api key', () => {
  it('on Kubernetes, the re-forward and curl expand DYNAMO_API_KEY from the environment when pasted', () => {
    const command = nextCommand({
      result: 'fail',
      failure: 'port-forward-failed',
      kubernetes: true,
      namespace: 'dynamo',
      service: 'dynamo/vllm-agg-frontend',
      url: '',
      model: 'tiny-model',
      mode: 'kv',
      apiKeySet: true,
    });
    const curl = command.slice(command.indexOf('& ') + 2);
    // What the shell hands curl, with the key set: the key itself, never the literal variable.
    const argv = execFileSync('bash', ['-c', `printf '%s\\n' ${curl.replace(/^curl /, '')}`], {
      env: { ...process.env, DYNAMO_API_KEY: 'sk-test-123' },
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    expect(argv).toEqual([
      '-sS',
      '-H',
      'Authorization: Bearer sk-test-123',
      'http://127.0.0.1:8000/v1/models',
    ]);
  });
});
