// True-peak measurement (ITU-R BS.1770 Annex 2): the signal is oversampled 4× with a
// polyphase interpolation filter and the largest magnitude is kept. The filter is a Kaiser-
// windowed sinc designed here for any rate (BS.1770 gives coefficients only for 48 kHz).
//
// Most programme material sits well below its loudest peak, so each run of samples is first
// bounded: no interpolated value can exceed (largest |x| near the run) × (largest L1 norm of a
// filter phase). Runs that cannot raise the running maximum are not oversampled. The result is
// identical to oversampling everything.

const PHASES = 4;
const TAPS = 24; // per phase: 96 taps in all

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Polyphase coefficients: phase p (0..3) interpolates at offset p/4 between input samples. */
function designInterpolator(): { h: Float64Array[]; l1: number } {
  const n = PHASES * TAPS;
  const beta = 8.6;
  const cutoff = 0.5 * 0.92; // of the input rate: passband to 0.46 fs (22 kHz at 48 kHz)
  const centre = (n - 1) / 2;
  const proto = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = (i - centre) / PHASES; // in input samples
    const x = 2 * cutoff * t;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const w = besselI0(beta * Math.sqrt(1 - ((2 * (i - centre)) / (n - 1)) ** 2)) / besselI0(beta);
    proto[i] = 2 * cutoff * sinc * w;
  }
  const h: Float64Array[] = [];
  let l1 = 0;
  for (let p = 0; p < PHASES; p++) {
    const phase = new Float64Array(TAPS);
    let sum = 0;
    for (let k = 0; k < TAPS; k++) {
      phase[k] = proto[k * PHASES + p];
      sum += phase[k];
    }
    // unity gain at DC for every phase
    let a = 0;
    for (let k = 0; k < TAPS; k++) {
      phase[k] /= sum;
      a += Math.abs(phase[k]);
    }
    l1 = Math.max(l1, a);
    h.push(phase);
  }
  return { h, l1 };
}

const FILTER = designInterpolator();

/** Taps per phase: how many input samples one interpolated value depends on. */
export const TRUE_PEAK_TAPS = TAPS;

/**
 * Largest |interpolated value| among the 4 phases for the window hist[pos..pos+TAPS) (the
 * history array is stored twice over, as TruePeak keeps it). Render-side: no allocation.
 */
export function oversampledMax(hist: Float64Array, pos: number): number {
  const h = FILTER.h;
  let peak = 0;
  for (let p = 0; p < PHASES; p++) {
    const c = h[p];
    let y = 0;
    for (let k = 0; k < TAPS; k++) y += c[k] * hist[pos + k];
    const ay = y < 0 ? -y : y;
    if (ay > peak) peak = ay;
  }
  return peak;
}

/**
 * Streaming true-peak detector for one channel. Keeps the last TAPS input samples; the
 * interpolated stream lags the input by half the filter, which does not matter for a maximum.
 */
export class TruePeak {
  private readonly hist = new Float64Array(TAPS * 2);
  private pos = 0;
  /** largest |value| seen, linear */
  peak = 0;
  /** largest |sample| seen, linear */
  samplePeak = 0;
  private recentMax = 0;
  private sinceRecent = 0;

  reset(): void {
    this.hist.fill(0);
    this.pos = 0;
    this.peak = 0;
    this.samplePeak = 0;
    this.recentMax = 0;
    this.sinceRecent = 0;
  }

  /** Feeds x[from, to). Render-side: no allocation. */
  process(x: Float32Array, from: number, to: number): void {
    const l1 = FILTER.l1;
    const hist = this.hist;
    let pos = this.pos;
    let peak = this.peak;
    let sp = this.samplePeak;
    // `recentMax` bounds |x| over the last TAPS samples (the filter's reach).
    let recent = this.recentMax;
    let since = this.sinceRecent;
    for (let i = from; i < to; i++) {
      const v = x[i];
      const a = v < 0 ? -v : v;
      if (a > sp) sp = a;
      // history is stored twice so a window is always contiguous: hist[pos..pos+TAPS)
      hist[pos] = v;
      hist[pos + TAPS] = v;
      pos = pos + 1 === TAPS ? 0 : pos + 1;
      if (a >= recent) {
        recent = a;
        since = 0;
      } else if (++since >= TAPS) {
        // the old maximum has left the window: recompute it
        recent = 0;
        for (let k = 0; k < TAPS; k++) {
          const b = hist[pos + k] < 0 ? -hist[pos + k] : hist[pos + k];
          if (b > recent) recent = b;
        }
        since = 0;
      }
      if (recent * l1 <= peak) continue; // no interpolated value here can beat the maximum
      const o = oversampledMax(hist, pos);
      if (o > peak) peak = o;
    }
    this.pos = pos;
    this.peak = Math.max(peak, sp);
    this.samplePeak = sp;
    this.recentMax = recent;
    this.sinceRecent = since;
  }
}
