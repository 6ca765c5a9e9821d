// Sends the routing probe (design.ts) through a transport and records which worker served each
// request; analyse.ts reads the result. Every request is sequential and bounded by the transport's
// deadline; held streams are closed before this returns, whatever happens.

import type { ListedInstance } from '../../check/direct-worker.js';
import { buildWorkload } from '../../compare/workload.js';
import type { ProbeRequestRecord } from '../../model/routing.js';
import type { ProbeObservation } from './analyse.js';
import type { ProbeDesign } from './design.js';
import type { HeldStream, ProbeTransport } from './transport.js';

/** Words of each long prefix: ~640 tokens for real tokenizers, ten KV blocks of 64 (the mocker's). */
export const PREFIX_WORDS = 640;
/** Consecutive failed requests after which the probe stops (the frontend is not serving). */
const MAX_FAILURES_IN_A_ROW = 3;

export interface ProbeRun {
  observation: ProbeObservation;
  /** Requests sent, held streams included (what the frontend's request counter should add). */
  sent: number;
  /** Set when the replies named no worker: the release does not report it (or a proxy strips it). */
  noWorkerIds?: boolean;
  /** Set when the probe stopped early because requests failed. */
  stoppedBecause?: string;
}

export interface RunProbeOptions {
  model: string;
  /** GET /health's workers when the caller read them already (else read here). */
  listed?: ListedInstance[];
  /** The prompts, when built already (probePrompts; many simulated probes share one set). */
  prompts?: ProbePrompts;
  /** Seeds the prompts' words; a fresh one per run keeps one run's prefixes out of the next's cache. */
  variant: number;
  log?: (line: string) => void;
}

export interface ProbePrompts {
  shared: string[];
  distinct: string[];
  short(i: number): string;
}

/** The probe's prompts: one shared long prefix, distinct long prefixes, short ones. */
export function probePrompts(
  design: ProbeDesign,
  o: Pick<RunProbeOptions, 'model' | 'variant'>,
): ProbePrompts {
  const shared = design.core.filter((p) => p === 'shared-prefix').length;
  const distinct = design.core.length - shared;
  const base = { prefixTokens: PREFIX_WORDS, maxTokens: 1, seed: 1 + (o.variant % 100000), model: o.model };
  const text = (r: { messages: { content: string }[] }): string => r.messages[0].content;
  return {
    shared: shared
      ? buildWorkload({ ...base, requests: shared, prefixGroups: 1, variant: o.variant }).map(text)
      : [],
    distinct: distinct
      ? buildWorkload({ ...base, requests: distinct, prefixGroups: distinct, variant: o.variant + 1 }).map(
          text,
        )
      : [],
    short: (i: number): string => `Routing probe ${o.variant}-${i}: reply with one word.`,
  };
}

export async function runProbe(
  t: ProbeTransport,
  design: ProbeDesign,
  o: RunProbeOptions,
): Promise<ProbeRun> {
  const started = performance.now();
  const requests: ProbeRequestRecord[] = [];
  const holds: HeldStream[] = [];
  const prompts = o.prompts ?? probePrompts(design, o);
  const promptTokens: number[] = [];
  let sent = 0;
  let shortIndex = 0;
  const listed = o.listed ?? (await t.instances());

  const chat = async (phase: ProbeRequestRecord['phase'], content: string, busy?: Set<string>) => {
    const reply = await t.chat(content);
    sent++;
    const record: ProbeRequestRecord = {
      phase,
      worker: reply.worker,
      status: reply.status,
      latencyMs: reply.latencyMs,
    };
    if (busy) {
      record.heldWorker = reply.worker !== undefined && busy.has(reply.worker);
      // A stream that ended while this request ran no longer loaded its worker: it does not count.
      record.counted = !holds.some((h) => h.ended());
    }
    requests.push(record);
    return reply;
  };

  /** Sends everything; returns why it stopped early, if it did. */
  const send = async (): Promise<Partial<ProbeRun>> => {
    // 1. The core: shared and distinct prefixes, interleaved.
    let s = 0;
    let d = 0;
    let failures = 0;
    for (const phase of design.core) {
      const shared = phase === 'shared-prefix';
      const reply = await chat(phase, shared ? prompts.shared[s++] : prompts.distinct[d++]);
      if (reply.status === 200 && reply.worker === undefined) return { noWorkerIds: true };
      if (shared && reply.promptTokens !== undefined) promptTokens.push(reply.promptTokens);
      failures = reply.status === 200 ? 0 : failures + 1;
      if (failures >= MAX_FAILURES_IN_A_ROW)
        return {
          stoppedBecause: `${failures} probe requests in a row failed (${reply.error ?? `HTTP ${reply.status}`})`,
        };
    }
    // 2. and 3. Short requests while held streams keep some workers busy.
    const heldPhase = async (phase: 'one-held' | 'many-held', count: number): Promise<void> => {
      const busy = new Set(holds.filter((h) => h.worker && !h.ended()).map((h) => h.worker as string));
      for (let i = 0; i < count && busy.size > 0 && !holds.some((h) => h.ended()); i++)
        await chat(phase, prompts.short(shortIndex++), busy);
    };
    const openHold = async (): Promise<boolean> => {
      const held = await t.hold(prompts.short(shortIndex++));
      sent++;
      holds.push(held);
      requests.push({ phase: 'hold', worker: held.worker, status: held.status, latencyMs: held.latencyMs });
      return held.worker !== undefined && !held.ended();
    };
    if (design.oneHeld > 0 && (await openHold())) {
      await heldPhase('one-held', design.oneHeld);
      if (design.manyHeld > 0) {
        let open = true;
        for (let i = 1; i < design.manyHolds && open; i++) open = await openHold();
        if (open) await heldPhase('many-held', design.manyHeld);
      }
    }
    return {};
  };

  let outcome: Partial<ProbeRun>;
  try {
    outcome = await send();
  } finally {
    await Promise.all(holds.map((h) => h.close()));
  }
  const listedAfter = await t.instances();
  const durationMs = Math.round(performance.now() - started);
  o.log?.(`Routing probe: ${sent} requests in ${durationMs} ms`);
  return {
    observation: {
      requests,
      listed,
      listedAfter,
      sharedPrefixTokens: promptTokens.length
        ? promptTokens.reduce((a, b) => a + b, 0) / promptTokens.length
        : undefined,
      durationMs,
    },
    sent,
    ...outcome,
  };
}

/** Direct mode: each listed worker named twice in turn; the reply must come from the named one. */
export async function runNamedProbe(
  t: ProbeTransport,
  headersFor: (id: string) => Record<string, string>,
  o: RunProbeOptions & { maxWorkers?: number },
): Promise<ProbeRun> {
  const started = performance.now();
  const listed = await t.instances();
  const requests: ProbeRequestRecord[] = [];
  let sent = 0;
  for (const { id } of listed.slice(0, o.maxWorkers ?? 8)) {
    for (let i = 0; i < 2; i++) {
      const reply = await t.chat(
        `Routing probe ${o.variant}-${id}-${i}: reply with one word.`,
        headersFor(id),
      );
      sent++;
      requests.push({
        phase: 'named',
        named: id,
        worker: reply.worker,
        status: reply.status,
        latencyMs: reply.latencyMs,
      });
      // A worker of another graph in a shared discovery scope is rejected: name the next one.
      if (reply.status !== 200) break;
    }
  }
  const durationMs = Math.round(performance.now() - started);
  return { observation: { requests, listed, durationMs }, sent };
}
