import { describe, expect, it } from 'vitest';
import { accumulateLevel, levelDb, PeakHold } from '../../src/dsp/meter.js';

describe('metering kernels', () => {
  it('accumulates the peak and the sum of squares of a gained block', () => {
    const m = new Float64Array(4);
    accumulateLevel(Float32Array.of(0.5, -1, 0.25), 0, 3, 0.5, m, 1);
    expect(m[2]).toBe(0.5);
    expect(m[3]).toBeCloseTo(0.0625 + 0.25 + 0.015625, 12);
    accumulateLevel(Float32Array.of(0.1), 0, 1, 1, m, 1);
    expect(m[2]).toBe(0.5); // the peak keeps the larger value
    expect(levelDb(1)).toBe(0);
    expect(levelDb(0)).toBe(-120);
  });
  it('holds a peak for 1.5 s, then lets it fall at 20 dB/s', () => {
    const h = new PeakHold();
    expect(h.update(-6, 0, 66)).toBe(-6);
    expect(h.update(-30, 1000, 66)).toBe(-6);
    expect(h.update(-30, 1499, 66)).toBe(-6);
    expect(h.update(-30, 1600, 100)).toBeCloseTo(-8, 9);
    expect(h.update(-3, 1700, 100)).toBe(-3);
  });
});
