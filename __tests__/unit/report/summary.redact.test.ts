// The summary escapes and redacts what it shows.
import { describe, expect, it } from '@jest/globals';
import { renderSummary } from '../../../src/report/summary.js';
import type { Contract } from '../../../src/model/contract.js';

describe('summary', () => {
  it('one huge untrusted value is cut, so the rest of the summary stays', () => {
    const huge = 'm'.repeat(1_500_000);
    const contract: Contract = {
      result: 'pass',
      target: 'url',
      mode: 'kv',
      modeReason: 'requested',
      modeVerified: 'verified',
      modeEvidence: 'router kv hit-rate counter moved',
      kvEvents: 'true',
      kvEventsReason: 'seen',
      command: 'python3 -m dynamo.frontend --router-mode kv',
      url: 'http://127.0.0.1:8000',
      service: '',
      model: huge,
      models: [huge, 'small'],
      checks: [],
      limitations: [],
      nextCommand: '',
      details: [],
    };
    const summary = renderSummary(contract);
    expect(Buffer.byteLength(summary)).toBeLessThan(100_000);
    expect(summary).toContain('router kv hit-rate counter moved');
  });
});
