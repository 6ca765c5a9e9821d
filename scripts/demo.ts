// The demo: a local Dynamo (two mocker workers from ai-dynamo), then the bundled action run as
// GitHub would run it, launching a kv-mode frontend, checking it and printing the Output
// Contract; then the post step stops the frontend and the workers are stopped.
//
//   node scripts/demo.ts            (bash scripts/demo.sh installs everything first)

import { readFileSync } from 'node:fs';
import { cleanup, runAction, runPost } from '../__tests__/support/action.ts';
import { dynamoPython, freePort, startWorkers } from '../__tests__/support/dynamo.ts';

const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

/** The summary is HTML for GitHub; for a terminal, keep its text and structure only. */
function summaryAsText(html: string): string {
  return html
    .replace(/<\/(tr|h3|p|li|summary|pre)>/g, '\n')
    .replace(/<br>/g, '\n    ')
    .replace(/<th[^>]*>/g, '  ')
    .replace(/<\/th><td>/g, ': ')
    .replace(/<\/t[dh]><t[dh][^>]*>/g, ' | ')
    .replace(/<li>/g, '    - ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n');
}

async function main(): Promise<void> {
  console.log(bold('1. Starting two mocker workers (ai-dynamo 1.6.1, CPU, file discovery) …'));
  const workers = await startWorkers({ workers: 2, speedupRatio: 10 });
  try {
    console.log(
      `   registered in ${workers.readyMs} ms: ${workers
        .instances()
        .map((i) => i.instanceId)
        .join(', ')}`,
    );
    const port = await freePort();
    const inputs = {
      mode: 'kv',
      launch: 'true',
      python: dynamoPython(),
      'base-url': `http://127.0.0.1:${port}`,
      'frontend-args': '--discovery-backend file',
    };
    console.log(bold('\n2. Running the bundled action (dist/index.js) with:'));
    for (const [k, v] of Object.entries(inputs)) console.log(`   ${k}: ${v}`);
    const main = await runAction(inputs, {
      env: { DYN_FILE_KV: workers.discoveryDir, DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1' },
    });
    console.log(main.stdout.replace(/^/gm, '   | ').trimEnd());
    console.log(bold(`\n3. Step outputs (exit code ${main.exitCode}, ${main.elapsedMs} ms):`));
    for (const [k, v] of Object.entries(main.outputs)) if (k !== 'isPost') console.log(`   ${k}: ${v}`);
    console.log(bold('\n4. Job summary (the Output Contract, as text; HTML in ' + main.dir + '/summary):'));
    console.log(summaryAsText(readFileSync(`${main.dir}/summary`, 'utf8')).replace(/^/gm, '   '));
    const post = await runPost(main);
    console.log(bold('5. Post step:'), post.stdout.trim());
    cleanup(main);
    process.exitCode = main.exitCode ?? 1;
  } finally {
    await workers.stop();
    console.log(bold('6. Workers stopped; nothing left running.'));
  }
}

await main();
