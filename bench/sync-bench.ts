// Waveform sync speed: a 60 s recording (another microphone, -5 dB SNR) found in a 10-minute
// reference. Prints one JSON line.
import { findOffset } from '../src/dsp/xcorr.js';

const SR = 48000;
let s = 1;
const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
const ref = new Float32Array(600 * SR);
let env = 0;
let target = 0;
let lp = 0;
for (let i = 0; i < ref.length; i++) {
  if (i % 2400 === 0) target = rnd() > 0.2 ? Math.abs(rnd()) : 0;
  env += (target - env) * 0.002;
  lp += (rnd() - lp) * 0.3;
  ref[i] = lp * env;
}
const start = 217 * SR + 1234;
const probe = ref.slice(start, start + 60 * SR).map((v) => 0.5 * v + rnd() * 0.3);
const t0 = performance.now();
const r = findOffset(ref, probe);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ bench: 'sync', seconds, speed: 600 / seconds, errorSamples: r.offset === null ? null : r.offset - start, confidence: r.confidence }));
