// Which images the stand-in's kubelet runs and how (images.ts), and how mount paths map to the
// directories behind them (volumes.ts): pure functions, no cluster.
import { describe, expect, test } from '@jest/globals';
import { imageKind, nodeEntrypoint, normalizedReference, pullFailure } from '../images.ts';
import { mapPath } from '../volumes.ts';

describe('imageKind', () => {
  const rules = { nodeImages: ['registry.example.com/mirror/node:24-slim', /^mirror\.local\/node:24/] };
  test.each([
    ['node:24', 'node'],
    ['node:24-slim', 'node'],
    ['node:24.11.1-bookworm-slim', 'node'],
    ['docker.io/library/node:24-alpine', 'node'],
    [`node:24@sha256:${'a'.repeat(64)}`, 'node'],
    ['registry.example.com/mirror/node:24-slim', 'node'],
    ['mirror.local/node:24.1', 'node'],
    ['node:22', 'unknown'],
    ['node', 'unknown'],
    ['nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.6.1', 'dynamo'],
    ['standin.local/fake-dynamo:1', 'local'],
    ['busybox', 'unknown'],
    ['', 'local'],
  ])('%s is %s', (image, kind) => {
    expect(imageKind(image, rules)).toBe(kind);
  });
});

test('references resolve as containerd resolves them; the pull failure is its NotFound', () => {
  expect(normalizedReference('busybox')).toBe('docker.io/library/busybox:latest');
  expect(normalizedReference('acme/loadgen:2')).toBe('docker.io/acme/loadgen:2');
  expect(normalizedReference('registry.example.com:5000/acme/loadgen')).toBe(
    'registry.example.com:5000/acme/loadgen:latest',
  );
  expect(normalizedReference(`node@sha256:${'b'.repeat(64)}`)).toBe(
    `docker.io/library/node@sha256:${'b'.repeat(64)}`,
  );
  expect(pullFailure('nope:1')).toEqual({
    message:
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nope:1": failed to resolve reference "docker.io/library/nope:1": docker.io/library/nope:1: not found',
    event:
      'Failed to pull image "nope:1": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nope:1": failed to resolve reference "docker.io/library/nope:1": docker.io/library/nope:1: not found',
  });
});

test("the Node image's entrypoint: options and scripts go to node, its own commands run as they are", () => {
  expect(nodeEntrypoint([])).toEqual(['node']);
  expect(nodeEntrypoint(['-e', 'x'])).toEqual(['node', '-e', 'x']);
  expect(nodeEntrypoint(['/app/run.mjs', '--n', '2'])).toEqual(['node', '/app/run.mjs', '--n', '2']);
  expect(nodeEntrypoint(['sh', '-c', 'node x'])).toEqual(['sh', '-c', 'node x']);
});

test('mount paths map to the directories behind them, the longest mount first', () => {
  const mounts = [
    { mountPath: '/etc/bench/key', hostPath: '/h/key' },
    { mountPath: '/etc/bench', hostPath: '/h/bench' },
  ];
  expect(mapPath('/etc/bench/client.mjs', mounts)).toBe('/h/bench/client.mjs');
  expect(mapPath('/etc/bench/key', mounts)).toBe('/h/key');
  expect(mapPath('/etc/bench', mounts)).toBe('/h/bench');
  expect(mapPath('--config=/etc/bench/c.json', mounts)).toBe('--config=/h/bench/c.json');
  expect(mapPath('/etc/benchmark', mounts)).toBe('/etc/benchmark');
  expect(mapPath('relative/etc/bench', mounts)).toBe('relative/etc/bench');
});
