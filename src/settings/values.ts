// How one raw input value is read: booleans, numbers in a range, printable text, a router mode.
// Each rejects a bad value with `bad-input` naming the input, the value and what is allowed.
// settings.ts and canary.ts build the Settings from these.

import { badInput, RunFailure } from '../model/failure.js';
import { isRouterMode, nearestMode, ROUTER_MODES, type RouterMode } from '../model/modes.js';

/** Reads one raw input by its action.yml name; returns '' when unset. */
export type InputSource = (name: string) => string;

export type KvEventsSetting = 'auto' | 'true' | 'false';

export function parseBoolean(input: string, raw: string, fallback: boolean): boolean {
  if (raw === '') return fallback;
  // Same spellings as @actions/core getBooleanInput (YAML 1.2 core schema).
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  throw badInput(input, raw, '`true` or `false`');
}

export function parseNumber(
  input: string,
  raw: string,
  fallback: number,
  { min, max, integer }: { min: number; max: number; integer: boolean },
): number {
  if (raw === '') return fallback;
  const allowed = `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
  if (!/^[+]?\d+(\.\d+)?$/.test(raw)) throw badInput(input, raw, allowed);
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw badInput(input, raw, allowed);
  }
  return value;
}

export function parseMode(
  input: string,
  raw: string,
  emptyMeans = 'leave the mode alone',
): RouterMode | undefined {
  if (raw === '') return undefined;
  if (isRouterMode(raw)) return raw;
  const near = nearestMode(raw);
  const hint = near ? ` (did you mean \`${near}\`?)` : '';
  throw new RunFailure(
    'bad-input',
    `Input \`${input}\` has "${raw}", which is not a Dynamo router mode${hint}; allowed: ${ROUTER_MODES.join(', ')}, or empty to ${emptyMeans}. Dynamo 1.6.1 refuses an unknown mode at start-up (the frontend exits), so nothing would be routed.`,
    near ? `set \`${input}: ${near}\`` : `fix \`${input}\``,
  );
}

export function parseText(input: string, raw: string, fallback: string | undefined): string | undefined {
  if (raw === '') return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(raw)) {
    throw badInput(input, raw.replace(/[^\x20-\x7e]/g, '?'), 'printable text');
  }
  return raw;
}
