// Stands in for the `python` input of a launched frontend, to put a hostile streaming server in
// front of a real Dynamo frontend on the port the action expects (plain JavaScript: it runs
// outside jest, as the process the action launches). Invoked as `python -m dynamo.frontend …
// --http-port P …`, it starts the real frontend (HOSTILE_REAL_PYTHON) on a free port and serves
// P itself: everything passes through, except streamed chat requests (`"stream":true`), which it
// answers with an event stream that never ends:
//   - the first HOSTILE_FIRST (default 0) of them, and after that one in two of them;
//   - alternating between `data:` lines that never end their event, and `data: {}` events forever.
// Any other invocation (e.g. asking the interpreter for its Dynamo version) runs the real python.
// SIGTERM (the action stops the launched frontend's process group) stops both.
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { createServer as createTcpServer } from 'node:net';

const real = process.env.HOSTILE_REAL_PYTHON;
const args = process.argv.slice(2);
if (!real) {
  console.error('hostile-python: HOSTILE_REAL_PYTHON is not set');
  process.exit(2);
}

if (args[0] !== '-m' || args[1] !== 'dynamo.frontend') {
  const child = spawn(real, args, { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const portAt = args.indexOf('--http-port');
  const hostAt = args.indexOf('--http-host');
  const port = Number(args[portAt + 1]);
  const host = hostAt === -1 ? '127.0.0.1' : args[hostAt + 1];
  const inner = await new Promise((resolve) => {
    const probe = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const innerArgs = [...args];
  innerArgs[portAt + 1] = String(inner);
  if (hostAt === -1) innerArgs.push('--http-host', '127.0.0.1');
  const child = spawn(real, innerArgs, { stdio: 'inherit' });
  const first = Number(process.env.HOSTILE_FIRST ?? 0);
  let streams = 0;
  let hostile = 0;

  const endless = (res, head, line) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(head);
    const block = line.repeat(Math.ceil(16384 / line.length));
    const pump = () => {
      while (!res.destroyed && res.write(block));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url === '/v1/chat/completions' && /"stream":true/.test(body)) {
        const n = streams++;
        if (n < first || (n - first) % 2 === 0) {
          const kind = hostile++ % 2;
          console.log(`hostile-python: stream ${n}: ${kind === 0 ? 'endless event' : 'endless events'}`);
          if (kind === 0)
            return endless(res, 'data: {"choices":[', `${'x'.repeat(62)}\n`.replace(/^/, 'data: '));
          return endless(res, '', 'data: {}\n\n');
        }
      }
      const up = request(
        { host: '127.0.0.1', port: inner, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end('{"message":"hostile-python: frontend not up"}');
        } else res.destroy();
      });
      up.end(body);
    });
  });
  server.on('connection', (socket) => socket.on('error', () => undefined));
  server.listen(port, host);
  const stop = () => {
    child.kill('SIGTERM');
    server.closeAllConnections();
    server.close();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  child.on('exit', (code) => {
    server.closeAllConnections();
    server.close();
    process.exit(code ?? 0);
  });
}
