// Who the launched frontend is: the saved state is untrusted input, validated before any signal.
import { afterEach, describe, expect, it } from '@jest/globals';
import { type ChildProcess } from 'node:child_process';
import { newToken, parseLaunchRecord } from '../../../../src/targets/launch/identity.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

describe('parseLaunchRecord: the saved state is untrusted input', () => {
  const token = newToken();
  const valid = { pid: 4242, startTime: '123456', token, logPath: '/var/log/dynamo/x.log' };

  it('accepts the shape the launch saves', () => {
    expect(parseLaunchRecord(JSON.stringify(valid))).toEqual({ ok: true, record: valid });
  });

  it.each([
    ['not JSON', 'not json {', /not JSON/],
    ['an array', '[1]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    [
      'pid 1 (kill(-1) would hit every process of the user)',
      JSON.stringify({ ...valid, pid: 1 }),
      /pid 1 cannot be/,
    ],
    ['pid 0', JSON.stringify({ ...valid, pid: 0 }), /pid 0 cannot be/],
    ['a negative pid', JSON.stringify({ ...valid, pid: -4242 }), /pid -4242 cannot be/],
    ['a pid over pid_max', JSON.stringify({ ...valid, pid: 2 ** 30 }), /cannot be/],
    ['a string pid', JSON.stringify({ ...valid, pid: '4242' }), /no whole-number pid/],
    ['a fractional pid', JSON.stringify({ ...valid, pid: 42.5 }), /no whole-number pid/],
    [
      'the old shape (pid and log only)',
      JSON.stringify({ pid: 4242, logPath: '/x' }),
      /no process start time/,
    ],
    [
      'a start time that is not a number',
      JSON.stringify({ ...valid, startTime: '1; rm' }),
      /no process start time/,
    ],
    ['no token', JSON.stringify({ ...valid, token: undefined }), /no launch token/],
    ['a token of another form', JSON.stringify({ ...valid, token: 'x'.repeat(32) }), /no launch token/],
    ['no log path', JSON.stringify({ ...valid, logPath: 7 }), /no log path/],
  ])('refuses %s', (_name, raw, reason) => {
    const parsed = parseLaunchRecord(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});
