// Renders a job summary the way GitHub shows it: GitHub-flavoured Markdown with inline HTML,
// turned into a page, opened in headless Chromium (Debian's package; playwright-core drives it,
// no browser download). Used by the summary test and to take screenshots to look at.
import { existsSync } from 'node:fs';
import { marked } from 'marked';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export function summaryPage(markdown: string): string {
  const body = marked.parse(markdown, { gfm: true, async: false }) as string;
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { font: 14px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1000px; margin: 16px; color: #1f2328; }
    table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #d1d9e0; padding: 6px 10px; vertical-align: top; }
    th { background: #f6f8fa; } code, pre { font-family: ui-monospace, monospace; font-size: 12px; background: #f6f8fa; }
    pre { padding: 8px; overflow: auto; } details { margin: 6px 0; } summary { cursor: pointer; font-weight: 600; }
  </style></head><body>${body}</body></html>`;
}

export async function withPage<T>(
  markdown: string,
  fn: (page: import('playwright-core').Page) => Promise<T>,
): Promise<T> {
  if (!CHROMIUM) throw new Error('Chromium not installed (apt-get install chromium)');
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    // Nothing in a summary may reach the network.
    await page.route('**/*', (route) =>
      route.request().url().startsWith('data:') ? route.continue() : route.abort(),
    );
    await page.setContent(summaryPage(markdown), { waitUntil: 'load' });
    return await fn(page);
  } finally {
    await browser?.close();
  }
}
