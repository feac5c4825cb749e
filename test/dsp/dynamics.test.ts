import { describe, expect, it } from 'vitest';
import { Compressor, compressorCurve, Gate, type CompressorSpec } from '../../src/dsp/dynamics.js';
import { LinkedLimiter } from '../../src/dsp/limiter.js';
import { TruePeak } from '../../src/dsp/true-peak.js';

const FS = 48000;
const db = (x: number) => 20 * Math.log10(x);
const comp = (o: Partial<CompressorSpec> = {}): CompressorSpec => ({
  threshold: -20, ratio: 4, knee: 0, attack: 1, release: 50, makeup: 0, sidechainHpf: 0, on: true, ...o,
});

function runBlocks(n: number, fill: (buf: Float32Array, offset: number) => void, proc: (b: Float32Array[]) => void): Float32Array {
  const out = new Float32Array(n);
  for (let pos = 0; pos < n; pos += 512) {
    const m = Math.min(512, n - pos);
    const b = new Float32Array(m);
    fill(b, pos);
    proc([b]);
    out.set(b, pos);
  }
  return out;
}

describe('compressor', () => {
  it('static curve: above the threshold the level rises at 1/ratio; the soft knee meets both lines', () => {
    expect(compressorCurve(-10, -20, 4, 0)).toBe(-17.5);
    expect(compressorCurve(-30, -20, 4, 0)).toBe(-30);
    expect(compressorCurve(-23, -20, 4, 6)).toBeCloseTo(-23, 9);
    expect(compressorCurve(-17, -20, 4, 6)).toBeCloseTo(-19.25, 9); // the knee ends on the 4:1 line
    expect(compressorCurve(-20, -20, 4, 6)).toBeCloseTo(-20 + (0.25 - 1) * 9 / 12, 9);
  });
  it('settles a steady -10 dBFS level to -17.5 dBFS at -20 dB, 4:1, and adds make-up gain', () => {
    const c = new Compressor(FS, comp({ makeup: 2 }), 512, 1);
    const out = runBlocks(FS, (b) => b.fill(10 ** (-10 / 20)), (b) => c.process(b, 0, b[0].length));
    expect(db(out[FS - 1])).toBeCloseTo(-15.5, 3);
    expect(c.reduction).toBeCloseTo(7.5, 3);
  });
  it('attack and release follow their time constants', () => {
    const c = new Compressor(FS, comp({ attack: 10, release: 100 }), 512, 1);
    const loud = 10 ** (-10 / 20);
    runBlocks(480, (b) => b.fill(loud), (b) => c.process(b, 0, b[0].length)); // 10 ms: one attack time constant
    expect(c.reduction).toBeCloseTo(7.5 * (1 - Math.exp(-1)), 1);
    runBlocks(FS, (b) => b.fill(loud), (b) => c.process(b, 0, b[0].length));
    runBlocks(4800, (b) => b.fill(0.01), (b) => c.process(b, 0, b[0].length)); // 100 ms below threshold
    expect(c.reduction).toBeCloseTo(7.5 * Math.exp(-1), 1);
  });
  it('a band-limited sidechain (de-esser) reacts to 7 kHz and not to 500 Hz at the same level', () => {
    const spec = comp({ threshold: -30, ratio: 8, sidechainBand: 7000 });
    const level = (f: number) => {
      const c = new Compressor(FS, spec, 512, 1);
      runBlocks(FS / 2, (b, o) => b.forEach((_, i) => (b[i] = 0.3 * Math.sin((2 * Math.PI * f * (o + i)) / FS))), (b) => c.process(b, 0, b[0].length));
      return c.reduction;
    };
    expect(level(7000)).toBeGreaterThan(8);
    expect(level(500)).toBeLessThan(1);
  });
});

describe('gate / expander', () => {
  it('leaves signal above the threshold alone and takes the range off below it, after the hold', () => {
    const g = new Gate(FS, { threshold: -40, ratio: 10, range: 20, attack: 0.5, hold: 50, release: 20, on: true }, 1);
    const up = runBlocks(FS / 2, (b) => b.fill(0.1), (b) => g.process(b, 0, b[0].length));
    expect(up[up.length - 1]).toBeCloseTo(0.1, 6);
    const quiet = 10 ** (-50 / 20);
    const down = runBlocks(FS / 2, (b) => b.fill(quiet), (b) => g.process(b, 0, b[0].length));
    expect(down[1000]).toBeCloseTo(quiet, 9); // held open for 50 ms
    expect(db(down[down.length - 1])).toBeCloseTo(-70, 1); // -50 dBFS less the 20 dB range
  });
});

describe('look-ahead true-peak limiter', () => {
  function limit(signal: Float32Array, ceiling: number) {
    const lim = new LinkedLimiter(FS, { ceiling, release: 50, on: true }, 1, 1);
    const out = Float32Array.from(signal);
    for (let pos = 0; pos < out.length; pos += 512) lim.process([out], [out], pos, Math.min(out.length, pos + 512));
    return { out, latency: lim.latency };
  }
  function tp(x: Float32Array) {
    const m = new TruePeak();
    m.process(x, 0, x.length);
    return db(m.peak);
  }
  it('never lets inter-sample peaks past the ceiling (fs/4 sine at 45°, +6 dB over)', () => {
    const x = new Float32Array(FS).map((_, i) => 1.41 * Math.sin((Math.PI * i) / 2 + Math.PI / 4) * Math.min(1, i / 480));
    expect(tp(x)).toBeGreaterThan(2.5);
    expect(tp(limit(x, -1).out)).toBeLessThanOrEqual(-1);
  });
  it('holds the ceiling on bursts of noise and transients', () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2147483648 - 1);
    const x = new Float32Array(FS * 2).map((_, i) => {
      const burst = Math.floor(i / 4800) % 3 === 0 ? 2.5 : 0.3;
      return rnd() * burst + (i % 9600 === 0 ? 1.9 : 0);
    });
    for (const ceiling of [-1, -2, -0.1]) expect(tp(limit(x, ceiling).out)).toBeLessThanOrEqual(ceiling);
  });
  it('passes quiet audio untouched, only delayed by its look-ahead', () => {
    const x = new Float32Array(4800).map((_, i) => 0.25 * Math.sin(i * 0.05));
    const { out, latency } = limit(x, -1);
    for (let i = latency; i < x.length; i++) expect(out[i]).toBe(x[i - latency]);
  });
});
