// Output caps: no step output may come near GitHub's 1 MiB limit, whatever a server lists, and a
// cut list says so (limitations, the summary, models-count).
import { describe, expect, it } from '@jest/globals';
import { contractOutputs, outputCutNotes } from '../../../src/report/step-outputs.js';
import { type Contract } from '../../../src/model/contract.js';
import { contractWith } from '../../support/contract.ts';
import {
  capText,
  COMPARISON_CAP,
  ENV_PATCH_CAP,
  fittingCount,
  jsonList,
  LIMITATIONS_CAP,
  MODELS_CAP,
  TEXT_CAP,
} from '../../../src/report/output-caps.js';
import { renderSummary } from '../../../src/report/summary.js';
import type { Comparison } from '../../../src/model/comparison.js';

const MiB = 1024 * 1024;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

const base = (over: Partial<Contract> = {}): Contract =>
  contractWith({
    mode: 'kv',
    modeReason: 'requested',
    modeVerified: 'verified',
    model: 'tiny',
    models: ['tiny'],
    latencyMs: 5,
    ...over,
  });

/** 16,000 ids of ~200 bytes: the 3.3 MB `models` of the review. */
const HUGE = Array.from({ length: 16_000 }, (_, i) => `org/${'m'.repeat(190)}-${i}`);

describe('output caps', () => {
  it('fittingCount and jsonList keep the first items whose JSON fits, never more', () => {
    expect(fittingCount([], 2)).toBe(0);
    expect(fittingCount(['ab'], 6)).toBe(1); // ["ab"]
    expect(fittingCount(['ab'], 5)).toBe(0);
    expect(fittingCount(['a', 'b'], 9)).toBe(2); // ["a","b"]
    expect(fittingCount(['a', 'b'], 8)).toBe(1);
    const list = jsonList(HUGE, MODELS_CAP);
    expect(bytes(list)).toBeLessThanOrEqual(MODELS_CAP);
    const kept = JSON.parse(list) as string[];
    expect(kept).toEqual(HUGE.slice(0, kept.length));
    // The next id would not have fitted.
    expect(bytes(JSON.stringify(HUGE.slice(0, kept.length + 1)))).toBeGreaterThan(MODELS_CAP);
  });

  it('capText cuts at a character boundary (multi-byte text) and marks the cut', () => {
    expect(capText('short')).toBe('short');
    const long = '€'.repeat(TEXT_CAP); // 3 bytes each
    const cut = capText(long);
    expect(bytes(cut)).toBeLessThanOrEqual(TEXT_CAP);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.slice(0, -1)).toMatch(/^€+$/);
  });

  it('16,000 long model ids: `models` holds the first that fit, `models-count` the total, and they say so', () => {
    const contract = base({ models: HUGE, model: HUGE[0] });
    const notes = outputCutNotes(contract);
    expect(notes).toHaveLength(1);
    // The outputs and the summary state the notes themselves.
    const out = contractOutputs(contract);
    const kept = (JSON.parse(out.models) as string[]).length;
    expect(kept).toBeGreaterThan(100);
    expect(kept).toBeLessThan(HUGE.length);
    expect(out['models-count']).toBe(String(HUGE.length));
    expect(notes[0]).toBe(
      `The \`models\` output lists only the first ${kept} of 16000 model ids: it is capped at 64 KiB (GitHub refuses an output over 1 MiB); \`models-count\` has the total.`,
    );
    expect(JSON.parse(out.limitations)).toContain(notes[0]);
    // The summary lists the same ids and says the list was cut.
    const html = renderSummary(contract);
    expect(html).toContain(`Models (the first ${kept} of 16000: the list was cut)`);
    expect(html.match(/<li><code>org\//g)).toHaveLength(kept);
    expect(renderSummary(contract, { maxModels: 100 })).toContain(
      'Models (the first 100 of 16000: the list was cut)',
    );
  });

  it('a list that fits is whole and no note is added', () => {
    const contract = base({ models: ['a', 'b'] });
    expect(outputCutNotes(contract)).toEqual([]);
    expect(contractOutputs(contract).models).toBe('["a","b"]');
    expect(contractOutputs(contract)['models-count']).toBe('2');
    expect(renderSummary(contract)).toContain('Models (2)');
  });

  it('every output stays under its cap, and all of them together far below 1 MiB, whatever the contract holds', () => {
    const huge = 'x'.repeat(2 * MiB);
    const contract = base({
      mode: huge,
      modeReason: huge,
      command: huge,
      url: huge,
      service: huge,
      model: huge,
      models: HUGE,
      nextCommand: huge,
      limitations: Array.from({ length: 5000 }, (_, i) => ({
        id: 'kv-setting' as const,
        text: `limitation ${i} ${'y'.repeat(100)}`,
      })),
      envPatch: {
        object: huge,
        namespace: 'n',
        path: 'p',
        set: [],
        remove: [],
        changed: true,
        applied: true,
        dryRun: false,
      },
      comparison: { modes: [], note: huge } as unknown as Comparison,
    });
    const notes = outputCutNotes(contract);
    for (const name of [
      'env-patch',
      'comparison',
      'mode-reason',
      'command',
      'url',
      'service',
      'model',
      'next-command',
    ])
      expect(notes.join('\n')).toContain(`\`${name}\``);
    const out = contractOutputs(contract);
    const caps: Record<string, number> = {
      models: MODELS_CAP,
      limitations: LIMITATIONS_CAP,
      'env-patch': ENV_PATCH_CAP,
      comparison: COMPARISON_CAP,
    };
    for (const [name, value] of Object.entries(out))
      expect({ name, over: bytes(value) > (caps[name] ?? TEXT_CAP) }).toEqual({ name, over: false });
    const total = Object.values(out).reduce((n, v) => n + bytes(v), 0);
    expect(total).toBeLessThan(MiB / 3);
    // Over-cap JSON objects are left empty rather than cut into invalid JSON.
    expect(out['env-patch']).toBe('');
    expect(out.comparison).toBe('');
    // A cut limitations list is still JSON and says how many it left out.
    const limitations = JSON.parse(out.limitations) as string[];
    expect(limitations.at(-1)).toMatch(/^\(\d+ more in the job summary: this output is capped at 32 KiB\)$/);
  });
});
