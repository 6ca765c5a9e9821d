// The canary's inputs: `expect-mode` (assert a mode, change nothing), `require-verified`, and the
// `history` file with how it judges (window, effect size, which changes fail, accepting a change).
// Validated with the rest of the Settings, before anything is contacted.

import { badInput } from '../model/failure.js';
import type { RouterMode } from '../model/modes.js';
import {
  parseBoolean,
  parseMode,
  parseNumber,
  parseText,
  type InputSource,
  type KvEventsSetting,
} from './values.js';

/** Changes between runs that `fail-on-change` can turn into a failure (they are always named). */
export const CHANGE_KINDS = ['workers', 'models', 'kv-events'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface HistorySettings {
  /** The JSON Lines file, as the input gave it (resolved inside the workspace when the run starts). */
  path: string;
  /** How many earlier runs form the latency baseline (the most recent ones). */
  window: number;
  /** The practical effect size: a run must be at least this many times slower than the baseline. */
  regressionRatio: number;
  /** Which changes fail the run with `deployment-changed` (all are named in the summary). */
  failOnChange: ChangeKind[];
  /** This run starts a new baseline: a drift or regression against earlier runs is reported, not failed. */
  acceptChange: boolean;
}

export interface CanarySettings {
  /** The mode the frontend must run; the run changes nothing to get it. */
  expectMode?: RouterMode;
  /** An `unverifiable` mode fails the run (`mode-unverified`). */
  requireVerified: boolean;
  history?: HistorySettings;
}

export const CANARY_DEFAULTS = { historyWindow: 10, regressionRatio: 1.5 };

/** What the rest of the inputs say, for the combinations checked here. */
interface Context {
  mode?: RouterMode;
  launch: boolean;
  skipChat: boolean;
  kvEvents: KvEventsSetting;
}

function parseChanges(raw: string): ChangeKind[] {
  const kinds = raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((kind) => {
      if (!(CHANGE_KINDS as readonly string[]).includes(kind))
        throw badInput(
          'fail-on-change',
          raw,
          `empty, or any of ${CHANGE_KINDS.join(', ')} separated by commas`,
        );
      return kind as ChangeKind;
    });
  return [...new Set(kinds)];
}

export function parseCanary(get: InputSource, context: Context): CanarySettings {
  const expectMode = parseMode('expect-mode', get('expect-mode'), 'assert no mode');
  const requireVerified = parseBoolean('require-verified', get('require-verified'), false);
  const historyPath = parseText('history', get('history'), undefined);
  const { mode } = context;
  if (expectMode && mode && expectMode !== mode)
    throw badInput(
      'expect-mode',
      expectMode,
      `empty or \`${mode}\`: \`mode: ${mode}\` sets that mode, so requiring ${expectMode} could never pass`,
    );
  if (expectMode && context.launch && !mode)
    throw badInput(
      'expect-mode',
      expectMode,
      'empty with `launch: true` unless `mode` is the same: the run starts the frontend itself, in `mode` (Dynamo’s default round-robin when empty); set `mode` instead',
    );
  if (expectMode && expectMode !== 'kv' && context.kvEvents === 'false')
    throw badInput(
      'kv-events',
      'false',
      `\`auto\` or \`true\` unless \`expect-mode: kv\` (approximate KV mode only exists for the kv router)`,
    );
  if (context.skipChat) {
    const needsChat = (
      [
        ['expect-mode', expectMode ?? ''],
        ['require-verified', requireVerified ? 'true' : ''],
        ['history', historyPath ?? ''],
      ] as const
    ).find(([, value]) => value !== '');
    if (needsChat)
      throw badInput(
        'skip-chat',
        'true',
        `\`false\` with \`${needsChat[0]}\`: the evidence of the mode${needsChat[0] === 'history' ? ' and the latency sample' : ''} come from chat requests`,
      );
  }
  return { expectMode, requireVerified, history: parseHistory(get, historyPath) };
}

function parseHistory(get: InputSource, path: string | undefined): HistorySettings | undefined {
  // The runner passes every input's action.yml default as if it were given: only a value other
  // than the default shows a history setting without `history`.
  const defaults: Record<string, string> = {
    'history-window': String(CANARY_DEFAULTS.historyWindow),
    'regression-ratio': String(CANARY_DEFAULTS.regressionRatio),
    'fail-on-change': '',
    'accept-change': 'false',
  };
  if (path === undefined) {
    const stray = Object.keys(defaults).find((name) => get(name) !== '' && get(name) !== defaults[name]);
    if (stray) throw badInput(stray, get(stray), 'empty unless `history` names the history file');
    return undefined;
  }
  return {
    path,
    window: parseNumber('history-window', get('history-window'), CANARY_DEFAULTS.historyWindow, {
      min: 5,
      max: 100,
      integer: true,
    }),
    regressionRatio: parseNumber(
      'regression-ratio',
      get('regression-ratio'),
      CANARY_DEFAULTS.regressionRatio,
      {
        min: 1.05,
        max: 100,
        integer: false,
      },
    ),
    failOnChange: parseChanges(get('fail-on-change')),
    acceptChange: parseBoolean('accept-change', get('accept-change'), false),
  };
}
