// Untrusted text, made safe in one place: secrets redacted (before any cut), and workflow
// commands neutralised wherever the runner could read them.

/**
 * Secrets (the api-key input, tokens from a kubeconfig) are masked by the runner in the log, but a
 * hostile or broken server can echo them back into a failure message, and the runner does not
 * mask step outputs or the job summary file the way it masks the log. So every string the action
 * writes is redacted here: the raw secret and the forms a server echo would take (JSON-escaped as
 * JavaScript, Go and Python write it, URL- and form-encoded, HTML-escaped), whole; and the parts of
 * them that a proxy's cut or split could leave, as follows.
 *
 * What is sensitive in a secret is its random body, not the words around it: `sk-proj-…`,
 * `ghp_…`, `Bearer`, `standin-…` are prefixes anyone can read in the docs, and masking every run of
 * a few of their characters blanked context names and paths that merely share them. So each form
 * is split into letter-and-digit segments, and a segment counts as random (see `looksRandom`)
 * when letters mix with digits or case changes inside it, or it is a long number or a long run of
 * letters; a short piece next to a random one counts too (base64's `+`, `/` and `=` cut a body
 * into such pieces). A part of the text that matches a run of at least FRAGMENT_RUN characters of
 * a form, and reproduces at least RANDOM_MIN characters of its random body, is masked from its
 * first random character to its last: a path `standin-k8s` keeps `standin-` (and its `k`, should
 * the token's body happen to start with one), a cut `sk-proj-AbC` becomes `sk-proj-***`. What
 * can stay visible of a body is a coincidence of at most RANDOM_MIN - 1 characters. Two
 * backstops: a secret with no random segment at all (a password of words) counts as random
 * throughout, as before; and a match of LONG_RUN or more characters is masked whatever it looks
 * like. Quoting cuts text only after redacting it, and drops a trailing fragment
 * (≥ FRAGMENT_MIN characters, judged the same way) the cut left.
 */
export class Redactor {
  private forms: { text: string; random: Uint8Array }[] = [];
  /** Every FRAGMENT_RUN-character window of every form → which of its places are random (bits). */
  private grams = new Map<string, number>();
  add(secret: string): void {
    if (secret.length < 4) return; // too short to find reliably (the runner masks it anyway)
    // Judged on the secret itself: an escape in an echo form (`%2F`) makes no random body.
    const wordsOnly = !randomPlaces(secret, false).some(Boolean);
    for (const form of echoForms(secret)) {
      if (form.length < 4 || this.forms.some((f) => f.text === form)) continue;
      const random = randomPlaces(form, wordsOnly);
      this.forms.push({ text: form, random });
      for (let i = 0; i + FRAGMENT_RUN <= form.length; i++) {
        let bits = 0;
        for (let b = 0; b < FRAGMENT_RUN; b++) if (random[i + b]) bits |= 1 << b;
        const gram = form.slice(i, i + FRAGMENT_RUN);
        this.grams.set(gram, (this.grams.get(gram) ?? 0) | bits);
      }
    }
    this.forms.sort((a, b) => b.text.length - a.text.length);
  }
  text(value: string): string {
    let out = value;
    for (const { text: form } of this.forms) if (out.includes(form)) out = out.split(form).join('***');
    return this.maskRuns(out);
  }
  /** Masks the sensitive part of each stretch of text covered by windows of a secret's forms. */
  private maskRuns(text: string): string {
    if (this.grams.size === 0 || text.length < FRAGMENT_RUN) return text;
    let covered: Uint8Array | undefined;
    let random: Uint8Array | undefined;
    for (let i = 0; i + FRAGMENT_RUN <= text.length; i++) {
      const bits = this.grams.get(text.slice(i, i + FRAGMENT_RUN));
      if (bits === undefined) continue;
      covered ??= new Uint8Array(text.length);
      random ??= new Uint8Array(text.length);
      covered.fill(1, i, i + FRAGMENT_RUN);
      for (let b = 0; b < FRAGMENT_RUN; b++) if (bits & (1 << b)) random[i + b] = 1;
    }
    if (!covered || !random) return text;
    const masked = new Uint8Array(text.length);
    for (let start = 0; start < text.length;) {
      if (!covered[start]) {
        start++;
        continue;
      }
      let end = start;
      while (end < text.length && covered[end]) end++;
      markSensitive(random, start, end, masked);
      start = end;
    }
    return applyMask(text, masked);
  }
  /** Redacts, then removes a trailing prefix of a secret (≥ FRAGMENT_MIN chars): the tail of cut text. */
  cutTail(value: string): string {
    let out = this.text(value);
    for (const form of this.forms) {
      for (let n = Math.min(form.text.length - 1, out.length); n >= FRAGMENT_MIN; n--) {
        if (!out.endsWith(form.text.slice(0, n))) continue;
        const from = out.length - n;
        const masked = new Uint8Array(out.length);
        const random = new Uint8Array(out.length);
        random.set(form.random.subarray(0, n), from);
        // The cut's end is the end of the fragment: mask to there.
        if (markSensitive(random, from, out.length, masked, true)) out = applyMask(out, masked);
        break;
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

/**
 * In the stretch start…end of a match, marks what to mask: when it holds RANDOM_MIN random places,
 * from its first to its last (to its end with `toEnd`), and a word-like part left outside that if
 * it is LONG_RUN or longer; with fewer, the whole stretch if it is LONG_RUN or longer.
 * Returns whether anything was marked.
 */
function markSensitive(
  random: Uint8Array,
  start: number,
  end: number,
  masked: Uint8Array,
  toEnd = false,
): boolean {
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = start; i < end; i++) {
    if (!random[i]) continue;
    if (first < 0) first = i;
    last = i;
    count++;
  }
  if (count < RANDOM_MIN) {
    if (end - start < LONG_RUN) return false;
    masked.fill(1, start, end);
    return true;
  }
  const stop = toEnd ? end : last + 1;
  masked.fill(1, first, stop);
  if (first - start >= LONG_RUN) masked.fill(1, start, first);
  if (end - stop >= LONG_RUN) masked.fill(1, stop, end);
  return true;
}

/** `text` with each marked stretch replaced by `***`. */
function applyMask(text: string, masked: Uint8Array): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!masked[i]) out += text[i];
    else if (i === 0 || !masked[i - 1]) out += '***';
  }
  return out;
}

/**
 * Whether a letter-and-digit segment of a secret looks like part of its random body rather than a
 * word: letters mixed with digits, or a case change inside (`AbCd`, `k8s`, `eyJhbGci`); a number
 * of six digits or more; a run of letters of one case of sixteen or more.
 */
export function looksRandom(segment: string): boolean {
  if (/^\p{N}+$/u.test(segment)) return segment.length >= 6;
  if (/^\p{Lu}?\p{Ll}+$/u.test(segment) || /^\p{Lu}+$/u.test(segment)) return segment.length >= 16;
  return true;
}

/**
 * Which characters of a form belong to its random body (1) and which to words around it (0);
 * with `wordsOnly` (a secret without a random body), every letter and digit counts.
 */
export function randomPlaces(form: string, wordsOnly: boolean): Uint8Array {
  const segments = [...form.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    random: looksRandom(m[0]),
  }));
  // A short piece beside a random one (at most two separators away) belongs to the same body.
  for (let changed = true; changed;) {
    changed = false;
    segments.forEach((seg, i) => {
      if (seg.random || seg.end - seg.start > 3) return;
      const near = [segments[i - 1], segments[i + 1]].some(
        (other) => other?.random && Math.max(other.start - seg.end, seg.start - other.end) <= 2,
      );
      if (near) seg.random = changed = true;
    });
  }
  const places = new Uint8Array(form.length);
  for (const seg of segments) if (seg.random || wordsOnly) places.fill(1, seg.start, seg.end);
  return places;
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

/** A match this long of a secret's form is looked at; its random part is masked. */
const FRAGMENT_RUN = 6;
/** A trailing prefix this long, left by a cut, is looked at the same way. */
const FRAGMENT_MIN = 4;
/** A match is masked once it reproduces this many characters of a random body. */
const RANDOM_MIN = 3;
/** A match this long is masked whole, whatever it looks like. */
const LONG_RUN = 16;

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

/**
 * Characters that drive a terminal or reorder what a reader sees, never text: C0 controls but tab
 * and line feed (ESC starts colour, title (OSC), hyperlink (OSC 8) and clear-screen sequences, BEL
 * ends them, CR overwrites the line shown), DEL, C1 controls (U+0080–U+009F: 8-bit CSI and OSC,
 * NEL), and the bidirectional controls that can make text read in another order than it runs
 * (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Each control written as a visible escape (`\x1b`, `\u202e`): the text stays readable, inert. */
export function visibleControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Everything printed: redacted, controls made visible, then guarded. */
export function safeLine(text: string): string {
  return guardCommands(visibleControls(secrets.text(text)));
}
