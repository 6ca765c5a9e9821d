// The one printing wrapper: every path (log line, warning, error and notice with their titles,
// group titles, the failure message, the CLI's stderr) is redacted, then guarded, so that neither
// a secret nor a workflow command from outside text reaches the runner. Then the same through
// the real @actions/core, as the bundle runs it.
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliPrinter, jsonDocument, printer, type Sink } from '../../../src/runner/print.js';
import { secrets } from '../../../src/runner/redact.js';
import { actionRunner } from '../../../src/runner/actions.js';

const KEY = 'sk-print-test-7c1e9a';
beforeAll(() => secrets.add(KEY));

/** Text from outside carrying both command forms, start and middle, and the key. */
const HOSTILE = [
  `::error title=pwned::at the start ${KEY}`,
  `  ::warning::after spaces`,
  `middle ##[save-state name=launched-frontend;]{"pid":1} and ${KEY}`,
  `end ##[warning title=Security;]Approve PR 123`,
  `multi\n::set-output name=result::pass\n##[error]x`,
];

/** A workflow command the runner would act on: `##[` anywhere, `::` at a line start. */
function runnerWouldAct(line: string): boolean {
  return line.includes('##[') || /^\s*::/.test(line);
}

function recordingSink() {
  const calls: { fn: string; text: string; title?: string }[] = [];
  const sink: Sink = {
    info: (m) => calls.push({ fn: 'info', text: m }),
    warning: (m, p) => calls.push({ fn: 'warning', text: m, title: p?.title }),
    error: (m, p) => calls.push({ fn: 'error', text: m, title: p?.title }),
    notice: (m, p) => calls.push({ fn: 'notice', text: m, title: p?.title }),
    startGroup: (t) => calls.push({ fn: 'startGroup', text: t }),
    endGroup: () => calls.push({ fn: 'endGroup', text: '' }),
    setFailed: (m) => calls.push({ fn: 'setFailed', text: m }),
  };
  return { sink, calls };
}

function expectSafe(texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(0, 12)); // no fragment either
    for (const line of text.split(/\r\n|\r|\n/))
      expect({ line, acts: runnerWouldAct(line) }).toEqual({ line, acts: false });
  }
}

describe('printer (the one wrapper over the sink)', () => {
  it.each(HOSTILE)('guards and redacts %j on every path', async (text) => {
    const { sink, calls } = recordingSink();
    const p = printer(sink);
    p.info(text);
    p.warning(text, text);
    p.error(text, text);
    p.notice(text, text);
    p.fail(text);
    await p.group(text, async () => p.info('inside'));
    const printed = calls.flatMap((c) => [c.text, c.title ?? '']);
    expectSafe(printed);
    // Still readable: the words are there, with the key masked.
    expect(calls[0].text.replace(/\u200b/g, '')).toBe(text.replace(KEY, '***').replace(/\s+/g, ' ').trim());
    expect(calls.map((c) => c.fn)).toEqual([
      'info',
      'warning',
      'error',
      'notice',
      'setFailed',
      'startGroup',
      'info',
      'endGroup',
    ]);
    // One line each: a newline from outside cannot start a second line.
    for (const c of calls) expect(c.text).not.toMatch(/[\r\n]/);
  });

  it('a key cut by the line cap leaves no fragment', () => {
    const { sink, calls } = recordingSink();
    const text = `${'a'.repeat(4000 - 10)}${KEY}`;
    printer(sink).info(text);
    expectSafe([calls[0].text]);
  });

  it('groups do not nest: an inner group ends the outer one, which reopens as "(continued)"', async () => {
    const { sink, calls } = recordingSink();
    const p = printer(sink);
    await p.group('Target: Kubernetes', async () => {
      p.info('resolve');
      await p.group('Rollout', async () => p.info('pods'));
      p.info('after');
    });
    expect(calls.map((c) => (c.fn === 'endGroup' ? 'end' : `${c.fn}:${c.text}`))).toEqual([
      'startGroup:Target: Kubernetes',
      'info:resolve',
      'end',
      'startGroup:Rollout',
      'info:pods',
      'end',
      'startGroup:Target: Kubernetes (continued)',
      'info:after',
      'end',
    ]);
  });

  it('a group ends even when its body throws', async () => {
    const { sink, calls } = recordingSink();
    const p = printer(sink);
    await expect(
      p.group('Smoke check', async () => {
        p.info('models: tiny-model');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls.map((c) => c.fn)).toEqual(['startGroup', 'info', 'endGroup']);
  });

  it('an empty group, or an outer group with nothing after its inner one, never shows', async () => {
    const { sink, calls } = recordingSink();
    const p = printer(sink);
    // Bad input: the Settings group throws before its first line.
    await expect(
      p.group('Settings', async () => {
        throw new Error('bad input');
      }),
    ).rejects.toThrow('bad input');
    // A Kubernetes target whose last lines are in the Rollout group.
    await p.group('Target: Kubernetes', async () => {
      p.info('resolve');
      await p.group('Rollout', async () => p.info('pods'));
    });
    p.info('outside');
    expect(calls.map((c) => (c.fn === 'endGroup' ? 'end' : `${c.fn}:${c.text}`))).toEqual([
      'startGroup:Target: Kubernetes',
      'info:resolve',
      'end',
      'startGroup:Rollout',
      'info:pods',
      'end',
      'info:outside',
    ]);
  });

  it("the CLI's stderr: progress, warnings and its own messages, all guarded and redacted", async () => {
    let out = '';
    const cli = cliPrinter((t) => (out += t));
    for (const text of HOSTILE) {
      cli.info(text);
      cli.warning(text);
      cli.say(text);
      await cli.group(text, async () => undefined);
    }
    expectSafe([out]);
    expect(out).toMatch(/^ {2}warning: /m);
  });
});

describe("the CLI's JSON document on stdout", () => {
  it('parses back to the same data (key redacted) and holds no command for the runner', () => {
    const doc = { models: HOSTILE, model: `\\##[x`, nested: { a: [`##[##[`] } };
    const text = jsonDocument(doc);
    expectSafe([text]);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(doc).split(KEY).join('***')));
  });
});

describe('actionRunner over the real @actions/core', () => {
  const saved = { ...process.env };
  let dir = '';
  afterEach(() => {
    process.env = { ...saved };
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function capture(body: () => Promise<void> | void): Promise<string> {
    const write = process.stdout.write.bind(process.stdout);
    let out = '';
    process.stdout.write = ((chunk: string | Uint8Array) => {
      out += chunk.toString();
      return true;
    }) as typeof process.stdout.write;
    try {
      await body();
    } finally {
      process.stdout.write = write;
    }
    return out;
  }

  it('log lines, annotation titles and group titles reach stdout guarded and redacted', async () => {
    const runner = actionRunner();
    const out = await capture(async () => {
      for (const text of HOSTILE) {
        runner.log.info(text);
        runner.log.warning(text, text);
        runner.log.error(text, `Dynamo router check failed: ${text}`);
        runner.log.notice(text, text);
        await runner.log.group(text, async () => runner.log.info('inside'));
      }
    });
    const lines = out.split('\n').filter(Boolean);
    // Only the toolkit's own commands start a line; titles are escaped properties.
    for (const line of lines) {
      expect(line).not.toContain(KEY);
      expect(line).not.toContain('##[');
      if (/^\s*::/.test(line)) expect(line).toMatch(/^::(warning|error|notice|group|endgroup)[ :]/);
    }
    expect(lines.filter((l) => l.startsWith('::error'))).toHaveLength(HOSTILE.length);
    expect(lines.filter((l) => l.startsWith('::group::'))).toHaveLength(HOSTILE.length);
  });

  // First: @actions/core's summary remembers its file once it has written to one.
  it('a missing summary file warns once and does not throw', async () => {
    delete process.env.GITHUB_STEP_SUMMARY;
    const runner = actionRunner();
    const out = await capture(async () => {
      expect(await runner.writeSummary('<p>one</p>')).toBe(false);
      expect(await runner.writeSummary('<p>two</p>')).toBe(false);
    });
    expect(out.match(/^::warning::Could not write the job summary: /gm)).toHaveLength(1);
  });

  it('outputs and the summary are redacted', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'print-test-'));
    process.env.GITHUB_OUTPUT = path.join(dir, 'output');
    process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary');
    writeFileSync(process.env.GITHUB_OUTPUT, '');
    writeFileSync(process.env.GITHUB_STEP_SUMMARY, '');
    const runner = actionRunner();
    await capture(async () => {
      runner.setOutput('model', `echo ${KEY}`);
      expect(await runner.writeSummary(`<p>${KEY}</p>`)).toBe(true);
    });
    expect(readFileSync(process.env.GITHUB_OUTPUT, 'utf8')).toContain('echo ***');
    expect(readFileSync(process.env.GITHUB_STEP_SUMMARY, 'utf8')).toBe('<p>***</p>');
  });

  it('setSecret masks with the runner and adds the key to our own redaction', async () => {
    const runner = actionRunner();
    const other = 'tok-added-by-setSecret-55';
    const out = await capture(() => {
      runner.setSecret(other);
      runner.log.info(`echo ${other}`);
    });
    expect(out).toBe(`::add-mask::${other}\necho ***\n`);
  });
});
