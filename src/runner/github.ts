// The GitHub runner's side of the protocol: workflow commands on stdout (annotations, masks) and
// file commands (outputs, state, job summary). This is what @actions/core does, in the same
// format; it is written out because @actions/core bundles @actions/http-client (undici, for
// OIDC tokens this action never requests), which measured ~80 ms on every start on Node 24
// (bench/README.md). A conformance test checks it against @actions/core byte for byte.

import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';

export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface AnnotationProperties {
  title?: string;
  file?: string;
  line?: number;
}

export function command(
  name: string,
  properties: Record<string, string | number | undefined>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

function fileCommand(
  variable: 'GITHUB_OUTPUT' | 'GITHUB_STATE',
  key: string,
  value: string,
  env: NodeJS.ProcessEnv,
): boolean {
  const file = env[variable];
  if (!file) return false;
  if (!existsSync(file))
    throw new Error(`Unable to find environment variable for file command ${variable.slice(7)}`);
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (key.includes(delimiter) || value.includes(delimiter))
    throw new Error('Unexpected input: contains the delimiter');
  appendFileSync(file, `${key}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
  return true;
}

export interface Runner {
  info(message: string): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  setSecret(secret: string): void;
  setOutput(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Appends to the job summary; false when the runner gives no summary file. */
  appendSummary(markdown: string): boolean;
}

export function githubRunner(
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (t) => void process.stdout.write(t),
): Runner {
  const issue = (
    name: string,
    properties: Record<string, string | number | undefined>,
    message: string,
  ): void => write(command(name, properties, message) + EOL);
  return {
    info: (message) => write(message + EOL),
    warning: (message, properties = {}) => issue('warning', { ...properties }, message),
    error: (message, properties = {}) => issue('error', { ...properties }, message),
    setSecret: (secret) => issue('add-mask', {}, secret),
    setOutput(name, value) {
      if (!fileCommand('GITHUB_OUTPUT', name, value, env)) {
        write(EOL);
        issue('set-output', { name }, value);
      }
    },
    saveState(name, value) {
      if (!fileCommand('GITHUB_STATE', name, value, env)) issue('save-state', { name }, value);
    },
    getState: (name) => env[`STATE_${name}`] ?? '',
    appendSummary(markdown) {
      const file = env.GITHUB_STEP_SUMMARY;
      if (!file) return false;
      appendFileSync(file, markdown, { encoding: 'utf8' });
      return true;
    },
  };
}
