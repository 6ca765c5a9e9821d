// Once the Contract is published the run is over. core.setFailed only sets an exit code, so
// anything still open (a socket a library did not close, a pending upgrade, a timer) would keep
// the step running until the job's own timeout. After a short grace the process exits with its
// code, and says what it did not wait for.

import { EXIT_GRACE_MS } from './limits.js';

export function exitAfterGrace(log?: (line: string) => void, graceMs = EXIT_GRACE_MS): void {
  const timer = setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'TTYWrap');
    if (open.length)
      log?.(
        `Exiting ${graceMs / 1000} s after the report with ${open.join(', ')} still open (not waited for).`,
      );
    process.exit();
  }, graceMs);
  // Unref'd: a process with nothing else open exits at once, without waiting for the grace.
  timer.unref();
}
