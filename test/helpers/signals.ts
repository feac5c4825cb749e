// Test signals synthesized from the EBU Tech 3341 / 3342 descriptions: sine segments at given
// dBFS levels (the sine's peak), in every channel.

export interface Segment {
  seconds: number;
  /** peak level in dBFS per channel (one value for all channels, or one per channel) */
  dbfs: number | number[];
  freq?: number;
}

export function toneSegments(segments: Segment[], channels: number, rate = 48000): Float32Array[] {
  const total = segments.reduce((n, s) => n + Math.round(s.seconds * rate), 0);
  const out = Array.from({ length: channels }, () => new Float32Array(total));
  let pos = 0;
  for (const s of segments) {
    const n = Math.round(s.seconds * rate);
    const f = s.freq ?? 1000;
    for (let c = 0; c < channels; c++) {
      const db = Array.isArray(s.dbfs) ? s.dbfs[c] : s.dbfs;
      const a = db <= -200 ? 0 : 10 ** (db / 20);
      for (let i = 0; i < n; i++) out[c][pos + i] = a * Math.sin((2 * Math.PI * f * (pos + i)) / rate);
    }
    pos += n;
  }
  return out;
}

export const SILENCE = -300;
