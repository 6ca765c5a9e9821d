import { describe, expect, it } from '@jest/globals';
import type { Contract } from '../../src/model/contract.js';
import { contractWith } from '../support/contract.ts';
import { contradictedLimitations } from '../../src/report/truths.js';

/** What fold.ts does with them: the contract's limitations without the contradicted ones. */
function dropContradicted(c: Contract): string[] {
  const dropped = contradictedLimitations(c);
  c.limitations = c.limitations.filter((l) => !dropped.includes(l));
  return dropped;
}

const contract = (over: Partial<Contract>): Contract =>
  contractWith({
    target: 'launch',
    mode: 'kv',
    model: 'm',
    ...over,
  });

const NOT_CONFIRMED =
  'KV events were not confirmed: kv mode expects the workers to publish KV cache events (…).';
const NO_EVENTS =
  'kv mode runs over workers that publish no KV events, so the router routes on load alone (…).';
const NOT_PROVEN = 'The kv mode could not be proven: no router metric moved.';
const SMOKE =
  'A smoke check is one chat completion: it proves the endpoint answers, not which mode is faster.';

describe('limitations never contradict the outputs', () => {
  it('drops "KV events were not confirmed" once kv-events is settled by evidence', () => {
    const c = contract({ kvEvents: 'true', limitations: [NOT_CONFIRMED, NO_EVENTS, SMOKE] });
    expect(dropContradicted(c)).toEqual([NOT_CONFIRMED, NO_EVENTS]);
    expect(c.limitations).toEqual([SMOKE]);
  });

  it('keeps them while kv-events is unknown, and the no-events advice when it is false', () => {
    const unknown = contract({ limitations: [NOT_CONFIRMED, SMOKE] });
    expect(dropContradicted(unknown)).toEqual([]);
    const off = contract({ kvEvents: 'false', limitations: [NOT_CONFIRMED, NO_EVENTS] });
    dropContradicted(off);
    expect(off.limitations).toEqual([NO_EVENTS]);
  });

  it('drops "could not be proven" next to mode-verified: verified', () => {
    const c = contract({ modeVerified: 'verified', limitations: [NOT_PROVEN, SMOKE] });
    dropContradicted(c);
    expect(c.limitations).toEqual([SMOKE]);
    const open = contract({ modeVerified: 'unverifiable', limitations: [NOT_PROVEN] });
    dropContradicted(open);
    expect(open.limitations).toEqual([NOT_PROVEN]);
  });
});
