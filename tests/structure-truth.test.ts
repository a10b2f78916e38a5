// Extraction on the ground-truth text of every synthetic fixture must give its truth.json exactly.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extract, type Section } from '../src/structure/index.js';

const root = fileURLToPath(new URL('../fixtures/', import.meta.url));

function truthFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    // Real scans are hand-transcribed evaluation data: measured, never an exact target to tune to.
    if (name === 'realscans') continue;
    if (statSync(path).isDirectory()) out.push(...truthFiles(path));
    else if (name.endsWith('.truth.json') && existsSync(path.replace(/\.truth\.json$/, '.gt.txt'))) out.push(path);
  }
  return out;
}

interface TruthSection {
  number: string;
  title: string | null;
  text: string;
  level: number;
  children: TruthSection[];
}
const pick = (s: Section): TruthSection => ({ number: s.number, title: s.title, text: s.text, level: s.level, children: s.children.map(pick) });

const files = truthFiles(root);

describe.skipIf(files.length === 0)('fixtures: extract(gt.txt) equals truth.json', () => {
  it.each(files.map((f) => [f.slice(root.length), f]))('%s', (_name, path) => {
    const truth = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const doc = extract(readFileSync(path.replace(/\.truth\.json$/, '.gt.txt'), 'utf8'));
    const got: Record<string, unknown> = { ...doc, sections: doc.sections.map(pick) };
    // Compare the fields the truth defines (the extractor adds provenance and more).
    for (const key of Object.keys(truth)) expect({ [key]: got[key] }).toEqual({ [key]: truth[key] });
  });
});
