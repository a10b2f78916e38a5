import { describe, expect, it } from 'vitest';
import { OcrPool, traineddataDir } from '../src/ocr/index.js';
import { VanbanError } from '../src/errors.js';

describe('OCR engine set-up errors', () => {
  it('names a missing language package as a MODEL error before any worker starts', async () => {
    const error = await OcrPool.create({ jobs: 1, languages: ['xyz'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VanbanError);
    expect((error as VanbanError).code).toBe('MODEL');
    expect((error as VanbanError).message).toMatch(/@tesseract\.js-data\/xyz/u);
  });

  it('finds both shipped Vietnamese models in node_modules', () => {
    expect(traineddataDir('vie', '4.0.0')).toMatch(/@tesseract\.js-data[\\/]vie[\\/]4\.0\.0$/u);
    expect(traineddataDir('vie', '4.0.0_best_int')).toMatch(/4\.0\.0_best_int$/u);
  });

  it('rejects a nonsensical worker count', async () => {
    await expect(OcrPool.create({ jobs: 0 })).rejects.toMatchObject({ code: 'USAGE' });
  });
});
