// `kv-events: auto`: do the workers publish KV cache events, per engine and release.
import { describe, expect, it } from '@jest/globals';
import { seriesOf } from '../../../../../src/releases/catalogue.ts';
import { decideKvEvents, judgeWorker } from '../../../../../src/targets/kubernetes/decide/kv-events.ts';
import type { EnvList, WorkerSpec } from '../../../../../src/targets/kubernetes/object/worker-spec.ts';

const w = (
  component: string,
  command: string[],
  args: string[],
  more: Partial<WorkerSpec> = {},
): WorkerSpec => ({
  component,
  command,
  args,
  argsPath: `spec.services.${component}.extraPodSpec.mainContainer.args`,
  env: [],
  ...more,
});
/** v1alpha1 env lists: graph `spec.envs`, the component's `envs`, its main container's env. */
const envs = (
  component: string,
  lists: { graph?: [string, string][]; component?: [string, string][]; container?: [string, string][] },
): EnvList[] => [
  {
    layer: 'graph',
    path: 'spec.envs',
    entries: (lists.graph ?? []).map(([name, value]) => ({ name, value })),
  },
  {
    layer: 'component',
    path: `spec.services.${component}.envs`,
    entries: (lists.component ?? []).map(([name, value]) => ({ name, value })),
  },
  {
    layer: 'container',
    path: `spec.services.${component}.extraPodSpec.mainContainer.env`,
    entries: (lists.container ?? []).map(([name, value]) => ({ name, value })),
  },
];
const TRT = ['python3', '-m', 'dynamo.trtllm'];

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

describe('TensorRT-LLM workers, per release (trtllm/backend_args.py)', () => {
  const r13 = seriesOf('1.3.1');
  const r10 = seriesOf('1.0.2');

  it('1.3+: --publish-kv-events (and its --no- form, the last one winning) decides', () => {
    expect(judgeWorker(w('t', TRT, ['--publish-kv-events']), r13).publishes).toBe('yes');
    expect(judgeWorker(w('t', TRT, ['--publish-kv-events', '--no-publish-kv-events']), r13).publishes).toBe(
      'no',
    );
    // The deprecated spelling is still an alias from 1.3 on.
    const old = judgeWorker(w('t', TRT, ['--publish-events-and-metrics']), r13);
    expect([old.publishes, old.why]).toEqual([
      'yes',
      'started with --publish-events-and-metrics (the deprecated spelling)',
    ]);
  });

  it('reads DYN_TRTLLM_PUBLISH_KV_EVENTS from the env the operator gives the worker; a flag beats it', () => {
    const graph = w('t', TRT, [], { env: envs('t', { graph: [['DYN_TRTLLM_PUBLISH_KV_EVENTS', 'true']] }) });
    const judged = judgeWorker(graph, r13);
    expect(judged.publishes).toBe('yes');
    expect(judged.why).toMatch(/DYN_TRTLLM_PUBLISH_KV_EVENTS=true in spec\.envs/);
    const off = w('t', TRT, [], { env: envs('t', { component: [['DYN_TRTLLM_PUBLISH_KV_EVENTS', '0']] }) });
    expect(judgeWorker(off, r13).publishes).toBe('no');
    const flagWins = w('t', TRT, ['--no-publish-kv-events'], {
      env: envs('t', { container: [['DYN_TRTLLM_PUBLISH_KV_EVENTS', 'true']] }),
    });
    expect(judgeWorker(flagWins, r13).publishes).toBe('no');
    // The deprecated env still counts when the new one is unset.
    const legacy = w('t', TRT, [], {
      env: envs('t', { container: [['DYN_TRTLLM_PUBLISH_EVENTS_AND_METRICS', 'yes']] }),
    });
    expect(judgeWorker(legacy, r13).publishes).toBe('yes');
  });

  it('1.0–1.2 know only --publish-events-and-metrics: the new flag there is unknown, not "publishes"', () => {
    expect(judgeWorker(w('t', TRT, ['--publish-events-and-metrics']), r10).publishes).toBe('yes');
    const early = judgeWorker(w('t', TRT, ['--publish-kv-events']), r10);
    expect(early.publishes).toBe('unknown');
    expect(early.why).toMatch(/1\.0\.x do not know/);
    // The worker's own image tag names its release when the frontend's does not.
    const tagged = w('t', TRT, ['--publish-kv-events'], {
      image: 'nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime:1.1.1',
    });
    expect(judgeWorker(tagged).publishes).toBe('unknown');
    expect(judgeWorker(w('t', TRT, []), r10).why).toMatch(/no --publish-events-and-metrics/);
  });

  it('decode-only TensorRT-LLM workers do not count: the flag or its env', () => {
    expect(judgeWorker(w('t', TRT, ['--disaggregation-mode', 'decode'])).publishes).toBe('decode-only');
    expect(judgeWorker(w('t', TRT, ['--disaggregation-mode=decode'])).publishes).toBe('decode-only');
    const byEnv = w('t', TRT, [], {
      env: envs('t', { container: [['DYN_TRTLLM_DISAGGREGATION_MODE', 'decode']] }),
    });
    expect(judgeWorker(byEnv).publishes).toBe('decode-only');
    // The component type alone is no evidence: upstream's aggregated examples label workers decode.
    expect(judgeWorker(w('t', TRT, ['--publish-kv-events'])).publishes).toBe('yes');
    expect(judgeWorker(w('t', TRT, ['--disaggregation-mode', 'prefill'])).publishes).toBe('no');
  });

  it('an offline plan of TensorRT-LLM workers with --publish-kv-events gives kv with events', () => {
    const d = decideKvEvents(
      [
        w('TRTLLMPrefillWorker', TRT, ['--disaggregation-mode', 'prefill', '--publish-kv-events']),
        w('TRTLLMDecodeWorker', TRT, ['--disaggregation-mode', 'decode']),
      ],
      seriesOf('1.6.1'),
    );
    expect(d.kvEvents).toBe('true');
    expect(d.reason).toMatch(/TRTLLMPrefillWorker \(TensorRT-LLM\): started with --publish-kv-events/);
  });

  it('env the operator generations merge differently makes the answer unknown, naming both', () => {
    const split = w('t', TRT, [], {
      env: envs('t', {
        graph: [['DYN_TRTLLM_PUBLISH_KV_EVENTS', 'false']],
        container: [['DYN_TRTLLM_PUBLISH_KV_EVENTS', 'true']],
      }),
    });
    const judged = judgeWorker(split);
    expect(judged.publishes).toBe('unknown');
    expect(judged.why).toMatch(/mainContainer\.env or DYN_TRTLLM_PUBLISH_KV_EVENTS=false in spec\.envs/);
  });

  it('vLLM decode-only from DYN_VLLM_DISAGGREGATION_MODE in the env', () => {
    const v = w('v', ['python3', '-m', 'dynamo.vllm'], [], {
      env: envs('v', { graph: [['DYN_VLLM_DISAGGREGATION_MODE', 'decode']] }),
    });
    expect(judgeWorker(v).publishes).toBe('decode-only');
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
