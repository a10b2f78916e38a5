/**
 * Synthetic degraded pages for calibrating and evaluating the quality estimator.
 *
 * Each sample is a paragraph of our own administrative-style Vietnamese sentences,
 * rendered with Tinos (a Times-metric serif, as on most printed Vietnamese documents),
 * degraded by a random mix of blur, low resolution, noise, speckles, contrast loss,
 * skew, binarisation and JPEG, and read by tesseract.js. The OCR result is cached on
 * disk so that refitting the model costs nothing.
 *
 * Shared by scripts/calibrate-quality.ts (fit) and scripts/eval-quality.ts (held-out check).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { createWorker, type Worker } from 'tesseract.js';
import { mulberry32 } from '../scripts/fixtures/random.js';

const require = createRequire(import.meta.url);

/**
 * Sentences written for this purpose (not from any corpus), in the register of
 * Kế hoạch / Quyết định / Công văn. Even indices feed fitting, odd ones the held-out set,
 * so held-out pages never share a sentence with fitted ones.
 */
export const SENTENCES: readonly string[] = [
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.',
  'Ủy ban nhân dân huyện ban hành kế hoạch triển khai công tác chuyển đổi số năm 2024 như sau.',
  'Nhằm nâng cao chất lượng phục vụ người dân, các cơ quan cần rà soát thủ tục hành chính trước ngày 30 tháng 9.',
  'Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với các đơn vị liên quan tổ chức thực hiện.',
  'Kinh phí thực hiện được bố trí từ nguồn ngân sách địa phương và các nguồn huy động hợp pháp khác.',
  'Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị báo cáo về Văn phòng để tổng hợp.',
  'Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 125/QĐ-UBND ngày 12 tháng 3 năm 2021.',
  'Chánh Văn phòng, Thủ trưởng các sở, ban, ngành và Chủ tịch Ủy ban nhân dân các xã chịu trách nhiệm thi hành.',
  'Tăng cường công tác tuyên truyền, phổ biến giáo dục pháp luật cho cán bộ, công chức và nhân dân.',
  'Đẩy mạnh ứng dụng công nghệ thông tin trong quản lý văn bản và điều hành tác nghiệp.',
  'Bảo đảm an toàn, an ninh mạng cho hệ thống thông tin của cơ quan nhà nước trên địa bàn tỉnh.',
  'Thực hiện nghiêm chế độ thông tin, báo cáo định kỳ hằng tháng, hằng quý và đột xuất theo yêu cầu.',
  'Sở Nội vụ hướng dẫn các cơ quan, đơn vị xây dựng vị trí việc làm và cơ cấu ngạch công chức.',
  'Công tác phòng, chống thiên tai và tìm kiếm cứu nạn phải được chuẩn bị chu đáo trước mùa mưa bão.',
  'Tổ chức kiểm tra, đánh giá kết quả thực hiện và đề xuất khen thưởng các tập thể, cá nhân có thành tích xuất sắc.',
  'Hồ sơ đề nghị gồm tờ trình, báo cáo thuyết minh và bản sao các giấy tờ có liên quan.',
  'Thời gian giải quyết hồ sơ không quá mười lăm ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.',
  'Ban Chỉ đạo có nhiệm vụ giúp Chủ tịch Ủy ban nhân dân tỉnh chỉ đạo, điều hòa, phối hợp hoạt động.',
  'Các trường học tiếp tục đổi mới phương pháp dạy học, chú trọng giáo dục kỹ năng sống cho học sinh.',
  'Trung tâm Y tế huyện tổ chức tiêm chủng mở rộng cho trẻ em dưới một tuổi tại các trạm y tế xã.',
  'Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam huyện phối hợp giám sát việc thực hiện quy chế dân chủ ở cơ sở.',
  'Phát triển nông nghiệp theo hướng hàng hóa, ứng dụng công nghệ cao, thích ứng với biến đổi khí hậu.',
  'Quản lý chặt chẽ đất đai, tài nguyên khoáng sản; xử lý nghiêm các trường hợp vi phạm.',
  'Năm 2023, tổng thu ngân sách nhà nước trên địa bàn đạt 1.254 tỷ đồng, bằng 108% dự toán.',
  'Tỷ lệ hộ nghèo giảm còn 2,35%, tỷ lệ lao động qua đào tạo đạt 68,5%.',
  'Các chỉ tiêu chủ yếu về kinh tế, xã hội, quốc phòng, an ninh cơ bản đạt và vượt kế hoạch đề ra.',
  'Việc thu hồi đất, bồi thường, hỗ trợ, tái định cư phải công khai, minh bạch, đúng quy định.',
  'Tiếp tục thực hiện có hiệu quả Chương trình mục tiêu quốc gia xây dựng nông thôn mới.',
  'Kiện toàn tổ chức bộ máy theo hướng tinh gọn, hoạt động hiệu lực, hiệu quả.',
  'Chi cục Thủy lợi kiểm tra hệ thống đê điều, hồ đập, kịp thời khắc phục các sự cố.',
  'Trường hợp cần thiết, Chủ tịch Ủy ban nhân dân xã được ủy quyền ký các văn bản hành chính thông thường.',
  'Ngày 15 tháng 8 năm 2024, Đoàn kiểm tra đã làm việc tại Ủy ban nhân dân thị trấn và các đơn vị trực thuộc.',
  'Thực hiện Công văn số 2345/UBND-VX của Ủy ban nhân dân tỉnh về việc tăng cường công tác an toàn thực phẩm.',
  'Người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước pháp luật về kết quả thực hiện nhiệm vụ được giao.',
  'Hội nghị sơ kết sáu tháng đầu năm sẽ được tổ chức tại hội trường Ủy ban nhân dân huyện vào lúc 8 giờ.',
  'Đối tượng áp dụng là cán bộ, công chức, viên chức và người lao động trong các cơ quan hành chính.',
  'Các khoản đóng góp tự nguyện phải được quản lý, sử dụng đúng mục đích và công khai cho nhân dân biết.',
  'Xây dựng kế hoạch bảo vệ rừng, phòng cháy chữa cháy rừng trong mùa khô hanh.',
  'Khuyến khích doanh nghiệp đầu tư vào lĩnh vực chế biến nông sản, du lịch sinh thái và dịch vụ.',
  'Bảo đảm trật tự an toàn giao thông, giảm số vụ tai nạn, số người chết và bị thương.',
  'Phòng Giáo dục và Đào tạo thống kê số lượng giáo viên còn thiếu và đề xuất phương án tuyển dụng.',
  'Mọi tổ chức, cá nhân có quyền phản ánh, kiến nghị về quy định hành chính theo quy định của pháp luật.',
  'Văn bản này được gửi qua hệ thống quản lý văn bản điện tử và không gửi bản giấy.',
  'Thủ trưởng cơ quan thường xuyên đối thoại với người dân để giải quyết kịp thời các kiến nghị.',
  'Điều chỉnh quy hoạch sử dụng đất đến năm 2030 phù hợp với định hướng phát triển của huyện.',
  'Các hợp tác xã được hỗ trợ tiếp cận vốn vay ưu đãi, tập huấn kỹ thuật và xúc tiến thương mại.',
  'Đề nghị các đồng chí thành viên nghiên cứu tài liệu trước và tham dự đầy đủ, đúng thành phần.',
  'Kết quả kiểm tra cho thấy phần lớn các đơn vị đã chấp hành tốt quy định về văn thư, lưu trữ.',
  'Một số nơi còn chậm cập nhật dữ liệu dân cư, ảnh hưởng đến tiến độ chung của toàn tỉnh.',
  'Tài liệu lưu trữ có giá trị lịch sử phải được chỉnh lý, số hóa và bảo quản theo tiêu chuẩn.',
  'Tổ chức lấy ý kiến nhân dân về dự thảo nghị quyết trong thời gian ba mươi ngày.',
  'Cán bộ tiếp công dân phải có thái độ đúng mực, hướng dẫn tận tình và ghi chép đầy đủ nội dung.',
  'Nguồn nước sinh hoạt tại các thôn vùng cao còn thiếu vào mùa khô, cần có giải pháp khắc phục.',
  'Thành lập Tổ công tác liên ngành gồm đại diện Công an, Quân sự, Tư pháp và Tài nguyên và Môi trường.',
  'Sau khi hoàn thành, đơn vị gửi báo cáo kết quả bằng văn bản về Sở Kế hoạch và Đầu tư.',
  'Hằng năm, cơ quan tổ chức đánh giá, xếp loại chất lượng cán bộ theo đúng hướng dẫn.',
  'Rà soát, sắp xếp lại các thôn, tổ dân phố có quy mô nhỏ theo tiêu chuẩn quy định.',
  'Huy động sức mạnh tổng hợp của cả hệ thống chính trị trong công cuộc giảm nghèo bền vững.',
  'Bố trí đủ kinh phí cho hoạt động khuyến nông, thú y và bảo vệ thực vật ở cơ sở.',
  'Hòa giải ở cơ sở góp phần giữ gìn đoàn kết trong cộng đồng dân cư và giảm khiếu kiện.',
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc',
  'KẾ HOẠCH Triển khai thực hiện Đề án phát triển ứng dụng dữ liệu về dân cư',
  'QUYẾT ĐỊNH Về việc thành lập Hội đồng thẩm định giá đất cụ thể',
  'BÁO CÁO Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội quý III năm 2024',
  'Nơi nhận: Như Điều 3; Thường trực Huyện ủy; Lưu: VT, NV.',
  'TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH',
];

/** Degradation parameters of one sample (all optional effects are off at 0). */
export interface Degradation {
  /** Scale applied after rendering at 200 dpi (0.4 → 80 dpi). */
  scale: number;
  blur: number;
  /** Gaussian noise standard deviation, grey levels. */
  noise: number;
  /** Share of pixels flipped to black or white. */
  speckle: number;
  /** 1 = full contrast; 0.3 = text at light grey. */
  contrast: number;
  /** Degrees. */
  skew: number;
  /** 0 = no binarisation, else threshold grey level. */
  threshold: number;
  /** 0 = no JPEG, else JPEG quality. */
  jpeg: number;
}

export interface SynthSample {
  id: string;
  split: 'fit' | 'holdout';
  truth: string;
  degradation: Degradation;
  width: number;
  height: number;
  dpi: number;
  text: string;
  words: Array<{ text: string; conf: number; bbox: [number, number, number, number] }>;
}

/** Small deterministic PRNG (the fixtures' mulberry32) so sample sets are reproducible. */
export const rng = mulberry32;

export interface SamplePlan {
  index: number;
  split: 'fit' | 'holdout';
  truth: string;
  degradation: Degradation;
}

/** Plans `count` samples; every third one (index % 3 === 2) is held out. */
export function planSamples(count: number, seed = 20240601): SamplePlan[] {
  const rand = rng(seed);
  const plans: SamplePlan[] = [];
  for (let index = 0; index < count; index++) {
    const split = index % 3 === 2 ? 'holdout' : 'fit';
    const pool = SENTENCES.filter((_, i) => (i % 2 === 1) === (split === 'holdout'));
    const n = 2 + Math.floor(rand() * 3);
    const picked: string[] = [];
    for (let k = 0; k < n; k++) picked.push(pool[Math.floor(rand() * pool.length)]!);
    // Severity spread evenly from clean to unreadable; each effect takes a random share.
    const s = index % 10 === 0 ? 0 : rand();
    const part = (): number => s * rand();
    const degradation: Degradation = {
      scale: 1 - 0.62 * part(),
      blur: part() * 2.2,
      noise: part() * 70,
      speckle: part() * 0.05,
      contrast: 1 - 0.7 * part(),
      skew: (rand() * 2 - 1) * 4 * part(),
      threshold: rand() < 0.25 * s ? 90 + rand() * 120 : 0,
      jpeg: rand() < 0.5 * s ? Math.round(95 - part() * 90) : 0,
    };
    plans.push({ index, split, truth: picked.join(' '), degradation });
  }
  return plans;
}

const FONT_FILE = join(
  require.resolve('@expo-google-fonts/tinos/package.json'),
  '..',
  '400Regular',
  'Tinos_400Regular.ttf',
);

function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders and degrades one sample; returns a PNG and its size. */
export async function renderSample(plan: SamplePlan): Promise<{ png: Buffer; width: number; height: number; dpi: number }> {
  const d = plan.degradation;
  const rand = rng(plan.index * 7919 + 17);
  const rendered = await sharp({
    text: { text: escapeMarkup(plan.truth), font: 'Tinos', fontfile: FONT_FILE, dpi: 200, width: 900, wrap: 'word' },
  })
    .negate({ alpha: false })
    .greyscale()
    .extend({ top: 30, bottom: 30, left: 30, right: 30, background: '#ffffff' })
    .png()
    .toBuffer();
  let img = sharp(rendered).greyscale();
  if (Math.abs(d.skew) > 0.05) img = img.rotate(d.skew, { background: '#ffffff' });
  if (d.contrast < 0.999) img = img.linear(d.contrast, 255 * (1 - d.contrast));
  if (d.blur >= 0.3) img = img.blur(d.blur);
  const meta = await sharp(await img.png().toBuffer()).metadata();
  const width0 = meta.width ?? 960;
  const width = Math.max(80, Math.round(width0 * d.scale));
  const { data, info } = await sharp(await img.png().toBuffer())
    .resize({ width, kernel: 'cubic' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const px = new Uint8ClampedArray(data.buffer, data.byteOffset, info.width * info.height);
  if (info.channels !== 1) throw new Error('expected one channel');
  for (let i = 0; i < px.length; i++) {
    let v = px[i]!;
    if (d.noise > 0) {
      // Box–Muller normal deviate.
      const g = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
      v += g * d.noise;
    }
    if (d.speckle > 0 && rand() < d.speckle) v = rand() < 0.5 ? 0 : 255;
    px[i] = v;
  }
  let out = sharp(Buffer.from(px.buffer, px.byteOffset, px.length), {
    raw: { width: info.width, height: info.height, channels: 1 },
  });
  if (d.threshold > 0) out = out.threshold(Math.round(d.threshold));
  let png: Buffer;
  if (d.jpeg > 0) {
    const jpg = await out.jpeg({ quality: Math.max(1, d.jpeg) }).toBuffer();
    out = sharp(jpg).greyscale();
  }
  const dpi = Math.round(200 * d.scale);
  // Record the resolution so Tesseract does not fall back to guessing it.
  png = await out.withMetadata({ density: dpi }).png().toBuffer();
  return { png, width: info.width, height: info.height, dpi };
}

export const CACHE_DIR = process.env.VANBAN_QUALITY_CACHE ?? join(tmpdir(), 'vanban-quality-cache');

function cacheKey(plan: SamplePlan): string {
  return createHash('sha1').update(JSON.stringify([plan.truth, plan.degradation, plan.index, 'v1'])).digest('hex').slice(0, 16);
}

export async function createVieWorker(): Promise<Worker> {
  const vie = require('@tesseract.js-data/vie') as { langPath: string };
  return createWorker('vie', 1, { langPath: vie.langPath, gzip: true, cacheMethod: 'none' });
}

interface TessWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}
interface TessBlock {
  paragraphs: Array<{ lines: Array<{ words: TessWord[] }> }>;
}

/** Loads a sample from the cache, or renders, OCRs and caches it. */
export async function loadOrRun(plan: SamplePlan, getWorker: () => Promise<Worker>): Promise<SynthSample> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const id = cacheKey(plan);
  const file = join(CACHE_DIR, `${id}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SynthSample;
  const { png, width, height, dpi } = await renderSample(plan);
  const worker = await getWorker();
  const result = await worker.recognize(png, {}, { text: true, blocks: true });
  const words: SynthSample['words'] = [];
  for (const block of (result.data.blocks ?? []) as unknown as TessBlock[]) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        for (const w of line.words) {
          words.push({ text: w.text, conf: w.confidence, bbox: [w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1] });
        }
      }
    }
  }
  const sample: SynthSample = {
    id,
    split: plan.split,
    truth: plan.truth,
    degradation: plan.degradation,
    width,
    height,
    dpi,
    text: result.data.text,
    words,
  };
  writeFileSync(`${file}.tmp`, JSON.stringify(sample));
  renameSync(`${file}.tmp`, file);
  return sample;
}

/** All planned samples, OCRing the ones not cached yet with one worker. */
export async function collectSamples(count: number, log: (msg: string) => void = () => {}): Promise<SynthSample[]> {
  const plans = planSamples(count);
  let worker: Worker | undefined;
  const getWorker = async (): Promise<Worker> => (worker ??= await createVieWorker());
  const samples: SynthSample[] = [];
  try {
    for (const plan of plans) {
      samples.push(await loadOrRun(plan, getWorker));
      if ((plan.index + 1) % 20 === 0) log(`  ${plan.index + 1}/${plans.length} samples`);
    }
  } finally {
    await worker?.terminate();
  }
  return samples;
}

/** Ranks with ties averaged (for Spearman's correlation). */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return out;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy || 1);
}

export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(ranks(x), ranks(y));
}

export interface EstimateMetrics {
  n: number;
  spearman: number;
  mae: number;
  /** Pages with CER > 10 % that were flagged / all such pages. */
  caught: number;
  badPages: number;
  /** Pages with CER < 3 % that were flagged / all such pages. */
  falseAlarms: number;
  goodPages: number;
}

/** Metrics of scores against true CERs, flagging below `threshold`. */
export function estimateMetrics(scores: readonly number[], cers: readonly number[], threshold: number): EstimateMetrics {
  const n = scores.length;
  let mae = 0;
  let bad = 0;
  let caught = 0;
  let good = 0;
  let alarms = 0;
  for (let i = 0; i < n; i++) {
    const cer = Math.min(1, cers[i]!);
    mae += Math.abs(1 - scores[i]! - cer);
    const flagged = scores[i]! < threshold;
    if (cer > 0.1) {
      bad++;
      if (flagged) caught++;
    }
    if (cer < 0.03) {
      good++;
      if (flagged) alarms++;
    }
  }
  return {
    n,
    spearman: spearman(scores, cers),
    mae: mae / n,
    caught: bad === 0 ? 1 : caught / bad,
    badPages: bad,
    falseAlarms: good === 0 ? 0 : alarms / good,
    goodPages: good,
  };
}
