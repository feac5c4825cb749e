// Loudness measurement speed: a 60-minute stereo 24-bit programme (generated once into the
// temp folder: pink-ish noise with a slow level ride) measured as `dubstage loudness` does,
// plus per-kernel throughput of the biquad, the K-weighted meter and the true-peak detector.
// Prints JSON lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Biquad, designBiquad } from '../src/dsp/biquad.js';
import { Compressor } from '../src/dsp/dynamics.js';
import { LinkedLimiter } from '../src/dsp/limiter.js';
import { TrackStrip } from '../src/engine/strip.js';
import { LoudnessMeter } from '../src/dsp/loudness.js';
import { TruePeak } from '../src/dsp/true-peak.js';
import { measureFile } from '../src/engine/measure-loudness.js';
import { BwfWriter } from '../src/io/wav-writer.js';

const RATE = 48000;

function programme(file: string, minutes: number): void {
  if (fs.existsSync(file)) return;
  const w = new BwfWriter(file, { sampleRate: RATE, channels: 2, encoding: 'pcm24', bext: { timeReference: 0 } });
  const l = new Float32Array(RATE);
  const r = new Float32Array(RATE);
  let seed = 1;
  let b0 = 0;
  let b1 = 0;
  for (let s = 0; s < minutes * 60; s++) {
    const level = 0.05 + 0.04 * Math.sin(s / 37);
    for (let i = 0; i < RATE; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const white = seed / 2147483648 - 1;
      b0 = 0.99 * b0 + white * 0.1;
      b1 = 0.6 * b1 + white * 0.4;
      l[i] = (b0 + b1) * level;
      r[i] = (b0 - 0.5 * b1) * level;
    }
    w.write([l, r], RATE);
  }
  w.finish();
}

function throughput(name: string, fn: (buf: Float32Array) => void): void {
  const buf = new Float32Array(4096).map((_, i) => Math.sin(i * 0.01) * 0.3);
  for (let i = 0; i < 500; i++) fn(buf);
  const reps = 5000;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn(buf);
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ bench: 'kernel', name, samplesPerSecond: (reps * buf.length) / s }));
}

const minutes = Number(process.argv[2] ?? 60);
const file = path.join(os.tmpdir(), 'dubstage-bench', `programme-${minutes}min.wav`);
fs.mkdirSync(path.dirname(file), { recursive: true });
programme(file, minutes);
const t0 = performance.now();
const res = measureFile(file);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ bench: 'loudness-file', minutes, seconds, speed: (minutes * 60) / seconds, integrated: res.integrated, truePeak: res.truePeak }));

const bq = new Biquad(designBiquad('peak', 3150, RATE, 2, -4));
throughput('biquad (one band)', (b) => bq.process(b, b, 0, b.length));
const meterNoTp = new LoudnessMeter(RATE, 1, { truePeak: false });
throughput('loudness (K-weighting + gating, per channel)', (b) => meterNoTp.process([b], 0, b.length));
throughput('true peak (4x, every sample oversampled)', (b) => {
  const tp = new TruePeak();
  tp.process(b, 0, b.length);
});
const comp = new Compressor(RATE, { threshold: -24, ratio: 3, knee: 6, attack: 10, release: 120, makeup: 0, sidechainHpf: 100, on: true }, 4096, 1);
throughput('compressor (sidechain high pass)', (b) => comp.process([b], 0, b.length));
const lim = new LinkedLimiter(RATE, { ceiling: -1, release: 50, on: true }, 2, 2);
const right = new Float32Array(4096);
throughput('true-peak limiter (stereo, per channel)', (b) => lim.process([b, right], [b, right], 0, b.length));

// A full dialogue strip (HPF 24 dB/oct, three peaks, a notch, gate, compressor, de-esser) on a
// mono track, in 512-frame blocks: the share of one core one such track costs at 48 kHz.
const mono = new Float32Array(512);
const strip = new TrackStrip(RATE, 512, {
  id: 't1', name: 'DIA', kind: 'dialogue', stem: 'D', gainDb: 0, pan: 0, mute: false, solo: false,
  eq: [
    { type: 'hpf', freq: 80, gainDb: 0, q: 0.707, slope: 24, on: true },
    { type: 'peak', freq: 250, gainDb: -2, q: 1, slope: 12, on: true },
    { type: 'peak', freq: 3150, gainDb: -4, q: 2, slope: 12, on: true },
    { type: 'peak', freq: 5000, gainDb: 1.5, q: 1, slope: 12, on: true },
    { type: 'notch', freq: 60, gainDb: 0, q: 10, slope: 12, on: true },
  ],
  gate: { threshold: -55, ratio: 4, range: 15, attack: 1, hold: 50, release: 200, on: true },
  comp: { threshold: -24, ratio: 3, knee: 6, attack: 10, release: 120, makeup: 2, sidechainHpf: 100, on: true },
  deess: { freq: 6500, threshold: -30, ratio: 4, on: true },
}, mono, new Float32Array(512), new Float32Array(512));
const blocks = 20000;
for (let i = 0; i < 512; i++) mono[i] = Math.sin(i * 0.05) * 0.2;
const s0 = performance.now();
for (let k = 0; k < blocks; k++) strip.process(true, false, 512);
const cpu = (performance.now() - s0) / 1000;
const audio = (blocks * 512) / RATE;
console.log(JSON.stringify({ bench: 'strip', shareOfCore: cpu / audio, tracksPerCore: audio / cpu }));
