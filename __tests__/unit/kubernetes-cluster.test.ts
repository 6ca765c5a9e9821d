import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiException } from '@kubernetes/client-node';
import { apiFailure } from '../../src/targets/kubernetes/api/api-failure.ts';
import { loadCredentials, maskSecrets } from '../../src/targets/kubernetes/api/credentials.ts';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'kc-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function kubeconfig(
  file: string,
  opts: {
    context: string;
    cluster: string;
    server: string;
    token: string;
    namespace?: string;
    current?: boolean;
  },
): void {
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: ${opts.cluster}
  cluster:
    server: ${opts.server}
users:
- name: u-${opts.context}
  user:
    token: ${opts.token}
contexts:
- name: ${opts.context}
  context:
    cluster: ${opts.cluster}
    user: u-${opts.context}
${opts.namespace ? `    namespace: ${opts.namespace}\n` : ''}${opts.current === false ? '' : `current-context: ${opts.context}\n`}`,
  );
}

describe('loadCredentials', () => {
  it('refuses to guess when nothing is configured (no localhost:8080 fallback)', () => {
    const home = dir();
    expect(() => loadCredentials({}, home)).toThrow(
      expect.objectContaining({
        code: 'cluster-unreachable',
        message: expect.stringMatching(/No Kubernetes cluster is configured/),
      }),
    );
  });

  it('says which KUBECONFIG file is missing', () => {
    expect(() => loadCredentials({ KUBECONFIG: '/nope/config' }, dir())).toThrow(
      /KUBECONFIG names \/nope\/config/,
    );
  });

  it('merges a KUBECONFIG list; the first current-context wins; reads the context namespace', () => {
    const d = dir();
    kubeconfig(path.join(d, 'a'), {
      context: 'a',
      cluster: 'ca',
      server: 'https://a.example:6443',
      token: 'tok-aaaa',
      namespace: 'team-a',
    });
    kubeconfig(path.join(d, 'b'), {
      context: 'b',
      cluster: 'cb',
      server: 'https://b.example:6443',
      token: 'tok-bbbb',
    });
    const creds = loadCredentials(
      {
        KUBECONFIG: `${path.join(d, 'missing')}${path.delimiter}${path.join(d, 'a')}${path.delimiter}${path.join(d, 'b')}`,
      },
      dir(),
    );
    expect(creds).toMatchObject({ context: 'a', server: 'https://a.example:6443', namespace: 'team-a' });
    expect(creds.kc.getContexts().map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('falls back to ~/.kube/config', () => {
    const home = dir();
    mkdirSync(path.join(home, '.kube'));
    kubeconfig(path.join(home, '.kube', 'config'), {
      context: 'h',
      cluster: 'ch',
      server: 'https://h.example',
      token: 'tok-hhhh',
    });
    expect(loadCredentials({}, home)).toMatchObject({ source: '~/.kube/config', context: 'h' });
  });

  it('fails clearly without a current-context', () => {
    const d = dir();
    kubeconfig(path.join(d, 'a'), {
      context: 'a',
      cluster: 'ca',
      server: 'https://a.example',
      token: 'tok-aaaa',
      current: false,
    });
    expect(() => loadCredentials({ KUBECONFIG: path.join(d, 'a') }, dir())).toThrow(
      /no current-context \(contexts: a\)/,
    );
  });

  it('masks the token before any request', async () => {
    const d = dir();
    kubeconfig(path.join(d, 'a'), {
      context: 'a',
      cluster: 'ca',
      server: 'https://a.example',
      token: 'secret-token-123',
    });
    const masked: string[] = [];
    await maskSecrets(loadCredentials({ KUBECONFIG: path.join(d, 'a') }, dir()), (s) => masked.push(s));
    expect(masked).toContain('secret-token-123');
  });
});

describe('apiFailure', () => {
  const server = 'https://k8s.example';
  const status = (code: number, reason: string, message: string) =>
    new ApiException(
      code,
      'x',
      JSON.stringify({ kind: 'Status', status: 'Failure', reason, message, code }),
      { authorization: 'Bearer nope' },
    );

  it('maps status codes to failure codes, with the Status message', () => {
    expect(apiFailure(status(401, 'Unauthorized', 'Unauthorized'), 'get x', server).code).toBe(
      'cluster-unauthorized',
    );
    const forbidden = apiFailure(
      status(
        403,
        'Forbidden',
        'dynamographdeployments.nvidia.com "g" is forbidden: User "ci" cannot patch resource "dynamographdeployments" in API group "nvidia.com" in the namespace "ns"',
      ),
      'patch g',
      server,
    );
    expect(forbidden.code).toBe('cluster-forbidden');
    expect(forbidden.message).toContain('cannot patch resource "dynamographdeployments"');
    expect(forbidden.message).not.toContain('Bearer');
    expect(apiFailure(status(404, 'NotFound', 'services "x" not found'), 'get x', server).code).toBe(
      'not-found',
    );
    expect(apiFailure(status(409, 'Conflict', 'the object has been modified'), 'patch', server).code).toBe(
      'conflict',
    );
  });

  it('maps network, TLS and timeout errors to cluster-unreachable', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(apiFailure(refused, 'get x', server)).toMatchObject({
      code: 'cluster-unreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    const tls = new TypeError('fetch failed', {
      cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    });
    expect(apiFailure(tls, 'get x', server).message).toMatch(/TLS verification/);
    expect(apiFailure(new DOMException('timed out', 'TimeoutError'), 'get x', server).message).toMatch(
      /did not answer in time/,
    );
  });
});
