// The recipe's text as its author wrote it: positions and line breaks, the indentation step and
// list style, the quoting of values, so that what the splice adds or rewrites looks like its
// neighbours. Pure: text and the parser's nodes in, text out.

import {
  isMap,
  isScalar,
  isSeq,
  parse,
  stringify,
  type Document,
  type Node,
  type Scalar,
  type YAMLSeq,
} from 'yaml';
import { RunFailure } from '../../../model/failure.js';
import type { EnvEntry } from '../../../model/contract.js';

/** Where an item's own text ends: its last value, without trailing comments. */
export function valueEnd(node: Node): number {
  if (isMap(node) && !node.flow && node.items.length > 0) {
    const lastPair = node.items[node.items.length - 1];
    const v = (lastPair.value ?? lastPair.key) as Node;
    return valueEnd(v);
  }
  if (isSeq(node) && !node.flow && node.items.length > 0)
    return valueEnd(node.items[node.items.length - 1] as Node);
  return range(node)[1];
}

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export type Range = [number, number, number];

export class Splicer {
  readonly edits: TextEdit[] = [];
  readonly eol: string;
  readonly unit: number;
  readonly indentSeq: boolean;
  readonly src: string;
  readonly doc: Document.Parsed;

  constructor(src: string, doc: Document.Parsed) {
    this.src = src;
    this.doc = doc;
    this.eol = src.includes('\r\n') ? '\r\n' : '\n';
    const style = detectStyle(src, doc);
    this.unit = style.unit;
    this.indentSeq = style.indentSeq;
  }

  lineStart(pos: number): number {
    return this.src.lastIndexOf('\n', pos - 1) + 1;
  }
  /** Just after the newline ending the line that holds the character before `end`. */
  lineAfter(end: number, start: number): number {
    const at = this.src.indexOf('\n', Math.max(start, end - 1));
    return at < 0 ? this.src.length : at + 1;
  }
  /** Where the line holding `pos` ends, before its `\r\n` or `\n`. */
  lineEnd(pos: number): number {
    let at = this.src.indexOf('\n', pos);
    if (at < 0) return this.src.length;
    if (at > 0 && this.src[at - 1] === '\r') at--;
    return at;
  }
  column(pos: number): number {
    return pos - this.lineStart(pos);
  }
  /** The `-` that opens a block sequence item. */
  dashOf(item: Node): number {
    let at = range(item)[0] - 1;
    while (at >= 0 && this.src[at] !== '-') at--;
    return at;
  }
  /** Start of an insertion at `pos`, adding the line break a file without a final newline lacks. */
  insertLines(pos: number, lines: string[]): void {
    const needsBreak = pos === this.src.length && this.src.length > 0 && !this.src.endsWith('\n');
    this.edits.push({
      start: pos,
      end: pos,
      text: (needsBreak ? this.eol : '') + lines.map((l) => l + this.eol).join(''),
    });
  }
  /** Block YAML for `value`, each line indented by `indent` spaces. */
  block(value: unknown, indent: number): string[] {
    const text = stringify(value, { indent: this.unit, indentSeq: this.indentSeq, lineWidth: 0 });
    return text
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => ' '.repeat(indent) + l);
  }
}

export function range(node: Node): Range {
  if (!node.range) throw new RunFailure('internal', 'A recipe node has no source range.');
  return node.range as Range;
}

/** Indentation step and whether block lists sit deeper than their key, as the file writes them. */
export function detectStyle(src: string, doc: Document.Parsed): { unit: number; indentSeq: boolean } {
  const col = (pos: number) => pos - (src.lastIndexOf('\n', pos - 1) + 1);
  let unit: number | undefined;
  let indentSeq: boolean | undefined;
  const visit = (node: unknown, keyCol: number | undefined): void => {
    if (isMap(node) && !node.flow) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!key?.range) continue;
        const kc = col(key.range[0]);
        if (keyCol !== undefined && unit === undefined && kc > keyCol) unit = kc - keyCol;
        visit(pair.value, kc);
      }
    } else if (isSeq(node) && !node.flow) {
      const first = node.items[0] as Node | undefined;
      if (first?.range && keyCol !== undefined && indentSeq === undefined) {
        let dash = first.range[0] - 1;
        while (dash >= 0 && src[dash] !== '-') dash--;
        indentSeq = col(dash) > keyCol;
      }
      for (const item of node.items) visit(item, undefined);
    }
  };
  visit(doc.contents, undefined);
  return { unit: unit ?? 2, indentSeq: indentSeq ?? true };
}

/** True when `value` written plain reads back as the same string. */
export function plainSafe(value: string): boolean {
  if (!/^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/.test(value)) return false;
  try {
    return parse(value) === value;
  } catch {
    return false;
  }
}

/** A string as YAML in the style `like` used: plain where that reads back as the same string. */
export function scalarText(value: string, like: Scalar.Type | undefined): string {
  // Single quotes cannot escape control characters: those go double-quoted.
  if (like === 'QUOTE_SINGLE' && ![...value].some((c) => c < ' ')) return `'${value.replace(/'/g, "''")}'`;
  if (like === 'QUOTE_DOUBLE' || !plainSafe(value)) return JSON.stringify(value);
  return value;
}

export function valueText(value: unknown, like: Scalar.Type | undefined): string {
  return typeof value === 'string' ? scalarText(value, like) : JSON.stringify(value);
}

/** One env entry on one line, in flow style. */
export function flowEntry(entry: EnvEntry, like: Scalar.Type | undefined): string {
  const pairs = Object.entries(entry).map(
    ([k, v]) => `${k}: ${valueText(v, k === 'value' ? like : undefined)}`,
  );
  return `{${pairs.join(', ')}}`;
}

/** One env entry as block lines: the first follows `- `, the rest are indented to `content`. */
export function blockEntry(entry: EnvEntry, content: number, like: Scalar.Type | undefined): string[] {
  return Object.entries(entry).map(
    ([k, v], i) =>
      `${i === 0 ? '' : ' '.repeat(content)}${k}: ${valueText(v, k === 'value' ? like : undefined)}`,
  );
}

export function jsOf(node: unknown, doc: Document.Parsed): unknown {
  return node && typeof (node as Node).toJS === 'function' ? (node as Node).toJS(doc) : node;
}

/**
 * The quoting the list's author chose, so added entries look like their neighbours: taken from
 * the last value that could have been written plain (quotes a value needs say nothing of style).
 */
export function valueStyle(seq: YAMLSeq): Scalar.Type | undefined {
  for (const item of [...seq.items].reverse()) {
    if (!isMap(item)) continue;
    const value = item.get('value', true);
    if (isScalar(value) && typeof value.value === 'string' && plainSafe(value.value)) return value.type;
  }
  return undefined;
}
