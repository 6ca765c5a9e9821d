// Untrusted text, made safe in one place: secrets redacted (before any cut), and workflow
// commands neutralised wherever the runner could read them.

/**
 * Secrets (the api-key input, tokens from a kubeconfig) are masked by the runner in the log, but a
 * hostile or broken server can echo them back into a failure message, and the runner does not
 * mask step outputs or the job summary file the way it masks the log. So every string the action
 * writes is redacted here: the raw secret and the forms a server echo would take (JSON-escaped,
 * URL-encoded). Quoting cuts text only after redacting it, and drops a trailing fragment of a
 * secret that an earlier byte cap may have cut, so no part of a key survives.
 */
export class Redactor {
  private forms: string[] = [];
  add(secret: string): void {
    if (secret.length < 4) return; // too short to find reliably (the runner masks it anyway)
    const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
    for (const form of forms) if (!this.forms.includes(form)) this.forms.push(form);
    this.forms.sort((a, b) => b.length - a.length);
  }
  text(value: string): string {
    let out = value;
    for (const form of this.forms) out = out.split(form).join('***');
    return out;
  }
  /** Redacts, then removes a trailing prefix of a secret (≥ 4 chars): the tail of cut text. */
  cutTail(value: string): string {
    let out = this.text(value);
    for (const form of this.forms) {
      for (let n = Math.min(form.length - 1, out.length); n >= FRAGMENT_MIN; n--) {
        if (out.endsWith(form.slice(0, n))) {
          out = `${out.slice(0, out.length - n)}***`;
          break;
        }
      }
    }
    return out;
  }
  deep<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.deep(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deep(v)])) as T;
    }
    return value;
  }
}

const FRAGMENT_MIN = 4;

/**
 * The run's secrets, one registry for the process: the action and the CLI add the key and the
 * cluster credentials here, and every quote of outside text consults it before cutting.
 */
export const secrets = new Redactor();

/**
 * A short, single-line excerpt of untrusted text (a body, a header, an error message) for a
 * message: secrets redacted first, then whitespace folded, then cut, then any secret fragment the
 * cut (or an earlier byte cap) left at the end removed. Escaping for the summary happens later.
 */
export function quote(text: string, max = 200): string {
  const line = secrets.cutTail(secrets.text(text).replace(/\s+/g, ' ').trim());
  if (line.length <= max) return line;
  return `${secrets.cutTail(line.slice(0, max))}…`;
}

/**
 * Neutralises workflow commands in a line the action prints. GitHub's runner acts on the legacy
 * `##[command]` form anywhere in a line (ActionCommand.TryParse searches with IndexOf) and on
 * `::command::` at the start of a line after leading whitespace (TryParseV2). A zero-width space
 * breaks both tokens while the text reads the same. Applied to every line, whatever its origin:
 * the action's own lines never start with a command (annotations go through the toolkit).
 */
export function guardCommands(text: string): string {
  return text
    .replace(/##\[/g, '##\u200b[')
    .split(/(\r\n|\r|\n)/)
    .map((part) => part.replace(/^(\s*)::/, '$1\u200b::'))
    .join('');
}

/** Everything printed: redacted, then guarded. */
export function safeLine(text: string): string {
  return guardCommands(secrets.text(text));
}
