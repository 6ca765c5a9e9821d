// Limitations never contradict the outputs: the run states them as it goes (the plan before
// anything is known, the target, then the evidence), so a later finding can settle what an
// earlier one left open; the Contract, built at the end, leaves those out by their id.
import { describe, expect, it } from '@jest/globals';
import { stillHolds } from '../../src/build-contract.js';
import type { Contract } from '../../src/model/contract.js';
import { limitation, type Limitation } from '../../src/model/findings.js';
import { contractWith } from '../support/contract.ts';

/** The contract's limitations that still hold, as the builder keeps them; the others, dropped. */
function dropContradicted(c: Contract): Limitation[] {
  const dropped = c.limitations.filter((l) => !stillHolds(l, c));
  c.limitations = c.limitations.filter((l) => stillHolds(l, c));
  return dropped;
}

const contract = (over: Partial<Contract>): Contract =>
  contractWith({
    target: 'launch',
    mode: 'kv',
    model: 'm',
    ...over,
  });

const NOT_CONFIRMED = limitation(
  'kv-events-unconfirmed',
  'KV events were not confirmed: kv mode expects the workers to publish KV cache events (…).',
);
const NO_EVENTS = limitation(
  'kv-events-missing',
  'kv mode runs over workers that publish no KV events, so the router routes on load alone (…).',
);
const NOT_PROVEN = limitation('mode-unproven', 'The kv mode could not be proven: no router metric moved.');
const SMOKE = limitation(
  'smoke-scope',
  'A smoke check is one chat completion: it proves the endpoint answers, not which mode is faster.',
);

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

  it('decides by id, whatever the words say', () => {
    const reworded = limitation('mode-unproven', 'Nothing proved the mode.');
    const lookalike = limitation('spec-disagrees', 'The kv mode could not be proven: a sentence alike.');
    const c = contract({ modeVerified: 'verified', limitations: [reworded, lookalike] });
    expect(dropContradicted(c)).toEqual([reworded]);
  });
});
