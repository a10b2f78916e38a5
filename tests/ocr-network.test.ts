import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cer } from '../src/quality/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('OCR without network', () => {
  it('starts workers and recognizes with every outbound connection refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vanban-nonet-'));
    const netLog = join(dir, 'attempts.log');
    const loaded = join(dir, 'loaded.log');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--import', './tests/helpers/no-network.mjs', 'tests/helpers/no-network-child.ts'],
      { cwd: root, env: { ...process.env, VANBAN_NET_LOG: netLog, VANBAN_NET_LOADED: loaded }, timeout: 120_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { probes: string[]; text: string; expected: string };
    // The guard is live: both probes from the main thread were refused and logged…
    expect(result.probes).toEqual(['fetch', 'net']);
    const attempts = readFileSync(netLog, 'utf8').trim().split('\n');
    expect(attempts).toEqual(['0 fetch', '0 net.connect']);
    // …it was installed in the tesseract.js worker thread as well…
    const threads = new Set(readFileSync(loaded, 'utf8').trim().split('\n'));
    expect(threads.has('0')).toBe(true);
    expect(threads.size).toBeGreaterThanOrEqual(2);
    // …and recognition still worked, with no further attempt from any thread.
    expect(cer(result.text, result.expected)).toBeLessThan(0.05);
  });
});
