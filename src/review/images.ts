/**
 * Page images for the browser: read from the input the document JSON names
 * (src/pdf, the same upright image the boxes refer to), made a JPEG a browser
 * can show (TIFF and G4 cannot), and cached under the output folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { VanbanError } from '../errors.js';
import { writeFileAtomic } from '../output/atomic.js';
import { readPages } from '../pdf/index.js';
import { CACHE_DIR } from './catalog.js';

/** Wide enough to read small print on a screen; boxes scale with the image. */
const MAX_WIDTH = 2000;

const mtime = (path: string): Promise<number> => stat(path).then((s) => s.mtimeMs, () => -1);

/** JPEG bytes of one page, from the cache when it is newer than the input. */
export async function pageImage(root: string, id: string, source: string, page: number): Promise<Uint8Array> {
  const cached = join(root, CACHE_DIR, `${id.replace(/\.json$/i, '')}.p${page}.jpg`);
  const sourceTime = await mtime(source);
  if (sourceTime < 0) throw new VanbanError('ENOENT', 'the input scan named by the document JSON is missing', { file: source });
  if ((await mtime(cached)) >= sourceTime) return readFile(cached);
  for await (const image of readPages(source, { pages: [page] })) {
    const jpeg = await sharp(image.data)
      .resize({ width: Math.min(MAX_WIDTH, image.width), withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82 })
      .toBuffer();
    await writeFileAtomic(cached, jpeg);
    return jpeg;
  }
  throw new VanbanError('NO_PAGES', `the input has no page ${page}`, { file: source });
}
