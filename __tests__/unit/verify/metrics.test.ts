// Prometheus text parsing: totals per sample name over its label sets.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseMetrics, parseSamples } from '../../../src/verify/metrics.js';
import { ROOT } from '../../support/action.ts';

const fixture = (name: string) => readFileSync(path.join(ROOT, '__tests__/fixtures/metrics', name), 'utf8');

describe('Prometheus text parsing', () => {
  it('sums labelled histogram series of a real Dynamo 1.6.1 frontend', () => {
    const totals = parseMetrics(fixture('dynamo-1.6.1-kv-after-3-requests.txt'));
    expect(totals.get('dynamo_component_router_kv_hit_rate_count')).toBe(3);
    expect(totals.get('dynamo_router_overhead_total_ms_count')).toBe(3);
    expect(totals.get('dynamo_component_router_requests_total')).toBe(3);
  });

  it('handles escaped label values, braces in labels, +Inf, timestamps and junk', () => {
    const samples = parseSamples(
      [
        '# HELP x help',
        'a_total{path="/v1/{id}",msg="say \\"hi\\"\\n"} 2 1700000000',
        'a_total{path="/x"} 3',
        'b_bucket{le="+Inf"} 7',
        'c +Inf',
        'not a metric line',
        'd{broken="x} 1',
      ].join('\n'),
    );
    expect(samples[0]).toEqual({
      name: 'a_total',
      labels: { path: '/v1/{id}', msg: 'say "hi"\n' },
      value: 2,
    });
    expect(samples.find((s) => s.name === 'b_bucket')?.labels.le).toBe('+Inf');
    expect(samples.find((s) => s.name === 'c')?.value).toBe(Infinity);
    expect(samples.some((s) => s.name === 'd')).toBe(false);
    expect(parseMetrics('a_total{x="1"} 2\na_total{x="2"} 3\n').get('a_total')).toBe(5);
  });
});
