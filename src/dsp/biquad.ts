// Biquad filters after Robert Bristow-Johnson's Audio EQ Cookbook, in transposed direct form II
// with double-precision state. Coefficients live apart from state: they are computed when a
// parameter changes (control side), and the kernel only runs them.

export type BiquadType = 'lowpass' | 'highpass' | 'peak' | 'lowshelf' | 'highshelf' | 'notch' | 'bandpass';

/** Normalised coefficients (a0 = 1): y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2. */
export interface BiquadCoefficients {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * Cookbook coefficients. `q` is the filter Q (for shelves, the cookbook's Q form: 0.7071 gives
 * the steepest shelf without overshoot); `gainDb` applies to peak and shelves.
 */
export function designBiquad(type: BiquadType, freq: number, sampleRate: number, q = Math.SQRT1_2, gainDb = 0): BiquadCoefficients {
  const w0 = (2 * Math.PI * Math.min(freq, sampleRate * 0.4999)) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const A = Math.pow(10, gainDb / 40);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (type) {
    case 'lowpass':
      b0 = (1 - cos) / 2; b1 = 1 - cos; b2 = (1 - cos) / 2;
      a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'highpass':
      b0 = (1 + cos) / 2; b1 = -(1 + cos); b2 = (1 + cos) / 2;
      a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'bandpass':
      b0 = alpha; b1 = 0; b2 = -alpha;
      a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'notch':
      b0 = 1; b1 = -2 * cos; b2 = 1;
      a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'peak':
      b0 = 1 + alpha * A; b1 = -2 * cos; b2 = 1 - alpha * A;
      a0 = 1 + alpha / A; a1 = -2 * cos; a2 = 1 - alpha / A;
      break;
    case 'lowshelf': {
      const s = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 - (A - 1) * cos + s); b1 = 2 * A * (A - 1 - (A + 1) * cos); b2 = A * (A + 1 - (A - 1) * cos - s);
      a0 = A + 1 + (A - 1) * cos + s; a1 = -2 * (A - 1 + (A + 1) * cos); a2 = A + 1 + (A - 1) * cos - s;
      break;
    }
    case 'highshelf': {
      const s = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 + (A - 1) * cos + s); b1 = -2 * A * (A - 1 + (A + 1) * cos); b2 = A * (A + 1 + (A - 1) * cos - s);
      a0 = A + 1 - (A - 1) * cos + s; a1 = 2 * (A - 1 - (A + 1) * cos); a2 = A + 1 - (A - 1) * cos - s;
      break;
    }
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

/** |H(e^jw)| in dB of a biquad at `freq`, evaluated from its coefficients. */
export function biquadMagnitudeDb(c: BiquadCoefficients, freq: number, sampleRate: number): number {
  const w = (2 * Math.PI * freq) / sampleRate;
  const cos1 = Math.cos(w);
  const sin1 = Math.sin(w);
  const cos2 = Math.cos(2 * w);
  const sin2 = Math.sin(2 * w);
  const nr = c.b0 + c.b1 * cos1 + c.b2 * cos2;
  const ni = -(c.b1 * sin1 + c.b2 * sin2);
  const dr = 1 + c.a1 * cos1 + c.a2 * cos2;
  const di = -(c.a1 * sin1 + c.a2 * sin2);
  return 10 * Math.log10((nr * nr + ni * ni) / (dr * dr + di * di));
}

/**
 * One biquad section over one channel. State is kept in fields and copied to locals for the
 * loop. Non-finite input is replaced by 0 and counted, so NaN/Inf never enter the state.
 */
export class Biquad {
  private z1 = 0;
  private z2 = 0;
  /** NaN / ±Inf input samples replaced by silence */
  nonFinite = 0;

  constructor(public coeffs: BiquadCoefficients) {}

  reset(): void {
    this.z1 = 0;
    this.z2 = 0;
  }

  /** output[i] = filter(input[i]) for i in [from, to); input and output may be the same array. Render loop: no allocation. */
  process(input: Float32Array, output: Float32Array, from: number, to: number): void {
    const { b0, b1, b2, a1, a2 } = this.coeffs;
    let z1 = this.z1;
    let z2 = this.z2;
    let bad = 0;
    for (let i = from; i < to; i++) {
      let x = input[i];
      if (x - x !== 0) {
        x = 0;
        bad++;
      }
      const y = b0 * x + z1;
      z1 = b1 * x - a1 * y + z2;
      z2 = b2 * x - a2 * y;
      output[i] = y;
    }
    // Denormals: let a decaying tail settle to a true zero.
    this.z1 = Math.abs(z1) < 1e-30 ? 0 : z1;
    this.z2 = Math.abs(z2) < 1e-30 ? 0 : z2;
    this.nonFinite += bad;
  }
}
