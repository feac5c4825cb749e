// EBU Tech 3341 (cases 1–6, 9–10, 12–13, 15–19) and Tech 3342 (cases 1–4), with the signals
// synthesized from the specifications' descriptions.
import { describe, expect, it } from 'vitest';
import { biquadMagnitudeDb } from '../../src/dsp/biquad.js';
import { kWeighting, LoudnessMeter } from '../../src/dsp/loudness.js';
import { TruePeak } from '../../src/dsp/true-peak.js';
import { SILENCE, toneSegments, type Segment } from '../helpers/signals.js';

function measure(signal: Float32Array[], rate = 48000, weights?: number[]) {
  const m = new LoudnessMeter(rate, signal.length, { weights });
  // feed in uneven chunks, as a stream would arrive
  let pos = 0;
  let step = 1000;
  while (pos < signal[0].length) {
    const end = Math.min(signal[0].length, pos + step);
    m.process(signal, pos, end);
    pos = end;
    step = step === 1000 ? 4096 : step === 4096 ? 777 : 1000;
  }
  return m;
}

const stereo = (segments: Segment[], rate = 48000) => toneSegments(segments, 2, rate);

describe('K-weighting', () => {
  it('gives BS.1770’s published 48 kHz coefficients', () => {
    const [shelf, hp] = kWeighting(48000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 9);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 9);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 9);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 9);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 9);
    expect(hp.a1).toBeCloseTo(-1.99004745483398, 9);
    expect(hp.a2).toBeCloseTo(0.99007225036621, 9);
  });
  it('has the same response at 44.1 and 96 kHz as at 48 kHz (derived, not hard-coded)', () => {
    for (const f of [20, 100, 1000, 5000, 15000]) {
      const at = (rate: number) => kWeighting(rate).reduce((s, c) => s + biquadMagnitudeDb(c, f, rate), 0);
      expect(Math.abs(at(44100) - at(48000))).toBeLessThan(0.05);
      expect(Math.abs(at(96000) - at(48000))).toBeLessThan(0.05);
    }
  });
});

describe('EBU Tech 3341', () => {
  for (const rate of [48000, 44100]) {
    it(`case 1 and 2 at ${rate} Hz: M, S, I = -23.0 and -33.0`, () => {
      for (const level of [-23, -33]) {
        const m = measure(stereo([{ seconds: 20, dbfs: level }], rate), rate);
        expect(m.integrated()).toBeCloseTo(level, 1);
        expect(Math.abs(-0.691 + 10 * Math.log10(m.momentaryEnergy) - level)).toBeLessThan(0.1);
        expect(Math.abs(-0.691 + 10 * Math.log10(m.shortTermEnergy) - level)).toBeLessThan(0.1);
      }
    });
  }
  it('case 3: -36 / -23 / -36 dBFS gives I = -23.0', () => {
    const m = measure(stereo([{ seconds: 10, dbfs: -36 }, { seconds: 60, dbfs: -23 }, { seconds: 10, dbfs: -36 }]));
    expect(Math.abs(m.integrated()! + 23)).toBeLessThan(0.1);
  });
  it('case 4: -72 / -36 / -23 / -36 / -72 dBFS gives I = -23.0', () => {
    const m = measure(stereo([-72, -36, -23, -36, -72].map((dbfs, i) => ({ seconds: i === 2 ? 60 : 10, dbfs }))));
    expect(Math.abs(m.integrated()! + 23)).toBeLessThan(0.1);
  });
  it('case 5: -26 / -20 / -26 dBFS gives I = -23.0', () => {
    const m = measure(stereo([{ seconds: 20, dbfs: -26 }, { seconds: 20.1, dbfs: -20 }, { seconds: 20, dbfs: -26 }]));
    expect(Math.abs(m.integrated()! + 23)).toBeLessThan(0.1);
  });
  it('case 6: 5.0 channels (L R -28, C -24, Ls Rs -30 dBFS) gives I = -23.0; a silent LFE does not count', () => {
    const five = toneSegments([{ seconds: 20, dbfs: [-28, -28, -24, -30, -30] }], 5);
    expect(Math.abs(measure(five).integrated()! + 23)).toBeLessThan(0.1);
    const six = toneSegments([{ seconds: 20, dbfs: [-28, -28, -24, -10, -30, -30] }], 6); // a loud LFE, weight 0
    expect(Math.abs(measure(six).integrated()! + 23)).toBeLessThan(0.1);
  });
  it('case 9: short-term loudness is -23.0 ±0.1, constant after 3 s', () => {
    const segs: Segment[] = [];
    for (let i = 0; i < 5; i++) segs.push({ seconds: 1.34, dbfs: -20 }, { seconds: 1.66, dbfs: -30 });
    const sig = stereo(segs);
    const m = new LoudnessMeter(48000, 2);
    for (let pos = 0; pos < sig[0].length; pos += 480) {
      m.process(sig, pos, Math.min(sig[0].length, pos + 480));
      if (pos >= 3 * 48000) expect(Math.abs(-0.691 + 10 * Math.log10(m.shortTermEnergy) + 23)).toBeLessThan(0.1);
    }
  });
  it('case 10: max short-term is -23.0 ±0.1 for 3 s tones at any sub-hop offset', () => {
    for (const offset of [0, 0.0013, 0.0041, 0.0077, 0.05]) {
      const m = measure(stereo([{ seconds: 1 + offset, dbfs: SILENCE }, { seconds: 3, dbfs: -23 }, { seconds: 2, dbfs: SILENCE }]));
      expect(Math.abs(-0.691 + 10 * Math.log10(m.shortTermMaxEnergy) + 23)).toBeLessThan(0.1);
    }
  });
  it('case 12: momentary loudness is -23.0 ±0.1, constant after 1 s', () => {
    const segs: Segment[] = [];
    for (let i = 0; i < 25; i++) segs.push({ seconds: 0.18, dbfs: -20 }, { seconds: 0.22, dbfs: -30 });
    const sig = stereo(segs);
    const m = new LoudnessMeter(48000, 2);
    for (let pos = 0; pos < sig[0].length; pos += 240) {
      m.process(sig, pos, Math.min(sig[0].length, pos + 240));
      if (pos >= 48000) expect(Math.abs(-0.691 + 10 * Math.log10(m.momentaryEnergy) + 23)).toBeLessThan(0.1);
    }
  });
  it('case 13: max momentary is -23.0 ±0.1 for 0.4 s tones at any sub-hop offset', () => {
    for (const offset of [0, 0.0011, 0.0019, 0.0024, 0.013]) {
      const m = measure(stereo([{ seconds: 0.5 + offset, dbfs: SILENCE }, { seconds: 0.4, dbfs: -23 }, { seconds: 1, dbfs: SILENCE }]));
      expect(Math.abs(-0.691 + 10 * Math.log10(m.momentaryMaxEnergy) + 23)).toBeLessThan(0.1);
    }
  });
  const tp = (freqDivisor: number, amplitude: number, phaseDeg: number) => {
    const rate = 48000;
    const x = new Float32Array(rate);
    // 20 ms raised-cosine ramps: a tone switched on abruptly really does overshoot when it is
    // reconstructed (Gibbs), which is not what these cases measure.
    const ramp = 960;
    for (let i = 0; i < x.length; i++) {
      const edge = Math.min(1, i / ramp, (x.length - 1 - i) / ramp);
      const g = 0.5 - 0.5 * Math.cos(Math.PI * edge);
      x[i] = g * amplitude * Math.sin((2 * Math.PI * i) / freqDivisor + (phaseDeg * Math.PI) / 180);
    }
    const p = new TruePeak();
    p.process(x, 0, x.length);
    return { tp: 20 * Math.log10(p.peak), sp: 20 * Math.log10(p.samplePeak) };
  };
  it('cases 15–18: true peak of -6.0 dBTP sines at fs/4, fs/6, fs/8 and awkward phases (+0.2/-0.4)', () => {
    for (const [div, phase] of [[4, 0], [4, 45], [6, 60], [8, 67.5]]) {
      const { tp: v, sp } = tp(div, 0.5, phase);
      expect(v).toBeGreaterThanOrEqual(-6.4);
      expect(v).toBeLessThanOrEqual(-5.8);
      expect(sp).toBeLessThanOrEqual(v + 1e-9);
    }
    expect(tp(4, 0.5, 45).sp).toBeCloseTo(-9.03, 1); // the samples alone miss 3 dB
  });
  it('case 19: a +3 dBTP inter-sample peak between full-scale samples (+0.2/-0.4)', () => {
    const { tp: v, sp } = tp(4, 1.41, 45);
    expect(sp).toBeLessThanOrEqual(0.001);
    expect(v).toBeGreaterThanOrEqual(2.6);
    expect(v).toBeLessThanOrEqual(3.2);
  });
  it('integrated is null when everything is gated out', () => {
    expect(measure(stereo([{ seconds: 5, dbfs: -80 }])).integrated()).toBeNull();
  });
});

describe('EBU Tech 3342 loudness range', () => {
  const cases: [Segment[], number][] = [
    [[{ seconds: 20, dbfs: -20 }, { seconds: 20, dbfs: -30 }], 10],
    [[{ seconds: 20, dbfs: -20 }, { seconds: 20, dbfs: -15 }], 5],
    [[{ seconds: 20, dbfs: -40 }, { seconds: 20, dbfs: -20 }], 20],
    [[-50, -35, -20, -35, -50].map((dbfs) => ({ seconds: 20, dbfs })), 15],
  ];
  cases.forEach(([segs, lra], i) => {
    it(`case ${i + 1}: LRA = ${lra} ±1 LU`, () => {
      expect(Math.abs(measure(stereo(segs)).range() - lra)).toBeLessThanOrEqual(1);
    });
  });
});
