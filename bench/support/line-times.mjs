// Preload (`node --import`): prefixes every stdout line with `[<ms since process start>] `, so a
// benchmark can time the phases of one action run from its own log lines.
import { performance } from 'node:perf_hooks';

const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const lines = String(chunk).split('\n');
  const last = lines.pop();
  const stamped = lines.map((l) => `[${performance.now().toFixed(1)}] ${l}\n`).join('');
  return write(stamped + (last ? `[${performance.now().toFixed(1)}] ${last}` : ''), ...rest);
};
