// Everything echoed into the job summary or an annotation comes from outside (model ids, error
// bodies, pod names, event messages) and is escaped here, in one place.

import { quote } from '../runner/redact.js';

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Markdown and autolink triggers: inert inside HTML blocks, but escaping them costs nothing
  // and keeps the text literal if a renderer ever treats the block as Markdown.
  '`': '&#96;',
  '|': '&#124;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '@': '&#64;',
  '#': '&#35;',
  '~': '&#126;',
  '\\': '&#92;',
};

/**
 * Escapes text for the summary's HTML. Newlines become <br>: a blank line would end the HTML
 * block and let the rest be parsed as Markdown.
 */
export function escapeHtml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\uFFFD')
      .replace(/[&<>"'`|*_[\]@#~\\]/g, (c) => HTML_ENTITIES[c])
      .replace(/\r\n|\r|\n/g, '<br>')
  );
}

/**
 * Annotations are plain text, one line: workflow commands need %, CR and LF escaped by the toolkit.
 * Cut through quote(): secrets are redacted before the cut, so a key straddling `max` leaves no
 * fragment behind (the runner masks only whole copies).
 */
export function oneLine(text: string, max = 1000): string {
  return quote(text, max);
}

/** Text for a Mermaid label: only characters that cannot break out of a quoted label. */
export function mermaidLabel(text: string): string {
  return text.replace(/[^A-Za-z0-9 .,:%()+/-]/g, '_');
}
