// The matched workload for compare-modes: a fixed list of chat requests, built only from the
// settings and a seed, so every mode is sent exactly the same prompts in the same order.
//
// Shape: `prefixGroups` long shared prefixes; each request is one group's prefix plus a short
// unique suffix. Repeats of a prefix are what a KV-aware router can exploit (a worker that
// served the prefix holds its KV blocks), so the groups are interleaved: repeats of one prefix
// arrive spread out, with other groups' requests in between, as in real multi-tenant traffic.
//
// Token counts are approximate by design: a prefix is `prefixTokens` common English words, and
// one such word is about one token for the tokenizers of real models (30k–200k vocabularies; a
// tiny test tokenizer splits words further). The frontend's tokenizer decides the real count,
// which each sample reports from `usage.prompt_tokens`.

import { randomInt, seededRandom } from './bootstrap.js';

export interface WorkloadSettings {
  requests: number;
  prefixGroups: number;
  /** Approximate tokens per shared prefix (one common word ≈ one token). */
  prefixTokens: number;
  maxTokens: number;
  seed: number;
  model: string;
  /**
   * Draws different words with the same structure (group order, lengths). Worker KV caches
   * survive a frontend restart, so a mode run after another on the same workers would find the
   * previous mode's prefixes cached; a per-mode variant keeps every mode starting cold.
   * Default 0.
   */
  variant?: number;
}

export interface ChatMessage {
  role: 'user';
  content: string;
}

export interface WorkloadRequest {
  /** Position in the list (0-based): requests are issued in this order. */
  index: number;
  /** Which shared prefix (0-based) the prompt starts with. */
  group: number;
  model: string;
  messages: ChatMessage[];
  maxTokens: number;
}

/** Words short and common enough to be single tokens in real model vocabularies. */
const WORDS = (
  'time year people way day man thing woman life child world school state family student group ' +
  'country problem hand part place case week company system program question work government ' +
  'number night point home water room mother area money story fact month lot right study book ' +
  'eye job word business issue side kind head house service friend father power hour game line ' +
  'end member law car city community name president team minute idea kid body information back ' +
  'parent face others level office door health person art war history party result change ' +
  'morning reason research girl guy moment air teacher force education foot boy age policy ' +
  'music market sense nation plan college interest death experience effect use class control ' +
  'care field development role effort rate heart drug show leader light voice wife police mind ' +
  'price report decision son view relationship town road arm difference value building action ' +
  'model season society tax director position player record paper space ground form event ' +
  'official matter center couple site project activity star table need court oil situation cost ' +
  'industry figure street image phone data picture practice piece land product doctor wall ' +
  'patient worker news test movie north love support technology step baby computer type ' +
  'attention film tree source organization hair window evidence population river garden'
).split(' ');

const SUFFIX_WORDS = 6;

function words(random: () => number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(WORDS[randomInt(random, WORDS.length)]);
  return out.join(' ');
}

function shuffle<T>(random: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * The group of each request: rounds of a seeded shuffle of all groups. A fresh shuffle per
 * round (rather than one order repeated) keeps a group from always landing on the same worker
 * under round-robin when the group count is a multiple of the worker count, which would hand
 * round-robin KV reuse by accident. A round never starts with the group that ended the last
 * one, so no prefix is repeated back to back.
 */
export function groupOrder(requests: number, groups: number, seed: number): number[] {
  const random = seededRandom(seed);
  const order: number[] = [];
  while (order.length < requests) {
    const round = shuffle(
      random,
      Array.from({ length: groups }, (_, g) => g),
    );
    if (groups > 1 && round[0] === order[order.length - 1]) [round[0], round[1]] = [round[1], round[0]];
    order.push(...round);
  }
  return order.slice(0, requests);
}

/** Builds the request list; throws on settings that cannot make one (validated earlier by the caller). */
export function buildWorkload(settings: WorkloadSettings): WorkloadRequest[] {
  const { requests, prefixGroups, prefixTokens, maxTokens, seed, model } = settings;
  for (const [name, value, min] of [
    ['requests', requests, 1],
    ['prefixGroups', prefixGroups, 1],
    ['prefixTokens', prefixTokens, 0],
    ['maxTokens', maxTokens, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
  }
  // Separate streams: the order depends only on the seed, the words also on the variant.
  const order = groupOrder(requests, prefixGroups, seed);
  const text = seededRandom((seed ^ Math.imul((settings.variant ?? 0) + 1, 0x9e3779b1)) >>> 0);
  const prefixes = Array.from({ length: prefixGroups }, () => words(text, prefixTokens));
  return order.map((group, index) => {
    const suffix = `Request ${index + 1}: ${words(text, SUFFIX_WORDS)}?`;
    const prefix = prefixes[group];
    return {
      index,
      group,
      model,
      messages: [{ role: 'user', content: prefix ? `${prefix}\n\n${suffix}` : suffix }],
      maxTokens,
    };
  });
}
