// Secrets and escaping on the local path, with the bundled action:
// - `api-key` is masked before anything else is printed and never appears in stdout, stderr, step
//   outputs, the job summary or annotations, even when a hostile frontend echoes the Authorization
//   header back in its error bodies (raw, JSON-escaped or HTML-escaped in the summary);
// - model ids carrying HTML/Markdown or a workflow command render as text in the summary and in
//   the log, and never start a workflow command;
// - a launched frontend is started from an argument array (no shell) and does not inherit the
//   action's inputs (INPUT_API-KEY) in its environment.
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { escapeHtml } from '../../src/report/escape.js';
import { alive, cleanup, runAction, runCli, runPost, type ActionRun } from '../support/action.ts';
import { dynamoPython, freePort, processesMatching, TINY_MODEL_NAME } from '../support/dynamo.ts';
import { dynamoSuite, proxiedFrontend } from '../support/dynamo-suite.ts';

const { available, describeDynamo } = dynamoSuite();

// Characters that change form when HTML-escaped (`_`, `#`, `@`, `~`), JSON-escaped (`"`, `\`)
// or workflow-command-escaped (`%`): every form must be kept out.
const KEYS = ['sk_live_4f9c2d7e8a1b', 'tok#@~_9"q\\z%41-end'];
const FAST = { retries: '2', 'retry-delay': '0.1', timeout: '2' };

const stack = proxiedFrontend(available);

/** Every way the key could show up in text the user sees. */
function keyForms(key: string): string[] {
  return [
    key,
    JSON.stringify(key).slice(1, -1),
    escapeHtml(key),
    escapeHtml(JSON.stringify(key).slice(1, -1)),
    encodeURIComponent(key),
    key.replace(/%/g, '%25'),
  ];
}

function expectNoKey(run: ActionRun, key: string): void {
  const lines = run.stdout.split('\n');
  // Masking works by the runner's own command: it must come before any other line.
  expect(lines[0]).toBe(`::add-mask::${key.replace(/%/g, '%25')}`);
  expect(lines.filter((l) => l.startsWith('::add-mask::'))).toHaveLength(1);
  const places: Record<string, string> = {
    stdout: lines.slice(1).join('\n'),
    stderr: run.stderr,
    outputs: Object.values(run.outputs).join('\n'),
    summary: run.summary,
  };
  for (const [where, text] of Object.entries(places))
    for (const form of keyForms(key))
      expect({ where, leaked: text.includes(form) ? form : '' }).toEqual({ where, leaked: '' });
}

describeDynamo('secrets and escaping (bundled action, local path)', () => {
  it.each(KEYS)('api-key %s stays out of a passing run (outputs, summary, log)', async (key) => {
    stack.proxy.setRules([]);
    stack.proxy.reset();
    const run = await runAction({ 'base-url': stack.proxy.url, 'api-key': key, ...FAST });
    try {
      expect(run.outputs.result).toBe('pass');
      expectNoKey(run, key);
      // It was sent, to the frontend only, as a bearer token.
      expect(stack.proxy.requests().every((r) => r.authorization === `Bearer ${key}`)).toBe(true);
      expect(run.outputs['next-command']).not.toContain(key);
    } finally {
      cleanup(run);
    }
  });

  const ECHOES: [string, { path: string; status: number }, string][] = [
    ['/v1/models 500 echoing the header (retried)', { path: '/v1/models', status: 500 }, 'models-error'],
    ['/v1/models 418 echoing the header', { path: '/v1/models', status: 418 }, 'models-error'],
    ['chat 400 echoing the header', { path: '/v1/chat/completions', status: 400 }, 'chat-error'],
    ['chat 503 echoing the header (retried)', { path: '/v1/chat/completions', status: 503 }, 'chat-error'],
  ];
  for (const key of KEYS) {
    it.each(ECHOES)(`a hostile frontend: %s does not leak api-key ${key}`, async (_name, rule, code) => {
      stack.proxy.setRules([{ path: rule.path, fault: { kind: 'echo-auth', status: rule.status } }]);
      stack.proxy.reset();
      const run = await runAction({ 'base-url': stack.proxy.url, 'api-key': key, ...FAST });
      try {
        expect(run.outputs.failure).toBe(code);
        // The echo happened (the body is quoted in the message), with the key redacted.
        expect(run.summary).toMatch(/you sent Authorization: Bearer &#42;&#42;&#42;/);
        expect(run.stdout).toMatch(/you sent Authorization: Bearer \*\*\*/);
        expectNoKey(run, key);
      } finally {
        cleanup(run);
      }
    });
  }

  const HOSTILE = [
    '<img src=x onerror=alert(1)>',
    '**x**|y',
    '`rm -rf /`',
    '[a](http://e)',
    'evil\n::error title=pwned::injected',
    '<script>alert(1)</script>',
  ];

  function checkEscaped(run: ActionRun): void {
    // Summary: no raw HTML from outside, no Markdown triggers, no `|` inside a table cell.
    expect(run.summary).not.toMatch(/<img|<script/i);
    expect(run.summary).not.toContain('**x**');
    expect(run.summary).not.toContain('[a](');
    expect(run.summary).not.toContain('`');
    for (const cell of run.summary.match(/<td>[\s\S]*?<\/td>/g) ?? []) expect(cell).not.toContain('|');
    expect(run.summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // Log: the only workflow commands are the action's own; nothing from outside starts a line.
    const commands = run.stdout.split('\n').filter((l) => /^\s*(::|##\[)/.test(l));
    for (const line of commands)
      // The action's own commands only: masks, the failure, groups, and the warning on a pass that proves less.
      expect(line).toMatch(
        /^::(add-mask::|error title=Dynamo router check failed%3A [a-z-]+::|warning title=Dynamo router check passed(%2C mode not proven| with limitations)::|endgroup::$|group::(Settings|Target: launch a frontend|Smoke check|Verification|Report)$)/,
      );
    expect(run.stdout).not.toMatch(/^\s*::error title=pwned/m);
    expect(commands.filter((l) => l.startsWith('::error'))).toHaveLength(
      run.outputs.result === 'pass' ? 0 : 1,
    );
  }

  it('model ids carrying HTML/Markdown/commands render as text (chat fails on the unknown model)', async () => {
    const data = [...HOSTILE, TINY_MODEL_NAME].map((id) => ({ id, object: 'model', owned_by: 'x' }));
    stack.proxy.setRules([
      { path: '/v1/models', fault: { kind: 'body', body: JSON.stringify({ object: 'list', data }) } },
    ]);
    const run = await runAction({ 'base-url': stack.proxy.url, ...FAST });
    try {
      expect(run.outputs.failure).toBe('chat-error');
      // Outputs are data: the ids exactly as listed.
      expect(JSON.parse(run.outputs.models)).toEqual([...HOSTILE, TINY_MODEL_NAME]);
      expect(run.outputs.model).toBe(HOSTILE[0]);
      checkEscaped(run);
    } finally {
      cleanup(run);
    }
  });

  it('a hostile model id that "passes" the chat stays text in the pass verdict and the summary', async () => {
    const data = [HOSTILE[4], ...HOSTILE].map((id) => ({ id, object: 'model', owned_by: 'x' }));
    stack.proxy.setRules([
      { path: '/v1/models', fault: { kind: 'body', body: JSON.stringify({ object: 'list', data }) } },
      {
        path: '/v1/chat/completions',
        fault: {
          kind: 'body',
          body: JSON.stringify({
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: '**hi** <img src=x onerror=alert(1)>' },
                finish_reason: 'stop',
              },
            ],
            usage: { completion_tokens: 3 },
          }),
        },
      },
    ]);
    const run = await runAction({ 'base-url': stack.proxy.url, ...FAST });
    try {
      expect(run.outputs.model).toBe(HOSTILE[4]);
      expect(run.outputs.result).toBe('pass');
      checkEscaped(run);
    } finally {
      cleanup(run);
    }
  });

  it('a launched frontend gets an argument array (no shell) and no INPUT_* (api-key) in its environment', async () => {
    const key = KEYS[0];
    const dir = mkdtempSync(path.join(tmpdir(), 'secrets-launch-'));
    // Shell metacharacters in an argument: a shell would expand $HOME and split at `;`.
    const dump = path.join(dir, 'cfg;$HOME`id`.json');
    const port = await freePort();
    const main = await runAction(
      {
        launch: 'true',
        python: dynamoPython(),
        mode: 'round-robin',
        'base-url': `http://127.0.0.1:${port}`,
        'frontend-args': `--discovery-backend file --dump-config-to '${dump}'`,
        'api-key': key,
        ...FAST,
      },
      { env: { DYN_FILE_KV: stack.workers.discoveryDir, DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1' } },
    );
    let pid = 0;
    try {
      expect(main.outputs.result).toBe('pass');
      pid = (JSON.parse(main.state['launched-frontend']) as { pid: number }).pid;
      expect(alive(pid)).toBe(true);
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(argv[0]).toBe(dynamoPython());
      expect(argv.slice(1, 3)).toEqual(['-m', 'dynamo.frontend']);
      expect(argv).toContain(dump); // one argument, unexpanded
      expect(existsSync(dump)).toBe(true); // the literal path was written: no shell saw it
      expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).not.toMatch(/^(sh|bash|dash)$/);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      expect(environ.filter((e) => e.startsWith('INPUT_') || e.startsWith('STATE_'))).toEqual([]);
      expect(environ.join('\n')).not.toContain(key);
      expectNoKey(main, key);
    } finally {
      const post = await runPost(main);
      expect(post.exitCode).toBe(0);
      if (pid) expect(alive(pid)).toBe(false);
      expect(processesMatching(dump)).toEqual([]);
      cleanup(main);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A broken proxy echoing the Authorization header about 170 characters into a 502 body: every
  // message quotes at most 200 characters of a body, so the 38-character key straddles the cut.
  // No 4-character piece of it may survive anywhere (the runner masks only whole copies).
  describe('a key cut in half by a message', () => {
    const KEY = 'Qz7vK2mX9pL4wR8tN3bY6cJ1hF5dG0sW2eA4uZ';
    const pieces = (text: string): string[] => {
      const found = new Set<string>();
      for (let i = 0; i + 4 <= KEY.length; i++)
        if (text.includes(KEY.slice(i, i + 4))) found.add(KEY.slice(i, i + 4));
      return [...found];
    };
    it.each(['/v1/models', '/v1/chat/completions'])(
      'a 502 from %s with the header at offset 170 leaves no fragment in stdout, outputs, summary or the CLI JSON',
      async (where) => {
        expect(KEY).toHaveLength(38);
        stack.proxy.setRules([{ path: where, fault: { kind: 'echo-auth', status: 502, offset: 170 } }]);
        stack.proxy.reset();
        const run = await runAction({ 'base-url': stack.proxy.url, 'api-key': KEY, ...FAST });
        try {
          expect(run.outputs.failure).toBe(where === '/v1/models' ? 'models-error' : 'chat-error');
          // The body was quoted, cut where the key was.
          expect(run.stdout).toMatch(/upstream failed; request headers: -+Authorization: (Bearer )?/);
          const lines = run.stdout.split('\n');
          expect(lines[0]).toBe(`::add-mask::${KEY}`);
          const places: Record<string, string> = {
            stdout: lines.slice(1).join('\n'),
            stderr: run.stderr,
            outputs: Object.values(run.outputs).join('\n'),
            summary: run.summary,
          };
          for (const [place, text] of Object.entries(places))
            expect({ place, leaked: pieces(text) }).toEqual({ place, leaked: [] });
        } finally {
          cleanup(run);
        }
        const cli = await runCli(
          ['--base-url', stack.proxy.url, '--retries', '2', '--retry-sleep', '0.1', '--timeout', '2'],
          {
            DYNAMO_API_KEY: KEY,
          },
        );
        expect(cli.exitCode).not.toBe(0);
        const document = JSON.parse(cli.stdout) as { failure?: { message?: string } };
        expect(document.failure?.message).toMatch(/502/);
        expect({ place: 'cli stdout', leaked: pieces(cli.stdout) }).toEqual({
          place: 'cli stdout',
          leaked: [],
        });
        expect({ place: 'cli stderr', leaked: pieces(cli.stderr) }).toEqual({
          place: 'cli stderr',
          leaked: [],
        });
      },
    );
  });
});
