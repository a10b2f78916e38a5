/**
 * Is an encoded image complete? sharp's default (and `failOn: 'truncated'`)
 * decodes a JPEG cut short and padded with an end marker, or one whose header
 * claims more rows than its data holds, as a grey or blank lower half — a page
 * that OCRs "cleanly" with half its text missing. libjpeg reports both as a
 * warning ("premature end of data segment"), which `failOn: 'warning'` turns
 * into an error. Other warnings (extraneous bytes before a marker, …) are
 * common in scanner output and harmless, so only truncation is fatal.
 */
import sharp from 'sharp';
import { MAX_PIXELS, oneLine } from './limits.js';

// libvips's operation cache can hand back a decode cached for another input buffer: in a
// folder of bombs at --jobs 4 a truncated JPEG inside a PDF passed this check and converted at
// quality 0.94 until the cache was off (scripts/bombs.ts). vanban decodes each image for a
// purpose once, so the cache buys nothing; it is off for the whole process.
sharp.cache(false);

const TRUNCATION = /premature end|truncat|unexpected end|not enough data|end of (file|stream|data)|short read|read error|incomplete/i;

export function looksTruncated(message: string): boolean {
  return TRUNCATION.test(message);
}

/**
 * Decodes the image once at a small size (JPEG shrink-on-load still reads every
 * entropy-coded byte) and returns the reason when its data ends early, else
 * undefined. Errors other than truncation are left to the real decode.
 */
export function truncationOf(bytes: Uint8Array, page?: number): Promise<string | undefined> {
  const run = checks.then(() => confirmedTruncation(bytes, page));
  checks = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

// libvips reports the decoder's "premature end" warning unreliably while other decodes run at the
// same time (measured: a truncated JPEG passed 23 % of checks run 8 at a time, 2 % of single
// checks beside two good decodes). Checks therefore run one at a time, and a page passes only
// when three checks in a row find nothing: each costs a 1/8-scale decode, a few ms.
let checks: Promise<unknown> = Promise.resolve();
const CHECKS = 3;

async function confirmedTruncation(bytes: Uint8Array, page?: number): Promise<string | undefined> {
  for (let i = 0; i < CHECKS; i++) {
    const found = await truncationOnce(bytes, page);
    if (found) return found;
  }
  return undefined;
}

async function truncationOnce(bytes: Uint8Array, page?: number): Promise<string | undefined> {
  try {
    await sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_PIXELS, ...(page === undefined ? {} : { page }) })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
    return undefined;
  } catch (error) {
    const message = oneLine((error as Error | undefined)?.message ?? String(error));
    return looksTruncated(message) ? message : undefined;
  }
}
