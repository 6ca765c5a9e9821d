// Which Ready frontend pods a run proves on their own: capped, one of each pod spec first.
import { describe, expect, it } from '@jest/globals';
import { pickReplicas } from '../../../../../src/targets/kubernetes/forward/replica-forwards.js';

type Pod = Record<string, unknown>;

function pod(name: string, mode: string, options: { ready?: boolean; terminating?: boolean } = {}): Pod {
  return {
    metadata: {
      name,
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...(options.terminating ? { deletionTimestamp: '2026-01-01T00:01:00Z' } : {}),
    },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.6.1',
          env: [{ name: 'DYN_ROUTER_MODE', value: mode }],
          ports: [{ name: 'http', containerPort: 8000 }],
        },
      ],
    },
    status: { conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }] },
  };
}

describe('pickReplicas: the Ready frontend pods a run proves', () => {
  it('takes every Ready pod with the target port, by name; not the unready, terminating or portless', () => {
    const portless = pod('e', 'kv');
    (portless.spec as { containers: { ports: unknown[] }[] }).containers[0].ports = [];
    const { ready, chosen } = pickReplicas(
      [
        pod('b', 'kv'),
        pod('a', 'kv'),
        pod('c', 'kv', { ready: false }),
        pod('d', 'kv', { terminating: true }),
        portless,
      ],
      'http',
      'main',
    );
    expect(ready).toEqual(['a', 'b']);
    expect(chosen).toEqual([
      { pod: 'a', port: 8000 },
      { pod: 'b', port: 8000 },
    ]);
  });

  it('under the cap, proves one pod of each spec first, so a pod on an old template is never left out', () => {
    const pods = [...'abcdefghij'].map((n) => pod(`new-${n}`, 'kv'));
    pods.push(pod('z-old', 'round-robin'));
    const { ready, chosen } = pickReplicas(pods, 'http', 'main', 3);
    expect(ready).toHaveLength(11);
    expect(chosen.map((p) => p.pod)).toEqual(['new-a', 'new-b', 'z-old']);
  });
});
