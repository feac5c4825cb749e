// Level metering kernels. A meter slot is two doubles in a Float64Array: the peak magnitude and
// the sum of squares since the slot was last read. The engine accumulates per block; the
// publisher reads and resets at the UI's frame rate. Render loop: no allocation.

/** Accumulates peak and sum of squares of buf[from, to) × gain into meters[slot*2…]. */
export function accumulateLevel(buf: Float32Array, from: number, to: number, gain: number, meters: Float64Array, slot: number): void {
  let peak = meters[slot * 2];
  let sum = 0;
  const g = gain < 0 ? -gain : gain;
  for (let i = from; i < to; i++) {
    const v = buf[i] * g;
    const a = v < 0 ? -v : v;
    if (a > peak) peak = a;
    sum += v * v;
  }
  meters[slot * 2] = peak;
  meters[slot * 2 + 1] += sum;
}

/** Linear magnitude to dBFS, floored at -120 (silence). */
export function levelDb(x: number): number {
  return x > 1e-6 ? 20 * Math.log10(x) : -120;
}

/**
 * Peak-hold display state for one meter, kept by the UI: the peak falls at `fallDbPerSecond`
 * after holding for `holdMs`.
 */
export class PeakHold {
  value = -120;
  private heldAt = 0;

  constructor(
    private readonly holdMs = 1500,
    private readonly fallDbPerSecond = 20,
  ) {}

  update(peakDb: number, nowMs: number, dtMs: number): number {
    if (peakDb >= this.value) {
      this.value = peakDb;
      this.heldAt = nowMs;
    } else if (nowMs - this.heldAt > this.holdMs) {
      this.value = Math.max(peakDb, this.value - (this.fallDbPerSecond * dtMs) / 1000);
    }
    return this.value;
  }
}
