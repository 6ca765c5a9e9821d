// The router mode from the frontend's per-request log lines.
import { describe, expect, it } from '@jest/globals';
import { routerModesInLog } from '../../../src/verify/logs.js';

describe('router mode from the frontend log', () => {
  it('counts per-request lines, with colour codes and release-specific names', () => {
    const log = [
      '\u001b[2m2026\u001b[0m INFO push_router: Selected worker \u001b[3mrouter_mode\u001b[0m=\u001b[0m"round-robin" worker_id=1',
      'INFO selector: Selected worker router_mode="kv" request_id="a"',
      'INFO push_router: Selected worker router_mode="power-of-two-choices" worker_id=2',
      'INFO span: route request completed router_mode=RoundRobin',
      'INFO preprocessor: Selected model parser route model=tiny',
    ].join('\n');
    expect(routerModesInLog(log)).toEqual({ 'round-robin': 1, kv: 1, 'power-of-two': 1 });
  });

  it('counts the push-router hop of a kv-routed request (Dynamo 1.3.x) as kv, and real direct lines as direct', () => {
    // Lines as ai-dynamo 1.3.1's frontend writes them in kv mode (colours stripped), then one of direct mode.
    const log = [
      '2026-11-29T16:07:51.840259Z  INFO dynamo_kv_router::scheduling::selector: Selected worker router_mode="kv" worker_id=6801939870227777323 worker_type=decode dp_rank=0',
      '2026-11-29T16:07:51.840379Z  INFO http-request:kv_router.route_request: dynamo_runtime::pipeline::network::egress::push_router: Selected worker router_mode="direct" worker_id=6801939870227777323 method=POST uri=/v1/chat/completions',
      '2026-11-29T16:07:52.000000Z  INFO http-request: dynamo_runtime::pipeline::network::egress::push_router: Selected worker router_mode="direct" worker_id=6801939870227777323 method=POST',
    ].join('\n');
    expect(routerModesInLog(log)).toEqual({ kv: 1, direct: 1 });
  });
});
