// Rewrites env lists in a recipe's text by splicing at the parser's source ranges, so every byte
// outside the changed entries stays as it was: comments, quoting, flow or block style, blank
// lines, document separators, line endings. Pure: text in, text out. The result is parsed again
// and compared with the intended objects; a mismatch is an error, never a silently odd file.

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { RunFailure } from '../../../model/failure.js';
import type { EnvEntry } from '../../../model/contract.js';
import { withValueAt, type Path } from '../object/dgd.js';
import type { JsonObject } from '../object/json.js';
import {
  blockEntry,
  flowEntry,
  jsOf,
  range,
  scalarText,
  Splicer,
  valueEnd,
  valueStyle,
} from './yaml-text.js';

export interface ListEdit {
  path: Path;
  next: EnvEntry[];
}

function editSeq(s: Splicer, seq: YAMLSeq, next: EnvEntry[], parent: YAMLMap | undefined, key: string): void {
  const items = seq.items as Node[];
  const old = items.map((item) => JSON.stringify(jsOf(item, s.doc)));
  const nextJson = next.map((e) => JSON.stringify(e));
  const like = valueStyle(seq);
  const lastMap = [...items].reverse().find(isMap) as YAMLMap | undefined;
  const flowItems = seq.flow || lastMap?.flow === true;
  let kept = 0;
  const removed: Node[] = [];
  const before = new Map<Node, EnvEntry[]>();
  let j = 0;
  items.forEach((item, i) => {
    if (j < next.length && nextJson[j] === old[i]) {
      kept++;
      j++;
      return;
    }
    const later = nextJson.indexOf(old[i], j);
    if (later > j) {
      before.set(item, next.slice(j, later));
      kept++;
      j = later + 1;
      return;
    }
    const oldName = (jsOf(item, s.doc) as { name?: unknown } | null)?.name;
    if (j < next.length && isMap(item) && next[j].name === oldName) {
      replaceEntry(s, seq, item, next[j], like);
      kept++;
      j++;
      return;
    }
    removed.push(item);
  });
  const appended = next.slice(j);

  if (kept === 0 && appended.length === 0 && before.size === 0 && !seq.flow) {
    // Every entry went: an empty list, written `[]` after the key (a block list cannot be empty).
    if (!parent) throw new RunFailure('internal', 'A recipe env list has no parent mapping.');
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Node, Node>;
    const colon = s.src.indexOf(':', range(pair.key)[1]);
    s.edits.push({ start: colon + 1, end: colon + 1, text: ' []' });
    const first = items[0];
    const last = items[items.length - 1];
    s.edits.push({
      start: s.lineStart(s.dashOf(first)),
      end: s.lineAfter(valueEnd(last), range(last)[0]),
      text: '',
    });
    return;
  }

  for (const item of removed) {
    if (seq.flow) {
      const i = items.indexOf(item);
      if (i > 0) s.edits.push({ start: range(items[i - 1])[1], end: range(item)[1], text: '' });
      else if (items.length > 1) s.edits.push({ start: range(item)[0], end: range(items[1])[0], text: '' });
      else s.edits.push({ start: range(item)[0], end: range(item)[1], text: '' });
    } else {
      s.edits.push({
        start: s.lineStart(s.dashOf(item)),
        end: s.lineAfter(valueEnd(item), range(item)[0]),
        text: '',
      });
    }
  }

  const render = (entries: EnvEntry[], anchor: Node) => {
    const dashCol = s.column(s.dashOf(anchor));
    const content = s.column(range(anchor)[0]);
    return entries.flatMap((e) => {
      if (flowItems) return [`${' '.repeat(dashCol)}- ${flowEntry(e, like)}`];
      const lines = blockEntry(e, content, like);
      lines[0] = `${' '.repeat(dashCol)}-${' '.repeat(Math.max(1, content - dashCol - 1))}${lines[0]}`;
      return lines;
    });
  };
  for (const [item, entries] of before) {
    if (seq.flow)
      s.edits.push({
        start: range(item)[0],
        end: range(item)[0],
        text: entries.map((e) => `${flowEntry(e, like)}, `).join(''),
      });
    else s.insertLines(s.lineStart(s.dashOf(item)), render(entries, item));
  }
  if (appended.length > 0) {
    const last = items[items.length - 1];
    if (seq.flow) {
      const text = appended.map((e) => flowEntry(e, like));
      if (last)
        s.edits.push({
          start: range(last)[1],
          end: range(last)[1],
          text: text.map((t) => `, ${t}`).join(''),
        });
      else s.edits.push({ start: range(seq)[0] + 1, end: range(seq)[0] + 1, text: text.join(', ') });
    } else {
      s.insertLines(s.lineAfter(valueEnd(last), range(last)[0]), render(appended, last));
    }
  }
}

/** Changes one entry: just the differing scalars where it can (comments stay), else the whole entry. */
function replaceEntry(
  s: Splicer,
  seq: YAMLSeq,
  item: YAMLMap,
  entry: EnvEntry,
  like: Scalar.Type | undefined,
): void {
  const oldKeys = item.items.map((p) => (isScalar(p.key) ? String(p.key.value) : undefined));
  const newKeys = Object.keys(entry);
  const sameKeys = oldKeys.length === newKeys.length && newKeys.every((k) => oldKeys.includes(k));
  const scalarsOnly = item.items.every((p) => isScalar(p.value) || p.value === null);
  if (
    sameKeys &&
    scalarsOnly &&
    newKeys.every((k) => typeof (entry as unknown as JsonObject)[k] === 'string')
  ) {
    for (const pair of item.items) {
      const k = String((pair.key as Scalar).value);
      const want = (entry as unknown as JsonObject)[k] as string;
      const node = pair.value as Scalar | null;
      if (node && node.value === want) continue;
      if (node && node.range && node.source !== '') {
        // A block scalar (`|`, `>`) owns its line break; the flow text that replaces it must keep one.
        const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
        const ownsBreak = s.src[node.range[1] - 1] === '\n';
        const text = scalarText(want, block ? like : node.type) + (ownsBreak ? s.eol : '');
        s.edits.push({ start: node.range[0], end: node.range[1], text });
      } else {
        const colon = s.src.indexOf(':', range(pair.key as Node)[1]);
        s.edits.push({ start: colon + 1, end: colon + 1, text: ` ${scalarText(want, like)}` });
      }
    }
    return;
  }
  const start = range(item)[0];
  if (item.flow || seq.flow) {
    s.edits.push({ start, end: range(item)[1], text: flowEntry(entry, like) });
    return;
  }
  const lines = blockEntry(entry, s.column(start), like);
  s.edits.push({ start, end: valueEnd(item), text: lines.join(s.eol) });
}

/** The JS to create under a missing key or index: a missing container is the operator's `main`. */
function buildRest(rest: (string | number)[], leaf: unknown): unknown {
  if (rest.length === 0) return leaf;
  const [head, ...tail] = rest;
  const inner = buildRest(tail, leaf);
  if (typeof head === 'number') return [{ name: 'main', ...(inner as object) }];
  return { [head]: inner };
}

/** Creates the list (and any missing mappings or `main` container) where none existed. */
function createList(s: Splicer, path: (string | number)[], next: EnvEntry[]): void {
  let node: unknown = s.doc.contents;
  let i = 0;
  for (; i < path.length; i++) {
    const seg = path[i];
    const child = isMap(node) ? node.get(seg, true) : isSeq(node) ? node.get(seg as number, true) : undefined;
    if (child === undefined || child === null || (isScalar(child) && child.value === null)) break;
    if (isAlias(child)) throw aliasFailure(path.slice(0, i + 1));
    node = child;
  }
  const rest = path.slice(i);
  if (isSeq(node)) {
    // A container list without `main`: append one, styled like its neighbours.
    const item = (buildRest(rest, next) as unknown[])[0];
    const items = node.items as Node[];
    const last = items[items.length - 1];
    if (node.flow || !last) {
      const text = JSON.stringify(item);
      if (last) s.edits.push({ start: range(last)[1], end: range(last)[1], text: `, ${text}` });
      else s.edits.push({ start: range(node)[0] + 1, end: range(node)[0] + 1, text });
      return;
    }
    const dashCol = s.column(s.dashOf(last));
    const content = s.column(range(last)[0]);
    const lines = s.block(item, content);
    lines[0] = `${' '.repeat(dashCol)}-${' '.repeat(Math.max(1, content - dashCol - 1))}${lines[0].trimStart()}`;
    s.insertLines(s.lineAfter(valueEnd(last), range(last)[0]), lines);
    return;
  }
  if (!isMap(node))
    throw new RunFailure(
      'bad-input',
      `The recipe has no mapping at ${path.slice(0, i).join('.')} to hold the env list.`,
      'fix the recipe by hand',
    );
  const [key, ...tail] = rest as [string, ...(string | number)[]];
  const value = buildRest(tail, next);
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key) as
    Pair<Node, Scalar | null> | undefined;
  if (node.flow) {
    const text = `${key}: ${JSON.stringify(value)}`;
    if (pair?.value && pair.value.range) {
      s.edits.push({ start: pair.value.range[0], end: pair.value.range[1], text: JSON.stringify(value) });
    } else if (pair) {
      const colon = s.src.indexOf(':', range(pair.key)[1]);
      s.edits.push({ start: colon + 1, end: colon + 1, text: ` ${JSON.stringify(value)}` });
    } else {
      const last = node.items[node.items.length - 1];
      if (last) {
        const end = range((last.value ?? last.key) as Node)[1];
        s.edits.push({ start: end, end, text: `, ${text}` });
      } else s.edits.push({ start: range(node)[0] + 1, end: range(node)[0] + 1, text });
    }
    return;
  }
  const keyCol = s.column(range(node.items[0].key as Node)[0]);
  if (pair) {
    // `key:` with no value (or an explicit null): the block goes on the lines after the key.
    const keyEnd = range(pair.key)[1];
    const lineEnd = s.lineEnd(keyEnd);
    const nested = Array.isArray(value) && !s.indentSeq ? keyCol : keyCol + s.unit;
    const lines = s.block(value, nested);
    if (pair.value && pair.value.range && pair.value.source !== '' && pair.value.range[1] <= lineEnd) {
      s.edits.push({ start: pair.value.range[0], end: pair.value.range[1], text: '' });
    }
    s.edits.push({ start: lineEnd, end: lineEnd, text: lines.map((l) => s.eol + l).join('') });
    return;
  }
  const last = node.items[node.items.length - 1];
  const lastNode = (last.value ?? last.key) as Node;
  s.insertLines(s.lineAfter(valueEnd(lastNode), range(lastNode)[0]), s.block({ [key]: value }, keyCol));
}

/** JSON with sorted keys: equal for equal data whatever the key order or prototype. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function aliasFailure(path: (string | number)[]): RunFailure {
  return new RunFailure(
    'bad-input',
    `The recipe's ${path.join('.')} is a YAML alias; the action does not rewrite shared (aliased) nodes.`,
    'write the frontend env out in full in the recipe, or set `write-recipe: false`',
  );
}

/**
 * Applies `edits` (env lists of the document at `docIndex`) to `src` and returns the new text.
 * `expected` is the document's object as it must read afterwards.
 */
export function spliceEnvLists(src: string, docIndex: number, edits: ListEdit[]): string {
  const docs = parseAllDocuments(src);
  if (!Array.isArray(docs)) throw new RunFailure('internal', 'The recipe has no documents.');
  const doc = docs[docIndex];
  const s = new Splicer(src, doc);
  let expected = doc.toJS() as JsonObject;
  for (const edit of edits) {
    const path = edit.path.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    expected = withValueAt(expected, edit.path, edit.next);
    const node = doc.getIn(path, true);
    if (isAlias(node)) throw aliasFailure(path);
    if (isSeq(node)) {
      const parent = doc.getIn(path.slice(0, -1), true);
      editSeq(s, node, edit.next, isMap(parent) ? parent : undefined, String(path[path.length - 1]));
    } else createList(s, path, edit.next);
  }
  // Later edits first, so earlier offsets stay valid; at one offset the first edit ends up first.
  const ordered = s.edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  let out = src;
  for (const e of ordered) out = out.slice(0, e.start) + e.text + out.slice(e.end);

  const after = parseAllDocuments(out);
  const ok =
    Array.isArray(after) &&
    after.length === docs.length &&
    after.every(
      (d, i) =>
        d.errors.length === 0 &&
        canonical(d.toJS()) === canonical(i === docIndex ? expected : docs[i].toJS()),
    );
  if (!ok) {
    throw new RunFailure(
      'internal',
      'Rewriting the recipe in place would not give the intended env lists; the recipe was left as it was.',
      'update the recipe by hand with the env-patch output, and report the recipe layout in an issue',
    );
  }
  return out;
}
