// What every fault test asserts of a run, whatever broke: the failure code it expected (or a
// pass), the exit code, the run time within its bound, one `::error` annotation naming the code
// and the next step (none on a pass), and no stack trace anywhere the user looks. Also the text of
// that annotation, for tests that check the facts it names.
import { expect } from '@jest/globals';
import type { ActionRun } from './action.ts';

export const STACK = /^\s+at .+:\d+:\d+\)?$|\n\s+at (?:async )?\S+ \(|(?:Type|Reference|Range)Error: /m;

/** One row of the matrix each fault file prints after its cases. */
export interface Verdict {
  name: string;
  expected: string;
  got: string;
  elapsedMs: number;
  boundMs: number;
  ok: boolean;
}

/** `expected` is 'pass' or a failure code; `name` heads the output shown when the code differs. */
export function expectReported(run: ActionRun, name: string, expected: string, boundMs: number): void {
  const got = run.outputs.failure ?? '';
  const want = expected === 'pass' ? '' : expected;
  const detail = `${name}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect({ failure: got, detail: got === want ? '' : detail }).toEqual({ failure: want, detail: '' });
  expect(run.outputs.result).toBe(expected === 'pass' ? 'pass' : 'fail');
  expect(run.exitCode).toBe(expected === 'pass' ? 0 : 1);
  expect(run.elapsedMs).toBeLessThanOrEqual(boundMs);
  // One clear error annotation with the code and the next step; none on a pass.
  const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
  if (expected === 'pass') {
    expect(errors).toEqual([]);
  } else {
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`^::error title=Dynamo router check failed%3A ${expected}::\\S.* Next step: \\S`),
    );
    expect(run.summary).toContain('<b>Next step:</b>');
  }
  // No stack trace anywhere the user looks; stderr stays empty.
  expect(run.stdout).not.toMatch(STACK);
  expect(run.summary).not.toMatch(/Stack trace/);
  expect(run.stderr).toBe('');
}

/**
 * The text of the run's one `::error` annotation, which must carry `code` in its title. Tests then
 * assert the facts it names (values, names, links, commands), not how the sentence is worded.
 */
export function errorLine(run: Pick<ActionRun, 'stdout'>, code: string): string {
  const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
  expect(errors).toHaveLength(1);
  const prefix = `::error title=Dynamo router check failed%3A ${code}::`;
  expect(errors[0].slice(0, prefix.length)).toBe(prefix);
  return errors[0].slice(prefix.length);
}
