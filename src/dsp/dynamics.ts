// Dynamics: a feed-forward compressor (soft knee, attack/release in the gain domain, make-up,
// a high-passed or band-passed sidechain — the band-passed one is the de-esser), and a
// downward expander / gate for the noise between lines. One or two channels, linked: both
// sides get the same gain, so the stereo image does not shift.
import { Biquad, designBiquad } from './biquad.js';

export interface CompressorSpec {
  threshold: number;
  ratio: number;
  knee: number;
  attack: number; // ms
  release: number; // ms
  makeup: number; // dB
  /** sidechain high pass in Hz (0: off) */
  sidechainHpf: number;
  /** band-limited sidechain (de-esser): centre frequency in Hz, 0 for full band */
  sidechainBand?: number;
  on: boolean;
}

export interface GateSpec {
  threshold: number;
  /** expansion ratio below the threshold (large = gate) */
  ratio: number;
  /** most attenuation, dB */
  range: number;
  attack: number; // ms
  hold: number; // ms
  release: number; // ms
  on: boolean;
}

/** The static curve: output level for an input level (dB), with a quadratic soft knee. */
export function compressorCurve(x: number, threshold: number, ratio: number, knee: number): number {
  const over = x - threshold;
  if (knee > 0 && Math.abs(over) <= knee / 2) {
    return x + ((1 / ratio - 1) * (over + knee / 2) ** 2) / (2 * knee);
  }
  return over > 0 ? threshold + over / ratio : x;
}

const coef = (ms: number, rate: number) => (ms <= 0 ? 0 : Math.exp(-1 / ((ms / 1000) * rate)));
const toDb = (x: number) => (x > 1e-10 ? 20 * Math.log10(x) : -200);

export class Compressor {
  private spec!: CompressorSpec;
  private sc: Biquad[] = [];
  private scBuf: Float32Array;
  private attackCoef = 0;
  private releaseCoef = 0;
  /** current gain reduction, dB (>= 0) */
  reduction = 0;
  private makeupGain = 1;

  private readonly tmp: Float32Array;

  constructor(private readonly sampleRate: number, spec: CompressorSpec, maxBlock: number, private readonly channels: number) {
    this.scBuf = new Float32Array(maxBlock);
    this.tmp = new Float32Array(maxBlock);
    this.configure(spec);
  }

  configure(spec: CompressorSpec): void {
    this.spec = spec;
    this.attackCoef = coef(spec.attack, this.sampleRate);
    this.releaseCoef = coef(spec.release, this.sampleRate);
    this.makeupGain = Math.pow(10, spec.makeup / 20);
    const design = spec.sidechainBand
      ? designBiquad('bandpass', spec.sidechainBand, this.sampleRate, 2)
      : spec.sidechainHpf > 0
        ? designBiquad('highpass', spec.sidechainHpf, this.sampleRate, Math.SQRT1_2)
        : null;
    if (!design) this.sc = [];
    else if (this.sc.length === this.channels) for (const f of this.sc) f.coeffs = design;
    else this.sc = Array.from({ length: this.channels }, () => new Biquad(design));
  }

  /** In place over chans[c][from, to); the detector is the largest |sidechain| of the channels. */
  process(chans: Float32Array[], from: number, to: number): void {
    this.processLinked(chans, chans, from, to);
  }

  /**
   * Detects on `detect` (as many channels as the compressor was made for) and applies the gain
   * to every array in `apply`, in place. Render loop: no allocation.
   */
  processLinked(detect: Float32Array[], apply: Float32Array[], from: number, to: number): void {
    const chans = detect;
    const { threshold, ratio, knee } = this.spec;
    const sc = this.scBuf;
    const n = to - from;
    // detector signal: max |x| over channels, after the sidechain filter
    for (let i = 0; i < n; i++) sc[i] = 0;
    for (let c = 0; c < this.channels; c++) {
      const x = chans[c];
      const f = this.sc[c];
      if (f) {
        // filter into a scratch copy (the audio itself is not filtered)
        for (let i = 0; i < n; i++) this.tmp[i] = x[from + i];
        f.process(this.tmp, this.tmp, 0, n);
        for (let i = 0; i < n; i++) {
          const a = this.tmp[i] < 0 ? -this.tmp[i] : this.tmp[i];
          if (a > sc[i]) sc[i] = a;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const v = x[from + i];
          const a = v < 0 ? -v : v;
          if (a > sc[i]) sc[i] = a;
        }
      }
    }
    let red = this.reduction;
    const ac = this.attackCoef;
    const rc = this.releaseCoef;
    const mk = this.makeupGain;
    for (let i = 0; i < n; i++) {
      const lvl = toDb(sc[i]);
      const want = lvl - compressorCurve(lvl, threshold, ratio, knee); // dB of reduction wanted
      red = want > red ? ac * red + (1 - ac) * want : rc * red + (1 - rc) * want;
      const g = Math.pow(10, -red / 20) * mk;
      for (let c = 0; c < apply.length; c++) apply[c][from + i] *= g;
    }
    this.reduction = red;
  }
}

/** Downward expander / gate with hold. */
export class Gate {
  private spec!: GateSpec;
  private attackCoef = 0;
  private releaseCoef = 0;
  private holdSamples = 0;
  private held = 0;
  /** current attenuation, dB (>= 0) */
  reduction = 0;

  constructor(private readonly sampleRate: number, spec: GateSpec, private readonly channels: number) {
    this.configure(spec);
  }

  configure(spec: GateSpec): void {
    this.spec = spec;
    this.attackCoef = coef(spec.attack, this.sampleRate);
    this.releaseCoef = coef(spec.release, this.sampleRate);
    this.holdSamples = Math.round((spec.hold / 1000) * this.sampleRate);
  }

  process(chans: Float32Array[], from: number, to: number): void {
    const { threshold, ratio, range } = this.spec;
    let red = this.reduction;
    let held = this.held;
    for (let i = from; i < to; i++) {
      let peak = 0;
      for (let c = 0; c < this.channels; c++) {
        const a = chans[c][i] < 0 ? -chans[c][i] : chans[c][i];
        if (a > peak) peak = a;
      }
      const lvl = toDb(peak);
      let want = 0;
      if (lvl >= threshold) held = this.holdSamples;
      else if (held > 0) held--;
      else want = Math.min(range, (threshold - lvl) * (ratio - 1));
      // opening (less reduction) uses the attack time; closing uses the release time
      red = want < red ? this.attackCoef * red + (1 - this.attackCoef) * want : this.releaseCoef * red + (1 - this.releaseCoef) * want;
      const g = Math.pow(10, -red / 20);
      for (let c = 0; c < this.channels; c++) chans[c][i] *= g;
    }
    this.reduction = red;
    this.held = held;
  }
}
