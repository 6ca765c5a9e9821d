// The job summary rendered as GitHub renders it (GFM with inline HTML) in headless Chromium:
// the structure a reader sees, and that hostile values stay text. SUMMARY_SCREENSHOT_DIR=dir
// also saves screenshots to look at.
import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { compare } from '../../src/compare/analysis.js';
import type { Sample } from '../../src/compare/stream.js';
import { failureOf } from '../../src/report/failure-guide.js';
import { type Contract } from '../../src/model/contract.js';
import { renderSummary } from '../../src/report/summary.js';
import { CHROMIUM, withPage } from '../support/render-summary.ts';
import { KV_ENV_PATCH } from '../support/run-effects.ts';
import { historyReport } from '../support/history.ts';

const describeBrowser = CHROMIUM ? describe : describe.skip;
if (!CHROMIUM) console.warn('Chromium missing: scripts/test.sh installs it (apt-get install chromium).');

const hostile = '<img src=x onerror="document.title=\'pwned\'">**bold**|`tick`';

function samples(mode: number, n: number): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    group: i % 4,
    ok: true,
    startMs: i * 10,
    latencyMs: 120 + ((i * 7) % 13) - mode * 5,
    ttftMs: 40 + ((i * 5) % 11) - mode * 8,
    outputTokens: 16,
    promptTokens: 300,
    cachedTokens: mode === 1 && i >= 4 ? 256 : 0,
    workerId: String(1000 + (i % 2)),
  }));
}

const contract = (over: Partial<Contract> = {}): Contract => ({
  result: 'pass',
  target: 'kubernetes',
  mode: 'kv',
  modeReason: 'requested by the `mode` input; applied as DYN_ROUTER_MODE on the frontend component only',
  modeVerified: 'verified',
  modeEvidence: 'frontend log: 3× router_mode=kv; metrics agree',
  kvEvents: 'true',
  kvEventsReason: 'runtime evidence: the router reports no worker without a KV event publisher',
  command: '',
  envPatch: KV_ENV_PATCH,
  url: 'http://127.0.0.1:41234',
  service: 'dynamo/mocker-agg-frontend',
  model: hostile,
  models: [hostile, 'Qwen/Qwen3-0.6B'],
  latencyMs: 37,
  checks: [
    { name: 'models', ok: true, attempts: 2, status: 200, latencyMs: 4, detail: '2 models listed' },
    {
      name: 'chat',
      ok: true,
      attempts: 1,
      status: 200,
      latencyMs: 37,
      detail: `model "${hostile}" answered`,
    },
  ],
  limitations: [
    { id: 'smoke-scope', text: 'A smoke check is one chat completion.' },
    { id: 'spec-disagrees', text: `Model ${hostile} is odd.` },
  ],
  nextCommand:
    'aiperf profile --model tiny-model --url http://127.0.0.1:41234 --endpoint-type chat --streaming',
  details: [
    {
      title: 'kubectl commands to reproduce',
      text: 'kubectl get dgd -n dynamo mocker-agg -o yaml\nkubectl get pods -n dynamo -w',
    },
  ],
  comparison: compare(
    [
      { mode: 'round-robin', samples: samples(0, 24) },
      { mode: 'kv', samples: samples(1, 24), kvHitRate: 0.62 },
    ],
    {
      seed: 42,
      settings: {
        requests: 24,
        concurrency: 2,
        prefixGroups: 4,
        prefixTokens: 300,
        maxTokens: 16,
        model: 'tiny-model',
      },
    },
  ),
  ...over,
});

async function shoot(page: import('playwright-core').Page, name: string): Promise<void> {
  const dir = process.env.SUMMARY_SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

describeBrowser('job summary in a browser', () => {
  it('shows the verdict first, the six contract parts in one table, details folded', async () => {
    await withPage(renderSummary(contract()), async (page) => {
      const first = await page.locator('body > *').first();
      expect(await first.evaluate((e) => e.tagName)).toBe('H3');
      expect(await first.textContent()).toMatch(
        /^✅ Dynamo router check passed: kv mode at Service dynamo\/mocker-agg-frontend/,
      );
      const headers = await page.locator('body > table').first().locator('th').allTextContents();
      expect(headers).toEqual([
        '1. Mode and why',
        '2. Command or env patch',
        '3. Frontend',
        '4. Smoke test',
        '5. Limitations',
        '6. Next command',
      ]);
      const details = page.locator('details');
      expect(await details.count()).toBeGreaterThanOrEqual(3);
      for (const open of await details.evaluateAll((els) =>
        els.map((e) => (e as unknown as { open: boolean }).open),
      ))
        expect(open).toBe(false);
      expect(await page.locator('text=smoke comparison').count()).toBeGreaterThan(0);
      expect(await page.locator('code.language-mermaid, pre code').count()).toBeGreaterThan(0);
      await shoot(page, 'summary-pass');
    });
  }, 60_000);

  it('renders the history: heading, the change table with what fails, the chart as a Mermaid fence', async () => {
    await withPage(renderSummary(contract({ history: historyReport() })), async (page) => {
      expect(await page.locator('h4').allTextContents()).toContain(
        'History: 6 earlier run(s) of this deployment in .router-history/canary.jsonl',
      );
      const rows = await page.locator('table', { hasText: 'what changed' }).locator('tr').allInnerTexts();
      expect(rows[0]).toMatch(/what changed\s+since the last passing run/);
      expect(rows.find((r) => r.startsWith('latency p50'))).toMatch(/40 ms → 800 ms \(20\.00×\) \(fails\)/);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('a[href^="javascript"]').count()).toBe(0);
      const fences = await page.locator('code.language-mermaid, pre code').allTextContents();
      expect(fences.some((f) => f.startsWith('xychart-beta') && f.includes('bar [40.1'))).toBe(true);
      await shoot(page, 'summary-history');
    });
  }, 60_000);

  it('renders hostile model ids as text: no element, no script, no Markdown', async () => {
    await withPage(renderSummary(contract()), async (page) => {
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.title()).not.toBe('pwned');
      expect(await page.locator('strong').count()).toBe(0);
      const text = await page.locator('body').innerText();
      expect(text).toContain('<img src=x onerror=');
      expect(text).toContain('**bold**|`tick`');
    });
  }, 60_000);

  it('puts the failure, its cause and the next step right under the verdict', async () => {
    const failed = contract({
      result: 'fail',
      failure: failureOf(
        'rollout-timeout',
        'The frontend pods were not Ready within 300 s: mocker-agg-frontend-7d9 is CrashLoopBackOff (restarts 4).',
      ),
      comparison: undefined,
      latencyMs: undefined,
    });
    await withPage(renderSummary(failed), async (page) => {
      expect(await page.locator('h3').first().textContent()).toMatch(
        /^❌ Dynamo router check failed: rollout-timeout/,
      );
      const why = await page.locator('body > p').first().innerText();
      expect(why).toMatch(/Why:.*CrashLoopBackOff/);
      expect(why).toMatch(/Next step:/);
      await shoot(page, 'summary-fail');
    });
  }, 60_000);
});
