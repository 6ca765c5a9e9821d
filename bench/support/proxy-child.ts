// Child process for the benchmarks: the fault proxy of __tests__/support/fault-proxy.ts in its own
// Node process, because the benchmarks' spawnSync-driven runs block their own event loop.
//
//   node bench/support/proxy-child.ts <upstream URL> '<rules as JSON>'
//
// Prints one JSON line {"url": …} once listening, then runs until stdin closes or SIGTERM/SIGINT.
import { startFaultProxy, type FaultRule } from '../../__tests__/support/fault-proxy.ts';

const [upstream, rules = '[]'] = process.argv.slice(2);
const proxy = await startFaultProxy({ upstream, rules: JSON.parse(rules) as FaultRule[] });
process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await proxy.stop();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
