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

/** 5.1 channel order (SMPTE / WAVE_FORMAT_EXTENSIBLE): L R C LFE Ls Rs. */
export const CH51 = { L: 0, R: 1, C: 2, LFE: 3, Ls: 4, Rs: 5 } as const;

/**
 * Gains of a mono source in 5.1, constant power everywhere: x in [-1, 1] pans left to right
 * across L–C–R at the front and Ls–Rs at the back; y in [-1, 1] moves it from the front (-1) to
 * the back (+1). `lfe` is a linear send to the LFE channel. Writes six gains into out.
 */
export function panMono51(x: number, y: number, lfe: number, out: Float64Array | number[]): void {
  const px = Math.min(1, Math.max(-1, x));
  const py = Math.min(1, Math.max(-1, y));
  const fb = ((py + 1) * Math.PI) / 4;
  const front = Math.cos(fb);
  const back = Math.sin(fb);
  // front: L–C for x <= 0, C–R for x >= 0
  let l = 0;
  let c = 0;
  let r = 0;
  if (px <= 0) {
    const a = ((px + 1) * Math.PI) / 2;
    l = Math.cos(a);
    c = Math.sin(a);
  } else {
    const a = (px * Math.PI) / 2;
    c = Math.cos(a);
    r = Math.sin(a);
  }
  const b = ((px + 1) * Math.PI) / 4;
  out[CH51.L] = l * front;
  out[CH51.R] = r * front;
  out[CH51.C] = c * front;
  out[CH51.LFE] = lfe;
  out[CH51.Ls] = Math.cos(b) * back;
  out[CH51.Rs] = Math.sin(b) * back;
}

/**
 * A stereo source in 5.1: its left goes to L (and Ls as it moves back), its right to R (and Rs),
 * with the balance law of panBalance for x. Writes six gains for each side.
 */
export function panStereo51(x: number, y: number, left: Float64Array | number[], right: Float64Array | number[]): void {
  const bal = [1, 1];
  panBalance(x, bal);
  const fb = ((Math.min(1, Math.max(-1, y)) + 1) * Math.PI) / 4;
  const front = Math.cos(fb);
  const back = Math.sin(fb);
  for (let i = 0; i < 6; i++) {
    left[i] = 0;
    right[i] = 0;
  }
  left[CH51.L] = bal[0] * front;
  left[CH51.Ls] = bal[0] * back;
  right[CH51.R] = bal[1] * front;
  right[CH51.Rs] = bal[1] * back;
}

/**
 * The standard 5.1 → stereo fold-down for monitoring (ITU-R BS.775): centre and surrounds at
 * -3 dB into each side, LFE left out. Render side: no allocation.
 */
export function downmix51(ch: Float32Array[], outL: Float32Array, outR: Float32Array, frames: number): void {
  const k = Math.SQRT1_2;
  const l = ch[0];
  const r = ch[1];
  const c = ch[2];
  const ls = ch[4];
  const rs = ch[5];
  for (let i = 0; i < frames; i++) {
    outL[i] = l[i] + k * c[i] + k * ls[i];
    outR[i] = r[i] + k * c[i] + k * rs[i];
  }
}
