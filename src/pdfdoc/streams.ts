/**
 * Stream decoding: run a stream's generic filters (Flate, LZW, ASCII85,
 * ASCIIHex, RunLength) and stop at the first image codec (DCT, JPX, CCITT,
 * JBIG2), which the caller handles. Flate goes through node:zlib (fast, and it
 * notices truncation); the rarer filters use pdf-lib's decoders.
 */
import { constants, inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRawStream,
  decodePDFRawStream,
} from 'pdf-lib';

export const IMAGE_CODECS = new Set(['DCTDecode', 'JPXDecode', 'CCITTFaxDecode', 'JBIG2Decode']);

/** Raised for streams we cannot decode: the caller falls back to rendering, or reports corruption. */
export class StreamError extends Error {
  constructor(
    message: string,
    readonly kind: 'unsupported' | 'corrupt' | 'too-large',
  ) {
    super(message);
  }
}

export interface DecodedStream {
  /** Bytes after the generic filters. */
  data: Uint8Array;
  /** The image codec left to apply, if any (e.g. "DCTDecode"). */
  codec?: string;
  /** DecodeParms that belong to that codec (or to the last generic filter, for predictors). */
  parms?: PDFDict;
}

const ABBREVIATIONS: Record<string, string> = {
  Fl: 'FlateDecode',
  LZW: 'LZWDecode',
  A85: 'ASCII85Decode',
  AHx: 'ASCIIHexDecode',
  RL: 'RunLengthDecode',
  DCT: 'DCTDecode',
  CCF: 'CCITTFaxDecode',
};

function filterList(dict: PDFDict): { names: string[]; parms: (PDFDict | undefined)[] } {
  const filter = dict.lookup(PDFName.of('Filter')) ?? dict.lookup(PDFName.of('F'));
  const parmsObj = dict.lookup(PDFName.of('DecodeParms')) ?? dict.lookup(PDFName.of('DP'));
  const names: string[] = [];
  const parms: (PDFDict | undefined)[] = [];
  const norm = (n: PDFName): string => {
    const s = n.decodeText();
    return ABBREVIATIONS[s] ?? s;
  };
  if (filter instanceof PDFName) {
    names.push(norm(filter));
    parms.push(parmsObj instanceof PDFDict ? parmsObj : undefined);
  } else if (filter instanceof PDFArray) {
    for (let i = 0; i < filter.size(); i++) {
      const f = filter.lookup(i);
      if (!(f instanceof PDFName)) throw new StreamError('bad /Filter entry', 'corrupt');
      names.push(norm(f));
      const p = parmsObj instanceof PDFArray ? parmsObj.lookup(i) : undefined;
      parms.push(p instanceof PDFDict ? p : undefined);
    }
  }
  return { names, parms };
}

function inflate(data: Uint8Array): Uint8Array {
  try {
    return inflateSync(data);
  } catch (strictError) {
    // Many writers drop the Adler-32 trailer or pad the stream; accept what
    // inflates cleanly, but a stream that stops early is reported by the caller
    // when the pixel count comes out short.
    try {
      return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      throw new StreamError(`Flate data does not inflate (${(strictError as Error).message})`, 'corrupt');
    }
  }
}

function viaPdfLib(data: Uint8Array, name: string, parms: PDFDict | undefined, template: PDFDict): Uint8Array {
  // pdf-lib decodes a whole raw stream; give it a one-filter stream.
  const dict = template.context.obj({}) as PDFDict;
  dict.set(PDFName.of('Filter'), PDFName.of(name));
  if (parms) dict.set(PDFName.of('DecodeParms'), parms);
  try {
    return decodePDFRawStream(PDFRawStream.of(dict, data)).decode();
  } catch (error) {
    throw new StreamError(`${name} data does not decode (${(error as Error).message})`, 'corrupt');
  }
}

/** Integer from a dict, or the fallback. */
export function dictNumber(dict: PDFDict | undefined, key: string, fallback: number): number {
  const v = dict?.lookup(PDFName.of(key));
  return v instanceof PDFNumber ? v.asNumber() : fallback;
}

/**
 * Undo PNG (10–15) or TIFF (2) prediction. `colors`/`bpc`/`columns` describe
 * the samples; they come from DecodeParms (defaults 1/8/1 as in the spec).
 */
export function unpredict(data: Uint8Array, parms: PDFDict | undefined): Uint8Array {
  const predictor = dictNumber(parms, 'Predictor', 1);
  if (predictor <= 1) return data;
  const colors = dictNumber(parms, 'Colors', 1);
  const bpc = dictNumber(parms, 'BitsPerComponent', 8);
  const columns = dictNumber(parms, 'Columns', 1);
  const rowBytes = Math.ceil((colors * bpc * columns) / 8);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  if (predictor === 2) {
    if (bpc !== 8) throw new StreamError(`TIFF predictor with ${bpc} bits per component`, 'unsupported');
    const out = new Uint8Array(data);
    for (let row = 0; row + rowBytes <= out.length; row += rowBytes) {
      for (let i = colors; i < rowBytes; i++) out[row + i] = (out[row + i]! + out[row + i - colors]!) & 0xff;
    }
    return out;
  }
  if (predictor < 10) throw new StreamError(`unknown predictor ${predictor}`, 'unsupported');
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = new Uint8Array(rows * rowBytes);
  let prev = new Uint8Array(rowBytes);
  for (let r = 0; r < rows; r++) {
    const src = r * (rowBytes + 1);
    const type = data[src]!;
    const cur = out.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let i = 0; i < rowBytes; i++) {
      const x = data[src + 1 + i]!;
      const a = i >= bpp ? cur[i - bpp]! : 0;
      const b = prev[i]!;
      let v: number;
      switch (type) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + a;
          break;
        case 2:
          v = x + b;
          break;
        case 3:
          v = x + ((a + b) >> 1);
          break;
        case 4: {
          const c = i >= bpp ? prev[i - bpp]! : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new StreamError(`bad PNG predictor row type ${type}`, 'corrupt');
      }
      cur[i] = v & 0xff;
    }
    prev = cur;
  }
  return out;
}

/** Decode a stream up to (not including) its image codec. */
export function decodeStream(stream: PDFRawStream): DecodedStream {
  const { names, parms } = filterList(stream.dict);
  let data: Uint8Array = stream.contents;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const p = parms[i];
    if (IMAGE_CODECS.has(name)) {
      if (i !== names.length - 1) throw new StreamError(`${name} followed by other filters`, 'unsupported');
      return p ? { data, codec: name, parms: p } : { data, codec: name };
    }
    if (name === 'FlateDecode') {
      data = unpredict(inflate(data), p);
    } else if (name === 'LZWDecode') {
      data = unpredict(viaPdfLib(data, name, p, stream.dict), p);
    } else if (name === 'ASCII85Decode' || name === 'ASCIIHexDecode' || name === 'RunLengthDecode') {
      data = viaPdfLib(data, name, undefined, stream.dict);
    } else if (name === 'Crypt') {
      throw new StreamError('Crypt filter', 'unsupported');
    } else {
      throw new StreamError(`unknown filter ${name}`, 'unsupported');
    }
  }
  return { data };
}
