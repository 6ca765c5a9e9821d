// Records every file a Node process loads as a module (entry, static imports, dynamic import()
// chunks, require()d files): `node --import ./bench/support/trace-modules.mjs <script>` with
// BENCH_TRACE_FILE=<path> appends one file URL per line. A synchronous module.registerHooks load
// hook on the main thread sees each module exactly when Node loads it, so a chunk that is absent
// from the list was never read, parsed or evaluated by that run.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.BENCH_TRACE_FILE;
if (out) {
  registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith('file:')) appendFileSync(out, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
