// The kubeconfig's files, read so nothing can block or flood the run: each kubeconfig and each
// file it names (certificate authority, client certificate and key, token file) must be a regular
// file under a size cap (bounded/read-file.ts), so a FIFO (`<(…)` from a shell) or a device is
// refused instead of blocking a synchronous read forever. Certificates and keys are then carried
// in the config as data, so the client never opens those paths again.

import path from 'node:path';
import { parse } from 'yaml';
import { CREDENTIAL_FILE_MAX_BYTES, KUBECONFIG_MAX_BYTES } from '../../../bounded/limits.js';
import { FileProblem, readRegularFile } from '../../../bounded/read-file.js';
import { RunFailure } from '../../../model/failure.js';
import { KubeConfig } from './client.js';
import { asArray, asObject, asString, isObject } from '../object/json.js';

type Cluster = ReturnType<KubeConfig['getClusters']>[number];
type User = ReturnType<KubeConfig['getUsers']>[number];

function refused(file: string, what: string, problem: FileProblem): RunFailure {
  return new RunFailure(
    'cluster-unreachable',
    `The ${what} ${file} ${problem.message}.`,
    problem.code === 'not-regular'
      ? 'write the file to disk in an earlier step (the action reads regular files only: a pipe or device could block it forever)'
      : 'check the kubeconfig file the credentials step wrote',
  );
}

/** A file the kubeconfig names, bounded; a RunFailure naming it when it cannot be read. */
export function readCredentialFile(file: string, what: string): Buffer {
  try {
    return readRegularFile(file, CREDENTIAL_FILE_MAX_BYTES);
  } catch (error) {
    if (error instanceof FileProblem) throw refused(file, what, error);
    throw error;
  }
}

/**
 * Paths in the YAML that the client reads while loading it (a user's `token-file`), checked
 * before it does. Relative paths are relative to the kubeconfig's directory, as kubectl has them.
 */
function checkLoadTimeFiles(text: string, dir: string): void {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return; // the client's own parser reports it
  }
  for (const entry of asArray(asObject(doc)?.users) ?? []) {
    const file = asString(asObject(asObject(entry)?.user)?.['token-file']);
    if (file) readCredentialFile(path.resolve(dir, file), 'token file');
  }
}

/** One kubeconfig file, read bounded, loaded, its relative paths made absolute. */
export function loadKubeconfigFile(file: string): KubeConfig {
  let text: string;
  try {
    text = readRegularFile(file, KUBECONFIG_MAX_BYTES).toString('utf8');
  } catch (error) {
    if (error instanceof FileProblem) throw refused(file, 'kubeconfig', error);
    throw error;
  }
  const dir = path.dirname(file);
  checkLoadTimeFiles(text, dir);
  const kc = new KubeConfig();
  kc.loadFromString(text);
  kc.makePathsAbsolute(dir);
  return kc;
}

/**
 * The certificate authority, client certificate and key read now (bounded) and carried as data,
 * so no later request opens a path that may have turned into a pipe. Token files the client
 * re-reads itself (a rotated service account token) are checked as regular files here.
 */
export function inlineCredentialFiles(kc: KubeConfig): void {
  const data = (file: string, what: string) => readCredentialFile(file, what).toString('base64');
  const clusters = kc.getClusters().map((c): Cluster => {
    if (!c.caFile) return c;
    const { caFile, ...rest } = c;
    return { ...rest, caData: data(caFile, 'certificate-authority file') };
  });
  const users = kc.getUsers().map((u): User => {
    let user: User = u;
    if (user.certFile) {
      const { certFile, ...rest } = user;
      user = { ...rest, certData: data(certFile, 'client-certificate file') };
    }
    if (user.keyFile) {
      const { keyFile, ...rest } = user;
      user = { ...rest, keyData: data(keyFile, 'client-key file') };
    }
    const tokenFile = asString(asObject(asObject(user.authProvider)?.config)?.tokenFile);
    if (tokenFile && isObject(user.authProvider)) readCredentialFile(tokenFile, 'token file');
    return user;
  });
  kc.loadFromOptions({
    clusters,
    users,
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
}
