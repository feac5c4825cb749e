// Loudness of a file on disk (`dubstage loudness`): streamed through the meter in chunks,
// never loaded whole.
import { LoudnessMeter, type LoudnessResult } from '../dsp/loudness.js';
import { WavReader } from '../io/wav-reader.js';

const CHUNK = 1 << 16;

export function measureFile(file: string): LoudnessResult & { channels: number; sampleRate: number; seconds: number } {
  const r = WavReader.open(file);
  try {
    const { channels, sampleRate, frames } = r.info;
    const meter = new LoudnessMeter(sampleRate, channels, { maxBlock: CHUNK });
    const bufs = Array.from({ length: channels }, () => new Float32Array(CHUNK));
    const chans = Array.from({ length: channels }, (_, i) => i);
    for (let pos = 0; pos < frames; pos += CHUNK) {
      const n = r.readFrames(pos, Math.min(CHUNK, frames - pos), chans, bufs);
      if (n === 0) break;
      meter.process(bufs, 0, n);
    }
    return { ...meter.result(), channels, sampleRate, seconds: frames / sampleRate };
  } finally {
    r.close();
  }
}

export interface LoudnessReport {
  integrated: number | null;
  range: number | null;
  truePeak: number | null;
  samplePeak: number | null;
  momentaryMax: number | null;
  shortTermMax: number | null;
}

/** JSON-friendly numbers: two decimals, -Infinity (silence) as null. */
export function roundResult(r: LoudnessResult): LoudnessReport {
  const v = (x: number | null) => (x !== null && Number.isFinite(x) ? Math.round(x * 100) / 100 : null);
  return {
    integrated: v(r.integrated), range: v(r.range), truePeak: v(r.truePeak), samplePeak: v(r.samplePeak),
    momentaryMax: v(r.momentaryMax), shortTermMax: v(r.shortTermMax),
  };
}
