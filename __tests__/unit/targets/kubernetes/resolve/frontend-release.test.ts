// The workers' model path or hub id, for aiperf's tokenizer in the next command.
import { describe, expect, it } from '@jest/globals';
import {
  workersModelPath,
  workersTokenizer,
} from '../../../../../src/targets/kubernetes/resolve/frontend-release.js';

describe('the workers’ model path for aiperf’s tokenizer', () => {
  it('takes one --model-path or --model shared by the workers', () => {
    const w = (args: string[]) => ({
      component: 'w',
      command: ['python3'],
      args,
      argsPath: 'spec.services.w.extraPodSpec.mainContainer.args',
      env: [],
    });
    expect(workersModelPath([w(['-m', 'dynamo.vllm', '--model', 'Qwen/Qwen3-0.6B'])])).toBe(
      'Qwen/Qwen3-0.6B',
    );
    expect(workersModelPath([w(['-m', 'dynamo.mocker', '--model-path=/models/tiny'])])).toBe('/models/tiny');
    expect(workersModelPath([w(['--model', 'a']), w(['--model', 'b'])])).toBeUndefined();
    // aiperf runs on the reader's machine: a container path needs a local copy, a hub id does not.
    expect(workersTokenizer([w(['-m', 'dynamo.vllm', '--model', 'Qwen/Qwen3-0.6B'])])).toBe(
      'Qwen/Qwen3-0.6B',
    );
    expect(workersTokenizer([w(['--model-path', '/models/x'])])).toBe(
      '<local copy of /models/x (a path inside the worker container)>',
    );
    expect(workersTokenizer([w(['--model-path', '/models/x'])], 'Qwen/Qwen3-0.6B')).toBe('Qwen/Qwen3-0.6B');
    expect(
      workersTokenizer([w(['--model-path', '/models/x', '--served-model-name', 'meta-llama/Llama-3.1-8B'])]),
    ).toBe('meta-llama/Llama-3.1-8B');
    expect(workersModelPath([w(['-m', 'dynamo.mocker'])])).toBeUndefined();
    expect(workersModelPath([w(['--model', '--other'])])).toBeUndefined();
    expect(
      workersModelPath([
        {
          component: 'w',
          command: ['sh', '-c', 'python3 -m dynamo.sglang --model-path /m'],
          args: [],
          argsPath: 'spec.services.w.extraPodSpec.mainContainer.args',
          env: [],
        },
      ]),
    ).toBe('/m');
  });
});
