// Asks the launch interpreter which ai-dynamo it has installed. @actions/exec cannot kill a child
// on a deadline, so the Python one-liner bounds itself with signal.alarm; its stdout is capped.

import { exec } from '@actions/exec';
import { knownRelease, unknownRelease, type DynamoRelease } from './capabilities.js';
import { parseVersion } from './catalogue.js';

const MAX_OUTPUT_BYTES = 4096;

/** The script: exits by SIGALRM after `seconds`, prints the installed version or nothing. */
export function versionScript(seconds: number): string {
  return [
    'import signal, importlib.metadata as m',
    `signal.alarm(${Math.max(1, Math.ceil(seconds))})`,
    "print(m.version('ai-dynamo'))",
  ].join('\n');
}

/** What the interpreter printed → the release; pure, for tests. */
export function releaseFromOutput(
  code: number,
  stdout: string,
  stderr: string,
  python: string,
): DynamoRelease {
  const line = stdout.trim().split('\n').pop()?.trim() ?? '';
  if (code === 0 && parseVersion(line)) return knownRelease(line, 'launch interpreter');
  if (/PackageNotFoundError/.test(stderr))
    return unknownRelease(`\`${python}\` has no ai-dynamo package installed`, true);
  return unknownRelease(`\`${python}\` did not report an ai-dynamo version (exit code ${code})`);
}

export async function askInterpreter(python: string, timeoutMs = 10_000): Promise<DynamoRelease> {
  let stdout = '';
  let stderr = '';
  try {
    const code = await exec(python, ['-c', versionScript(timeoutMs / 1000)], {
      silent: true,
      ignoreReturnCode: true,
      listeners: {
        stdout: (data) => {
          if (stdout.length < MAX_OUTPUT_BYTES) stdout += data.toString('utf8').slice(0, MAX_OUTPUT_BYTES);
        },
        stderr: (data) => {
          if (stderr.length < MAX_OUTPUT_BYTES) stderr += data.toString('utf8').slice(0, MAX_OUTPUT_BYTES);
        },
      },
    });
    return releaseFromOutput(code, stdout, stderr, python);
  } catch (error) {
    // Not found or not executable: the launch itself reports that as launch-failed.
    return unknownRelease(
      `\`${python}\` could not be run (${(error as Error).message.split('\n')[0]})`,
      true,
    );
  }
}
