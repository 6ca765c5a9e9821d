// The cluster's credentials: the kubeconfig the credential actions leave behind (KUBECONFIG, its
// files merged as kubectl merges them, ~/.kube/config, or the in-cluster service account), and
// every secret in it masked before the first request can echo one.

import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from './client.js';
import { RunFailure } from '../../../model/failure.js';
import { boundCredentialPlugins, type CredentialPlugins } from './credential-plugins.js';
import { inlineCredentialFiles, loadKubeconfigFile } from './kubeconfig-files.js';
import { asObject, dig } from '../object/json.js';
import { firstLine, unreachable } from './api-failure.js';

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface Credentials {
  kc: KubeConfig;
  /** The plugins the action runs for the kubeconfig's users (their later tokens get masked too). */
  plugins?: CredentialPlugins;
  /** Where they came from, for the log: a KUBECONFIG path, ~/.kube/config or in-cluster. */
  source: string;
  server: string;
  context: string;
  /** The current context's namespace, if it names one. */
  namespace?: string;
}

/**
 * KubeConfig.loadFromDefault's order (KUBECONFIG list, ~/.kube/config, in-cluster service
 * account), minus its silent fallback to http://localhost:8080: no cluster is an error here.
 * KUBECONFIG entries merge as kubectl merges them: the first file to name a thing wins.
 */
export function loadCredentials(
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): Credentials {
  const kc = new KubeConfig();
  let source: string;
  try {
    const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
    if (listed.length > 0) {
      const files = listed.filter((f) => existsSync(f));
      if (files.length === 0) {
        throw new RunFailure(
          'cluster-unreachable',
          `KUBECONFIG names ${listed.join(', ')}, but no such file exists.`,
          'check the step that writes the kubeconfig ran before this one',
          [],
          { kind: 'no-kubeconfig' },
        );
      }
      const merged = {
        clusters: [] as KubeConfig['clusters'],
        users: [] as KubeConfig['users'],
        contexts: [] as KubeConfig['contexts'],
        currentContext: '',
      };
      for (const file of files) {
        const one = loadKubeconfigFile(file);
        merged.currentContext ||= one.getCurrentContext() ?? '';
        for (const c of one.getClusters())
          if (!merged.clusters.some((x) => x.name === c.name)) merged.clusters.push(c);
        for (const u of one.getUsers())
          if (!merged.users.some((x) => x.name === u.name)) merged.users.push(u);
        for (const c of one.getContexts())
          if (!merged.contexts.some((x) => x.name === c.name)) merged.contexts.push(c);
      }
      kc.loadFromOptions(merged);
      source = `KUBECONFIG (${files.join(path.delimiter)})`;
    } else if (home && existsSync(path.join(home, '.kube', 'config'))) {
      const one = loadKubeconfigFile(path.join(home, '.kube', 'config'));
      kc.loadFromOptions({
        clusters: one.getClusters(),
        users: one.getUsers(),
        contexts: one.getContexts(),
        currentContext: one.getCurrentContext(),
      });
      source = '~/.kube/config';
    } else if (env.KUBERNETES_SERVICE_HOST && existsSync(`${SERVICE_ACCOUNT}/token`)) {
      kc.loadFromCluster();
      source = 'the in-cluster service account';
    } else {
      throw new RunFailure(
        'cluster-unreachable',
        'No Kubernetes cluster is configured: KUBECONFIG is unset, ~/.kube/config does not exist and this is not a pod with a service account.',
        undefined,
        [],
        { kind: 'no-kubeconfig' },
      );
    }
    inlineCredentialFiles(kc);
  } catch (error) {
    if (error instanceof RunFailure) throw error;
    throw unreachable(
      `The kubeconfig could not be read: ${firstLine(error)}.`,
      'check the kubeconfig file the credentials step wrote',
    );
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) {
    const names = kc.getContexts().map((c) => c.name);
    throw unreachable(
      `The kubeconfig from ${source} has ${context ? `current-context "${context}", which names no known cluster` : 'no current-context'}${names.length ? ` (contexts: ${names.join(', ')})` : ''}.`,
      names.length ? `run \`kubectl config use-context ${names[0]}\` in an earlier step` : undefined,
    );
  }
  const namespace = kc.getContextObject(context)?.namespace?.trim() || undefined;
  const plugins = boundCredentialPlugins(kc);
  return { kc, source, server: cluster.server, context, namespace, plugins };
}

/**
 * Masks every secret the kubeconfig holds, including tokens an exec or auth-provider plugin
 * returns, before the first request can echo one. Also proves the credentials can be built.
 */
export async function maskSecrets(creds: Credentials, mask: (secret: string) => void): Promise<void> {
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim().length >= 4) mask(value.trim());
  };
  // A token a plugin returns later (a refresh mid-run) is masked the moment it arrives.
  if (creds.plugins) creds.plugins.onSecret = add;
  for (const user of creds.kc.getUsers()) {
    add(user.token);
    add(user.password);
    add(user.keyData);
    const config = asObject(dig(user.authProvider, 'config'));
    for (const key of ['access-token', 'id-token', 'refresh-token', 'client-secret']) add(config?.[key]);
  }
  const opts: { headers?: Record<string, string>; key?: Buffer | string } = {};
  try {
    await creds.kc.applyToHTTPSOptions(opts as never);
  } catch (error) {
    if (error instanceof RunFailure) throw error;
    throw new RunFailure(
      'cluster-unauthorized',
      `The kubeconfig's credentials could not be obtained: ${firstLine(error)}.`,
      'check the credential plugin (exec or auth-provider) the kubeconfig names is installed and logged in',
    );
  }
  const auth = opts.headers?.Authorization ?? opts.headers?.authorization;
  if (auth) add(auth.replace(/^(Bearer|Basic)\s+/i, ''));
  if (opts.key) add(opts.key.toString());
}
