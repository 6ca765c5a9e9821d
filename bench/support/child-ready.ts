// The start-up handshake of the benchmarks' helper processes: each prints one JSON line on
// stdout once it is ready (its URL, or the stand-in's details).
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** The child's first stdout line, parsed; rejects when it exits first or `timeoutMs` passes. */
export function firstJsonLine<T>(
  child: ChildProcessWithoutNullStreams,
  what: string,
  timeoutMs: number,
  stderr: () => string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${what} not ready within ${timeoutMs} ms\n${stderr()}`)),
      timeoutMs,
    );
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, nl)) as T);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited ${code}\n${stderr()}`));
    });
  });
}
