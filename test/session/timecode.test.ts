import { describe, expect, it } from 'vitest';
import {
  FRAME_RATES, formatTimecode, frameRate, frameRateFromIxml, framesPerDay, framesToSamples, parseFrameRate, parseTimecode, samplesToFrames, TimelineClock,
} from '../../src/session/timecode.js';

describe('drop-frame timecode at 29.97', () => {
  const df = frameRate('29.97df');
  it('matches the published frame numbers', () => {
    expect(parseTimecode('00:00:59;29', df)).toBe(1799);
    expect(parseTimecode('00:01:00;02', df)).toBe(1800);
    expect(parseTimecode('01:00:00;00', df)).toBe(107892);
    expect(parseTimecode('00:10:00;00', df)).toBe(17982);
    expect(formatTimecode(1799, df)).toBe('00:00:59;29');
    expect(formatTimecode(1800, df)).toBe('00:01:00;02');
    expect(formatTimecode(107892, df)).toBe('01:00:00;00');
    expect(formatTimecode(17982, df)).toBe('00:10:00;00');
  });
  it('refuses labels that drop-frame skips', () => {
    expect(() => parseTimecode('00:01:00;00', df)).toThrow(/does not exist/);
    expect(() => parseTimecode('00:01:00;01', df)).toThrow(/does not exist/);
    expect(parseTimecode('00:10:00;00', df)).toBe(17982);
  });
  it('has 2,589,408 frames in a day', () => {
    expect(framesPerDay(df)).toBe(2589408);
  });
});

describe('every frame rate', () => {
  for (const id of FRAME_RATES) {
    const rate = frameRate(id);
    it(`${id}: frame count -> label -> frame count is the identity over a day`, () => {
      const day = framesPerDay(rate);
      for (let f = 0; f < day; f += 997) {
        expect(parseTimecode(formatTimecode(f, rate), rate)).toBe(f);
      }
      expect(parseTimecode(formatTimecode(day - 1, rate), rate)).toBe(day - 1);
    });
    it(`${id}: samples <-> frames agree at frame boundaries`, () => {
      for (let f = 0; f < 200000; f += 1231) {
        const s = framesToSamples(f, rate, 48000);
        expect(samplesToFrames(s, rate, 48000)).toBe(f);
        expect(samplesToFrames(s - 1, rate, 48000)).toBe(f - 1);
      }
    });
  }
});

describe('frame rate names', () => {
  it('accepts common spellings', () => {
    expect(parseFrameRate('29.97 DF').id).toBe('29.97df');
    expect(parseFrameRate('29.97ndf').id).toBe('29.97');
    expect(parseFrameRate('23.98').id).toBe('23.976');
    expect(() => parseFrameRate('25df')).toThrow(/only at 29.97/);
    expect(() => parseFrameRate('31')).toThrow(/unknown frame rate/);
  });
  it('reads the rate a recorder wrote in iXML', () => {
    expect(frameRateFromIxml('24000/1001', 'NDF')?.id).toBe('23.976');
    expect(frameRateFromIxml('30000/1001', 'DF')?.id).toBe('29.97df');
    expect(frameRateFromIxml('30000/1001', 'NDF')?.id).toBe('29.97');
    expect(frameRateFromIxml('25/1', 'NDF')?.id).toBe('25');
    expect(frameRateFromIxml('48/2', undefined)?.id).toBe('24');
    expect(frameRateFromIxml('50/1', 'NDF')).toBeNull();
    expect(frameRateFromIxml(undefined, undefined)).toBeNull();
  });
});

describe('TimelineClock', () => {
  it('maps the start timecode to sample 0 and back', () => {
    const c = new TimelineClock(frameRate('25'), 48000, '01:00:00:00');
    expect(c.startSamples).toBe(3600 * 48000);
    expect(c.timecodeToPosition('01:00:01:00')).toBe(48000);
    expect(c.timecodeToPosition('01:00:00:01')).toBe(1920);
    expect(c.positionToTimecode(48000 + 1919)).toBe('01:00:01:00');
    expect(c.positionToTimecode(48000 + 1920)).toBe('01:00:01:01');
  });
  it('uses the exact 1000/1001 rate at 23.976', () => {
    const c = new TimelineClock(frameRate('23.976'), 48000, '00:00:00:00');
    // one timecode hour at 23.976 lasts 3603.6 real seconds
    expect(c.timecodeToPosition('01:00:00:00')).toBe(3603.6 * 48000);
    expect(c.samplesPerFrame).toBeCloseTo(2002, 9);
  });
  it('matches the corpus: 2191180996 samples is 12:40:04:00 at 23.976 ND', () => {
    const rate = frameRate('23.976');
    expect(formatTimecode(samplesToFrames(2191180996, rate, 48000), rate)).toBe('12:40:04:00');
  });
});
