// Size caps of the step outputs. GitHub refuses a step output over 1 MiB, and a workflow reads
// outputs through expressions and environment variables, where megabytes hurt long before that.
// Each output gets a fixed cap; together they stay at a quarter of the limit, whatever a server
// lists, so no run can lose its outputs to one long value.

const KiB = 1024;

/**
 * `models`: 64 KiB holds about a thousand ids of 60 characters, far more than a frontend serves
 * in practice, and `fromJSON()` of it stays cheap. The total is in `models-count`.
 */
export const MODELS_CAP = 64 * KiB;
/** Our own sentences (each quoting at most a short excerpt): a few dozen fit. */
export const LIMITATIONS_CAP = 32 * KiB;
/** Per mode a few hundred bytes: seven modes use a few KiB. */
export const COMPARISON_CAP = 64 * KiB;
/** The history's judgement: 20 trend points, a handful of changes, a few skipped-line notes. */
export const TREND_CAP = 64 * KiB;
/** The routing probe: ~100 bytes per request, up to 1,000 requests and 8 replicas of 80. */
export const ROUTING_CAP = 128 * KiB;
/** A handful of router env entries. */
export const ENV_PATCH_CAP = 16 * KiB;
/** Any other single value (a model id, a URL, a command line, a reason). */
export const TEXT_CAP = 8 * KiB;

// Worst case of all 20 outputs together: 64 + 32 + 64 + 128 + 64 + 16 + 14 × 8 = 480 KiB, under half of 1 MiB.

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** How many of the first items fit, as a JSON array, in maxBytes. */
export function fittingCount(items: readonly string[], maxBytes: number): number {
  let size = 2; // []
  for (let i = 0; i < items.length; i++) {
    size += bytes(JSON.stringify(items[i])) + (i > 0 ? 1 : 0);
    if (size > maxBytes) return i;
  }
  return items.length;
}

/** A JSON array of the first items that fit in maxBytes. */
export function jsonList(items: readonly string[], maxBytes: number): string {
  return JSON.stringify(items.slice(0, fittingCount(items, maxBytes)));
}

/** Text cut to maxBytes of UTF-8 (at a character boundary), marked with … when cut. */
export function capText(text: string, maxBytes = TEXT_CAP): string {
  if (bytes(text) <= maxBytes) return text;
  let out = '';
  let size = bytes('…');
  for (const char of text) {
    size += bytes(char);
    if (size > maxBytes) break;
    out += char;
  }
  return `${out}…`;
}

/** JSON of an object, or '' when it would be over maxBytes (a cut would not parse). */
export function jsonObject(value: unknown, maxBytes: number): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return bytes(text) <= maxBytes ? text : '';
}

export const kib = (n: number): string => `${n / KiB} KiB`;
