/** The package version, read from package.json (one source of truth for --version, JSON and PDF producer). */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  // src/output/ and dist/output/ both sit two levels below the package root.
  const file = new URL('../../package.json', import.meta.url);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string') throw new Error(`no version in ${file.pathname}`);
  return parsed.version;
}

export const VERSION = readVersion();
