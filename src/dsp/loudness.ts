// Loudness per ITU-R BS.1770-4/-5 and EBU R 128 (Tech 3341 "EBU mode", Tech 3342 loudness
// range). Written here because no npm package measures it conformantly.
//
// K-weighting: the two filters of BS.1770 (a high shelf and a high pass), derived for any
// sample rate by the bilinear transform of their analogue prototypes; at 48 kHz they give the
// Recommendation's published coefficients. Energy is kept per 2.5 ms hop, so momentary (400 ms)
// and short-term (3 s) loudness are known every 2.5 ms: their maxima are exact to well within
// the 0.1 LU tolerance. Gating blocks are 400 ms with 75 % overlap; absolute gate -70 LUFS,
// relative gate -10 LU (integrated) and -20 LU (loudness range, 3 s blocks every 100 ms,
// 10th to 95th percentile).
import { Biquad, type BiquadCoefficients } from './biquad.js';
import { TruePeak } from './true-peak.js';

export function kWeighting(sampleRate: number): [BiquadCoefficients, BiquadCoefficients] {
  // Stage 1: the head's acoustic effect, a high shelf of about +4 dB.
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = Math.pow(10, G / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  let a0 = 1 + K / Q + K * K;
  const shelf = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
  // Stage 2: the RLB high pass.
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / Q + K * K;
  const hp = { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / Q + K * K) / a0 };
  return [shelf, hp];
}

/** BS.1770 channel weights by channel count: L R C = 1, surrounds 1.41, LFE 0. */
export function channelWeights(channels: number): number[] {
  if (channels === 6) return [1, 1, 1, 0, 1.41, 1.41]; // 5.1: L R C LFE Ls Rs
  if (channels === 5) return [1, 1, 1, 1.41, 1.41]; // 5.0: L R C Ls Rs
  return new Array(channels).fill(1);
}

const ABS_GATE = -70;

export const energyToLufs = (z: number) => (z > 0 ? -0.691 + 10 * Math.log10(z) : -Infinity);

export interface LoudnessResult {
  integrated: number | null;
  range: number;
  truePeak: number;
  samplePeak: number;
  momentaryMax: number;
  shortTermMax: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const x = (sorted.length - 1) * p;
  const i = Math.floor(x);
  const f = x - i;
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

/** A growable list of doubles (one value per 100 ms: small even for long programmes). */
class Series {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * A streaming loudness meter for one programme (any channel count). Feed planar blocks with
 * `process`; read the results at any time.
 */
export class LoudnessMeter {
  private readonly filters: [Biquad, Biquad][];
  private readonly peaks: TruePeak[];
  private readonly weights: number[];
  private readonly scratch: Float32Array;
  private readonly hop: number;
  private hopFill = 0;
  private hopEnergy = 0;
  /** energy of each of the last 3 s of hops (ring) */
  private readonly ring: Float64Array;
  private ringPos = 0;
  private hops = 0;
  private readonly hopsM: number;
  private readonly hopsS: number;
  private readonly hopsPerBlock: number;
  private sumM = 0;
  private sumS = 0;
  private readonly blocks = new Series(); // 400 ms gating block energies, every 100 ms
  private readonly shortTerms = new Series(); // 3 s energies, every 100 ms
  momentaryMaxEnergy = 0;
  shortTermMaxEnergy = 0;
  /** latest momentary and short-term energies (0 until the window has filled) */
  momentaryEnergy = 0;
  shortTermEnergy = 0;
  /** true peak over 4× oversampling; set false to measure sample peak only (cheaper live) */
  readonly withTruePeak: boolean;

  constructor(
    readonly sampleRate: number,
    readonly channels: number,
    opts: { weights?: number[]; maxBlock?: number; truePeak?: boolean } = {},
  ) {
    const [shelf, hp] = kWeighting(sampleRate);
    this.filters = Array.from({ length: channels }, () => [new Biquad(shelf), new Biquad(hp)] as [Biquad, Biquad]);
    this.peaks = Array.from({ length: channels }, () => new TruePeak());
    this.weights = opts.weights ?? channelWeights(channels);
    this.scratch = new Float32Array(opts.maxBlock ?? 8192);
    this.hop = Math.max(1, Math.round(sampleRate / 400));
    this.hopsM = 160; // 400 ms
    this.hopsS = 1200; // 3 s
    this.hopsPerBlock = 40; // 100 ms
    this.ring = new Float64Array(this.hopsS);
    this.withTruePeak = opts.truePeak ?? true;
  }

  /** Feeds planar samples [from, to) of every channel. Render-side: no allocation. */
  process(input: Float32Array[], from: number, to: number): void {
    const block = this.scratch.length;
    for (let start = from; start < to; start += block) {
      const end = Math.min(to, start + block);
      this.processChunk(input, start, end);
    }
  }

  private processChunk(input: Float32Array[], from: number, to: number): void {
    const n = to - from;
    const k = this.scratch;
    // Energy per sample, summed over channels with their weights, hop by hop.
    const e = this.energyScratch(n);
    e.fill(0, 0, n);
    for (let c = 0; c < this.channels; c++) {
      const x = input[c];
      if (this.withTruePeak) this.peaks[c].process(x, from, to);
      else samplePeakOnly(this.peaks[c], x, from, to);
      const w = this.weights[c];
      if (w === 0) continue;
      // copy to scratch so the caller's buffer is not changed
      for (let i = 0; i < n; i++) k[i] = x[from + i];
      const [f1, f2] = this.filters[c];
      f1.process(k, k, 0, n);
      f2.process(k, k, 0, n);
      for (let i = 0; i < n; i++) e[i] += w * k[i] * k[i];
    }
    const hop = this.hop;
    for (let i = 0; i < n; i++) {
      this.hopEnergy += e[i];
      if (++this.hopFill === hop) this.endHop();
    }
  }

  private energyBuf = new Float64Array(0);

  private energyScratch(n: number): Float64Array {
    if (this.energyBuf.length < n) this.energyBuf = new Float64Array(this.scratch.length);
    return this.energyBuf;
  }

  private endHop(): void {
    const hopE = this.hopEnergy / this.hop;
    this.hopEnergy = 0;
    this.hopFill = 0;
    const ring = this.ring;
    const size = ring.length;
    // running sums: add the new hop, drop the one that left each window
    const leavingM = this.hops >= this.hopsM ? ring[(this.ringPos - this.hopsM + size) % size] : 0;
    const leavingS = this.hops >= this.hopsS ? ring[this.ringPos] : 0;
    ring[this.ringPos] = hopE;
    this.ringPos = (this.ringPos + 1) % size;
    this.hops++;
    this.sumM += hopE - leavingM;
    this.sumS += hopE - leavingS;
    if (this.ringPos === 0) this.resum(); // once per 3 s: clear accumulated rounding
    if (this.hops >= this.hopsM) {
      this.momentaryEnergy = Math.max(0, this.sumM / this.hopsM);
      if (this.momentaryEnergy > this.momentaryMaxEnergy) this.momentaryMaxEnergy = this.momentaryEnergy;
      if (this.hops % this.hopsPerBlock === 0) this.blocks.push(this.momentaryEnergy);
    }
    if (this.hops >= this.hopsS) {
      this.shortTermEnergy = Math.max(0, this.sumS / this.hopsS);
      if (this.shortTermEnergy > this.shortTermMaxEnergy) this.shortTermMaxEnergy = this.shortTermEnergy;
      if (this.hops % this.hopsPerBlock === 0) this.shortTerms.push(this.shortTermEnergy);
    }
  }

  private resum(): void {
    const ring = this.ring;
    const size = ring.length;
    let m = 0;
    let s = 0;
    const filled = Math.min(this.hops, size);
    for (let i = 0; i < filled; i++) {
      const v = ring[(this.ringPos - 1 - i + size) % size];
      if (i < this.hopsM) m += v;
      s += v;
    }
    this.sumM = m;
    this.sumS = s;
  }

  /** Integrated (programme) loudness in LUFS, or null when every block is gated out. */
  integrated(): number | null {
    const z = this.blocks.values();
    let sum = 0;
    let count = 0;
    for (const v of z) {
      if (energyToLufs(v) > ABS_GATE) {
        sum += v;
        count++;
      }
    }
    if (count === 0) return null;
    const relGate = energyToLufs(sum / count) - 10;
    let sum2 = 0;
    let count2 = 0;
    for (const v of z) {
      const l = energyToLufs(v);
      if (l > ABS_GATE && l > relGate) {
        sum2 += v;
        count2++;
      }
    }
    return count2 ? energyToLufs(sum2 / count2) : null;
  }

  /** Loudness range in LU (EBU Tech 3342). */
  range(): number {
    const st = this.shortTerms.values();
    const kept: number[] = [];
    let sum = 0;
    for (const v of st) {
      if (energyToLufs(v) > ABS_GATE) {
        kept.push(v);
        sum += v;
      }
    }
    if (kept.length === 0) return 0;
    const relGate = energyToLufs(sum / kept.length) - 20;
    const levels = Float64Array.from(kept.map(energyToLufs).filter((l) => l > relGate)).sort();
    return percentile(levels, 0.95) - percentile(levels, 0.1);
  }

  get truePeakLinear(): number {
    return Math.max(...this.peaks.map((p) => p.peak));
  }

  get samplePeakLinear(): number {
    return Math.max(...this.peaks.map((p) => p.samplePeak));
  }

  result(): LoudnessResult {
    const db = (x: number) => (x > 0 ? 20 * Math.log10(x) : -Infinity);
    return {
      integrated: this.integrated(),
      range: this.range(),
      truePeak: db(this.withTruePeak ? this.truePeakLinear : this.samplePeakLinear),
      samplePeak: db(this.samplePeakLinear),
      momentaryMax: energyToLufs(this.momentaryMaxEnergy),
      shortTermMax: energyToLufs(this.shortTermMaxEnergy),
    };
  }
}

function samplePeakOnly(p: TruePeak, x: Float32Array, from: number, to: number): void {
  let sp = p.samplePeak;
  for (let i = from; i < to; i++) {
    const a = x[i] < 0 ? -x[i] : x[i];
    if (a > sp) sp = a;
  }
  p.samplePeak = sp;
  if (sp > p.peak) p.peak = sp;
}
