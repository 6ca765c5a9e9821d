// The history file on disk: inside the workspace only, never through a symlink, read bounded,
// torn and foreign lines skipped and kept, written atomically and capped (oldest lines first).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { capRecord, readLine } from '../../../src/history/record.js';
import {
  appendRecord,
  cappedText,
  historyFile,
  HISTORY_MAX_LINES,
  HISTORY_READ_MAX_BYTES,
  readHistory,
} from '../../../src/history/store.js';
import { RunFailure } from '../../../src/model/failure.js';
import { recordAt } from '../../support/history.ts';

let root: string;
let ws: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'history-'));
  ws = path.join(root, 'ws');
  mkdirSync(ws);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const lines = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n');

function badInput(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RunFailure);
    expect((error as RunFailure).code).toBe('bad-input');
    return (error as RunFailure).message;
  }
  throw new Error('expected bad-input');
}

describe('history path', () => {
  it('creates a missing file (and its directory) inside the workspace', () => {
    const file = historyFile(path.join(ws, '.router-history', 'canary.jsonl'), ws);
    const read = readHistory(file);
    expect(read.created).toBe(true);
    expect(read.records).toEqual([]);
    appendRecord(read, recordAt(1, 40));
    expect(lines(file.absolute)).toHaveLength(1);
    expect(statSync(file.absolute).mode & 0o777).toBe(0o644);
  });

  it('refuses a path outside the workspace, and one through a symlink', () => {
    expect(badInput(() => historyFile(path.join(root, 'elsewhere.jsonl'), ws))).toMatch(
      /Input `history` .*outside the workspace/,
    );
    expect(badInput(() => historyFile(path.join(ws, '..', 'up.jsonl'), ws))).toMatch(/outside the workspace/);
    mkdirSync(path.join(root, 'out'));
    symlinkSync(path.join(root, 'out'), path.join(ws, 'link'));
    expect(badInput(() => historyFile(path.join(ws, 'link', 'h.jsonl'), ws))).toMatch(
      /link is a symlink; the action never writes through a symlink/,
    );
    writeFileSync(path.join(root, 'target.jsonl'), '');
    symlinkSync(path.join(root, 'target.jsonl'), path.join(ws, 'h.jsonl'));
    expect(badInput(() => historyFile(path.join(ws, 'h.jsonl'), ws))).toMatch(/h\.jsonl is a symlink/);
  });

  it('without a workspace (the CLI) still never writes through a symlink', () => {
    writeFileSync(path.join(root, 'target.jsonl'), '');
    symlinkSync(path.join(root, 'target.jsonl'), path.join(root, 'h.jsonl'));
    expect(badInput(() => historyFile(path.join(root, 'h.jsonl'), undefined))).toMatch(/is a symlink/);
    expect(historyFile(path.join(root, 'plain.jsonl'), undefined).absolute).toBe(
      path.join(root, 'plain.jsonl'),
    );
  });

  it('refuses a directory and a FIFO without blocking', () => {
    mkdirSync(path.join(ws, 'dir.jsonl'));
    expect(badInput(() => readHistory(historyFile(path.join(ws, 'dir.jsonl'), ws)))).toMatch(
      /not a regular file/,
    );
    execFileSync('mkfifo', [path.join(ws, 'fifo.jsonl')]);
    expect(badInput(() => readHistory(historyFile(path.join(ws, 'fifo.jsonl'), ws)))).toMatch(
      /not a regular file/,
    );
  });
});

describe('reading', () => {
  it('skips a torn last line and a foreign line, keeps every record, and keeps them in the file', () => {
    const file = path.join(ws, 'h.jsonl');
    const records = [1, 2, 3].map((i) => JSON.stringify(recordAt(i, 40)));
    const torn = JSON.stringify(recordAt(4, 40)).slice(0, 70);
    const foreign = JSON.stringify({ benchmark: 'ttft', value: 12 });
    writeFileSync(file, [records[0], foreign, records[1], '', records[2], torn].join('\n'));
    const read = readHistory(historyFile(file, ws));
    expect(read.records.map((r) => r.record.commit)).toEqual(['c1', 'c2', 'c3']);
    expect(read.skipped).toEqual([
      { line: 2, why: expect.stringMatching(/not a record of this action/) },
      { line: 6, why: expect.stringMatching(/not JSON/) },
    ]);
    appendRecord(read, recordAt(5, 40));
    const after = lines(file);
    // The blank line is gone; the foreign and torn lines are kept as they were; the record is last.
    expect(after).toEqual([records[0], foreign, records[1], records[2], torn, expect.stringMatching(/"c5"/)]);
    expect(readHistory(historyFile(file, ws)).records).toHaveLength(4);
  });

  it('names a newer schema and a record with malformed fields', () => {
    expect(
      readLine(JSON.stringify({ ...recordAt(1, 40), schema: 'dynamo-router-starter/history/v2' })),
    ).toEqual({
      ok: false,
      why: expect.stringMatching(/another schema version \(dynamo-router-starter\/history\/v2\)/),
    });
    expect(
      readLine(JSON.stringify({ ...recordAt(1, 40), latency: { source: 'smoke' }, result: 'maybe' })),
    ).toEqual({
      ok: false,
      why: expect.stringMatching(/malformed fields \(result, latency\)/),
    });
    expect(readLine('[1,2]').ok).toBe(false);
    expect(readLine('null').ok).toBe(false);
  });

  it('reads at most its cap, from the end, and says how much it left', () => {
    const file = path.join(ws, 'big.jsonl');
    const record = JSON.stringify(recordAt(1, 40));
    const filler = `${'x'.repeat(1000)}\n`.repeat(Math.ceil(HISTORY_READ_MAX_BYTES / 1001) + 10);
    writeFileSync(file, `${filler}${record}\n`);
    const read = readHistory(historyFile(file, ws));
    expect(read.unreadBytes).toBeGreaterThan(0);
    expect(read.records).toHaveLength(1);
  });
});

describe('writing', () => {
  it('caps the file at its line limit, dropping the oldest lines first', () => {
    const many = Array.from({ length: HISTORY_MAX_LINES + 5 }, (_, i) => `line ${i}`);
    const { text, dropped } = cappedText(many, 'new');
    const out = text.trimEnd().split('\n');
    expect(out).toHaveLength(HISTORY_MAX_LINES);
    expect(dropped).toBe(6);
    expect(out[0]).toBe('line 6');
    expect(out[out.length - 1]).toBe('new');
  });

  it('replaces the file atomically: no temporary file is left, the mode is kept', () => {
    const file = path.join(ws, 'h.jsonl');
    writeFileSync(file, `${JSON.stringify(recordAt(1, 40))}\n`, { mode: 0o600 });
    const read = readHistory(historyFile(file, ws));
    appendRecord(read, recordAt(2, 40));
    expect(readdirSync(ws)).toEqual(['h.jsonl']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines(file)).toHaveLength(2);
  });

  it('refuses to write when the file became a symlink during the run', () => {
    const file = path.join(ws, 'h.jsonl');
    const read = readHistory(historyFile(file, ws));
    writeFileSync(path.join(root, 'victim'), 'keep');
    symlinkSync(path.join(root, 'victim'), file);
    expect(badInput(() => appendRecord(read, recordAt(1, 40)))).toMatch(/symlink/);
    expect(readFileSync(path.join(root, 'victim'), 'utf8')).toBe('keep');
    expect(existsSync(path.join(ws, 'h.jsonl'))).toBe(true);
  });

  it('caps what a frontend controls in a record', () => {
    const huge = recordAt(1, 40, {
      models: { ids: Array.from({ length: 50 }, (_, i) => `m${i}${'y'.repeat(400)}`), count: 50 },
      workers: { ids: Array.from({ length: 100 }, (_, i) => String(i)), count: 100, source: 'health' },
    });
    const capped = capRecord(huge);
    expect(capped.models.ids).toHaveLength(16);
    expect(capped.models.count).toBe(50);
    expect(capped.models.ids[0].length).toBeLessThanOrEqual(257);
    expect(capped.workers?.ids).toHaveLength(64);
    expect(Buffer.byteLength(JSON.stringify(capped))).toBeLessThan(8 * 1024);
    expect(readLine(JSON.stringify(capped)).ok).toBe(true);
  });
});
