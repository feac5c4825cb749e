// Look-ahead true-peak limiter for the master, linked to the stems. The gain is computed from
// the detector signal (the master) and applied, delayed, to every signal it is given (master L/R
// and each stem), so the stems still sum to the master after limiting.
//
// Gain path per sample: the gain each moment needs (ceiling / its 4×-oversampled peak) → the
// minimum over a hold window → a moving average over the look-ahead (a ramp that reaches the
// minimum before the peak arrives) → a release smoother that may only raise the gain slowly.
// The hold window outlasts the ramp by the interpolator's reach on both sides, so every sample
// that contributes to an inter-sample peak is scaled at least as much as the peak needs.
import { oversampledMax, TRUE_PEAK_TAPS } from './true-peak.js';

export interface LimiterSpec {
  ceiling: number; // dBTP
  release: number; // ms
  on: boolean;
}

/** Look-ahead of the ramp, in ms. */
const LOOKAHEAD_MS = 1.5;
/** Kept below the ceiling: the interpolator's own ripple. */
const MARGIN_DB = 0.05;

export class LinkedLimiter {
  /** samples the audio is delayed by */
  readonly latency: number;
  private readonly ramp: number;
  private readonly hold: number;
  private ceiling = 1;
  private releaseCoef = 0;
  // detector history per detector channel (twice over, see TruePeak)
  private readonly hist: Float64Array[];
  private histPos = 0;
  // monotonic deque for the sliding minimum of the needed gain
  private readonly dqVal: Float64Array;
  private readonly dqIdx: Float64Array;
  private dqHead = 0;
  private dqTail = 0;
  private t = 0;
  // moving average of the held minimum
  private readonly avgRing: Float64Array;
  private avgPos = 0;
  private avgSum: number;
  private gain = 1;
  // audio delay lines, one per signal
  private readonly delay: Float32Array[];
  private delayPos = 0;
  /** current gain reduction in dB, for meters */
  reduction = 0;

  constructor(
    private readonly sampleRate: number,
    spec: LimiterSpec,
    private readonly detectorChannels: number,
    private readonly signals: number,
  ) {
    this.ramp = Math.max(1, Math.round((LOOKAHEAD_MS / 1000) * sampleRate));
    const reach = TRUE_PEAK_TAPS;
    this.hold = this.ramp + 2 * reach;
    this.latency = this.ramp - 1 + 2 * reach;
    this.hist = Array.from({ length: detectorChannels }, () => new Float64Array(2 * reach));
    const cap = this.hold + 2;
    this.dqVal = new Float64Array(cap);
    this.dqIdx = new Float64Array(cap);
    this.avgRing = new Float64Array(this.ramp).fill(1);
    this.avgSum = this.ramp;
    this.delay = Array.from({ length: signals }, () => new Float32Array(this.latency + 1));
    this.configure(spec);
  }

  configure(spec: LimiterSpec): void {
    this.ceiling = Math.pow(10, (spec.ceiling - MARGIN_DB) / 20);
    this.releaseCoef = Math.exp(-1 / ((Math.max(1, spec.release) / 1000) * this.sampleRate));
  }

  /**
   * Detects on `detect` and applies the gain, delayed by `latency`, to every array in `apply`
   * (in place) over [from, to). Render loop: no allocation.
   */
  process(detect: Float32Array[], apply: Float32Array[], from: number, to: number): void {
    const reach = TRUE_PEAK_TAPS;
    const dl = this.delay;
    const dlen = this.latency + 1;
    let minGain = 1;
    for (let i = from; i < to; i++) {
      // 1. the gain this moment needs, from the oversampled detector
      let peak = 0;
      const hp = this.histPos;
      for (let c = 0; c < this.detectorChannels; c++) {
        const h = this.hist[c];
        const v = detect[c][i];
        h[hp] = v;
        h[hp + reach] = v;
        const a = v < 0 ? -v : v;
        if (a > peak) peak = a;
      }
      this.histPos = hp + 1 === reach ? 0 : hp + 1;
      for (let c = 0; c < this.detectorChannels; c++) {
        const o = oversampledMax(this.hist[c], this.histPos);
        if (o > peak) peak = o;
      }
      const need = peak > this.ceiling ? this.ceiling / peak : 1;
      // 2. sliding minimum over the hold window (monotonic deque)
      const t = this.t++;
      while (this.dqTail > this.dqHead && this.dqVal[(this.dqTail - 1) % this.dqVal.length] >= need) this.dqTail--;
      this.dqVal[this.dqTail % this.dqVal.length] = need;
      this.dqIdx[this.dqTail % this.dqVal.length] = t;
      this.dqTail++;
      while (this.dqIdx[this.dqHead % this.dqVal.length] <= t - this.hold) this.dqHead++;
      const held = this.dqVal[this.dqHead % this.dqVal.length];
      // 3. moving average over the ramp
      this.avgSum += held - this.avgRing[this.avgPos];
      this.avgRing[this.avgPos] = held;
      this.avgPos = this.avgPos + 1 === this.ramp ? 0 : this.avgPos + 1;
      const ramped = this.avgSum / this.ramp;
      // 4. fall at once, rise with the release time
      const g = ramped < this.gain ? ramped : this.releaseCoef * this.gain + (1 - this.releaseCoef) * ramped;
      this.gain = g > ramped ? ramped : g;
      if (this.gain < minGain) minGain = this.gain;
      // 5. delayed audio out, scaled
      const dp = this.delayPos;
      const rp = dp + 1 === dlen ? 0 : dp + 1; // the oldest sample: `latency` ago
      for (let s = 0; s < this.signals; s++) {
        const line = dl[s];
        const x = apply[s];
        line[dp] = x[i];
        x[i] = line[rp] * this.gain;
      }
      this.delayPos = rp;
    }
    this.reduction = minGain < 1 ? -20 * Math.log10(minGain) : 0;
  }
}
