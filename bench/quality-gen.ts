import { collectSamples } from './quality-synth.js';
const t0 = Date.now();
const s = await collectSamples(Number(process.argv[2] ?? 300), (m) => console.log(m, Math.round((Date.now() - t0) / 1000), 's'));
console.log(s.length, 'samples');
