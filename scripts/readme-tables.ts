// Prints the README's inputs and outputs tables from action.yml, so the two cannot drift:
//   node scripts/readme-tables.ts        (a unit test checks the README holds exactly these)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface ActionYaml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function readmeTables(root = path.resolve(import.meta.dirname, '..')): {
  inputs: string;
  outputs: string;
} {
  const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as ActionYaml;
  const inputs = [
    '| input | default | meaning |',
    '| --- | --- | --- |',
    ...Object.entries(action.inputs).map(
      ([name, i]) =>
        `| \`${name}\` | ${i.default ? `\`${i.default}\`` : '(empty)'} | ${cell(i.description)} |`,
    ),
  ].join('\n');
  const outputs = [
    '| output | meaning |',
    '| --- | --- |',
    ...Object.entries(action.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`),
  ].join('\n');
  return { inputs, outputs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { inputs, outputs } = readmeTables();
  console.log(`${inputs}\n\n${outputs}`);
}
