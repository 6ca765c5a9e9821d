import { describe, expect, it } from '@jest/globals';
import { decideKvEvents, judgeWorker } from '../../src/targets/kubernetes/workers.ts';

const w = (component: string, command: string[], args: string[]) => ({ component, command, args, env: [] });

describe('judgeWorker', () => {
  it('mocker publishes by default, not with prefix caching off or decode-only', () => {
    expect(judgeWorker(w('m', ['python3', '-m', 'dynamo.mocker'], ['--model-path', 'x'])).publishes).toBe(
      'yes',
    );
    expect(
      judgeWorker(w('m', ['python3', '-m', 'dynamo.mocker'], ['--no-enable-prefix-caching'])).publishes,
    ).toBe('no');
    expect(
      judgeWorker(w('m', ['python3', '-m', 'dynamo.mocker'], ['--disaggregation-mode', 'decode'])).publishes,
    ).toBe('decode-only');
    expect(judgeWorker(w('m', ['python3', '-m', 'dynamo.mocker'], ['--is-decode-worker'])).publishes).toBe(
      'decode-only',
    );
  });

  it('vLLM needs --kv-events-config with enable_kv_cache_events true', () => {
    expect(
      judgeWorker(
        w(
          'v',
          ['python3', '-m', 'dynamo.vllm'],
          ['--kv-events-config', '{"enable_kv_cache_events":true,"publisher":"zmq"}'],
        ),
      ).publishes,
    ).toBe('yes');
    expect(
      judgeWorker(
        w('v', ['python3', '-m', 'dynamo.vllm'], ['--kv-events-config', '{"enable_kv_cache_events":false}']),
      ).publishes,
    ).toBe('no');
    expect(judgeWorker(w('v', ['python3', '-m', 'dynamo.vllm'], ['--model', 'x'])).publishes).toBe('no');
  });

  it('reads a sh -c script, SGLang and TensorRT-LLM flags', () => {
    expect(
      judgeWorker(
        w('s', ['/bin/sh', '-c'], ['python3 -m dynamo.sglang --kv-events-config \'{"publisher":"zmq"}\'']),
      ).publishes,
    ).toBe('yes');
    expect(
      judgeWorker(w('t', ['python3', '-m', 'dynamo.trtllm'], ['--publish-events-and-metrics'])).publishes,
    ).toBe('yes');
    expect(judgeWorker(w('t', ['python3', '-m', 'dynamo.trtllm'], [])).publishes).toBe('no');
    expect(judgeWorker(w('x', [], [])).publishes).toBe('unknown');
  });
});

describe('decideKvEvents', () => {
  it('true when every worker publishes', () => {
    const d = decideKvEvents([w('a', ['python3', '-m', 'dynamo.mocker'], [])]);
    expect(d.kvEvents).toBe('true');
    expect(d.reason).toMatch(/mocker publishes KV events by default/);
  });

  it('false (approximate) when a worker does not publish, naming it', () => {
    const d = decideKvEvents([
      w('a', ['python3', '-m', 'dynamo.mocker'], []),
      w('vllm', ['python3', '-m', 'dynamo.vllm'], []),
    ]);
    expect(d.kvEvents).toBe('false');
    expect(d.reason).toContain('vllm (vLLM)');
  });

  it('unknown when it cannot tell, or there are no workers', () => {
    expect(decideKvEvents([w('x', ['./run.sh'], [])]).kvEvents).toBe('unknown');
    expect(decideKvEvents([]).kvEvents).toBe('unknown');
  });
});
