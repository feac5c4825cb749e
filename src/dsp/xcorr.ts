// Waveform sync: where in a reference does a recording belong? Cross-correlation by FFT (fft.js),
// first on 32× decimated envelopes of the whole reference, then refined at full rate on a few
// seconds around the coarse answer. The confidence is the normalised correlation at the answer;
// below the threshold the answer is "no match", never a guess.
import FFT from 'fft.js';

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(2, n)));

/** Boxcar-averaged, decimated copy (a crude but sufficient low pass for coarse alignment). */
export function decimate(x: Float32Array, factor: number): Float32Array {
  const n = Math.floor(x.length / factor);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < factor; k++) s += x[i * factor + k];
    out[i] = s / factor;
  }
  return out;
}

/** Removes the mean and a slow trend so correlation sees the waveform, not DC. */
function centred(x: Float32Array): Float32Array {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length || 1;
  return x.map((v) => v - m);
}

/**
 * Full cross-correlation c[lag] = Σ ref[lag + i] · probe[i] for lags 0 … ref.length - 1 (the
 * probe placed at `lag` in the reference), by FFT. Returns the lag with the largest value.
 */
export function correlate(ref: Float32Array, probe: Float32Array): { lag: number; values: Float64Array } {
  const n = nextPow2(ref.length + probe.length);
  const fft = new FFT(n);
  const a = new Float64Array(n);
  a.set(ref);
  const b = new Float64Array(n);
  b.set(probe);
  const A = fft.createComplexArray() as number[];
  const B = fft.createComplexArray() as number[];
  fft.realTransform(A, a);
  fft.completeSpectrum(A);
  fft.realTransform(B, b);
  fft.completeSpectrum(B);
  // A · conj(B)
  for (let i = 0; i < 2 * n; i += 2) {
    const re = A[i] * B[i] + A[i + 1] * B[i + 1];
    const im = A[i + 1] * B[i] - A[i] * B[i + 1];
    A[i] = re;
    A[i + 1] = im;
  }
  const C = fft.createComplexArray() as number[];
  fft.inverseTransform(C, A);
  const lags = Math.max(1, ref.length - Math.min(probe.length, ref.length) + 1);
  const values = new Float64Array(lags);
  let best = 0;
  for (let k = 0; k < lags; k++) {
    values[k] = C[2 * k];
    if (values[k] > values[best]) best = k;
  }
  return { lag: best, values };
}

/** Pearson correlation of ref[lag…] against probe over their overlap. */
export function normalisedAt(ref: Float32Array, probe: Float32Array, lag: number): number {
  const n = Math.min(probe.length, ref.length - lag);
  if (n <= 0) return 0;
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (let i = 0; i < n; i++) {
    const a = ref[lag + i];
    const b = probe[i];
    sa += a;
    sb += b;
    saa += a * a;
    sbb += b * b;
    sab += a * b;
  }
  const cov = sab - (sa * sb) / n;
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

export interface SyncResult {
  /** samples from the start of the reference to the start of the recording, or null: no match */
  offset: number | null;
  confidence: number;
}

export const SYNC_THRESHOLD = 0.15;

/**
 * Finds where `probe` starts inside `ref` (both mono, same rate). The probe must lie within
 * the reference (a recording of part of the scene the reference covers).
 */
export function findOffset(ref: Float32Array, probe: Float32Array, opts: { factor?: number; refineSeconds?: number; sampleRate?: number } = {}): SyncResult {
  const factor = opts.factor ?? 32;
  const rate = opts.sampleRate ?? 48000;
  if (probe.length > ref.length) return { offset: null, confidence: 0 };
  // 1. coarse: decimated, the whole reference
  const coarse = correlate(centred(decimate(ref, factor)), centred(decimate(probe, factor)));
  const approx = coarse.lag * factor;
  // 2. fine: full rate, a window of the probe against the reference around the coarse lag
  const win = Math.min(probe.length, Math.round((opts.refineSeconds ?? 4) * rate));
  const margin = 4 * factor;
  const from = Math.max(0, approx - margin);
  const to = Math.min(ref.length, approx + margin + win);
  const part = ref.subarray(from, to);
  const fine = correlate(centred(part), centred(probe.subarray(0, win)));
  const offset = from + fine.lag;
  const confidence = normalisedAt(ref, probe, offset);
  return confidence >= SYNC_THRESHOLD ? { offset, confidence } : { offset: null, confidence };
}
