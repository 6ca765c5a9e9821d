// Settings → Plan: the launch command, the mode and why, the limitations a plan knows of.
import { describe, expect, it } from '@jest/globals';
import { displayCommand, makePlan } from '../../src/plan.js';
import { parseSettings } from '../../src/settings/settings.js';

const settings = (inputs: Record<string, string>) => parseSettings((name) => inputs[name] ?? '');

describe('makePlan', () => {
  it('launches the documented frontend command line for the mode', () => {
    const plan = makePlan(
      settings({
        launch: 'true',
        mode: 'kv',
        'base-url': 'http://127.0.0.1:8123',
        'frontend-args': '--discovery-backend file',
      }),
    );
    expect(plan.target).toBe('launch');
    expect(plan.command).toEqual([
      'python3',
      '-m',
      'dynamo.frontend',
      '--router-mode',
      'kv',
      '--http-port',
      '8123',
      '--http-host',
      '127.0.0.1',
      '--discovery-backend',
      'file',
    ]);
    expect(plan.expectedMode).toBe('kv');
    expect(plan.approximateKv).toBe(false);
    expect(plan.limitations.map((l) => l.text).join(' ')).toMatch(/KV events were not confirmed/);
  });

  it('adds --no-router-kv-events in approximate KV mode and says so', () => {
    const plan = makePlan(settings({ launch: 'true', mode: 'kv', 'kv-events': 'false' }));
    expect(plan.command).toContain('--no-router-kv-events');
    expect(plan.approximateKv).toBe(true);
    expect(plan.kvEvents).toBe('false');
    expect(plan.limitations.map((l) => l.text).join(' ')).toMatch(/Approximate KV mode/);
  });

  it("launches Dynamo's default mode when none is requested", () => {
    const plan = makePlan(settings({ launch: 'true' }));
    expect(plan.command).not.toContain('--router-mode');
    expect(plan.expectedMode).toBe('round-robin');
  });

  it('does not pretend to apply a mode to a frontend reached by URL', () => {
    const plan = makePlan(settings({ mode: 'kv', 'base-url': 'http://frontend.example:8000' }));
    expect(plan.target).toBe('url');
    expect(plan.expectedMode).toBeUndefined();
    expect(displayCommand(plan.command)).toBe('python3 -m dynamo.frontend --router-mode kv --http-port 8000');
    expect(plan.limitations[0].text).toMatch(/was not applied here, only checked/);
  });

  it('leaves the mode alone in a check-only run', () => {
    const plan = makePlan(settings({}));
    expect(plan.command).toBeUndefined();
    expect(plan.modeReason).toMatch(/check only/);
    expect(plan.baseUrl).toBe('http://127.0.0.1:8000');
  });

  it('warns that direct mode needs a worker id', () => {
    const plan = makePlan(settings({ launch: 'true', mode: 'direct' }));
    expect(plan.limitations.map((l) => l.text).join(' ')).toMatch(/x-dynamo-worker-instance-id/);
    expect(plan.kvEventsReason).toMatch(/not needed/);
  });

  it('quotes the displayed command for pasting', () => {
    const plan = makePlan(settings({ launch: 'true', 'frontend-args': "--model-name 'a b'" }));
    expect(displayCommand(plan.command)).toContain("--model-name 'a b'");
  });

  it('a URL target advises only what the inputs accept: launch needs a loopback base-url', () => {
    const local = makePlan(settings({ 'base-url': 'http://127.0.0.1:8000', mode: 'kv' }));
    expect(local.limitations.map((l) => l.text).join(' ')).toMatch(
      /Use `launch: true` or a Kubernetes target to apply it\./,
    );
    const remote = makePlan(settings({ 'base-url': 'https://llm.example.com', mode: 'kv' }));
    expect(remote.limitations.map((l) => l.text).join(' ')).not.toMatch(/launch: true/);
    expect(remote.limitations.map((l) => l.text).join(' ')).toMatch(
      /Use a Kubernetes target \(`namespace` and `deployment`, or `recipe`\)/,
    );
    // What it would have advised is refused by the input validation.
    expect(() => settings({ 'base-url': 'https://llm.example.com', launch: 'true' })).toThrow(/loopback/);
  });
});
