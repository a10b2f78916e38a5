/**
 * The plain data that passes between pipeline stages:
 * PdfSource → PageImage[] → PreparedImage → OcrPage → RestoredPage → VanBanDocument.
 *
 * Every stage takes and returns these; none holds a handle to another stage's
 * resources, so any stage can be run, tested or replaced alone.
 * Add fields additively: the JSON output is built from these shapes.
 */

import type { DocumentQuality, QualityEstimate } from './quality/estimate.js';
import type { VanBanStructure } from './structure/types.js';

export type { Section, VanBanStructure } from './structure/types.js';

/** Axis-aligned box in pixels: left, top, right, bottom (right/bottom exclusive). */
export type BBox = [x0: number, y0: number, x1: number, y1: number];

/** 2-D affine transform [a, b, c, d, e, f]: x' = a·x + c·y + e, y' = b·x + d·y + f. */
export type Affine = [a: number, b: number, c: number, d: number, e: number, f: number];

/** An input file, opened but not yet split into pages. */
export interface PdfSource {
  /** Path as given by the caller. */
  path: string;
  kind: 'pdf' | 'image';
  /** Number of pages (PDF pages, or frames of a multi-page TIFF). */
  pageCount: number;
}

/** How a page image was obtained. */
export type PageOrigin =
  /** The page's single embedded image, taken as it is (no re-rendering). */
  | 'embedded-image'
  /** The page was rasterized by a PDF renderer (vector text, several images, CCITT, JBIG2, …). */
  | 'rendered'
  /** A PNG/JPEG/TIFF input file. */
  | 'image-file'
  /** A PDF page's own visible text, read from the file (born-digital): not rasterized, not OCR'd. */
  | 'vector-text'
  /** A PDF page that draws nothing: neither rasterized nor OCR'd. */
  | 'empty';

/**
 * One page as an upright image: the PDF's /Rotate and the image's placement are
 * already applied, so "up" in the pixels is "up" on the printed page.
 */
export interface PageImage {
  /** 1-based page number within the source. */
  pageNumber: number;
  /** Encoded image (PNG, JPEG or TIFF bytes) that sharp can open. */
  data: Uint8Array;
  width: number;
  height: number;
  /** Resolution in dots per inch (from the PDF page size, the file's metadata, or 300 if unknown). */
  dpi: number;
  origin: PageOrigin;
  /** The /Rotate of the PDF page (clockwise degrees) that was applied to make the image upright. */
  pdfRotate: 0 | 90 | 180 | 270;
  /** Upright page size in PDF points, for PDF inputs. */
  pageSizePt?: { width: number; height: number };
  /** Set when a page was rendered below the dpi asked for, to stay within the rendering pixel budget. */
  requestedDpi?: number;
  /**
   * Image files only: where `dpi` came from — the file's density, the imageDpi
   * option (the file had none usable), or the assumption that the long side is
   * an A4 page's.
   */
  dpiSource?: 'file' | 'option' | 'assumed-a4';
}

/**
 * A PDF page's own visible text, read in place of OCR: lines of words with boxes in
 * the pixel frame the page would be rendered in (`width`×`height` at `dpi`, upright).
 */
export interface PageText extends Omit<PageImage, 'data' | 'origin' | 'dpiSource'> {
  pageSizePt: { width: number; height: number };
  /** Lines in content order (not yet in reading order), words left to right, confidence 100. */
  lines: OcrLine[];
  /** The page draws nothing at all (a blank page, known without rendering it). */
  blank?: true;
}

/** A page image after preprocessing, ready for OCR. */
/** What the scanned image says about how well it can be read (src/image/stats.ts; for the quality estimate). */
export interface ImageStats {
  /** Resolution of the image as scanned (before any rescaling). */
  dpi: number;
  /** Stored as 1-bit (every pixel black or white). */
  bilevel: boolean;
  /** Mean width of ink edges (75 % → 25 % of the paper-to-ink range), in pixels at 300 dpi: blur. */
  edgeWidth: number;
  /** Mean (middle 80 %) length of dark runs along rows, in pixels at 300 dpi: stroke thickness. */
  strokeWidth: number;
  /** Paper-to-ink difference, 0–1: faint or worn print is low. */
  contrast: number;
  /** Share of ink pixels that are isolated specks (src/image/speckle.ts). */
  speckle: number;
}

export interface PreparedImage {
  pageNumber: number;
  /** Grayscale (or bilevel) PNG for the OCR engine. */
  png: Uint8Array;
  /**
   * The same pixels as `png`, raw (one grey byte per pixel, row by row), when the page was
   * prepared in this process: the OCR stage reads them instead of decoding the PNG again.
   */
  gray?: { data: Uint8Array; width: number; height: number };
  width: number;
  height: number;
  dpi: number;
  /** Measured skew in degrees (positive = text lines rise to the right), before correction. */
  skew: number;
  /** Clockwise rotation (degrees) applied to make the text upright, beyond the PDF's /Rotate. */
  rotation: 0 | 90 | 180 | 270;
  /** Names of the preprocessing steps applied, in order (e.g. "grayscale", "flatten", "deskew"). */
  steps: string[];
  /** Maps a point in this prepared image to the PageImage's pixel coordinates. */
  toPage: Affine;
  /** Non-print marks found (and removed from the image) during preprocessing, boxes in PageImage pixels. */
  marks?: PageMark[];
  /**
   * The up/down decision had little evidence (a sparse page): the OCR stage reads the
   * page both ways up and keeps the better reading.
   */
  orientationUncertain?: boolean;
  /** Measurements of the image as decoded, for the quality estimate. */
  imageStats?: ImageStats;
  /**
   * Round seals found by shape and erased (grey and 1-bit pages), in prepared-image pixels.
   * Absent when the search did not run (colour pages, whose seals are found by colour and
   * listed in `marks`). The OCR stage reads the lines near them again and lists them as marks.
   */
  seals?: SealRing[];
  /**
   * Pixels at or below grey 128 in `png`, counted up to INK_COUNT_CAP (10 000, far more than a
   * blank page's specks): lets the pipeline skip a blank page without decoding the PNG again.
   */
  inkPixels?: number;
  /** Size of the PageImage these coordinates map back to. */
  pageWidth: number;
  pageHeight: number;
}

/** A round seal's outer ring, in prepared-image pixels. */
export interface SealRing {
  cx: number;
  cy: number;
  r: number;
  /** Share of the ring's circumference that is ink, 0–1. */
  coverage: number;
  /** The seal's box (ring included). */
  bbox: BBox;
}

/** One recognised word. Boxes are in PageImage pixel coordinates. */
export interface OcrWord {
  text: string;
  /** Engine confidence, 0–100 (Tesseract's scale). */
  conf: number;
  bbox: BBox;
}

export interface OcrLine {
  text: string;
  conf: number;
  bbox: BBox;
  /** Baseline as two points [x0, y0, x1, y1], where the engine gives it. */
  baseline?: [number, number, number, number];
  words: OcrWord[];
}

/** A region read as one unit; blocks are kept in reading order. */
export interface OcrBlock {
  bbox: BBox;
  /**
   * Layout role found by reading-order analysis: a column of a side-by-side region
   * ("left"/"right") or a full-width region ("full").
   */
  column: 'full' | 'left' | 'right';
  lines: OcrLine[];
}

/** A mark on the page that is not print: kept out of the text, listed for archivists. */
export interface PageMark {
  kind: 'handwriting' | 'stamp' | 'seal' | 'signature';
  /** PageImage pixel coordinates. */
  bbox: BBox;
  /** 0–1. */
  confidence: number;
}

/** OCR result of one page, in reading order. */
export interface OcrPage {
  pageNumber: number;
  /** PageImage size in pixels; all boxes are in this frame. */
  width: number;
  height: number;
  dpi: number;
  skew: number;
  rotation: 0 | 90 | 180 | 270;
  steps: string[];
  /** Text in reading order: lines joined by "\n", blocks separated by a blank line. */
  text: string;
  /** Mean word confidence, 0–100. */
  confidence: number;
  blocks: OcrBlock[];
  /** Handwriting, stamps, seals and signatures found on the page (kept out of `text`). */
  marks?: PageMark[];
  /** Measurements of the page image (blur, resolution, 1-bit), when the image stage made them. */
  imageStats?: ImageStats;
}

/** One output token of the restorer, tied back to the input it came from. */
export interface RestoredToken {
  /** The token as it was in the input (several inputs joined by a space when the restorer rejoined them). */
  original: string;
  /** The chosen form. */
  text: string;
  /** Indices of the input words (restoreTokens) or tokens (restore) this token covers. */
  source: number[];
  /** Other forms the decoder considered, best first (may be empty). */
  alternatives: string[];
  /** Confidence in the choice, 0–1. */
  confidence: number;
  /** True when text !== original. */
  changed: boolean;
}

/** OCR page plus restored text. */
export interface RestoredPage {
  ocr: OcrPage;
  /** Restored text, line structure as in ocr.text. */
  text: string;
  /**
   * Restored words with boxes, in reading order, one per output token
   * (a rejoined token has the union box of its parts).
   */
  words: Array<OcrWord & { original: string; changed: boolean; restoreConfidence: number; line: number }>;
}

/**
 * What to do with PDF pages that already carry text (OCRmyPDF's three modes):
 * 'redo' (default) replaces an invisible OCR layer (render mode 3) with
 * vanban's and keeps real visible text; 'skip' keeps every existing layer;
 * 'force' rasterizes every page and gives it vanban's layer only.
 */
export type ExistingTextMode = 'redo' | 'skip' | 'force';

/** One converted page: what every stage found. */
export interface ConvertedPage {
  number: number;
  image: Omit<PageImage, 'data'>;
  ocr: OcrPage;
  restored: RestoredPage;
  quality: QualityEstimate;
  /** Milliseconds spent in each stage. */
  timing: { prepare: number; ocr: number; restore: number };
}

/** The result of converting one input file. */
export interface VanBanDocument {
  source: string;
  pages: ConvertedPage[];
  /** Restored text of the whole document; pages separated by a form feed. */
  text: string;
  document: VanBanStructure;
  quality: DocumentQuality;
  seconds: number;
  /** How pages that already had text were treated (default 'redo'); the searchable PDF follows it. */
  existingText?: ExistingTextMode;
}

/** Gives the image of one page (1-based) of a document's source, for writers that embed page images. */
export type PageImageReader = (pageNumber: number) => Promise<PageImage>;

/** What building the searchable PDF changed relative to the input, recorded in the JSON output. */
export interface SearchablePdfReport {
  /**
   * 'input-pages': the input's own pages with a text layer added; 'page-images':
   * pages rebuilt from the page images (image inputs, encrypted or unparsable
   * PDFs, existingText 'force').
   */
  built: 'input-pages' | 'page-images';
  /** Why the pages were rebuilt from images, when the input was a PDF. */
  rebuiltBecause?: string;
  /** Active content removed from the copy: actions, JavaScript, attachments, forms, link annotations. */
  activeContentRemoved: string[];
  /** Pages whose old invisible OCR layer was removed and replaced by vanban's. */
  textLayerReplaced: number[];
  /** Pages that kept their own text (read from it instead of OCR'd; any text under 'skip') and got no vanban layer. */
  textLayerKept: number[];
  /** 'pdfa' when the file declares PDF/A-2b. */
  outputType: 'pdf' | 'pdfa';
}

/** Version of the JSON output's shape: raised when a field changes meaning; new fields may appear within a version. */
export const JSON_SCHEMA_VERSION = 1 as const;

/** A word of the JSON output: restored text, the OCR's form, and the OCR line it lies on. */
export interface JsonWord {
  /** Restored form. */
  text: string;
  /** The OCR engine's form. */
  ocr: string;
  conf: number;
  bbox: BBox;
  /** Index into the page's `lines`. */
  line: number;
  changed?: true;
  restoreConfidence?: number;
}

/** An OCR line of the JSON output. */
export interface JsonLine {
  /** The line as the OCR engine read it (raw, before restoration). */
  text: string;
  /** The line's restored words joined by spaces (what `page.text` holds for this line). */
  restored: string;
  conf: number;
  bbox: BBox;
  column: OcrBlock['column'];
}

export interface JsonPage {
  number: number;
  width: number;
  height: number;
  dpi: number;
  /** Set when the page was rendered below the dpi asked for (pixel budget). */
  requestedDpi?: number;
  /** Image files: where dpi came from ('file', 'option' or 'assumed-a4'). */
  dpiSource?: PageImage['dpiSource'];
  origin: PageOrigin;
  skew: number;
  rotation: 0 | 90 | 180 | 270;
  steps: string[];
  /** Raw OCR text. */
  ocrText: string;
  /** Restored text. */
  text: string;
  confidence: number;
  quality: QualityEstimate;
  lines: JsonLine[];
  words: JsonWord[];
  /** Handwriting, stamps, seals and signatures found on the page and kept out of the text. */
  marks?: PageMark[];
  seconds: number;
}

/** The JSON output (`<name>.json`): one object per input file. */
export interface JsonOutput {
  /** JSON_SCHEMA_VERSION of this file. */
  schemaVersion: typeof JSON_SCHEMA_VERSION;
  source: string;
  pages: JsonPage[];
  /** Restored text of the whole document; pages separated by "\n\f\n". */
  text: string;
  document: VanBanStructure;
  quality: DocumentQuality;
  seconds: number;
  /** What building the searchable PDF changed, when one was written. */
  searchablePdf?: SearchablePdfReport;
  /** vanban version that wrote the file. */
  vanban: string;
}

/** One row of a batch's review.csv: a flagged page or one of its least certain words. */
export interface ReviewRow {
  file: string;
  /** 1-based page number. */
  page: number;
  kind: 'page' | 'word';
  /** The word as read (empty for a page row). */
  text: string;
  /** Box in page pixels (the whole page for a page row, when its size is known). */
  bbox?: BBox;
  /** Word confidence 0–100 (word rows). */
  conf?: number;
  /** Expected character errors on the page or in the word. */
  expectedErrors: number;
  /** Expected errors fixed per word reviewed. */
  gain: number;
  reasons: string[];
}

/** Catalogue fields a reviewer may set in `vanban review`; `signer.*` are the signer's own lines. */
export type ReviewField = 'agency' | 'number' | 'symbol' | 'place' | 'date' | 'type' | 'title' | 'signer.title' | 'signer.name';

/** An edit in `vanban review`, as the front end sends it and the journal keeps it. */
export type ReviewOp =
  /** Set a word's text (a space in it splits the word); the same text accepts it. */
  | { type: 'word'; page: number; index: number; text: string }
  /** Join a word with the next one on its line. */
  | { type: 'join'; page: number; index: number }
  /** Move a line (with its words) to another place in the page's reading order. */
  | { type: 'moveLine'; page: number; line: number; to: number }
  | { type: 'field'; field: ReviewField; value: string | null }
  | { type: 'reviewed'; page: number; reviewed: boolean };

/** The review server's JSON API (src/review ↔ web/): a document in the list, worst first. */
export interface ReviewDocumentEntry {
  /** Path of the JSON relative to the output folder, with "/" separators: the document's id. */
  id: string;
  path: string;
  source: string;
  type: string | null;
  title: string | null;
  number: string | null;
  symbol: string | null;
  score: number;
  pages: number;
  flaggedPages: number[];
  reasons: string[];
  /** Words worth a look (src/review/catalog.ts: FLAG_CONF, FLAG_RESTORE), not yet checked by a reviewer. */
  flaggedWords: number;
  /** Saved review edits, and pages signed off, from the document's journal. */
  corrections: number;
  reviewedPages: number[];
}

/** A word of the page view. */
export interface ReviewWordView {
  text: string;
  ocr: string;
  conf: number;
  bbox: BBox;
  line: number;
  changed: boolean;
  /** Worth a look: low confidence, or an uncertain restoration. */
  flagged: boolean;
  /** Corrected or accepted by a reviewer. */
  certain: boolean;
  suggestions: string[];
}

/** One page as the review app shows it. */
export interface ReviewPageView {
  number: number;
  width: number;
  height: number;
  text: string;
  score: number;
  needsReview: boolean;
  reviewed: boolean;
  reasons: string[];
  lines: Array<{ text: string; bbox: BBox; block: number }>;
  words: ReviewWordView[];
}

/** One document as the review app shows it: pages, catalogue fields, unsaved and saved edits. */
export interface ReviewDocumentView {
  id: string;
  source: string;
  score: number;
  flaggedPages: number[];
  pages: Array<{ number: number; score: number; needsReview: boolean; reviewed: boolean }>;
  fields: Record<ReviewField, string | null>;
  pending: number;
  saved: number;
  formats: string[];
  history: Array<{ who: string; when: string; type: string; before: unknown; after: unknown }>;
}
