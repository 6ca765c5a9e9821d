// The kubectl commands a person would run to repeat each step by hand. Pure.

import { shellJoin } from '../../shell-words.js';
import type { ObjectRef } from './object/dgd.js';
import type { JsonObject } from './object/json.js';

export function resourceName(ref: ObjectRef): string {
  return ref.kind === 'deployment'
    ? `deployment/${ref.name}`
    : `${ref.plural}.${ref.version}.${ref.group}/${ref.name}`;
}

export function getCommand(ref: ObjectRef): string {
  return shellJoin(['kubectl', 'get', resourceName(ref), '-n', ref.namespace, '-o', 'yaml']);
}

/** The patch as kubectl would send it; without resourceVersion, which would be stale by then. */
export function patchCommand(ref: ObjectRef, patch: JsonObject): string {
  const { metadata, ...rest } = patch;
  const meta = { ...(metadata as JsonObject | undefined) };
  delete meta.resourceVersion;
  const body = Object.keys(meta).length ? { metadata: meta, ...rest } : rest;
  return shellJoin([
    'kubectl',
    'patch',
    resourceName(ref),
    '-n',
    ref.namespace,
    '--type',
    'merge',
    '-p',
    JSON.stringify(body),
  ]);
}

export function watchPodsCommand(namespace: string, selector: string): string {
  return shellJoin(['kubectl', 'get', 'pods', '-n', namespace, '-l', selector, '-w']);
}

export function portForwardCommand(namespace: string, service: string, port: number): string {
  return shellJoin(['kubectl', 'port-forward', '-n', namespace, `svc/${service}`, `8000:${port}`]);
}

export function listCandidatesCommand(namespace: string, what: 'svc' | 'dgd' | 'deployments'): string {
  return shellJoin([
    'kubectl',
    'get',
    what === 'dgd' ? 'dynamographdeployments.nvidia.com' : what,
    '-n',
    namespace,
  ]);
}

export function curlCommands(baseUrl: string, model: string | undefined): string[] {
  return [
    shellJoin(['curl', '-sS', `${baseUrl}/v1/models`]),
    shellJoin([
      'curl',
      '-sS',
      `${baseUrl}/v1/chat/completions`,
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify({
        model: model ?? 'MODEL',
        messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
        max_tokens: 32,
      }),
    ]),
  ];
}

/** One step a person would take by hand; the phases collect them in order. */
export interface Step {
  title: string;
  command: string;
}

/** The steps numbered in order, for the "Reproduce with kubectl" detail. */
export function reproduce(steps: readonly Step[]): string {
  return steps.map((step, i) => `# ${i + 1}. ${step.title}\n${step.command}`).join('\n\n');
}
