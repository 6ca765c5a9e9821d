// Prints the README's inputs and outputs tables from action.yml, its Dynamo releases table from
// src/releases/releases.json and its bounds table from src/bounded/limits.ts, so they cannot drift:
//   node scripts/readme-tables.ts          (a unit test checks the README holds exactly these)
//   node scripts/readme-tables.ts --write  (puts them between the README's markers; run prettier after)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BOUNDS } from '../src/bounded/limits.ts';

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
    const trtllm = `\`${r.trtllmKvEvents.flagOn}\` / \`${r.trtllmKvEvents.env}\`${r.trtllmKvEvents.deprecated ? ` (also \`${r.trtllmKvEvents.deprecated.flagOn}\`)` : ''}`;
    const workersMode = r.workerRouterAdvertisement
      ? 'advertised and honoured: refused when it differs (`workers-pin-mode`)'
      : 'not advertised';
    const does = [
      missing.length ? `refuses ${missing.join(', ')} before launch or write (\`unsupported-mode\`)` : '',
      r.modelReadyGauge ? `waits for \`${r.modelReadyGauge}\` 1 before the chat` : '',
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
    return `| ${r.series}.x (read: ${r.checked.join(', ')}) | ${cell(does || 'applies and checks every mode')} | ${modes} | ${events} | ${pins || 'none'} | ${trtllm} | ${workersMode} | ${cell(planes)} | ${r.directHeader ? `\`${r.directHeader}\`` : 'none'} | ${unknownMode} | \`${r.metrics.routerOverheadPrefix}*\` | ${worker} |`;
  });
  return [
    "| series | what the action does | router modes | KV events off (flag / env) | other routing pins | TensorRT-LLM workers publish KV events (flag / env) | a worker's own `--router-mode` / `DYN_ROUTER_MODE` | event plane default | direct-mode header | unknown `DYN_ROUTER_MODE` | router overhead metrics | replies name the serving worker (routing probe) |",
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
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
  trtllmKvEvents: { flagOn: string; env: string; deprecated: { flagOn: string } | null };
  workerRouterAdvertisement: boolean;
  modelReadyGauge: string | null;
  workerIdInResponse?: string;
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

/** The README's bounds table ("Security: what the action promises"), from src/bounded/limits.ts. */
export function boundsTable(): string {
  return [
    '| what | bound | when it is reached |',
    '| --- | --- | --- |',
    ...BOUNDS.map((b) => `| ${cell(b.what)} | ${cell(b.limit)} | ${cell(b.then)} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { inputs, outputs } = readmeTables();
  if (process.argv[2] === '--write') {
    const file = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'README.md');
    let text = readFileSync(file, 'utf8');
    const tables: Record<string, string> = {
      inputs,
      outputs,
      releases: releasesTable(),
      bounds: boundsTable(),
    };
    for (const [name, table] of Object.entries(tables)) {
      const start = `<!-- ${name}:start -->`;
      const end = `<!-- ${name}:end -->`;
      const from = text.indexOf(start);
      const to = text.indexOf(end);
      if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end}`);
      text = `${text.slice(0, from + start.length)}\n\n${table}\n\n${text.slice(to)}`;
    }
    writeFileSync(file, text);
  } else {
    console.log(`${inputs}\n\n${outputs}\n\n${releasesTable()}\n\n${boundsTable()}`);
  }
}
