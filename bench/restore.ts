/**
 * Restorer speed on one core: model load, then syllables per CPU-second on text the
 * process has never seen, all marks stripped (the hardest input: every word has many forms).
 *
 *   npx tsx bench/restore.ts          (or npm run bench -- restore)
 *
 * The text is held-out corpus text when ../shared/corpus is there (never trained on), else
 * the committed ground truths (fixtures, a few thousand syllables: indicative only). It is
 * read and stripped here, then restored in a fresh child process that holds nothing else,
 * as a user's would (reading the corpus leaves garbage whose collection is not the
 * restorer's cost). The first pass is what a batch meets: every new word fills the
 * candidate cache and the JIT starts cold (general text runs first). The second pass
 * re-runs the same text: the steady state. Last, the same lines with their marks, as OCR of
 * a good scan gives them (trusted text: most words keep their own forms). CPU time counts all of the process's threads,
 * the JIT compiler's and the GC's included, so it is the conservative figure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadModel } from '../src/restore/lm.js';
import { warmChannel } from '../src/restore/channel.js';
import { restore } from '../src/restore/index.js';
import { tokenize } from '../src/restore/tokenize.js';
import { corpusAvailable } from '../scripts/lib/corpus.js';

const wordCount = (text: string): number => tokenize(text).filter((t) => t.kind === 'word').length;

interface Sample {
  source: string;
  /** Marks stripped. */
  general: string[];
  admin: string[];
  /** The same lines with their marks, as OCR of a good scan gives them. */
  accented: string[];
}

/** Held-out text per domain, about `syllables` each, marks stripped, in a fixed shuffled order. */
async function unseenText(syllables: number): Promise<Sample> {
  const { heldoutSample, rng, stripMarks } = await import('../scripts/eval-restore.js');
  if (corpusAvailable()) {
    const shuffled = (lines: string[]): string[] => {
      const r = rng(7);
      for (let i = lines.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      return lines;
    };
    const general = shuffled(heldoutSample('general', syllables));
    const admin = shuffled(heldoutSample('admin', syllables));
    return { source: 'held-out corpus', general: general.map(stripMarks), admin: admin.map(stripMarks), accented: [...general, ...admin] };
  }
  const dir = new URL('../tests/fixtures-structure/', import.meta.url);
  const admin = [
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.txt') && !f.includes('ocr'))
      .flatMap((f) => readFileSync(new URL(f, dir), 'utf8').split('\n')),
    ...readFileSync(new URL('../fixtures/restore/004.truth.txt', import.meta.url), 'utf8').split('\n'),
  ].filter((l) => l.trim() !== '');
  return { source: 'committed ground truths (no ../shared/corpus)', general: [], admin: admin.map(stripMarks), accented: admin };
}

/** Runs in the child: load, restore each domain twice, report. */
function measure(sample: Sample): Record<string, number | string> {
  const t0 = performance.now();
  const model = loadModel();
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  model.formsOfBase('a');
  warmChannel(model);
  const indexMs = performance.now() - t1;

  const cpuSeconds = (fn: () => void): number => {
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    return (d.user + d.system) / 1e6;
  };
  const run = (lines: string[]): number => cpuSeconds(() => lines.forEach((l) => restore(l, { model })));
  const syllables = { general: sample.general.reduce((n, l) => n + wordCount(l), 0), admin: sample.admin.reduce((n, l) => n + wordCount(l), 0) };
  const first = { general: run(sample.general), admin: run(sample.admin) };
  const second = { general: run(sample.general), admin: run(sample.admin) };
  const total = syllables.general + syllables.admin;
  // Accented text after all that: the JIT is warm, but its words (marked keys) are new.
  const accented = { first: run(sample.accented), second: run(sample.accented) };

  const ocr = readFileSync(new URL('../fixtures/restore/004.ocr.txt', import.meta.url), 'utf8');
  const seedMs = cpuSeconds(() => restore(ocr, { model })) * 1000;

  const figures: Record<string, number | string> = {
    text: sample.source,
    ...(total < 50_000 ? { note: `only ${total} syllables: JIT warm-up dominates, so these rates say little; run with ../shared/corpus` } : {}),
    modelLoadMs: loadMs,
    candidateIndexMs: indexMs,
    syllablesGeneral: syllables.general,
    syllablesAdmin: syllables.admin,
  };
  if (syllables.general > 0) figures['firstPassPerSecGeneral'] = syllables.general / first.general;
  figures['firstPassPerSecAdmin'] = syllables.admin / first.admin;
  figures['firstPassPerSecAll'] = total / (first.general + first.admin);
  figures['secondPassPerSecAll'] = total / (second.general + second.admin);
  figures['accentedFirstPassPerSec'] = total / accented.first;
  figures['accentedSecondPassPerSec'] = total / accented.second;
  figures['seedOcrPageMs'] = seedMs;
  figures['peakRssMiB'] = process.resourceUsage().maxRSS / 1024;
  return figures;
}

export async function benchRestore(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'vanban-bench-restore-'));
  try {
    const file = join(dir, 'sample.json');
    writeFileSync(file, JSON.stringify(await unseenText(100_000)));
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (child.status !== 0) throw new Error(`restore benchmark child failed (exit ${child.status ?? child.signal})`);
    return JSON.parse(child.stdout) as Record<string, number | string>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default benchRestore;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--measure');
  if (at >= 0) {
    process.stdout.write(JSON.stringify(measure(JSON.parse(readFileSync(process.argv[at + 1]!, 'utf8')) as Sample)));
  } else {
    for (const [k, v] of Object.entries(await benchRestore())) console.log(`[restore] ${k}: ${typeof v === 'number' ? +v.toFixed(1) : v}`);
  }
}
