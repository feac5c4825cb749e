// Mixing kernels over Float32Array sample ranges. Render loop: no allocation.

/** dst[i] += src[i] * g for i in [from, to). */
export function addScaled(dst: Float32Array, src: Float32Array, g: number, from: number, to: number): void {
  if (g === 0) return;
  if (g === 1) {
    for (let i = from; i < to; i++) dst[i] += src[i];
    return;
  }
  for (let i = from; i < to; i++) dst[i] += src[i] * g;
}

/**
 * dst[i] += src[i] * gain, with gain moving linearly from g0 (exclusive) to g1 (reached at the
 * last sample) across [from, to): a parameter change never clicks.
 */
export function addRamped(dst: Float32Array, src: Float32Array, g0: number, g1: number, from: number, to: number): void {
  if (g0 === g1) {
    addScaled(dst, src, g1, from, to);
    return;
  }
  const n = to - from;
  const step = (g1 - g0) / n;
  let g = g0;
  for (let i = from; i < to; i++) {
    g += step;
    dst[i] += src[i] * g;
  }
}

export function clear(buf: Float32Array, from: number, to: number): void {
  buf.fill(0, from, to);
}
