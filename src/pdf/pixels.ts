/**
 * Image XObject samples → 8-bit gray or RGB pixels, following the PDF rules
 * for ColorSpace, BitsPerComponent and /Decode. Anything we cannot reproduce
 * faithfully raises StreamError('unsupported') so the page gets rendered.
 */
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFString, type PDFObject } from 'pdf-lib';
import { StreamError, decodeStream } from '../pdfdoc/streams.js';

export type ColorModel =
  | { kind: 'gray' | 'rgb' | 'cmyk'; components: 1 | 3 | 4 }
  | { kind: 'indexed'; components: 1; base: 'gray' | 'rgb' | 'cmyk'; baseComponents: 1 | 3 | 4; hival: number; lookup: Uint8Array };

export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

function name(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFName ? obj.decodeText() : undefined;
}

function deviceFromComponents(n: number): ColorModel {
  if (n === 1) return { kind: 'gray', components: 1 };
  if (n === 3) return { kind: 'rgb', components: 3 };
  if (n === 4) return { kind: 'cmyk', components: 4 };
  throw new StreamError(`ICC profile with ${n} components`, 'unsupported');
}

/** Resolves /ColorSpace (names, ICCBased, Cal*, Indexed); Lab/Separation/DeviceN/Pattern are unsupported. */
export function colorModel(cs: PDFObject | undefined, depth = 0): ColorModel {
  if (depth > 4) throw new StreamError('colour space nests too deeply', 'unsupported');
  const n = name(cs);
  if (n) {
    if (n === 'DeviceGray' || n === 'G' || n === 'CalGray') return { kind: 'gray', components: 1 };
    if (n === 'DeviceRGB' || n === 'RGB' || n === 'CalRGB') return { kind: 'rgb', components: 3 };
    if (n === 'DeviceCMYK' || n === 'CMYK') return { kind: 'cmyk', components: 4 };
    throw new StreamError(`colour space ${n}`, 'unsupported');
  }
  if (!(cs instanceof PDFArray) || cs.size() === 0) throw new StreamError('missing colour space', 'unsupported');
  const family = name(cs.lookup(0));
  if (family === 'CalGray') return { kind: 'gray', components: 1 };
  if (family === 'CalRGB') return { kind: 'rgb', components: 3 };
  if (family === 'ICCBased') {
    const profile = cs.lookup(1);
    if (!(profile instanceof PDFRawStream)) throw new StreamError('ICCBased without a profile stream', 'corrupt');
    const count = profile.dict.lookup(PDFName.of('N'));
    if (count instanceof PDFNumber) return deviceFromComponents(count.asNumber());
    return colorModel(profile.dict.lookup(PDFName.of('Alternate')), depth + 1);
  }
  if (family === 'Indexed' || family === 'I') {
    const base = colorModel(cs.lookup(1), depth + 1);
    if (base.kind === 'indexed') throw new StreamError('Indexed over Indexed', 'corrupt');
    const hivalObj = cs.lookup(2);
    const hival = hivalObj instanceof PDFNumber ? Math.max(0, Math.min(255, Math.floor(hivalObj.asNumber()))) : 255;
    const table = cs.lookup(3);
    let lookup: Uint8Array;
    if (table instanceof PDFString) lookup = table.asBytes();
    else if (table instanceof PDFHexString) lookup = table.asBytes();
    else if (table instanceof PDFRawStream) lookup = decodeStream(table).data;
    else throw new StreamError('Indexed colour space without a lookup table', 'corrupt');
    return { kind: 'indexed', components: 1, base: base.kind, baseComponents: base.components, hival, lookup };
  }
  throw new StreamError(`colour space ${family ?? '?'}`, 'unsupported');
}

/** The /Decode array as [min, max] pairs, or undefined when it is the default. */
export function decodeRanges(dict: PDFDict, model: ColorModel, bpc: number): Array<[number, number]> | undefined {
  const d = dict.lookup(PDFName.of('Decode')) ?? dict.lookup(PDFName.of('D'));
  if (!(d instanceof PDFArray)) return undefined;
  const values = d.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : NaN));
  if (values.length < model.components * 2 || values.some((v) => !Number.isFinite(v))) return undefined;
  const ranges: Array<[number, number]> = [];
  const defaultMax = model.kind === 'indexed' ? (1 << bpc) - 1 : 1;
  let isDefault = true;
  for (let c = 0; c < model.components; c++) {
    const r: [number, number] = [values[2 * c]!, values[2 * c + 1]!];
    if (r[0] !== 0 || r[1] !== defaultMax) isDefault = false;
    ranges.push(r);
  }
  return isDefault ? undefined : ranges;
}

function cmykToRgb(c: number, m: number, y: number, k: number): [number, number, number] {
  // Naive conversion: enough for OCR (no ICC profile is applied).
  const kk = 255 - k;
  return [((255 - c) * kk) / 255, ((255 - m) * kk) / 255, ((255 - y) * kk) / 255];
}

/**
 * Builds 8-bit pixels from already-unfiltered samples. `samples` holds rows
 * padded to whole bytes, as PDF stores them.
 */
export function samplesToPixels(
  samples: Uint8Array,
  width: number,
  height: number,
  bpc: number,
  model: ColorModel,
  decode: Array<[number, number]> | undefined,
): Pixels {
  if (![1, 2, 4, 8, 16].includes(bpc)) throw new StreamError(`${bpc} bits per component`, 'corrupt');
  const comps = model.components;
  const rowBytes = Math.ceil((width * comps * bpc) / 8);
  if (samples.length < rowBytes * height) {
    throw new StreamError(`image data is short: ${samples.length} of ${rowBytes * height} bytes (truncated?)`, 'corrupt');
  }
  const maxV = (1 << bpc) - 1;
  // Fast path: 8-bit gray/RGB, default decode.
  if (bpc === 8 && !decode && (model.kind === 'gray' || model.kind === 'rgb')) {
    const data = samples.length === rowBytes * height ? samples : samples.subarray(0, rowBytes * height);
    return { data, width, height, channels: comps as 1 | 3 };
  }
  // Per-component lookup from raw sample value to an 8-bit value (or palette index).
  const tables: Uint8Array[] = [];
  const sampleMax = bpc === 16 ? 255 : maxV; // 16-bit: only the high byte is read
  for (let c = 0; c < comps; c++) {
    const t = new Uint8Array(sampleMax + 1);
    const [lo, hi] = decode?.[c] ?? [0, model.kind === 'indexed' ? maxV : 1];
    for (let v = 0; v <= sampleMax; v++) {
      const x = lo + (v * (hi - lo)) / sampleMax;
      t[v] = model.kind === 'indexed' ? Math.max(0, Math.min(255, Math.round(x))) : Math.max(0, Math.min(255, Math.round(x * 255)));
    }
    tables.push(t);
  }
  const outChannels: 1 | 3 = model.kind === 'gray' || (model.kind === 'indexed' && model.base === 'gray') ? 1 : 3;
  const out = new Uint8Array(width * height * outChannels);
  const vals = new Uint8Array(comps);
  const indexed = model.kind === 'indexed' ? model : undefined;
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < comps; c++) {
        const idx = x * comps + c;
        let v: number;
        if (bpc === 8) v = samples[row + idx]!;
        else if (bpc === 16) v = samples[row + idx * 2]!;
        else {
          const bit = idx * bpc;
          v = (samples[row + (bit >> 3)]! >> (8 - bpc - (bit & 7))) & maxV;
        }
        vals[c] = tables[c]![v]!;
      }
      const o = (y * width + x) * outChannels;
      if (model.kind === 'gray') out[o] = vals[0]!;
      else if (model.kind === 'rgb') {
        out[o] = vals[0]!;
        out[o + 1] = vals[1]!;
        out[o + 2] = vals[2]!;
      } else if (model.kind === 'cmyk') {
        const [r, g, b] = cmykToRgb(vals[0]!, vals[1]!, vals[2]!, vals[3]!);
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      } else if (indexed) {
        const i = Math.min(vals[0]!, indexed.hival) * indexed.baseComponents;
        const lk = indexed.lookup;
        if (indexed.base === 'gray') out[o] = lk[i] ?? 0;
        else if (indexed.base === 'rgb') {
          out[o] = lk[i] ?? 0;
          out[o + 1] = lk[i + 1] ?? 0;
          out[o + 2] = lk[i + 2] ?? 0;
        } else {
          const [r, g, b] = cmykToRgb(lk[i] ?? 0, lk[i + 1] ?? 0, lk[i + 2] ?? 0, lk[i + 3] ?? 0);
          out[o] = r;
          out[o + 1] = g;
          out[o + 2] = b;
        }
      }
    }
  }
  return { data: out, width, height, channels: outChannels };
}

