// Asks the launch interpreter which ai-dynamo it has installed. The parent bounds the question
// (bounded/child.ts): a wrapper script, a shim or a `.pth` file that sleeps would never reach an
// alarm inside Python, so the deadline kills the interpreter's whole process group from outside.
// It sees the environment the launched frontend will see, minus the action's own secrets.

import { childEnv } from '../bounded/child-env.js';
import { runChild } from '../bounded/child.js';
import { VERSION_PROBE_OUTPUT_BYTES, VERSION_PROBE_TIMEOUT_MS } from '../bounded/limits.js';
import { knownRelease, unknownRelease, type DynamoRelease } from './capabilities.js';
import { parseVersion } from './catalogue.js';

/** The script: prints the installed version, or fails with PackageNotFoundError. */
export const VERSION_SCRIPT = "import importlib.metadata as m\nprint(m.version('ai-dynamo'))";

/** What the interpreter printed → the release; pure, for tests. */
export function releaseFromOutput(
  code: number | null,
  stdout: string,
  stderr: string,
  python: string,
): DynamoRelease {
  const line = stdout.trim().split('\n').pop()?.trim() ?? '';
  if (code === 0 && parseVersion(line)) return knownRelease(line, 'launch interpreter');
  if (/PackageNotFoundError/.test(stderr))
    return unknownRelease(`\`${python}\` has no ai-dynamo package installed`, true);
  return unknownRelease(`\`${python}\` did not report an ai-dynamo version (exit code ${code ?? 'none'})`);
}

export async function askInterpreter(
  python: string,
  timeoutMs = VERSION_PROBE_TIMEOUT_MS,
): Promise<DynamoRelease> {
  const result = await runChild(python, ['-c', VERSION_SCRIPT], {
    timeoutMs,
    maxOutputBytes: VERSION_PROBE_OUTPUT_BYTES,
    env: childEnv(process.env),
  });
  if (result.spawnError) {
    // Not found or not executable: the launch itself reports that as launch-failed.
    return unknownRelease(
      `\`${python}\` could not be run (${result.spawnError.message.split('\n')[0]})`,
      true,
    );
  }
  if (result.timedOut)
    return unknownRelease(
      `\`${python}\` did not say which ai-dynamo it has within ${Math.round(timeoutMs / 100) / 10} s and was stopped`,
    );
  return releaseFromOutput(result.code, result.stdout, result.stderr, python);
}
