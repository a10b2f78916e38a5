/** PNG output for decoded page images, turned upright with native sharp operations. */
import sharp, { type Sharp } from 'sharp';
import { sharpOps, type Orientation } from './placement.js';

/** PNG compression: these images are transient, so favour speed. */
export const PNG_OPTIONS = { compressionLevel: 2, adaptiveFiltering: false } as const;

export interface Extracted {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Encodes pixels (raw or any sharp input) as PNG, turned upright. */
export async function uprightPng(input: Sharp, channels: 1 | 3, o: Orientation): Promise<Extracted> {
  const { angle, flop } = sharpOps(o);
  let s = angle ? input.rotate(angle) : input;
  if (flop) s = s.flop();
  // Without this a 1-channel input is written as RGB.
  s = channels === 1 ? s.toColourspace('b-w') : s.toColourspace('srgb');
  const { data, info } = await s.png(PNG_OPTIONS).toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export function rawInput(data: Uint8Array, width: number, height: number, channels: 1 | 3): Sharp {
  return sharp(data, { raw: { width, height, channels } });
}
