// What the CLI prints and how it exits, kept apart from the entry point so it can be tested.

import type { Contract } from './report/contract.js';

export function exitCodeFor(contract: Contract): number {
  if (contract.result === 'pass') return 0;
  const code = contract.failure?.code;
  if (code === 'bad-input') return 1;
  if (code === 'no-models') return 3;
  const chatFailed = contract.checks.some((c) => c.name === 'chat' && !c.ok);
  return chatFailed ? 4 : 2;
}

export function cliDocument(contract: Contract): Record<string, unknown> {
  return {
    base_url: contract.url,
    ok: contract.result === 'pass',
    checks: contract.checks.map((c) => ({
      name: c.name,
      ok: c.ok,
      attempts: c.attempts,
      status: c.status ?? null,
      latency_ms: c.latencyMs ?? null,
      detail: c.detail,
    })),
    failure: contract.failure
      ? { code: contract.failure.code, message: contract.failure.message, next: contract.failure.next }
      : null,
    model: contract.model || null,
    models: contract.models,
    latency_ms: contract.latencyMs ?? null,
  };
}
