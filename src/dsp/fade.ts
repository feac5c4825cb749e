// Fade curves: gain as a function of x in [0, 1] (0 = silent end, 1 = full level).
// equal-power keeps the sum of powers of a crossfade constant; linear keeps the sum of gains.
import type { FadeCurve } from './fade-curve.js';

export const FADE_CURVE_IDS: Record<FadeCurve, number> = { linear: 0, 'equal-power': 1, 's-curve': 2, exponential: 3 };

const EXP_K = 4;
const EXP_NORM = 1 / (Math.exp(EXP_K) - 1);

/** Render loop: no allocation. `curve` is a FADE_CURVE_IDS value. */
export function fadeGain(curve: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  switch (curve) {
    case 0:
      return x;
    case 1:
      return Math.sin((x * Math.PI) / 2);
    case 2:
      return 0.5 - 0.5 * Math.cos(x * Math.PI);
    default:
      // Exponential: slow start, fast finish (a dB-like shape that still reaches true silence).
      return (Math.exp(EXP_K * x) - 1) * EXP_NORM;
  }
}
