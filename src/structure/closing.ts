/**
 * Closing of the document: "Nơi nhận:" list (left) and signature block (right:
 * authority prefix, title lines, name). Plain text may carry both columns on one
 * line ("- Như Điều 3; PHÓ CHỦ TỊCH"): such a line is split where an uppercase
 * title or an authority prefix begins after the recipient's ";" or ".".
 */
import { distance } from 'fastest-levenshtein';
import { fold, hasDiacritics, squash, upperShare } from './fold.js';
import { accentedFamilyName, canonicalizeAgency, FAMILY_NAMES } from './lexicon.js';
import { isDecoration, isSignaturePlaceholder, matchAuthority, matchRecipientsLabel } from './phrases.js';
import { isBullet, matchAppendix } from './sections.js';
import type { Field, Signer, SourceLine } from './types.js';

export interface ClosingResult {
  /** Index of the first closing line; lines from here on are not body. */
  start: number;
  /** Index of the first line after the signature block (appendices may follow). */
  end: number;
  recipients?: Field<string[]>;
  signer?: Field<Signer>;
}

function at<T>(src: SourceLine, value: T, confidence: number): Field<T> {
  const f: Field<T> = { value, page: src.page, line: src.line, confidence: Math.round(confidence * 100) / 100 };
  if (src.bbox) f.bbox = src.bbox;
  return f;
}

/**
 * A person's name: 2–6 capitalised words, no digits or punctuation besides "." of an initial.
 * A capital inside a word is an uppercase title OCR half lowered ("Kế GiÁM ĐỐC"), not a name.
 */
function isName(text: string): boolean {
  const t = nameLine(squash(text));
  if (!/^[\p{Lu}][\p{L}.]*(?:\s+[\p{Lu}][\p{L}.]*){1,5}$/u.test(t)) return false;
  if (t.split(/\s+/).some((w) => /^\p{L}+$/u.test(w) && /\p{L}\p{Lu}/u.test(w))) return false;
  return upperShare(t) < 0.8;
}

/**
 * A name line as OCR gives it under a signature: specks of the strokes or the seal glued to its ends
 * ("„Cao Thu Hiếu", "Lê Văn Nam ,") go, and a family name whose accents OCR lost while the other
 * words kept theirs ("Huynh Xuân An") gets them back.
 */
function nameLine(text: string): string {
  const t = text.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}.]+$/u, '').replace(/\s*\.$/, '');
  let words = t.split(' ');
  // A speck or a stroke read as a figure or one letter before the name ("5 Lý Thu Hương"): family names have two letters or more.
  while (words.length > 2 && (words[0]!.match(/\p{L}/gu) ?? []).length < 2 && /^\p{Lu}/u.test(words[1]!)) words = words.slice(1);
  if (words.length < 2) return words.join(' ');
  // A family name OCR read in lower case ("vụ Kim Mai") before capitalised names is still one.
  if (/^\p{Ll}/u.test(words[0]!)) {
    const cap = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
    const family = FAMILY_NAMES.includes(cap) ? cap : accentedFamilyName(cap);
    return family && words.slice(1).every((w) => /^\p{Lu}/u.test(w)) ? [family, ...words.slice(1)].join(' ') : words.join(' ');
  }
  if (!words.slice(1).some(hasDiacritics)) return words.join(' ');
  const family = accentedFamilyName(words[0]!);
  return family ? [family, ...words.slice(1)].join(' ') : t;
}

/** Uppercase title line of a signature block ("KT. CHỦ TỊCH", "PHÓ GIÁM ĐỐC"). */
function isTitleLine(text: string): boolean {
  const t = text.trim();
  return matchAuthority(t) !== null || (t.length >= 3 && t.length <= 80 && upperShare(t) >= 0.85 && /\p{L}{2}/u.test(t));
}

const SPLIT = /^(.*?[;.,:])\s+((?:TUQ|TM|KT|TL|Q)\s*[.,]\s*\p{Lu}.*|[\p{Lu}][\p{Lu}\s.]{3,}|[\p{Lu}][\p{Ll}]+(?:\s+[\p{Lu}][\p{Ll}]*){1,4})$/u;

/** Where the closing starts: the "Nơi nhận" line, or the signature block when there is none. */
export function findClosing(lines: readonly SourceLine[], from: number): number {
  // The first list after the body: appendices (forms, tables) after the signature may carry their own "Nơi nhận".
  for (let i = from; i < lines.length; i++) {
    if (matchRecipientsLabel(lines[i]!.text) !== null) {
      // Signature titles placed above the list in reading order belong to the closing too.
      let s = i;
      for (let k = i - 1, seen = 0; k >= from && seen < 3; k--) {
        const t = lines[k]!.text.trim();
        if (!t) continue;
        seen++;
        if (matchAuthority(t) || (lines[k]!.column === 'right' && isTitleLine(t))) s = k;
        else break;
      }
      return s;
    }
  }
  // No list: a signature block opened by an authority prefix ("TM. CHÍNH PHỦ") with a name a few lines below.
  for (let i = from; i < lines.length; i++) {
    const a = matchAuthority(lines[i]!.text.trim());
    if (!a || upperShare(a.rest) < 0.85) continue;
    for (let k = i + 1; k < Math.min(lines.length, i + 6); k++) if (isName(lines[k]!.text)) return i;
  }
  // Or a name on the last lines, with uppercase titles above it.
  let i = lines.length - 1;
  while (i >= from && (!lines[i]!.text.trim() || isDecoration(lines[i]!.text) || isSignaturePlaceholder(lines[i]!.text))) i--;
  if (i < from || !isName(lines[i]!.text)) return lines.length;
  let s = i;
  for (let k = i - 1; k >= from; k--) {
    const t = lines[k]!.text.trim();
    if (!t || isSignaturePlaceholder(t)) continue;
    if (isTitleLine(t)) s = k;
    else break;
  }
  return s < i ? s : lines.length;
}

export function parseClosing(lines: readonly SourceLine[], start: number): ClosingResult {
  const result: ClosingResult = { start, end: lines.length };
  if (start >= lines.length) return result;
  const recipients: Array<{ text: string; src: SourceLine }> = [];
  const signerParts: Array<{ text: string; src: SourceLine }> = [];
  let recipientsSrc: SourceLine | undefined;
  let inList = false;

  for (let i = start; i < lines.length; i++) {
    const src = lines[i]!;
    let text = src.text.trim();
    if (!text || isDecoration(text)) continue;
    // The signer's name ends the document; what follows (appendices, forms) is not closing.
    // An appendix label ends it too when OCR lost the name (a seal over it).
    if ((signerParts.some((p) => isName(p.text)) && src.column !== 'left') || (matchAppendix(text) && (signerParts.length > 0 || recipients.length > 0))) {
      result.end = i;
      break;
    }
    let right = '';
    const label = matchRecipientsLabel(text);
    if (label !== null && !recipientsSrc) {
      recipientsSrc = src;
      inList = true;
      text = text.slice(label).trim();
      if (!text) continue;
      if (src.column !== 'left' && (isTitleLine(text) && !isBullet(text))) {
        signerParts.push({ text, src });
        continue;
      }
    }
    if (src.column === 'right') {
      signerParts.push({ text, src });
      continue;
    }
    if (src.column !== 'left') {
      const gap = /^(.*?\S)\s{3,}(\S.*)$/.exec(text);
      const m = gap ? null : SPLIT.exec(text);
      if (gap && inList) {
        // Columns kept apart by spaces, as in a laid-out text file.
        if (isBullet(gap[1]!) || recipients.length > 0) {
          text = gap[1]!;
          right = gap[2]!;
        }
      } else if (m && inList && isBullet(text) && /[;.]$/.test(m[1]!) && (matchAuthority(m[2]!) || /\s/.test(m[2]!.trim()))) {
        text = m[1]!;
        right = m[2]!;
      }
    }
    // A wrapped entry goes on in lower case; after an entry closed by ";" or "." a lower-case line is not more of it
    // (a name under the signature whose capital OCR lost: "vụ Kim Mai").
    const continues = recipients.length > 0 && /^\p{Ll}/u.test(text) && !/[;.]$/.test(recipients[recipients.length - 1]!.text.trim());
    if (src.column === 'left' || (inList && (isBullet(text) || continues))) {
      if (isBullet(text) || recipients.length === 0) recipients.push({ text, src });
      else recipients[recipients.length - 1]!.text += ` ${text}`;
    } else {
      signerParts.push({ text, src });
    }
    if (right) signerParts.push({ text: right, src });
  }

  if (recipients.length || recipientsSrc) {
    const list = recipients
      .map((r) =>
        squash(r.text.replace(/^\s*[-–+•·∙]\s*/, ''))
          // Specks read after the entry's own punctuation: "Sở; -", "Lưu: VT, VP. s".
          .replace(/([;,.])\s+\S$/u, '$1')
          .replace(/\s+[-–~|]$/, '')
          .replace(/[;,.]+$/, '')
          .trim(),
      )
      .map(normalizeArchiveEntry)
      .filter(Boolean);
    const src = recipientsSrc ?? recipients[0]!.src;
    result.recipients = at(src, list, 0.9);
  }

  // With no signature between them, OCR may read the title and the name as one line ("PHÓ GIÁM ĐỐC Nguyễn Văn An").
  const parts = signerParts
    // "KỸ TRƯỞNG PHÒNG" (the "KT." read as "KỸ") is a title, not the "Ký …" of a placeholder.
    .filter((p) => !isSignaturePlaceholder(p.text) || (!/\(/.test(p.text) && SIGN_TITLES.includes(canonicalTitle(p.text))))
    .flatMap((p) => {
      const t = squash(p.text);
      const m = /^(\P{Ll}+?)\s+(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}*){1,5})$/u.exec(t);
      if (!m || isName(t) || !isTitleLine(m[1]!) || !/\p{Lu}{2}/u.test(m[1]!) || !isName(m[2]!)) return [p];
      return [
        { text: m[1]!, src: p.src },
        { text: m[2]!, src: p.src },
      ];
    });
  if (parts.length) {
    const titles: string[] = [];
    let name: string | null = null;
    for (const p of parts) {
      const t = squash(p.text);
      const n = nameLine(t);
      // A title line OCR spattered with specks and lower case ("-<ˆ PHÓ dầu TỊCH") still reads back to a signing title.
      const known = name === null && !isTitleLine(t) && !isName(n) && upperShare(t) >= 0.5 && SIGN_TITLES.includes(canonicalTitle(t));
      if ((isTitleLine(t) || known) && name === null) titles.push(canonicalTitle(t));
      else if (isName(n)) name = n;
      // A name OCR damaged still opens on a capital and has two words ("Ngô Thu Mai" → "Ngô Thu Mal"); seal text and strokes ("\"hoà Đốc", "ì") do not.
      else if (name === null && titles.length && n.length < 40 && !/[;:]/.test(n) && /^\p{Lu}\p{L}+(?:\s+\S+)+$/u.test(n) && n.split(/\s+/).filter((w) => /^\p{L}{2,}/u.test(w)).length >= 2) name = n;
    }
    titles.splice(0, titles.length, ...repairTitles(titles));
    if (titles.length || name) {
      // Authority lines are the prefixed ones (TM./KT./…); the signer's own title is the last line without a prefix.
      const authorityLines = titles.filter((t) => matchAuthority(t) !== null);
      // The position comes right under the authority lines; uppercase lines further down are the seal's text read by OCR.
      let lastAuthority = -1;
      titles.forEach((t, k) => {
        if (matchAuthority(t)) lastAuthority = k;
      });
      const plain = titles.filter((t, k) => matchAuthority(t) === null && k > lastAuthority);
      const fallback = titles.filter((t) => matchAuthority(t) === null);
      const signer: Signer = {
        authority: authorityLines.length ? authorityLines.join('\n') : null,
        authorityLines,
        // A known signing title among them is the signer's; the others are fragments OCR read twice ("TỊCH").
        title: deputyTitle(authorityLines, plain.find((t) => SIGN_TITLES.includes(t)) ?? plain[0] ?? fallback[0] ?? null),
        name,
      };
      let c = 0.5 + (titles.length ? 0.25 : 0) + (name ? 0.2 : 0);
      if (parts.some((p) => p.src.conf !== undefined && p.src.conf < 60)) c -= 0.2;
      result.signer = at(parts[0]!.src, signer, c);
    }
  }
  return result;
}

/**
 * "KT. GIÁM ĐỐC" is signed by a deputy, whose title is "PHÓ GIÁM ĐỐC" (Nghị định 30/2020, Phụ lục I):
 * a title line under a KT. line that OCR damaged ("DI) M ĐỐC", "PHO GIAM ĐỐC") but still
 * resembles that form is read as it.
 */
function deputyTitle(authorityLines: readonly string[], title: string | null): string | null {
  const kt = authorityLines.find((a) => a.startsWith('KT.'));
  if (!kt || title === null) return title;
  const deputy = `PHÓ ${kt.slice(3).trim()}`;
  if (title === deputy) return title;
  const a = fold(title).replace(/[^a-z ]/g, '');
  const b = fold(deputy);
  // Under "KT. <head>" the signer is the deputy: a line OCR cut to the head's last word ("96 PHÒNG") is that title.
  const last = (t: string): string => t.trim().split(/\s+/).pop() ?? '';
  const cut = !SIGN_TITLES.includes(title) && last(a).length >= 3 && last(a) === last(b);
  return distance(a, b) <= Math.max(2, Math.round(0.35 * b.length)) || cut ? deputy : title;
}

/**
 * Signing titles and the collective bodies that sign "TM." (Nghị định 30/2020, Phụ lục I): the closed
 * vocabulary a damaged title line is read back to. A deputy's title is "PHÓ " and the head's.
 */
const HEAD_TITLES = [
  'CHỦ TỊCH', 'GIÁM ĐỐC', 'TRƯỞNG BAN', 'TRƯỞNG PHÒNG', 'CHÁNH VĂN PHÒNG', 'CHÁNH THANH TRA', 'BỘ TRƯỞNG', 'THỦ TƯỚNG',
  'TỔNG GIÁM ĐỐC', 'CỤC TRƯỞNG', 'TỔNG CỤC TRƯỞNG', 'VỤ TRƯỞNG', 'VIỆN TRƯỞNG', 'HIỆU TRƯỞNG', 'CHI CỤC TRƯỞNG',
  'BÍ THƯ', 'CHỦ NHIỆM', 'TRƯỞNG ĐOÀN', 'CHÁNH ÁN', 'TỔNG THƯ KÝ', 'TRƯỞNG KHOA',
];
const SIGN_TITLES = [...new Set([...HEAD_TITLES, ...HEAD_TITLES.map((t) => `PHÓ ${t}`), 'THỨ TRƯỞNG', 'ỦY VIÊN'])];
const COLLECTIVES = ['ỦY BAN NHÂN DÂN', 'HỘI ĐỒNG NHÂN DÂN', 'THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN', 'CHÍNH PHỦ', 'BAN CHẤP HÀNH', 'BAN THƯỜNG VỤ', 'ĐẢNG ỦY', 'HỘI ĐỒNG', 'BAN CHỈ ĐẠO', 'BAN TỔ CHỨC', 'BAN QUẢN LÝ'];
/** The head who signs for a collective body ("TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH"). */
const COLLECTIVE_HEAD: Record<string, string> = { 'ỦY BAN NHÂN DÂN': 'CHỦ TỊCH', 'HỘI ĐỒNG NHÂN DÂN': 'CHỦ TỊCH', 'THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN': 'CHỦ TỊCH', 'CHÍNH PHỦ': 'THỦ TƯỚNG' };

const letters = (t: string): string => fold(t).replace(/[^a-z]/g, '');

/**
 * The one entry of `list` a damaged line stands for: the same letters within about a third of edits, or
 * (`tail`) the line's last letters ending exactly one entry when OCR lost the front ("}AN NHÂN DÂN", "TỊCH").
 */
function closest(line: string, list: readonly string[], tail = false): string | null {
  const a = letters(line);
  if (a.length < 3) return null;
  const scored = list.map((c) => ({ c, d: distance(a, letters(c)) })).sort((x, y) => x.d - y.d);
  const best = scored[0]!;
  if (best.d === 0) return best.c;
  const limit = Math.max(1, Math.floor(0.3 * letters(best.c).length));
  if (best.d <= limit && scored.filter((x) => x.d === best.d).length === 1) return best.c;
  if (!tail || a.length < 4) return null;
  // The front lost: the last words read whole end the entry.
  const words = squash(line.replace(/[^\p{L}\s]/gu, ' ')).split(' ');
  for (let k = 0; k < words.length; k++) {
    const end = letters(words.slice(k).join(' '));
    if (end.length < 4) break;
    const ends = list.filter((c) => letters(c).endsWith(end));
    if (ends.length) return ends.sort((x, y) => x.length - y.length)[0]!;
  }
  return null;
}

/**
 * Title line with accents restored on known words when the scan lost them ("KT, CHU TICH" → "KT. CHỦ TỊCH"),
 * specks at its ends dropped ("- CHỦ TỊCH", ". :KT, TRƯỞNG BAN", "“PHÓ TRƯỞNG BAN") and the dot of a
 * delegation prefix put back ("KT CHỦ TỊCH"): KT, TM, TL and TUQ are no Vietnamese words.
 */
function canonicalTitle(line: string): string {
  const clean = line.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '').replace(/^(TUQ|TM|KT|TL)\s+(?=\p{Lu}{2})/u, '$1. ');
  const auth = matchAuthority(clean);
  const rest = auth ? auth.rest.replace(/^[^\p{L}]+/u, '') : clean;
  let canon = fold(rest) === rest.toLowerCase() ? canonicalizeAgency(rest).text : rest;
  if (auth?.prefix === 'TM.') canon = closest(canon, COLLECTIVES, true) ?? canon;
  // The front-lost reading only where OCR left marks of damage (specks, lower case): "KẾ TOÁN TRƯỞNG" is printed so.
  else if (!SIGN_TITLES.includes(canon)) {
    // A deputy's "PHÓ" read whole keeps the line a deputy's title ("PHÓ TỊCH" is no "CHỦ TỊCH").
    const pho = /^ph[a-z]?$/.test(fold(canon.split(/\s+/, 1)[0]!)) && canon.includes(' ');
    canon = closest(canon, SIGN_TITLES.filter((t) => t.startsWith('PHÓ ') === pho), /[^\p{Lu}\s]/u.test(rest)) ?? canon;
  }
  return auth ? `${auth.prefix} ${canon}` : canon;
}

/**
 * Title lines whose delegation OCR damaged, told by the convention of Nghị định 30: a deputy signs
 * "KT. <head>" over "PHÓ <head>", so a line that reads as the head's title (with a speck or a lost letter in
 * front: "T. TRƯỞNG PHÒNG") right above "PHÓ <that title>" is "KT. <head>"; under "TM. <collective>" the
 * signer's own line is its head's title ("TỊCH" → "CHỦ TỊCH"), or the deputy's under a "KT." line.
 */
function repairTitles(titles: readonly string[]): string[] {
  const out = [...titles];
  // The same head's title read twice in a row: OCR lost "KT." and "PHÓ" (a seal over the block's left side).
  for (let k = 0; k + 1 < out.length; k++) {
    if (out[k] === out[k + 1] && HEAD_TITLES.includes(out[k]!)) {
      out[k + 1] = `PHÓ ${out[k]}`;
      out[k] = `KT. ${out[k]}`;
    }
  }
  for (let k = 0; k + 1 < out.length; k++) {
    const next = out[k + 1]!;
    if (matchAuthority(out[k]!) || !next.startsWith('PHÓ ')) continue;
    const head = next.slice(4);
    const a = letters(out[k]!);
    const b = letters(head);
    // Or a line OCR damaged past reading back that still ends in the head's last word (",GKE GỒM ĐỐC" over "PHÓ GIÁM ĐỐC").
    const lastWord = (t: string): string => letters(t.split(/\s+/).pop() ?? '');
    const damaged = !SIGN_TITLES.includes(out[k]!) && !COLLECTIVES.includes(out[k]!) && lastWord(out[k]!) === lastWord(head) && lastWord(head).length >= 3;
    if (a === b || (a.endsWith(b) && a.length - b.length <= 3) || distance(a, b) <= Math.max(1, Math.floor(0.25 * b.length)) || damaged) out[k] = `KT. ${head}`;
  }
  const tm = out.findIndex((t) => t.startsWith('TM. '));
  if (tm >= 0 && COLLECTIVE_HEAD[out[tm]!.slice(4)]) {
    // A deputy's line OCR cut ("PHÓ TỊCH") under a collective: the deputy of its head, who signs under "KT. <head>".
    const head = COLLECTIVE_HEAD[out[tm]!.slice(4)]!;
    const deputy = out.findIndex((t, k) => k > tm && t !== `PHÓ ${head}` && /^PHÓ\s/.test(t) && closest(t.slice(4), [head], true) === head);
    if (deputy >= 0) out[deputy] = `PHÓ ${head}`;
    const dep = out.indexOf(`PHÓ ${head}`);
    if (dep > tm + 1 && !out.slice(tm + 1, dep).some((t) => t.startsWith('KT.'))) {
      const k = out.findIndex((t, j) => j > tm && j < dep && closest(t, [head], true) === head);
      if (k >= 0) out[k] = `KT. ${head}`;
    }
  }
  if (tm >= 0) {
    const head = COLLECTIVE_HEAD[out[tm]!.slice(4)];
    const kt = out.slice(tm + 1).findIndex((t) => t.startsWith('KT.'));
    const own = kt >= 0 ? tm + 1 + kt + 1 : tm + 1;
    const line = out[own];
    if (head && line !== undefined && !matchAuthority(line) && !SIGN_TITLES.includes(line)) {
      const want = kt >= 0 ? `PHÓ ${head}` : head;
      if (closest(line, [want], true) === want) out[own] = want;
    }
    if (head && kt >= 0 && kt + tm + 1 < out.length) {
      const ktLine = out[tm + 1 + kt]!;
      if (ktLine !== `KT. ${head}` && closest(ktLine.slice(4), [head], true) === head) out[tm + 1 + kt] = `KT. ${head}`;
    }
  }
  return out;
}

/**
 * The last "Nơi nhận" entry is the filing note "Lưu: VT, <unit>" (VT = văn thư, the records
 * office), in small type that OCR often reads as "VI", "VỊ" or "V1", with the space after the
 * comma lost. Nearly every document files a copy with VT, so those readings are put right.
 */
export function normalizeArchiveEntry(entry: string): string {
  const match = /^(L[ưuU][uưU]\s*:?)\s*(.*)$/u.exec(entry);
  if (!match) return entry;
  const units = match[2]!
    .split(/\s*,\s*/)
    .filter(Boolean)
    .map((unit, i) => (i === 0 && /^V[IỊTl1|]$/u.test(unit) ? 'VT' : unit));
  return `${match[1]!.includes(':') ? 'Lưu: ' : 'Lưu '}${units.join(', ')}`;
}
