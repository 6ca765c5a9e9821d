// Runs the bundled action (dist/index.js) as the GitHub runner does: a real Node 24 process with
// INPUT_* variables (hyphens kept) and real GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE /
// GITHUB_ENV files, then reads them back. The post step runs the same bundle with STATE_* set.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
export const ACTION = process.env.ACTION_BUNDLE ?? path.join(ROOT, 'dist', 'index.js');
export const CLI = process.env.CLI_BUNDLE ?? path.join(ROOT, 'dist', 'cli', 'index.js');

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  elapsedMs: number;
  dir: string;
}

/** Parses the runner's file-command format (`name<<delimiter` … `delimiter`, or `name=value`). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

function runProcess(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
  cwd?: string,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** The environment a runner gives an action, minus anything from this test process's inputs. */
function runnerEnv(dir: string, extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v === undefined ||
      k.startsWith('INPUT_') ||
      k.startsWith('STATE_') ||
      k.startsWith('GITHUB_') ||
      k === 'NODE_OPTIONS'
    )
      continue;
    env[k] = v;
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_ENV: path.join(dir, 'env'),
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunActionOptions {
  /** Extra process env (e.g. DYN_FILE_KV for a launched frontend). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  script?: string;
  /** Working directory of the step (a runner starts steps in GITHUB_WORKSPACE); default this process's. */
  cwd?: string;
}

/** Runs the main step with `inputs` (keys as in action.yml). */
export async function runAction(
  inputs: Record<string, string>,
  options: RunActionOptions = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'action-run-'));
  for (const f of ['output', 'summary', 'state', 'env']) writeFileSync(path.join(dir, f), '');
  const env = runnerEnv(dir, options.env ?? {});
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const started = Date.now();
  const result = await runProcess(options.script ?? ACTION, env, options.timeoutMs ?? 180_000, options.cwd);
  return {
    ...result,
    elapsedMs: Date.now() - started,
    outputs: parseFileCommands(readFileSync(path.join(dir, 'output'), 'utf8')),
    state: parseFileCommands(readFileSync(path.join(dir, 'state'), 'utf8')),
    summary: readFileSync(path.join(dir, 'summary'), 'utf8'),
    dir,
  };
}

/** Runs the post step of a finished main step, with its saved state. */
export async function runPost(main: ActionRun, options: RunActionOptions = {}): Promise<ActionRun> {
  const dir = main.dir;
  writeFileSync(path.join(dir, 'output'), '');
  const env = runnerEnv(dir, options.env ?? {});
  for (const [name, value] of Object.entries(main.state)) env[`STATE_${name}`] = value;
  const started = Date.now();
  const result = await runProcess(options.script ?? ACTION, env, options.timeoutMs ?? 60_000);
  return {
    ...result,
    elapsedMs: Date.now() - started,
    outputs: {},
    state: main.state,
    summary: readFileSync(path.join(dir, 'summary'), 'utf8'),
    dir,
  };
}

export function cleanup(run: ActionRun): void {
  rmSync(run.dir, { recursive: true, force: true });
}

/** Runs the bundled CLI with argv; returns exit code, stdout and stderr. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 120_000,
) {
  return new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NODE_OPTIONS: undefined, ...env }))
      if (v !== undefined) childEnv[k] = v;
    const child = spawn(NODE, [CLI, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** True when a process with this pid is alive (and not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}
