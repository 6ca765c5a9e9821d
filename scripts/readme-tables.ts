// Prints the README's inputs and outputs tables from action.yml and its Dynamo releases table from
// src/releases/releases.json, so they cannot drift:
//   node scripts/readme-tables.ts        (a unit test checks the README holds exactly these)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface ActionYaml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The README's "Dynamo releases" table, from src/releases/releases.json. */
export function releasesTable(root = path.resolve(import.meta.dirname, '..')): string {
  const data = JSON.parse(readFileSync(path.join(root, 'src', 'releases', 'releases.json'), 'utf8')) as {
    releases: ReleaseRow[];
  };
  const all = data.releases[data.releases.length - 1].routerModes;
  const rows = data.releases.map((r) => {
    const missing = all.filter((m) => !r.routerModes.includes(m));
    const modes = missing.length ? `${r.routerModes.join(', ')} (no ${missing.join(', ')})` : 'all seven';
    const events = `\`${r.kvEvents.flagOff}\` / \`${r.kvEvents.env}\``;
    const pins = [
      r.loadAware ? `\`${r.loadAware.flag}\`` : '',
      r.policyConfig
        ? `\`${r.policyConfig.flag}\`${r.policyConfig.overridesKvEvents ? ' (its `router:` settings win)' : ''}`
        : '',
    ]
      .filter(Boolean)
      .join(', ');
    const planes = `${r.discovery.eventPlaneDefault ?? ''}${r.discovery.needsNats ? '; NATS needed by default' : ''}`;
    const unknownMode =
      r.modeEnvUnknownValue === 'error'
        ? 'frontend exits'
        : r.modeEnvUnknownValue === 'round-robin'
          ? 'falls back to round-robin'
          : 'unknown';
    const does = [
      missing.length ? `refuses ${missing.join(', ')} before launch or write (\`unsupported-mode\`)` : '',
      r.loadAware ? '' : 'refuses `--load-aware` in `frontend-args`',
      r.policyConfig ? '' : 'refuses `--router-policy-config` in `frontend-args`',
      r.directHeader === 'x-dynamo-worker-instance-id'
        ? ''
        : `direct: names the worker in ${r.directHeader ?? 'no header'} too (older spelling)`,
    ]
      .filter(Boolean)
      .join('; ');
    const worker =
      r.workerIdInResponse === 'kv-only'
        ? 'kv mode only: other modes rest on log and metrics'
        : r.workerIdInResponse === 'all-modes'
          ? 'every mode'
          : 'unknown';
    const advertises = r.workerModeAdvertisement ? 'yes' : 'no';
    return `| ${r.series}.x (read: ${r.checked.join(', ')}) | ${cell(does || 'applies and checks every mode')} | ${modes} | ${events} | ${pins || 'none'} | ${cell(planes)} | ${r.directHeader ? `\`${r.directHeader}\`` : 'none'} | ${unknownMode} | \`${r.metrics.routerOverheadPrefix}*\` | ${worker} | ${advertises} |`;
  });
  return [
    '| series | what the action does | router modes | KV events off (flag / env) | other routing pins | event plane default | direct-mode header | unknown `DYN_ROUTER_MODE` | router overhead metrics | replies name the serving worker (routing probe) | workers can set the mode |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

interface ReleaseRow {
  series: string;
  checked: string[];
  routerModes: string[];
  kvEvents: { flagOff: string; env: string };
  loadAware: { flag: string } | null;
  policyConfig: { flag: string; overridesKvEvents: boolean } | null;
  modeEnvUnknownValue: string;
  metrics: { routerOverheadPrefix: string };
  discovery: { eventPlaneDefault?: string; needsNats: boolean };
  directHeader: string | null;
  workerIdInResponse?: string;
  workerModeAdvertisement?: boolean;
}

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
  console.log(`${inputs}\n\n${outputs}\n\n${releasesTable()}`);
}
