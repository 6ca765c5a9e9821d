// No limitation may contradict an output: limitations are written as the run goes (the plan
// before anything is known, the target, then the evidence), so a later finding can settle what
// an earlier one left open. This finds the earlier sentences the final outputs contradict. Pure.

import type { Contract } from '../model/contract.js';

interface Rule {
  /** The limitation's opening words, as written by plan.ts, the targets and verify-step.ts. */
  startsWith: string;
  /** True when the contract's outputs contradict the sentence. */
  contradicted(contract: Contract): boolean;
}

const RULES: Rule[] = [
  // "KV events were not confirmed" next to `kv-events: true` or `false`: they were settled.
  { startsWith: 'KV events were not confirmed', contradicted: (c) => c.kvEvents !== 'unknown' },
  // "…workers that publish no KV events" next to `kv-events: true`.
  {
    startsWith: 'kv mode runs over workers that publish no KV events',
    contradicted: (c) => c.kvEvents === 'true',
  },
  // "Approximate KV mode…" next to `kv-events: true`, or a mode other than kv.
  {
    startsWith: 'Approximate KV mode',
    contradicted: (c) => c.kvEvents === 'true' || (c.mode !== '' && c.mode !== 'kv'),
  },
];

/** "The kv mode could not be proven" next to `mode-verified: verified`. */
const PROVEN = /^The \S+ mode could not be proven/;

/** The limitations the contract's outputs contradict, in order (fold.ts drops them). */
export function contradictedLimitations(contract: Contract): string[] {
  return contract.limitations.filter(
    (sentence) =>
      RULES.some((r) => sentence.startsWith(r.startsWith) && r.contradicted(contract)) ||
      (PROVEN.test(sentence) && contract.modeVerified === 'verified'),
  );
}
