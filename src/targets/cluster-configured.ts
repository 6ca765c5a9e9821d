// Whether a Kubernetes cluster is configured on this machine, by the sources the client reads
// (loadCredentials): KUBECONFIG, ~/.kube/config, an in-cluster service account. Only their
// presence: nothing is parsed or contacted. Small on purpose: the action's start path asks it.

import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function clusterConfigured(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): boolean {
  if ((env.KUBECONFIG ?? '').split(path.delimiter).some(Boolean)) return true;
  if (home && existsSync(path.join(home, '.kube', 'config'))) return true;
  return Boolean(env.KUBERNETES_SERVICE_HOST);
}
