// Whether a cluster is configured here (what an unnamed target then means).
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clusterConfigured } from '../../../src/targets/cluster-configured.ts';

describe('clusterConfigured', () => {
  it('KUBECONFIG, ~/.kube/config or an in-cluster service account; nothing else', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'cluster-configured-'));
    try {
      expect(clusterConfigured({}, home)).toBe(false);
      expect(clusterConfigured({ KUBECONFIG: `${path.delimiter}` }, home)).toBe(false);
      expect(clusterConfigured({ KUBECONFIG: 'a.yaml' }, home)).toBe(true);
      expect(clusterConfigured({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, home)).toBe(true);
      mkdirSync(path.join(home, '.kube'));
      expect(clusterConfigured({}, home)).toBe(false);
      writeFileSync(path.join(home, '.kube', 'config'), 'apiVersion: v1\n');
      expect(clusterConfigured({}, home)).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
