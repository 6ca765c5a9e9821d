// A Contract for report and wording tests: every field empty or neutral, then what the test
// names (each file passes the defaults its cases share, and each case what it varies).
import type { Contract } from '../../src/model/contract.js';

export function contractWith(over: Partial<Contract>): Contract {
  return {
    result: 'pass',
    target: 'url',
    mode: '',
    modeReason: '',
    modeVerified: '',
    modeEvidence: '',
    kvEvents: 'unknown',
    kvEventsReason: '',
    command: '',
    url: 'http://127.0.0.1:8000',
    service: '',
    model: '',
    models: [],
    checks: [],
    limitations: [],
    nextCommand: '',
    details: [],
    ...over,
  };
}
