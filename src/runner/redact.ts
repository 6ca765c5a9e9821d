// Untrusted text, made safe in one place: secrets redacted (before any cut), and workflow
// commands neutralised wherever the runner could read them.

/**
 * Secrets (the api-key input, tokens from a kubeconfig) are masked by the runner in the log, but a
 * hostile or broken server can echo them back into a failure message, and the runner does not
 * mask step outputs or the job summary file the way it masks the log. So every string the action
 * writes is redacted here: the raw secret and the forms a server echo would take (JSON-escaped as
 * JavaScript, Go and Python write it, URL- and form-encoded, HTML-escaped), and any run of at
 * least FRAGMENT_RUN characters of one of those forms, so a key that a proxy cut or split leaks no
 * part either. Quoting cuts text only after redacting it, and drops a trailing fragment (≥ 4
 * characters) that the cut left.
 */
export class Redactor {
  private forms: string[] = [];
  /** Every FRAGMENT_RUN-character window of every form. */
  private grams = new Set<string>();
  add(secret: string): void {
    if (secret.length < 4) return; // too short to find reliably (the runner masks it anyway)
    for (const form of echoForms(secret)) {
      if (form.length < 4 || this.forms.includes(form)) continue;
      this.forms.push(form);
      for (let i = 0; i + FRAGMENT_RUN <= form.length; i++) this.grams.add(form.slice(i, i + FRAGMENT_RUN));
    }
    this.forms.sort((a, b) => b.length - a.length);
  }
  text(value: string): string {
    let out = value;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join('***');
    return this.maskRuns(out);
  }
  /** Replaces each stretch of text covered by windows of a secret's forms with `***`. */
  private maskRuns(text: string): string {
    if (this.grams.size === 0 || text.length < FRAGMENT_RUN) return text;
    let marked: Uint8Array | undefined;
    for (let i = 0; i + FRAGMENT_RUN <= text.length; i++) {
      if (!this.grams.has(text.slice(i, i + FRAGMENT_RUN))) continue;
      marked ??= new Uint8Array(text.length);
      marked.fill(1, i, i + FRAGMENT_RUN);
    }
    if (!marked) return text;
    let out = '';
    for (let i = 0; i < text.length; i++) {
      if (!marked[i]) out += text[i];
      else if (i === 0 || !marked[i - 1]) out += '***';
    }
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

/** The spellings a server may echo a secret in. */
function echoForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const unicode = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  // Go's encoding/json escapes <, > and & (and U+2028/9); Python's json.dumps escapes non-ASCII.
  const goJson = json.replace(/[<>&\u2028\u2029]/g, unicode);
  const asciiJson = goJson.replace(/[^\x20-\x7e]/g, unicode);
  const url = encodeURIComponent(secret);
  const html = secret
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
  return [
    secret,
    json,
    goJson,
    asciiJson,
    asciiJson.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`),
    json.replace(/\//g, '\\/'),
    url,
    url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    url.replace(/%20/g, '+'),
    html.replace(/'/g, '&#39;'),
    html.replace(/'/g, '&#x27;'),
  ];
}

/** A run this long of a secret's form is masked wherever it appears. */
const FRAGMENT_RUN = 6;
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
  return (
    text
      .replace(/##\[/g, '##\u200b[')
      .split(/(\r\n|\r|\n)/)
      // .NET's TrimStart also strips U+0085 (NEL), which JavaScript's \s does not match.
      .map((part) => part.replace(/^([\s\u0085]*)::/, '$1\u200b::'))
      .join('')
  );
}

/** Everything printed: redacted, then guarded. */
export function safeLine(text: string): string {
  return guardCommands(secrets.text(text));
}
