/**
 * Scan models: how an office scanner, a copier, a fax or a phone turns the
 * clean 300 dpi page into pixels. Each model draws its parameters from a seed;
 * every step is seeded so the output bytes are reproducible.
 */
import sharp from 'sharp';
import { gaussian } from '../fixtures/random.js';
import type { Box } from './layout.js';
import type { RgbImage } from './render.js';

export type ScanModelName =
  | 'office-300-grey'
  | 'office-200-grey'
  | 'bilevel-300-g4'
  | 'bilevel-200-g4'
  | 'low-res-grey'
  | 'blurred-300'
  | 'worn-copy'
  | 'colour-office'
  | 'skewed'
  | 'turned'
  | 'phone-photo'
  | 'fax-150-g4';

export const DEV_MODELS: ScanModelName[] = ['office-300-grey', 'office-200-grey', 'bilevel-300-g4', 'bilevel-200-g4', 'low-res-grey', 'blurred-300', 'worn-copy', 'colour-office', 'skewed', 'turned', 'phone-photo'];
/** Only in the test split: dev never sees a 150 dpi 1-bit fax-like scan. */
export const TEST_ONLY_MODEL: ScanModelName = 'fax-150-g4';

export type Storage = 'jpeg-grey' | 'jpeg-colour' | 'ccitt-g4';

export interface ScanParams {
  model: ScanModelName;
  dpi: number;
  storage: Storage;
  /** Degrees, positive = counter-clockwise (text lines rise to the right). */
  skew: number;
  /** Quarter turns of the whole page image, clockwise degrees: 0, 90, 180, 270. */
  turn: 0 | 90 | 180 | 270;
  /** Gaussian blur σ in pixels at 300 dpi. */
  blur: number;
  jpegQuality: number;
  noise: number;
  /** Share of pixels hit by salt-and-pepper specks, and dust blots per page. */
  speckle: number;
  dust: number;
  /** Depth of uneven illumination 0–1. */
  unevenLight: number;
  /** Opacity of the reverse side's print showing through 0–1. */
  bleed: number;
  /** Grey level of black ink after the scanner's tone curve (0 = black). */
  inkLevel: number;
  /** Grey of blank paper. */
  paperLevel: number;
  /** 1-bit models: threshold on 0–255. */
  threshold: number;
  /** Phone photos: page corners in the photo (fractions of the frame), shading, page curl (px). */
  phone: { corners: [number, number][]; frame: [number, number]; shading: number; curl: number } | null;
  /** Phone photos only: written as a .jpg image file rather than inside a PDF. */
  imageFile: boolean;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;

export function drawScan(model: ScanModelName, rnd: () => number, singlePage: boolean): ScanParams {
  const u = (a: number, b: number): number => a + rnd() * (b - a);
  const sign = (): number => (rnd() < 0.5 ? -1 : 1);
  const base: ScanParams = {
    model,
    dpi: 300,
    storage: 'jpeg-grey',
    skew: r2(sign() * u(0, 0.8)),
    turn: 0,
    blur: r2(u(0.3, 0.7)),
    jpegQuality: Math.round(u(70, 90)),
    noise: r2(u(2, 5)),
    speckle: 0,
    dust: 0,
    unevenLight: r2(u(0, 0.1)),
    bleed: 0,
    inkLevel: Math.round(u(15, 40)),
    paperLevel: Math.round(u(238, 252)),
    threshold: 0,
    phone: null,
    imageFile: false,
  };
  switch (model) {
    case 'office-300-grey':
      return base;
    case 'office-200-grey':
      return { ...base, dpi: 200, skew: r2(sign() * u(0.3, 2)), jpegQuality: Math.round(u(55, 80)), blur: r2(u(0.4, 0.9)) };
    case 'bilevel-300-g4':
      return { ...base, storage: 'ccitt-g4', skew: r2(sign() * u(0, 1.5)), threshold: Math.round(u(120, 170)), speckle: u(0.0002, 0.001), dust: Math.round(u(20, 120)), noise: r2(u(4, 10)) };
    case 'bilevel-200-g4':
      return { ...base, dpi: 200, storage: 'ccitt-g4', skew: r2(sign() * u(0, 2)), threshold: Math.round(u(125, 165)), speckle: u(0.0002, 0.0008), dust: Math.round(u(20, 80)), noise: r2(u(4, 10)) };
    case 'low-res-grey':
      return { ...base, dpi: rnd() < 0.5 ? 100 : 150, jpegQuality: Math.round(u(55, 85)), skew: r2(sign() * u(0, 1.5)) };
    case 'blurred-300':
      return { ...base, blur: r2(u(1.0, 1.5)), jpegQuality: Math.round(u(40, 60)), noise: r2(u(4, 8)), skew: r2(sign() * u(0, 1.5)) };
    case 'worn-copy':
      return { ...base, dpi: rnd() < 0.6 ? 200 : 300, skew: r2(sign() * u(0.5, 2.5)), unevenLight: r2(u(0.2, 0.45)), bleed: r2(u(0.08, 0.22)), speckle: u(0.0005, 0.002), dust: Math.round(u(60, 200)), inkLevel: Math.round(u(45, 85)), paperLevel: Math.round(u(215, 240)), jpegQuality: Math.round(u(45, 70)), noise: r2(u(6, 10)) };
    case 'colour-office':
      return { ...base, dpi: rnd() < 0.5 ? 200 : 300, storage: 'jpeg-colour', jpegQuality: Math.round(u(60, 85)), skew: r2(sign() * u(0, 1.5)), unevenLight: r2(u(0.02, 0.15)) };
    case 'skewed':
      return { ...base, dpi: rnd() < 0.5 ? 200 : 300, skew: r2(sign() * u(2.5, 5)), jpegQuality: Math.round(u(60, 85)) };
    case 'turned':
      return { ...base, dpi: rnd() < 0.5 ? 200 : 300, turn: ([90, 180, 270] as const)[Math.floor(rnd() * 3)]!, skew: r2(sign() * u(0, 1.2)), jpegQuality: Math.round(u(60, 85)) };
    case 'phone-photo': {
      const j = (): number => u(-0.06, 0.06);
      const m = u(0.03, 0.09);
      return {
        ...base,
        dpi: 0,
        storage: 'jpeg-colour',
        skew: 0,
        blur: r2(u(0.6, 1.4)),
        jpegQuality: Math.round(u(70, 90)),
        noise: r2(u(3, 7)),
        phone: { corners: ([[m, m], [1 - m, m], [1 - m, 1 - m], [m, 1 - m]] as const).map(([a, b]) => [r2(Math.min(0.99, Math.max(0.01, a + j()))), r2(Math.min(0.99, Math.max(0.01, b + j())))] as [number, number]), frame: [1800, 2400], shading: r2(u(0.15, 0.4)), curl: Math.round(u(0, 25)) },
        imageFile: singlePage && rnd() < 0.6,
      };
    }
    case 'fax-150-g4':
      return { ...base, dpi: 150, storage: 'ccitt-g4', skew: r2(sign() * u(0.3, 2)), threshold: Math.round(u(130, 165)), speckle: u(0.0003, 0.0012), dust: Math.round(u(20, 80)), blur: r2(u(0.5, 1)), noise: r2(u(5, 10)) };
  }
}

export interface ScannedPage {
  /** Encoded image: JPEG bytes, or for ccitt-g4 the raw Group 4 stream. */
  bytes: Buffer;
  /** ccitt-g4: the stream codes black as 1 (TIFF BlackIsZero), as /BlackIs1 says. */
  blackIs1: boolean;
  storage: Storage;
  width: number;
  height: number;
  /** Resolution of the stored image (nominal for phone photos: their scale at the page's middle). */
  dpi: number;
  /** Maps a box of the upright 300 dpi page to the stored image's pixels (axis-aligned hull). */
  mapBox: (b: Box) => Box;
}

type Mat = [number, number, number, number, number, number, number, number, number];
const apply = (m: Mat, x: number, y: number): [number, number] => {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
};
function mul(a: Mat, b: Mat): Mat {
  const o = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) o[i * 3 + j]! += a[i * 3 + k]! * b[k * 3 + j]!;
  return o as Mat;
}
function invert(m: Mat): Mat {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}
/** Homography taking the unit-free corners src[i] to dst[i] (4 points). */
function homography(src: [number, number][], dst: [number, number][]): Mat {
  const A: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const [x, y] = src[k]!;
    const [X, Y] = dst[k]!;
    A.push([x, y, 1, 0, 0, 0, -X * x, -X * y, X]);
    A.push([0, 0, 0, x, y, 1, -Y * x, -Y * y, Y]);
  }
  // Gaussian elimination on the 8×9 augmented matrix.
  for (let col = 0; col < 8; col++) {
    let piv = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(A[r]![col]!) > Math.abs(A[piv]![col]!)) piv = r;
    [A[col], A[piv]] = [A[piv]!, A[col]!];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = A[r]![col]! / A[col]![col]!;
      for (let c = col; c < 9; c++) A[r]![c]! -= f * A[col]![c]!;
    }
  }
  const h = A.map((row, i) => row[8]! / row[i]!);
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

/** Inverse-maps every destination pixel through `inv` (plus a vertical curl) with bilinear sampling. */
function warp(src: Buffer, sw: number, sh: number, ch: number, dw: number, dh: number, inv: Mat, curl: number, bg: number[]): Buffer {
  const out = Buffer.alloc(dw * dh * ch);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      const yy = y - curl * Math.sin((Math.PI * x) / dw);
      const w = inv[6] * x + inv[7] * yy + inv[8];
      const sx = (inv[0] * x + inv[1] * yy + inv[2]) / w;
      const sy = (inv[3] * x + inv[4] * yy + inv[5]) / w;
      const o = (y * dw + x) * ch;
      if (sx < 0 || sy < 0 || sx > sw - 1 || sy > sh - 1) {
        for (let c = 0; c < ch; c++) out[o + c] = bg[c]!;
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const x1 = Math.min(sw - 1, x0 + 1);
      const y1 = Math.min(sh - 1, y0 + 1);
      for (let c = 0; c < ch; c++) {
        const a = src[(y0 * sw + x0) * ch + c]!;
        const b = src[(y0 * sw + x1) * ch + c]!;
        const d = src[(y1 * sw + x0) * ch + c]!;
        const e = src[(y1 * sw + x1) * ch + c]!;
        out[o + c] = Math.round(a + (b - a) * fx + (d - a) * fy + (a - b - d + e) * fx * fy);
      }
    }
  }
  return out;
}

const PAGE_WIDTH = 2480;
const PAGE_HEIGHT = 3508;

/** The scale (of 300 dpi) the model's device samples the page at: render the page at it. */
export function renderScale(s: ScanParams): number {
  return s.phone ? Math.min(1, (s.phone.frame[1] * 1.05) / PAGE_HEIGHT) : s.dpi / 300;
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** The page as the model's device would store it. */
export async function scanPage(img: RgbImage, s: ScanParams, rnd: () => number): Promise<ScannedPage> {
  const colour = s.storage === 'jpeg-colour';
  const ch = colour ? 3 : 1;
  let src = img.data;
  // Print from the back showing through: the page mirrored, soft and faint.
  if (s.bleed > 0) {
    const back = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).flop().greyscale().blur(3).raw().toBuffer();
    src = Buffer.from(img.data);
    const dy = Math.round((rnd() - 0.5) * 200);
    for (let y = 0; y < img.height; y++) {
      const by = Math.min(img.height - 1, Math.max(0, y + dy));
      for (let x = 0; x < img.width; x++) {
        const k = 1 - s.bleed * (1 - back[by * img.width + x]! / 255);
        const i = (y * img.width + x) * 3;
        src[i] = src[i]! * k;
        src[i + 1] = src[i + 1]! * k;
        src[i + 2] = src[i + 2]! * k;
      }
    }
  }
  // Tone: paper and ink levels of the device (black never scans as 0, paper rarely as 255).
  let pipe = sharp(src, { raw: { width: img.width, height: img.height, channels: 3 } });
  if (!colour) pipe = pipe.greyscale();
  const isPhone = s.phone !== null;
  const scale = renderScale(s);
  const nominalDpi = isPhone ? Math.round((300 * s.phone!.frame[1] * 0.85) / PAGE_HEIGHT / 0.5) / 2 : s.dpi;
  const sw = Math.round(PAGE_WIDTH * scale);
  const sh = Math.round(PAGE_HEIGHT * scale);
  if (img.width !== sw || img.height !== sh) pipe = pipe.resize(sw, sh, { kernel: 'lanczos3' });
  const blurPx = s.blur * scale;
  if (blurPx >= 0.3) pipe = pipe.blur(blurPx);
  let data: Buffer = await pipe.raw().toBuffer();
  if (!colour && data.length !== sw * sh) throw new Error('unexpected channel count');

  // Geometry in the scaled frame: skew about the centre, quarter turns, or the photo's perspective.
  let m: Mat = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  let dw = sw;
  let dh = sh;
  let curl = 0;
  if (s.phone) {
    dw = s.phone.frame[0];
    dh = s.phone.frame[1];
    const dst = s.phone.corners.map(([a, b]) => [a * dw, b * dh] as [number, number]);
    m = homography([[0, 0], [sw, 0], [sw, sh], [0, sh]], dst);
    curl = s.phone.curl;
  } else {
    const a = (-s.skew * Math.PI) / 180; // image y points down: counter-clockwise is a negative angle
    const c = Math.cos(a);
    const si = Math.sin(a);
    const cx = sw / 2;
    const cy = sh / 2;
    m = [c, -si, cx - c * cx + si * cy, si, c, cy - si * cx - c * cy, 0, 0, 1];
    if (s.turn === 90) {
      m = mul([0, -1, sh, 1, 0, 0, 0, 0, 1], m);
      dw = sh;
      dh = sw;
    } else if (s.turn === 180) m = mul([-1, 0, sw, 0, -1, sh, 0, 0, 1], m);
    else if (s.turn === 270) {
      m = mul([0, 1, 0, -1, 0, sw, 0, 0, 1], m);
      dw = sh;
      dh = sw;
    }
  }
  if (s.storage === 'ccitt-g4') dw = Math.ceil(dw / 16) * 16; // one G4 tile must span the row
  const identity = m.every((v, i) => v === [1, 0, 0, 0, 1, 0, 0, 0, 1][i]) && dw === sw && dh === sh;
  const bg = isPhone ? [70, 62, 55].slice(0, ch) : new Array<number>(ch).fill(255);
  if (!identity) data = warp(data, sw, sh, ch, dw, dh, invert(m), curl, bg);

  // Light, paper tone, ink level, noise and specks, in the stored frame.
  const cxl = dw * (0.2 + 0.6 * rnd());
  const cyl = dh * (0.2 + 0.6 * rnd());
  const gx = (rnd() - 0.5) * 2;
  const gy = (rnd() - 0.5) * 2;
  const diag = Math.hypot(dw, dh);
  const light = isPhone ? s.phone!.shading : s.unevenLight;
  const ink = s.inkLevel;
  const paper = s.paperLevel;
  const warm = isPhone ? [1, 0.96, 0.86] : [1, 1, 1];
  // A table of normal samples: drawing one per pixel through Box–Muller dominates the run time otherwise.
  const normals = Float32Array.from({ length: 8192 }, () => gaussian(rnd));
  // The light field is separable: a radial fall-off (x and y terms add) plus a linear gradient.
  const ax = Float32Array.from({ length: dw }, (_, x) => (2.2 * (x - cxl) ** 2) / diag ** 2 + 0.25 * gx * (x / dw - 0.5));
  const ay = Float32Array.from({ length: dh }, (_, y) => (2.2 * (y - cyl) ** 2) / diag ** 2 + 0.25 * gy * (y / dh - 0.5));
  const span = (paper - ink) / 255;
  for (let y = 0; y < dh; y++) {
    const fy = ay[y]!;
    for (let x = 0; x < dw; x++) {
      const lf = 1 - light * (ax[x]! + fy);
      const n = s.noise * normals[(rnd() * 8192) | 0]!;
      const o = (y * dw + x) * ch;
      for (let c = 0; c < ch; c++) data[o + c] = clamp((ink + data[o + c]! * span) * lf * warm[c]! + n);
    }
  }
  const px = dw * dh;
  for (let k = Math.round(px * s.speckle); k > 0; k--) {
    const i = Math.floor(rnd() * px) * ch;
    const v = rnd() < 0.6 ? 30 : 250;
    for (let c = 0; c < ch; c++) data[i + c] = v;
  }
  for (let k = 0; k < s.dust; k++) {
    const bx = Math.floor(rnd() * (dw - 6));
    const by = Math.floor(rnd() * (dh - 6));
    const size = 1 + Math.floor(rnd() * 4 * (s.dpi || 200) / 300);
    for (let yy = 0; yy < size; yy++) for (let xx = 0; xx < size; xx++) for (let c = 0; c < ch; c++) data[((by + yy) * dw + bx + xx) * ch + c] = 50;
  }

  const mapBox = (b: Box): Box => {
    const pts = [
      [b[0], b[1]],
      [b[2], b[1]],
      [b[2], b[3]],
      [b[0], b[3]],
    ].map(([x, y]) => {
      const [u, v] = apply(m, x! * scale, y! * scale);
      return [u, v + curl * Math.sin((Math.PI * u) / dw)];
    });
    const xs = pts.map((q) => q[0]!);
    const ys = pts.map((q) => q[1]!);
    return [Math.max(0, Math.floor(Math.min(...xs))), Math.max(0, Math.floor(Math.min(...ys))), Math.min(dw, Math.ceil(Math.max(...xs))), Math.min(dh, Math.ceil(Math.max(...ys)))];
  };

  const raw = { raw: { width: dw, height: dh, channels: ch as 1 | 3 } };
  let bytes: Buffer;
  let blackIs1 = false;
  if (s.storage === 'ccitt-g4') {
    for (let i = 0; i < data.length; i++) data[i] = data[i]! < s.threshold ? 0 : 255;
    ({ bytes, blackIs1 } = await g4Stream(data, dw, dh));
  } else if (s.storage === 'jpeg-grey') {
    bytes = await sharp(data, raw).toColourspace('b-w').jpeg({ quality: s.jpegQuality }).toBuffer();
  } else {
    bytes = await sharp(data, raw).jpeg({ quality: s.jpegQuality, chromaSubsampling: '4:2:0' }).withMetadata({ density: nominalDpi }).toBuffer();
  }
  return { bytes, blackIs1, storage: s.storage, width: dw, height: dh, dpi: isPhone ? nominalDpi : s.dpi, mapBox };
}

/**
 * Bilevel pixels → one Group 4 stream (BlackIs1 false), coded by libtiff inside
 * sharp: one tile spanning the page, since libvips would otherwise cut strips.
 */
async function g4Stream(pixels: Buffer, width: number, height: number): Promise<{ bytes: Buffer; blackIs1: boolean }> {
  const tiff = await sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .tiff({ compression: 'ccittfax4', bitdepth: 1, tile: true, tileWidth: width, tileHeight: Math.ceil(height / 16) * 16 })
    .toBuffer();
  const le = tiff.readUInt16BE(0) === 0x4949;
  const u16 = (o: number): number => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number): number => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  const tags = new Map<number, number>();
  for (let k = 0, n = u16(ifd); k < n; k++) {
    const e = ifd + 2 + k * 12;
    const type = u16(e + 2);
    tags.set(u16(e), type === 3 ? u16(e + 8) : u32(e + 8));
  }
  if (tags.get(259) !== 4) throw new Error('sharp did not write Group 4');
  const photometric = tags.get(262);
  if (photometric !== 0 && photometric !== 1) throw new Error(`unexpected TIFF photometric ${photometric}`);
  const off = tags.get(324);
  const len = tags.get(325);
  if (off === undefined || len === undefined) throw new Error('no single tile in the G4 TIFF');
  return { bytes: tiff.subarray(off, off + len), blackIs1: photometric === 1 };
}
