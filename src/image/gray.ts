/**
 * 8-bit single-channel images held as plain pixel arrays, so every step can be a
 * small pure function and tests can build images without codecs.
 */
import sharp from 'sharp';
import { VanbanError } from '../errors.js';

export interface GrayImage {
  /** Row-major pixels, 0 = black, 255 = white. */
  data: Uint8Array;
  width: number;
  height: number;
}

export function createGray(width: number, height: number, fill = 255): GrayImage {
  const data = new Uint8Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { data, width, height };
}

/**
 * Decodes PNG/JPEG/TIFF bytes to grayscale. Transparency is composited on white
 * (a transparent page background is paper, not ink).
 */
export async function decodeGray(bytes: Uint8Array, what = 'page image'): Promise<GrayImage> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: 400_000_000 })
      .flatten({ background: '#ffffff' })
      .grayscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected 1 channel after grayscale, got ${info.channels}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (cause) {
    throw new VanbanError('CORRUPT', `cannot decode ${what} (${(cause as Error).message}); the image data is damaged or in an unsupported format`, { cause });
  }
}

/** PNG for the OCR engine; low zlib effort because the bytes are decoded again at once. */
export async function encodePng(img: GrayImage): Promise<Uint8Array> {
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Resamples to an exact size with sharp (pixel-centre aligned, as libvips does). */
export async function resizeGray(img: GrayImage, width: number, height: number, kernel: 'linear' | 'cubic' | 'lanczos3' = 'lanczos3'): Promise<GrayImage> {
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } })
    .resize(width, height, { kernel, fit: 'fill' })
    // Without this, sharp widens single-channel raw input to sRGB.
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .then(({ data, info }) => {
      if (info.channels !== 1) throw new Error(`resize produced ${info.channels} channels`);
      return data;
    });
  return { data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), width, height };
}

/** Box-average downscale by an integer factor (fast, alias-free enough for measurements). */
export function downscaleMean(img: GrayImage, factor: number): GrayImage {
  const f = Math.max(1, Math.floor(factor));
  if (f === 1) return img;
  if (f === 2) return halve(img);
  const w = Math.floor(img.width / f);
  const h = Math.floor(img.height / f);
  const out = new Uint8Array(w * h);
  const acc = new Uint32Array(w);
  const n = f * f;
  for (let by = 0; by < h; by++) {
    acc.fill(0);
    for (let dy = 0; dy < f; dy++) {
      const row = (by * f + dy) * img.width;
      for (let x = 0; x < w; x++) {
        let s = 0;
        const base = row + x * f;
        for (let dx = 0; dx < f; dx++) s += img.data[base + dx]!;
        acc[x]! += s;
      }
    }
    const o = by * w;
    for (let x = 0; x < w; x++) out[o + x] = Math.round(acc[x]! / n);
  }
  return { data: out, width: w, height: h };
}

function halve(img: GrayImage): GrayImage {
  const w = img.width >> 1;
  const h = img.height >> 1;
  const W = img.width;
  const d = img.data;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let i = 2 * y * W;
    let j = i + W;
    const o = y * w;
    for (let x = 0; x < w; x++, i += 2, j += 2) out[o + x] = (d[i]! + d[i + 1]! + d[j]! + d[j + 1]! + 2) >> 2;
  }
  return { data: out, width: w, height: h };
}

/** 256-bin histogram. */
export function histogram(img: GrayImage): Uint32Array {
  const h = new Uint32Array(256);
  const d = img.data;
  for (let i = 0; i < d.length; i++) h[d[i]!]!++;
  return h;
}

/** Otsu's threshold: pixels <= t are ink. */
export function otsuThreshold(hist: Uint32Array): number {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    total += hist[i]!;
    sum += i * hist[i]!;
  }
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let bestT = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      bestT = t;
    }
  }
  return bestT;
}

/** Rotates by a multiple of 90° clockwise (exact, no resampling). */
export function rotateRight(img: GrayImage, quarterTurns: 0 | 1 | 2 | 3): GrayImage {
  const { width: w, height: h, data } = img;
  if (quarterTurns === 0) return img;
  if (quarterTurns === 2) {
    const out = new Uint8Array(data.length);
    for (let i = 0, j = data.length - 1; i < data.length; i++, j--) out[j] = data[i]!;
    return { data: out, width: w, height: h };
  }
  const out = new Uint8Array(data.length);
  // Output is h wide, w tall.
  if (quarterTurns === 1) {
    // (x, y) → (h-1-y, x)
    for (let y = 0; y < h; y++) {
      const row = y * w;
      const ox = h - 1 - y;
      for (let x = 0; x < w; x++) out[x * h + ox] = data[row + x]!;
    }
  } else {
    // (x, y) → (y, w-1-x)
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) out[(w - 1 - x) * h + y] = data[row + x]!;
    }
  }
  return { data: out, width: h, height: w };
}
