// What the bundled action (dist/index.js) hands the runner, against a hostile server and a
// forged state, with no Dynamo needed (a fault proxy plays the frontend):
// - a model id carrying workflow commands at the start, middle and end of a line never becomes a
//   command (no `##[` anywhere, no `::` at a line start but the action's own), and saves no state;
// - 16,000 long model ids: every output stays under its cap, `models-count` has the total, and
//   the summary and `limitations` say the list was cut;
// - the post step handed a forged state (not JSON, pid 1, a foreign pid) signals nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { alive, cleanup, runAction, runPost, type ActionRun } from '../support/action.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';

const FAST = { retries: '1', 'retry-delay': '0', timeout: '5' };
const CHAT_REPLY = JSON.stringify({
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
  usage: { completion_tokens: 1 },
});

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(); // no upstream: only the rules answer
});
afterAll(async () => {
  await proxy?.stop();
});

function serve(ids: string[]): void {
  const data = ids.map((id) => ({ id, object: 'model', owned_by: 'x' }));
  proxy.setRules([
    { path: '/v1/models', fault: { kind: 'body', body: JSON.stringify({ object: 'list', data }) } },
    { path: '/v1/chat/completions', fault: { kind: 'body', body: CHAT_REPLY } },
  ]);
}

/** Lines the runner would act on that are not the action's own commands. */
function foreignCommands(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.includes('##[') || /^\s*::/.test(line))
    .filter(
      (line) =>
        !/^::(add-mask::|endgroup::$|group::(Settings|Smoke check|Verification|Report)$|error title=Dynamo router check failed%3A [a-z-]+::|warning::|warning title=Dynamo router check passed%2C [a-z ]+::)/.test(
          line,
        ),
    );
}

describe('the bundled action against hostile text and sizes', () => {
  const forged = '{"pid":1,"startTime":"1","token":"00000000000000000000000000000000","logPath":"/x"}';
  const HOSTILE = [
    `##[save-state name=launched-frontend;]${forged}`,
    `x ##[save-state name=launched-frontend;]${forged}`,
    `x ##[warning title=Security;]Approve PR 123`,
    `::error title=pwned::start`,
    `tail ::set-output name=result::pass`,
  ];

  it.each(HOSTILE)('model id %j becomes no workflow command and saves no state', async (id) => {
    serve([id]);
    const run = await runAction({ 'base-url': proxy.url, ...FAST });
    try {
      expect(run.outputs.model).toBe(id); // outputs are data: the id exactly as listed
      expect(foreignCommands(run.stdout)).toEqual([]);
      // `##[` is broken wherever it stands (a `::` mid-line is inert), and the text stays readable.
      if (id.includes('##[')) expect(run.stdout).toContain(id.replace(/##\[/g, '##\u200b['));
      expect(Object.keys(run.state)).toEqual(['isPost']);
    } finally {
      cleanup(run);
    }
  });

  it('16,000 long model ids: outputs capped, models-count the total, the cut said in limitations and summary', async () => {
    const ids = Array.from({ length: 16_000 }, (_, i) => `org/${'m'.repeat(140)}-${i}`);
    serve(ids);
    const run = await runAction({ 'base-url': proxy.url, ...FAST });
    try {
      expect(run.outputs.result).toBe('pass');
      const sizes = Object.fromEntries(
        Object.entries(run.outputs).map(([name, value]) => [name, Buffer.byteLength(value)]),
      );
      for (const [name, size] of Object.entries(sizes))
        expect({ name, over: size > 64 * 1024 }).toEqual({ name, over: false });
      const total = Object.values(sizes).reduce((a, b) => a + b, 0);
      expect(total).toBeLessThan(1024 * 1024);
      const models = JSON.parse(run.outputs.models) as string[];
      expect(models).toEqual(ids.slice(0, models.length));
      expect(models.length).toBeGreaterThan(100);
      expect(run.outputs['models-count']).toBe('16000');
      expect(run.outputs.limitations).toContain(
        `The \`models\` output lists only the first ${models.length} of 16000 model ids`,
      );
      expect(run.summary).toContain(`Models (the first ${models.length} of 16000: the list was cut)`);
      expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024);
    } finally {
      cleanup(run);
    }
  });
});

describe('the bundled post step with a forged state', () => {
  let bystander: ChildProcess;
  let base: ActionRun;
  beforeAll(async () => {
    // A process of the same user that this run did not launch.
    bystander = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    base = await runAction({ mode: 'banana' }); // any finished main step: its files are reused
  });
  afterAll(() => {
    bystander?.kill('SIGKILL');
    if (base) cleanup(base);
  });

  const post = (state: string) => runPost({ ...base, state: { isPost: 'true', 'launched-frontend': state } });

  it.each([
    ['not JSON', 'x ##[save-state', /the saved launch state is not JSON/],
    [
      'pid 1 (the old shape)',
      '{"pid":1,"logPath":"/x"}',
      /the saved pid 1 cannot be a frontend this run started/,
    ],
  ])('%s: says why and signals nothing', async (_name, state, reason) => {
    const run = await post(state);
    expect(run.exitCode).toBe(0);
    const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^::warning::Post step: no process was signalled, because /);
    expect(warnings[0]).toMatch(reason);
  });

  it('a foreign pid with a well-formed record is left alone, with a warning', async () => {
    const pid = bystander.pid as number;
    const run = await post(
      JSON.stringify({ pid, startTime: '1', token: 'ab'.repeat(16), logPath: '/var/log/dynamo/x.log' }),
    );
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^::warning::Post step: pid ${pid} was left alone: pid ${pid} started at tick`, 'm'),
    );
    expect(alive(pid)).toBe(true);
  });
});
