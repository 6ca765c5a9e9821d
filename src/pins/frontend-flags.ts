// Frontend flags beat DYN_* env: a command line that already sets the router mode or KV events
// makes an env change silently useless. Find such flags before anything is written.

import { splitArgs } from '../shell-words.js';

export interface PinnedFlag {
  /** The flag as written, e.g. `--router-mode kv` or `--no-router-kv-events`. */
  text: string;
  flag: string;
  value?: string;
}

export interface PinnedState {
  flags: PinnedFlag[];
  /** The mode the flags select, when they select one. */
  mode?: string;
  /** true/false when a flag sets KV events. */
  kvEvents?: boolean;
  /** `--no-load-aware` is the last of its pair (1.6+): it beats DYN_ROUTER_LOAD_AWARE=true. */
  noLoadAware?: boolean;
}

const SHELLS = /(^|\/)(ba|da|z)?sh$/;

/** The argv as the container runs it; a `sh -c "<script>"` script is split into words. */
export function effectiveArgv(command: string[], args: string[]): string[] {
  const argv = [...command, ...args];
  if (argv.length >= 2 && SHELLS.test(argv[0])) {
    const out: string[] = [];
    for (const word of argv.slice(1)) {
      try {
        out.push(...splitArgs(word));
      } catch {
        out.push(word);
      }
    }
    return out;
  }
  return argv;
}

export function pinnedFlags(command: string[], args: string[]): PinnedState {
  const argv = effectiveArgv(command, args);
  const state: PinnedState = { flags: [] };
  let loadAware: string | undefined;
  let noLoadAware = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=')
      ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)]
      : [argv[i], undefined];
    switch (flag) {
      case '--router-mode': {
        const value = inline ?? argv[i + 1];
        state.flags.push({
          text: inline !== undefined ? argv[i] : `--router-mode ${value ?? ''}`.trim(),
          flag,
          value,
        });
        state.mode = value;
        break;
      }
      case '--router-kv-events':
      case '--kv-events':
        state.flags.push({ text: argv[i], flag });
        state.kvEvents = true;
        break;
      case '--no-router-kv-events':
      case '--no-kv-events':
        state.flags.push({ text: argv[i], flag });
        state.kvEvents = false;
        break;
      case '--load-aware':
      case '--no-load-aware':
        // argparse: the last of the pair wins; applied after the loop.
        loadAware = flag === '--load-aware' ? argv[i] : undefined;
        noLoadAware = flag === '--no-load-aware';
        break;
    }
  }
  if (loadAware) {
    // Load-aware is kv routing without events and without overlap credit: it pins the mode.
    state.flags.push({ text: loadAware, flag: '--load-aware' });
    state.mode = 'kv';
    state.kvEvents = false;
  }
  if (noLoadAware) state.noLoadAware = true;
  return state;
}

export interface PinVerdict {
  ok: boolean;
  /** Set when the args already select exactly what was asked: nothing to write. */
  alreadyPinned?: boolean;
  message?: string;
  hint?: string;
}

/**
 * Whether an env change can take effect given the pinned flags. `kvEvents` is the wanted events
 * setting for kv mode (true = events, false = approximate).
 */
export function judgePinned(pinned: PinnedState, mode: string, kvEvents: boolean, where: string): PinVerdict {
  if (pinned.flags.length === 0) return { ok: true };
  const loadAware = pinned.flags.find((f) => f.flag === '--load-aware');
  if (loadAware) {
    return {
      ok: false,
      message: `The frontend's command line in ${where} has \`--load-aware\`, which pins kv routing without events and overrides DYN_ROUTER_MODE; the env change to ${mode} would have no effect.`,
      hint: `remove \`--load-aware\` from ${where}${mode === 'kv' ? '' : ` (or replace it with \`--router-mode ${mode}\`)`}, then run again`,
    };
  }
  const modeFlag = pinned.flags.find((f) => f.flag === '--router-mode');
  if (modeFlag && pinned.mode !== mode) {
    return {
      ok: false,
      message: `The frontend's command line in ${where} has \`${modeFlag.text}\`, which overrides DYN_ROUTER_MODE; the env change to ${mode} would have no effect.`,
      hint: `change \`${modeFlag.text}\` to \`--router-mode ${mode}\` in ${where}, or remove it so the env applies`,
    };
  }
  const eventsFlag = pinned.flags.find((f) => f.flag !== '--router-mode');
  if (eventsFlag && mode === 'kv' && pinned.kvEvents !== kvEvents) {
    const want = kvEvents ? '--router-kv-events' : '--no-router-kv-events';
    return {
      ok: false,
      message: `The frontend's command line in ${where} has \`${eventsFlag.text}\`, which overrides DYN_ROUTER_USE_KV_EVENTS; kv mode ${kvEvents ? 'with KV events' : 'in approximate mode (no KV events)'} cannot be set through env.`,
      hint: `change \`${eventsFlag.text}\` to \`${want}\` in ${where} (or remove it), or set the \`kv-events\` input to match it`,
    };
  }
  // Only when the flags select exactly the wanted mode is nothing left to do.
  if (modeFlag) return { ok: true, alreadyPinned: true };
  return { ok: true };
}
