// Stereo panning. Mono sources: constant-power sine/cosine law, -3 dB at centre, so a source
// keeps its loudness as it moves. Stereo sources: a balance control that leaves the centre at
// unity and turns the far side down along the same law.

/** Gains for a mono source at pan p in [-1, 1]; writes [left, right] into out. */
export function panMono(p: number, out: Float64Array | number[]): void {
  const a = ((Math.min(1, Math.max(-1, p)) + 1) * Math.PI) / 4;
  out[0] = Math.cos(a);
  out[1] = Math.sin(a);
}

/** Balance gains for a stereo source at p in [-1, 1]; writes [left, right] into out. */
export function panBalance(p: number, out: Float64Array | number[]): void {
  const q = Math.min(1, Math.max(-1, p));
  out[0] = q > 0 ? Math.cos((q * Math.PI) / 2) : 1;
  out[1] = q < 0 ? Math.cos((-q * Math.PI) / 2) : 1;
}
