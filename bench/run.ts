/**
 * `npm run bench`: every benchmark in its own child process, so each one's
 * peak RSS is its own. `npm run bench -- pipeline restore` runs only those.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SECTIONS: Record<string, string> = {
  pdf: './pdf.ts',
  image: './image.ts',
  ocr: './ocr.ts',
  lm: './lm.ts',
  restore: './restore.ts',
  structure: './structure.ts',
  pipeline: './pipeline.ts',
  compare: './compare.ts',
  score: './score.ts',
  queue: './queue.ts',
};

const [, , ...args] = process.argv;

if (args[0] === '--child') {
  const name = args[1]!;
  const module = (await import(SECTIONS[name]!)) as Record<string, unknown>;
  const run = (module.default ?? module[`bench${name[0]!.toUpperCase()}${name.slice(1)}`]) as
    | (() => Promise<unknown>)
    | undefined;
  if (!run) throw new Error(`bench/${name}.ts exports no default or bench${name} function`);
  const figures = await run();
  if (figures && typeof figures === 'object') {
    for (const [key, value] of Object.entries(figures)) {
      console.log(`[${name}] ${key}: ${typeof value === 'number' ? +value.toFixed(3) : JSON.stringify(value)}`);
    }
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`[${name}] peak RSS ${rss.toFixed(0)} MiB`);
} else {
  const chosen = args.length > 0 ? args : Object.keys(SECTIONS);
  let failed = false;
  for (const name of chosen) {
    if (!SECTIONS[name]) {
      console.error(`unknown benchmark "${name}"; choose from ${Object.keys(SECTIONS).join(', ')}`);
      process.exit(2);
    }
    console.log(`\n=== ${name} ===`);
    const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name], {
      stdio: 'inherit',
    });
    if (result.status !== 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
}
