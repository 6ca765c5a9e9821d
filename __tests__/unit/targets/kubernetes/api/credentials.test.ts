// The kubeconfig the credential actions leave behind, merged as kubectl merges it, and its
// secrets masked.
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCredentials, maskSecrets } from '../../../../../src/targets/kubernetes/api/credentials.ts';

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
