// A Kubernetes target's inputs: the names of what to work on (namespace, deployment, service,
// recipe), checked against Kubernetes' own naming rules, and how to change it (write-recipe,
// dry-run, rollout-timeout, rollback-on-failure). A configured cluster with nothing named means
// the kubeconfig context's namespace (`implicit`).

import { badInput } from '../model/failure.js';
import { DEFAULTS } from './defaults.js';
import { parseBoolean, parseNumber, type InputSource } from './values.js';

export interface KubernetesSettings {
  /**
   * No target was named, but a cluster is configured: the kubeconfig context's namespace and its
   * one DynamoGraphDeployment (targets/kubernetes/resolve/find-frontend.ts), never a silent try of the default URL.
   */
  implicit?: boolean;
  namespace?: string;
  deployment?: string;
  service?: string;
  recipe?: string;
  writeRecipe: boolean;
  dryRun: boolean;
  rolloutTimeoutMs: number;
  rollbackOnFailure: boolean;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function parseName(
  input: string,
  raw: string,
  pattern: RegExp,
  what: string,
  maxLength: number,
): string | undefined {
  if (raw === '') return undefined;
  if (raw.length > maxLength || !pattern.test(raw)) {
    throw badInput(
      input,
      raw,
      `${what} (lower-case letters, digits and '-', at most ${maxLength} characters)`,
    );
  }
  return raw;
}

export function parseKubernetes(get: InputSource, implicit: boolean): KubernetesSettings | undefined {
  const namespace = parseName(
    'namespace',
    get('namespace'),
    DNS1123_LABEL,
    'a Kubernetes namespace name',
    63,
  );
  const deployment = parseName(
    'deployment',
    get('deployment'),
    DNS1123_SUBDOMAIN,
    'a Kubernetes object name',
    253,
  );
  const service = parseName(
    'service',
    get('service'),
    DNS1035_LABEL,
    'a Kubernetes Service name starting with a letter',
    63,
  );
  const recipe = get('recipe') || undefined;
  const writeRecipe = parseBoolean('write-recipe', get('write-recipe'), false);
  const dryRun = parseBoolean('dry-run', get('dry-run'), false);
  const rollbackOnFailure = parseBoolean('rollback-on-failure', get('rollback-on-failure'), false);
  const rolloutTimeoutMs =
    parseNumber('rollout-timeout', get('rollout-timeout'), DEFAULTS.rolloutTimeout, {
      min: 1,
      max: 7200,
      integer: false,
    }) * 1000;
  const named = Boolean(namespace || deployment || service || recipe);
  if (!named && !implicit) {
    for (const [input, on] of [
      ['write-recipe', writeRecipe],
      ['dry-run', dryRun],
      ['rollback-on-failure', rollbackOnFailure],
    ] as const) {
      if (on)
        throw badInput(
          input,
          'true',
          '`false` unless a Kubernetes target (namespace, deployment, service or recipe) is given',
        );
    }
    return undefined;
  }
  if (writeRecipe && !recipe)
    throw badInput('write-recipe', 'true', '`false` unless `recipe` names the deploy.yaml to update');
  return {
    ...(named ? {} : { implicit: true }),
    namespace,
    deployment,
    service,
    recipe,
    writeRecipe,
    dryRun,
    rolloutTimeoutMs,
    rollbackOnFailure,
  };
}
