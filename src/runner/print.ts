// Every line the action or the CLI prints passes through here, and only here: log lines,
// annotations and their titles, group titles, the CLI's stderr. Each is redacted, then guarded
// (`safeLine`), so neither a secret nor a workflow command from outside text reaches the runner.

import { quote, safeLine, secrets, visibleControls } from './redact.js';

/** Longest log line or annotation: long enough for any message of ours, short enough for a log. */
const LINE_MAX = 4000;

export interface AnnotationTitle {
  title?: string;
}

/**
 * What prints: @actions/core for the action (its functions have these shapes), stderr for the CLI.
 * Nothing outside this module calls a sink.
 */
export interface Sink {
  info(message: string): void;
  warning(message: string, properties?: AnnotationTitle): void;
  error(message: string, properties?: AnnotationTitle): void;
  notice(message: string, properties?: AnnotationTitle): void;
  startGroup(title: string): void;
  endGroup(): void;
  /** Sets a failing exit code and prints the message as an error. */
  setFailed(message: string): void;
}

export interface Printer {
  info(line: string): void;
  warning(line: string, title?: string): void;
  error(line: string, title?: string): void;
  notice(line: string, title?: string): void;
  /** Fails the step with an untitled error: for an error nothing else reported. */
  fail(line: string): void;
  /** Runs `body` inside a folded log group. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
}

/** One printable line: secrets redacted before the cut, folded, cut, then guarded. */
export function printable(text: string): string {
  return safeLine(quote(text, LINE_MAX));
}

function titled(title: string | undefined): AnnotationTitle | undefined {
  return title === undefined ? undefined : { title: printable(title) };
}

export function printer(sink: Sink): Printer {
  // The runner does not nest groups: an inner group (a rollout inside the target phase) ends the
  // outer one, and the outer one reopens as "(continued)" after it. Groups open lazily, at their
  // first line, so a group with nothing in it (or nothing after its inner group) never shows.
  const open: { title: string; shown: boolean; everShown: boolean }[] = [];
  const show = (): void => {
    const top = open.at(-1);
    if (!top || top.shown) return;
    const visible = open.find((g) => g.shown);
    if (visible) {
      sink.endGroup();
      visible.shown = false;
    }
    sink.startGroup(top.everShown ? `${top.title} (continued)` : top.title);
    top.shown = true;
    top.everShown = true;
  };
  const emit =
    <A extends unknown[]>(write: (...args: A) => void) =>
    (...args: A): void => {
      show();
      write(...args);
    };
  return {
    info: emit((line: string) => sink.info(printable(line))),
    warning: emit((line: string, title?: string) => sink.warning(printable(line), titled(title))),
    error: emit((line: string, title?: string) => sink.error(printable(line), titled(title))),
    notice: emit((line: string, title?: string) => sink.notice(printable(line), titled(title))),
    fail: emit((line: string) => sink.setFailed(printable(line))),
    async group(title, body) {
      const group = { title: printable(title), shown: false, everShown: false };
      open.push(group);
      try {
        return await body();
      } finally {
        if (group.shown) sink.endGroup();
        open.pop();
      }
    },
  };
}

/**
 * The CLI's stderr: progress lines indented, warnings marked, groups not shown (a terminal has no
 * folding). `say` prints our own messages (the verdict, a usage error), line by line guarded.
 */
export function cliPrinter(write: (text: string) => void = (t) => void process.stderr.write(t)): Printer & {
  say(text: string): void;
} {
  const base = printer({
    info: (m) => write(`  ${m}\n`),
    warning: (m) => write(`  warning: ${m}\n`),
    error: (m) => write(`  error: ${m}\n`),
    notice: (m) => write(`  ${m}\n`),
    startGroup: () => undefined,
    endGroup: () => undefined,
    setFailed: (m) => write(`  error: ${m}\n`),
  });
  // Folded to one line: an untrusted field (a model id) must not start a line of its own.
  return { ...base, say: (text) => write(`${safeLine(text.replace(/[\r\n\u0085\u2028\u2029]+/g, ' '))}\n`) };
}

/**
 * The CLI's JSON document for stdout, which a workflow step's runner reads too: redacted, and with
 * `[` after `##` written as its JSON escape, so the data parses the same but holds no `##[`
 * command. (`::` cannot start a line: every line of the indented JSON starts with a space or a
 * bracket, and strings stay on one line.) JSON.stringify escapes C0 controls itself; DEL, C1,
 * bidirectional controls and the Unicode line separators are escaped too, so no terminal acts on
 * them, and the data still parses to the same values.
 */
export function jsonDocument(value: unknown): string {
  return secrets
    .text(JSON.stringify(value, null, 2))
    .replace(/##\[/g, '##\\u005b')
    .replace(
      /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

/** A step output or summary text: redacted, controls visible; line feeds and tabs kept. */
export function safeText(text: string): string {
  return visibleControls(secrets.text(text));
}
