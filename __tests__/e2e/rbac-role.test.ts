// deploy/rbac.yaml is exactly what the action needs: the stand-in grants only that Role's rules and
// authorizes port-forward as the version it pretends to be (WebSocket upgrade: `get` before 1.35,
// `get` and `create` from 1.35). Run as both versions, with the Role, and with one rule missing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCluster, type Cluster } from '../../standin-cluster/index.ts';
import { roleRules, type PolicyRule } from '../../standin-cluster/rbac.ts';
import { ACTION, cleanup, ROOT, runAction } from '../support/action.ts';

const ROLE = roleRules(readFileSync(path.join(ROOT, 'deploy/rbac.yaml'), 'utf8'));
const FIXTURE = path.join(ROOT, '__tests__/fixtures/k8s/mocker-agg.v1alpha1.yaml');

/** The Role with `verb` removed from the rule on `resource`. */
function without(resource: string, verb: string): PolicyRule[] {
  return ROLE.map((r) =>
    r.resources.includes(resource) ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r,
  );
}

describe.each(['v1.34.2', 'v1.35.0'])('deploy/rbac.yaml on a stand-in pretending to be %s', (version) => {
  let cluster: Cluster;
  let dir: string;
  const from135 = version === 'v1.35.0';

  async function action(inputs: Record<string, string>) {
    const run = await runAction(inputs, { env: { HOME: dir, KUBECONFIG: cluster.kubeconfigPath } });
    cleanup(run);
    return run;
  }

  beforeAll(async () => {
    if (!existsSync(ACTION)) throw new Error(`${ACTION} missing: run \`npm run build\` first`);
    dir = mkdtempSync(path.join(tmpdir(), 'rbac-role-'));
    cluster = await startCluster({
      namespace: 'dynamo',
      kubernetesVersion: version,
      rbac: { deny: [], allow: ROLE },
    });
    // The manifests are applied as the cluster admin (the store), not through the Role.
    await cluster.apply(FIXTURE);
    await cluster.waitForReady('dynamo', { timeoutMs: 180_000 });
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is enough: patch, rollout, port-forward and the log evidence, with no request denied', async () => {
    cluster.rbac.allow = ROLE;
    cluster.clearRequestLog();
    const run = await action({ deployment: 'mocker-agg', mode: 'kv', retries: '30', 'retry-delay': '1' });
    if (run.exitCode !== 0) console.log(run.stdout);
    expect(run.outputs.result).toBe('pass');
    expect(run.outputs['mode-verified']).toBe('verified');
    expect(cluster.requestLog.filter((e) => e.status === 403)).toEqual([]);
    const forwards = cluster.requestLog.filter((e) => e.path.endsWith('/portforward'));
    expect(forwards.length).toBeGreaterThan(0);
    expect(forwards[0].verb).toBe(from135 ? 'get+create' : 'get');
  }, 240_000);

  it(`without \`create\` on pods/portforward: ${from135 ? 'forbidden, naming verb and resource' : 'still enough'}`, async () => {
    cluster.rbac.allow = without('pods/portforward', 'create');
    try {
      const run = await action({ deployment: 'mocker-agg', retries: '5', 'retry-delay': '1' });
      if (from135) {
        expect(run.outputs.failure).toBe('cluster-forbidden');
        const error = run.stdout.split('\n').find((l) => l.startsWith('::error'));
        expect(error).toMatch(/cannot create resource "pods\/portforward"/);
        expect(error).toMatch(/grant `get` and `create` on `pods\/portforward`/);
      } else {
        expect(run.outputs.result).toBe('pass');
      }
    } finally {
      cluster.rbac.allow = ROLE;
    }
  }, 120_000);

  it('without pods/log: passes, and says in one line which verb on which resource was denied', async () => {
    cluster.rbac.allow = ROLE.filter((r) => !r.resources.includes('pods/log'));
    try {
      // Non-kv modes are told apart only by the frontend's log.
      const run = await action({
        deployment: 'mocker-agg',
        mode: 'round-robin',
        retries: '30',
        'retry-delay': '1',
      });
      expect(run.outputs.result).toBe('pass');
      expect(run.outputs['mode-verified']).toBe('unverifiable');
      const said = `${run.stdout}\n${run.summary}\n${run.outputs.limitations}`;
      expect(said).toMatch(/cannot get resource \\?"pods\/log\\?"/);
      expect(said).not.toMatch(/ApiException|HTTP-Code|headers/i);
    } finally {
      cluster.rbac.allow = ROLE;
    }
  }, 120_000);
});
