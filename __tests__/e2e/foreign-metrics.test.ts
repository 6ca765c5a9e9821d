// Verification when /metrics is not the router's: the bundled action against a real Dynamo
// frontend (mocker worker) behind a proxy whose /metrics carries only a gateway's own series
// (the same as a release that names the router's series differently). The check passes, the mode
// is "unverifiable" with one limitation that names the series it looked for, and /metrics is
// read twice, once before and once after the smoke chat: no polling for counters that cannot
// appear. Counted, not timed. The same frontend with its own /metrics passed on is read twice too.
import { expect, it } from '@jest/globals';
import { cleanup, runAction } from '../support/action.ts';
import { dynamoSuite, proxiedFrontend } from '../support/dynamo-suite.ts';

const { available, describeDynamo } = dynamoSuite();

const GATEWAY_METRICS = [
  '# TYPE gateway_requests_total counter',
  'gateway_requests_total{route="/v1/chat/completions",code="200"} 1027',
  'process_cpu_seconds_total 12.5',
  '',
].join('\n');

const stack = proxiedFrontend(available);

describeDynamo('verification against a /metrics without the router series', () => {
  it('passes, says once why the mode cannot be proven, and reads /metrics only twice', async () => {
    stack.proxy.setRules([
      { path: '/metrics', fault: { kind: 'body', body: GATEWAY_METRICS, contentType: 'text/plain' } },
    ]);
    stack.proxy.reset();
    const run = await runAction({ 'base-url': stack.proxy.url, 'max-tokens': '4' });
    try {
      expect(run.outputs.result).toBe('pass');
      expect(run.outputs['mode-verified']).toBe('unverifiable');
      const limitations = JSON.parse(run.outputs.limitations) as string[];
      const why = limitations.filter((l) => /none of the router's/.test(l));
      expect(why).toHaveLength(1);
      expect(why[0]).toMatch(/dynamo_frontend_requests_total/);
      expect(why[0]).toMatch(/dynamo_routing_overhead_total_ms_count/);
      expect(why[0]).toMatch(/gateway's own metrics/);
      expect(stack.proxy.hits('/metrics').map((r) => r.handled)).toEqual(['body', 'body']);
    } finally {
      cleanup(run);
    }
  }, 60_000);

  it("reads the frontend's own /metrics twice too: its request counter saw the chat", async () => {
    stack.proxy.setRules([]);
    stack.proxy.reset();
    const run = await runAction({ 'base-url': stack.proxy.url, 'max-tokens': '4' });
    try {
      expect(run.outputs.result).toBe('pass');
      expect(run.outputs.limitations).not.toMatch(/none of the router's/);
      expect(stack.proxy.hits('/metrics')).toHaveLength(2);
    } finally {
      cleanup(run);
    }
  }, 60_000);
});
