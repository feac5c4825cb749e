// A channel's EQ: a list of cookbook bands run in series. High and low pass come in 12 and 24
// dB/octave (one or two Butterworth sections). Coefficients are recomputed only when the bands
// change; filter state survives a change of settings, so an EQ move while playing does not
// restart the filters.
import { Biquad, biquadMagnitudeDb, designBiquad, type BiquadCoefficients } from './biquad.js';

export type EqBandType = 'hpf' | 'lpf' | 'lowshelf' | 'highshelf' | 'peak' | 'notch';

export interface EqBandSpec {
  type: EqBandType;
  freq: number;
  gainDb: number;
  q: number;
  /** dB/octave for hpf / lpf */
  slope: 12 | 24;
  on: boolean;
}

/** Butterworth Qs of the two sections of a 4th-order (24 dB/oct) high or low pass. */
const BUTTERWORTH_4 = [0.5411961001461969, 1.3065629648763766];

export function bandSections(b: EqBandSpec, sampleRate: number): BiquadCoefficients[] {
  if (!b.on) return [];
  switch (b.type) {
    case 'hpf':
    case 'lpf': {
      const t = b.type === 'hpf' ? 'highpass' : 'lowpass';
      return b.slope === 24 ? BUTTERWORTH_4.map((q) => designBiquad(t, b.freq, sampleRate, q)) : [designBiquad(t, b.freq, sampleRate, Math.SQRT1_2)];
    }
    case 'lowshelf':
      return [designBiquad('lowshelf', b.freq, sampleRate, b.q, b.gainDb)];
    case 'highshelf':
      return [designBiquad('highshelf', b.freq, sampleRate, b.q, b.gainDb)];
    case 'peak':
      return [designBiquad('peak', b.freq, sampleRate, b.q, b.gainDb)];
    case 'notch':
      return [designBiquad('notch', b.freq, sampleRate, b.q)];
  }
}

/** The magnitude response of a set of bands at one frequency, in dB. */
export function eqMagnitudeDb(bands: EqBandSpec[], freq: number, sampleRate: number): number {
  let db = 0;
  for (const b of bands) for (const c of bandSections(b, sampleRate)) db += biquadMagnitudeDb(c, freq, sampleRate);
  return db;
}

export class EqChain {
  private sections: Biquad[] = [];

  constructor(private readonly sampleRate: number, bands: EqBandSpec[] = []) {
    this.configure(bands);
  }

  get active(): boolean {
    return this.sections.length > 0;
  }

  /** New settings (control side). Sections that still exist keep their state. */
  configure(bands: EqBandSpec[]): void {
    const coeffs = bands.flatMap((b) => bandSections(b, this.sampleRate));
    const next: Biquad[] = [];
    for (let i = 0; i < coeffs.length; i++) {
      const old = this.sections[i];
      if (old) {
        old.coeffs = coeffs[i];
        next.push(old);
      } else next.push(new Biquad(coeffs[i]));
    }
    this.sections = next;
  }

  /** In place over buf[from, to). Render loop: no allocation. */
  process(buf: Float32Array, from: number, to: number): void {
    const s = this.sections;
    for (let i = 0; i < s.length; i++) s[i].process(buf, buf, from, to);
  }

  get nonFinite(): number {
    let n = 0;
    for (const s of this.sections) n += s.nonFinite;
    return n;
  }
}
