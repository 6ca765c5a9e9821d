// Credential plugins a kubeconfig names, run by the action itself under the parent's bounds
// (bounded/child.ts): an `exec` plugin (kubelogin, aws eks get-token, gke-gcloud-auth-plugin …)
// and the legacy `gcp` / `azure` auth-provider's `cmd-path`. @kubernetes/client-node runs the
// first with no deadline, an open stdin (so `interactiveMode: Never` means nothing) and the whole
// runner environment, and the second through execSync, which blocks the event loop (no deadline
// can fire). Here each user that names one is handed to an authenticator of ours: a deadline that
// kills the plugin's process group, no stdin (as kubectl gives it), capped output, the child
// environment without the action's secrets, and KUBERNETES_EXEC_INFO saying `interactive: false`.
// Follows client-go's exec authenticator (k8s.io/client-go/plugin/pkg/client/auth/exec/exec.go)
// and its gcp provider's `cmd-path` (arguments split on whitespace, no shell).

import type https from 'node:https';
import { childEnv } from '../../../bounded/child-env.js';
import { runChild } from '../../../bounded/child.js';
import { withDeadline } from '../../../bounded/deadline.js';
import {
  CHILD_KILL_GRACE_MS,
  CREDENTIAL_PLUGIN_OUTPUT_BYTES,
  CREDENTIAL_PLUGIN_TIMEOUT_MS,
} from '../../../bounded/limits.js';
import { RunFailure } from '../../../model/failure.js';
import { quote } from '../../../runner/redact.js';
import type { KubeConfig } from './client.js';
import { asObject, asString, isObject, type JsonObject } from '../object/json.js';

/** The authProvider names our users carry instead (no built-in authenticator matches them). */
const EXEC_PROVIDER = 'dynamo-router-starter/exec';
const CMD_PROVIDER = 'dynamo-router-starter/cmd-path';

type User = ReturnType<KubeConfig['getUsers']>[number];
type Cluster = ReturnType<KubeConfig['getClusters']>[number];

interface ExecConfig {
  apiVersion?: string;
  command?: string;
  args?: string[];
  env?: { name: string; value: string }[];
  interactiveMode?: string;
  provideClusterInfo?: boolean;
  installHint?: string;
}

interface Credential {
  token?: string;
  cert?: string;
  key?: string;
  /** Milliseconds since the epoch; undefined: valid for the run. */
  expires?: number;
}

export interface CredentialPlugins {
  /** Called with every secret a plugin hands back (a refreshed token too), to mask it. */
  onSecret?: (secret: string) => void;
}

function unauthorized(message: string, hint: string): RunFailure {
  return new RunFailure('cluster-unauthorized', message, hint);
}

const LOGIN_HINT =
  'log in before this step (a credentials action, `aws sso login`, `az login`, `gcloud auth login`): a workflow step cannot answer a device code or a prompt';

/** The first line of what a plugin wrote on stderr, quoted (never its stdout: the credential). */
function said(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1);
  return line ? `: ${quote(line, 300)}` : '';
}

async function runPlugin(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  what: string,
  installHint?: string,
): Promise<string> {
  const result = await runChild(command, args, {
    timeoutMs: CREDENTIAL_PLUGIN_TIMEOUT_MS,
    maxOutputBytes: CREDENTIAL_PLUGIN_OUTPUT_BYTES,
    env: childEnv(process.env, env),
  });
  if (result.spawnError) {
    const notFound = result.spawnError.code === 'ENOENT';
    throw unauthorized(
      `The kubeconfig's ${what} \`${command}\` ${notFound ? 'was not found' : `could not be run (${result.spawnError.code ?? result.spawnError.message})`}.`,
      installHint
        ? quote(installHint, 300)
        : 'install the plugin the kubeconfig names, or run the credentials step that provides it',
    );
  }
  if (result.timedOut) {
    throw unauthorized(
      `The kubeconfig's ${what} \`${command}\` gave no credential within ${CREDENTIAL_PLUGIN_TIMEOUT_MS / 1000} s and was stopped${said(result.stderr)}.`,
      LOGIN_HINT,
    );
  }
  if (result.code !== 0) {
    throw unauthorized(
      `The kubeconfig's ${what} \`${command}\` failed (exit code ${result.code ?? result.signal})${said(result.stderr)}.`,
      LOGIN_HINT,
    );
  }
  if (result.cut) {
    throw unauthorized(
      `The kubeconfig's ${what} \`${command}\` printed more than ${CREDENTIAL_PLUGIN_OUTPUT_BYTES} bytes; no credential was read.`,
      'check the plugin prints one ExecCredential (or token JSON) on stdout',
    );
  }
  return result.stdout;
}

function parseJson(text: string, what: string, command: string): JsonObject {
  try {
    const value = JSON.parse(text) as unknown;
    if (isObject(value)) return value;
  } catch {
    // below
  }
  throw unauthorized(
    `The kubeconfig's ${what} \`${command}\` did not print a JSON object on stdout.`,
    'check the plugin and its version',
  );
}

/** KUBERNETES_EXEC_INFO as client-go sets it: never interactive here (no stdin). */
function execInfo(exec: ExecConfig, cluster: Cluster | null): string {
  const spec: JsonObject = { interactive: false };
  if (exec.provideClusterInfo && cluster) {
    spec.cluster = {
      server: cluster.server,
      ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : {}),
      ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
    };
  }
  return JSON.stringify({
    apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    spec,
  });
}

async function execCredential(exec: ExecConfig, cluster: Cluster | null): Promise<Credential> {
  const command = exec.command;
  if (!command)
    throw unauthorized('The kubeconfig names an exec plugin without a command.', 'fix the kubeconfig');
  if (exec.interactiveMode === 'Always') {
    throw unauthorized(
      `The kubeconfig's exec plugin \`${command}\` asks for interactiveMode: Always, but a workflow step has no terminal to give it.`,
      LOGIN_HINT,
    );
  }
  const env: Record<string, string> = {};
  for (const entry of exec.env ?? []) if (entry?.name) env[entry.name] = String(entry.value ?? '');
  env.KUBERNETES_EXEC_INFO = execInfo(exec, cluster);
  const out = await runPlugin(command, exec.args ?? [], env, 'exec plugin', exec.installHint);
  const status = asObject(parseJson(out, 'exec plugin', command).status);
  const token = asString(status?.token);
  const cert = asString(status?.clientCertificateData);
  const key = asString(status?.clientKeyData);
  if (!token && !(cert && key)) {
    throw unauthorized(
      `The kubeconfig's exec plugin \`${command}\` answered without a token or client certificate.`,
      LOGIN_HINT,
    );
  }
  const expiry = Date.parse(asString(status?.expirationTimestamp) ?? '');
  return { token, cert, key, expires: Number.isFinite(expiry) ? expiry : undefined };
}

/** `{.credential.access_token}` → the value at that path (the subset of JSONPath the providers use). */
export function valueAt(json: unknown, template: string): string | undefined {
  const path = /^\{\.([A-Za-z0-9_.-]+)\}$/.exec(template.trim())?.[1];
  if (!path) return undefined;
  let current: unknown = json;
  for (const key of path.split('.')) current = isObject(current) ? current[key] : undefined;
  return typeof current === 'string' || typeof current === 'number' ? String(current) : undefined;
}

/** The legacy provider's cached token, when it is still good (client-node's isExpired). */
function cachedToken(config: JsonObject): Credential | undefined {
  const token = asString(config['access-token']);
  if (!token) return undefined;
  const expiry = asString(config.expiry);
  const expiresOn = asString(config['expires-on']);
  const at = expiry ? Date.parse(expiry) : expiresOn ? Number(expiresOn) * 1000 : undefined;
  if (at !== undefined && Number.isFinite(at) && at < Date.now()) return undefined;
  return { token, expires: at };
}

async function cmdPathCredential(provider: string, config: JsonObject): Promise<Credential> {
  const command = asString(config['cmd-path']);
  if (!command) {
    throw unauthorized(
      `The kubeconfig's ${provider} auth-provider token has expired and it names no cmd-path to refresh it.`,
      'refresh the kubeconfig credentials in an earlier step',
    );
  }
  const args = (asString(config['cmd-args']) ?? '').split(/\s+/).filter(Boolean);
  const what = `${provider} auth-provider cmd-path`;
  const out = parseJson(await runPlugin(command, args, {}, what), what, command);
  const tokenKey = asString(config['token-key']) ?? '{.access_token}';
  const token = valueAt(out, tokenKey);
  if (!token) {
    throw unauthorized(
      `The kubeconfig's ${what} \`${command}\` printed no token at ${tokenKey}.`,
      'check token-key in the kubeconfig (a path such as {.credential.access_token})',
    );
  }
  const expiryKey = asString(config['expiry-key']);
  const expiry = expiryKey ? Date.parse(valueAt(out, expiryKey) ?? '') : NaN;
  // Kept on the user, as the provider itself does, so later requests reuse it.
  config['access-token'] = token;
  if (Number.isFinite(expiry)) config.expiry = new Date(expiry).toISOString();
  return { token, expires: Number.isFinite(expiry) ? expiry : undefined };
}

/**
 * Obtaining credentials is part of every request (a plugin, an OIDC refresh over the network):
 * each attempt is bounded, so a request never waits on it past the plugin deadline.
 */
function boundAuthentication(kc: KubeConfig): void {
  const bound = <T>(work: Promise<T>): Promise<T> =>
    withDeadline(
      work,
      // Past the plugin's own deadline and kill, so a plugin's failure is the one reported.
      CREDENTIAL_PLUGIN_TIMEOUT_MS + CHILD_KILL_GRACE_MS + 1000,
      () =>
        new RunFailure(
          'cluster-unauthorized',
          `The kubeconfig's credentials could not be obtained within ${CREDENTIAL_PLUGIN_TIMEOUT_MS / 1000} s.`,
          'check the credential plugin or auth-provider the kubeconfig names is installed and logged in',
        ),
    );
  const secure = kc.applySecurityAuthentication.bind(kc);
  const https = kc.applyToHTTPSOptions.bind(kc);
  kc.applySecurityAuthentication = (context) => bound(secure(context));
  kc.applyToHTTPSOptions = (opts) => bound(https(opts));
}

/**
 * Hands every user with an exec plugin or a gcp/azure provider to the bounded authenticator, and
 * registers it on `kc`. Other users (tokens, certificates, oidc) are left to the client, under a
 * deadline of their own (an OIDC refresh goes over the network).
 */
export function boundCredentialPlugins(kc: KubeConfig): CredentialPlugins {
  const plugins: CredentialPlugins = {};
  const execs = new Map<string, ExecConfig>();
  const cmdPaths = new Map<string, string>();
  const users = kc.getUsers().map((user): User => {
    const provider = asObject(user.authProvider);
    // Where client-node's ExecAuth looks: user.exec, else authProvider.config.exec.
    const exec = (user.exec ?? asObject(provider?.config)?.exec) as ExecConfig | undefined;
    if (isObject(exec)) {
      execs.set(user.name, exec);
      const { exec: _dropped, ...rest } = user;
      return { ...rest, authProvider: { name: EXEC_PROVIDER, config: {} } };
    }
    const name = asString(provider?.name);
    if (provider && (name === 'gcp' || name === 'azure')) {
      cmdPaths.set(user.name, name);
      return { ...user, authProvider: { name: CMD_PROVIDER, config: asObject(provider.config) ?? {} } };
    }
    return user;
  });
  kc.loadFromOptions({
    clusters: kc.getClusters(),
    users,
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  // One credential per user, shared by concurrent requests; fetched again once it expires.
  const cache = new Map<string, Promise<Credential>>();
  const obtain = async (user: User): Promise<Credential> => {
    const exec = execs.get(user.name);
    const config = asObject(asObject(user.authProvider)?.config) ?? {};
    const credential = exec
      ? await execCredential(exec, kc.getCurrentCluster())
      : (cachedToken(config) ?? (await cmdPathCredential(cmdPaths.get(user.name) ?? 'legacy', config)));
    for (const secret of [credential.token, credential.key]) if (secret) plugins.onSecret?.(secret);
    return credential;
  };
  kc.addAuthenticator({
    isAuthProvider: (user: User) =>
      [EXEC_PROVIDER, CMD_PROVIDER].includes(asString(asObject(user?.authProvider)?.name) ?? ''),
    async applyAuthentication(user: User, opts: https.RequestOptions) {
      let pending = cache.get(user.name);
      const held = pending && (await pending.catch(() => undefined));
      if (!pending || !held || (held.expires !== undefined && held.expires <= Date.now())) {
        pending = obtain(user);
        cache.set(user.name, pending);
      }
      const credential = await pending;
      if (credential.cert) opts.cert = credential.cert;
      if (credential.key) opts.key = credential.key;
      if (credential.token) {
        opts.headers ??= {};
        (opts.headers as Record<string, string>).Authorization = `Bearer ${credential.token}`;
      }
    },
  });
  boundAuthentication(kc);
  return plugins;
}
