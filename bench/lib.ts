// Shared helpers for the benchmarks: interleaved runs of whole commands, medians and ratios.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Candidate {
  name: string;
  argv: string[];
  env?: Record<string, string>;
  /** Exit statuses that count as a completed run (default [0]), e.g. a run meant to fail. */
  okStatus?: number[];
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Runs every candidate once per round, in rotating order, and returns wall times in ms. */
export function interleaved(candidates: Candidate[], rounds: number, warmup = 2): Map<string, number[]> {
  const times = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  for (let round = -warmup; round < rounds; round++) {
    const order = candidates.map((_, i) => candidates[(i + Math.max(round, 0)) % candidates.length]);
    for (const c of order) {
      const started = process.hrtime.bigint();
      const r = spawnSync(c.argv[0], c.argv.slice(1), {
        env: { ...process.env, ...c.env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (!(c.okStatus ?? [0]).includes(r.status as number))
        throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
      if (round >= 0) times.get(c.name)!.push(ms);
    }
  }
  return times;
}

export function table(times: Map<string, number[]>, baseline: string): string {
  const base = median(times.get(baseline)!);
  const rows = [...times].map(
    ([name, t]) =>
      `| ${name} | ${median(t).toFixed(1)} | ${percentile(t, 90).toFixed(1)} | ${(median(t) / base).toFixed(2)} |`,
  );
  return [
    '| command | median ms | p90 ms | ratio to ' + baseline + ' |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** A runner step's own files (outputs, summary, state, env) and home, in a new directory under `work`. */
export function runnerFiles(work: string, name: string): Record<string, string> {
  const d = mkdtempSync(path.join(work, `${name}-`));
  for (const f of ['out', 'summary', 'state', 'env']) writeFileSync(path.join(d, f), '');
  return {
    HOME: d,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: d,
    GITHUB_OUTPUT: path.join(d, 'out'),
    GITHUB_STEP_SUMMARY: path.join(d, 'summary'),
    GITHUB_STATE: path.join(d, 'state'),
    GITHUB_ENV: path.join(d, 'env'),
  };
}
