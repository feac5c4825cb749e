import { describe, expect, it } from 'vitest';
import { Biquad, biquadMagnitudeDb, designBiquad } from '../../src/dsp/biquad.js';
import { eqMagnitudeDb, EqChain, type EqBandSpec } from '../../src/dsp/eq.js';

const FS = 48000;
const FREQS = [20, 31.5, 50, 80, 100, 160, 250, 400, 630, 1000, 1600, 2500, 3150, 4000, 6300, 8000, 10000, 12500, 16000, 20000];

/** The cookbook's closed-form magnitudes (|H|² from the analogue prototypes, bilinear-warped). */
function closedForm(type: string, f: number, f0: number, q: number, gainDb: number): number {
  // s-domain evaluation at the pre-warped frequency: s = j·tan(πf/fs)/tan(πf0/fs)
  const w = Math.tan((Math.PI * f) / FS) / Math.tan((Math.PI * f0) / FS);
  const A = 10 ** (gainDb / 40);
  const c = (re: number, im: number) => ({ re, im });
  const div = (a: { re: number; im: number }, b: { re: number; im: number }) => {
    const d = b.re * b.re + b.im * b.im;
    return c((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
  };
  const mag = (z: { re: number; im: number }) => 10 * Math.log10(z.re * z.re + z.im * z.im);
  const s2 = -w * w; // s² for s = jw (real), s = jw (imag part w)
  switch (type) {
    case 'lowpass': return mag(div(c(1, 0), c(1 + s2, w / q)));
    case 'highpass': return mag(div(c(s2, 0), c(1 + s2, w / q)));
    case 'notch': return mag(div(c(1 + s2, 0), c(1 + s2, w / q)));
    case 'peak': return mag(div(c(1 + s2, (w * A) / q), c(1 + s2, w / (A * q))));
    case 'lowshelf': {
      const sa = Math.sqrt(A);
      return mag(div(c(A * (s2 + A), (A * sa * w) / q), c(A * s2 + 1, (sa * w) / q)));
    }
    case 'highshelf': {
      const sa = Math.sqrt(A);
      return mag(div(c(A * (A * s2 + 1), (A * sa * w) / q), c(s2 + A, (sa * w) / q)));
    }
  }
  throw new Error(type);
}

describe('RBJ cookbook biquads', () => {
  it('match the cookbook’s own example: peak 1 kHz, Q 1, +6 dB at 48 kHz', () => {
    const c = designBiquad('peak', 1000, FS, 1, 6);
    expect(c.b0).toBeCloseTo(1.043953087, 9);
    expect(c.b1).toBeCloseTo(-1.8953207239, 9);
    expect(c.b2).toBeCloseTo(0.8677222848, 9);
    expect(c.a1).toBeCloseTo(-1.8953207239, 9);
    expect(c.a2).toBeCloseTo(0.9116753718, 9);
  });
  const cases: [string, number, number, number][] = [
    ['highpass', 80, Math.SQRT1_2, 0], ['lowpass', 12000, Math.SQRT1_2, 0], ['peak', 3150, 2, -4], ['peak', 250, 0.7, 6],
    ['notch', 60, 10, 0], ['lowshelf', 200, Math.SQRT1_2, -3], ['highshelf', 8000, Math.SQRT1_2, 2.5],
  ];
  for (const [type, f0, q, g] of cases) {
    it(`${type} ${f0} Hz: magnitude within 0.01 dB of the closed form at ${FREQS.length} frequencies`, () => {
      const c = designBiquad(type as never, f0, FS, q, g);
      for (const f of FREQS) {
        const want = closedForm(type, f, f0, q, g);
        if (want < -80) continue; // deep in a notch or the stop band: only the sign matters
        expect(Math.abs(biquadMagnitudeDb(c, f, FS) - want)).toBeLessThan(0.01);
      }
    });
  }
  it('the filter running on a sine gives the response the formula predicts', () => {
    const c = designBiquad('peak', 3150, FS, 2, -4);
    for (const f of [1000, 3150, 6000]) {
      const bq = new Biquad(c);
      const n = FS;
      const x = new Float32Array(n).map((_, i) => Math.sin((2 * Math.PI * f * i) / FS));
      bq.process(x, x, 0, n);
      let sum = 0;
      for (let i = n / 2; i < n; i++) sum += x[i] * x[i];
      const measured = 10 * Math.log10(sum / (n / 2) / 0.5);
      expect(Math.abs(measured - biquadMagnitudeDb(c, f, FS))).toBeLessThan(0.01);
    }
  });
  it('NaN and Inf never enter the state: they are replaced by 0 and counted', () => {
    const bq = new Biquad(designBiquad('lowpass', 1000, FS));
    const x = Float32Array.of(1, NaN, Infinity, -Infinity, 0.5);
    bq.process(x, x, 0, x.length);
    expect(bq.nonFinite).toBe(3);
    expect(x.every(Number.isFinite)).toBe(true);
  });
});

describe('EQ chain', () => {
  it('a 24 dB/oct high pass is two Butterworth sections: -3 dB at the corner, -24 dB an octave down', () => {
    const hp: EqBandSpec = { type: 'hpf', freq: 100, gainDb: 0, q: 0.707, slope: 24, on: true };
    expect(eqMagnitudeDb([hp], 100, FS)).toBeCloseTo(-3.01, 1);
    expect(eqMagnitudeDb([hp], 50, FS)).toBeCloseTo(-24.1, 0);
    expect(eqMagnitudeDb([{ ...hp, slope: 12 }], 50, FS)).toBeCloseTo(-12.3, 0);
    expect(eqMagnitudeDb([hp], 1000, FS)).toBeCloseTo(0, 2);
  });
  it('bands add up; a bypassed band does nothing; reconfiguring keeps the filter state', () => {
    const bands: EqBandSpec[] = [
      { type: 'peak', freq: 3150, gainDb: -4, q: 2, slope: 12, on: true },
      { type: 'notch', freq: 60, gainDb: 0, q: 10, slope: 12, on: false },
    ];
    expect(eqMagnitudeDb(bands, 3150, FS)).toBeCloseTo(-4, 6);
    expect(eqMagnitudeDb(bands, 60, FS)).toBeCloseTo(0, 2);
    const chain = new EqChain(FS, bands);
    const x = new Float32Array(100).fill(1);
    chain.process(x, 0, 100);
    const before = x[99];
    chain.configure([{ ...bands[0], gainDb: -4.5 }]);
    const y = new Float32Array(1).fill(1);
    chain.process(y, 0, 1);
    expect(Math.abs(y[0] - before)).toBeLessThan(0.01); // continuous: no restart from zero state
  });
});
