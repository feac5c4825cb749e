// Sample-rate conversion on import: media at another rate is converted once into a cached
// session-rate copy (32-bit float BWF, bext time reference rescaled), streamed in chunks through
// libsamplerate (WASM build, sinc "medium quality": measured in the README). Playback then
// streams the copy like any other file.
import fs from 'node:fs';
import path from 'node:path';
import { BwfWriter } from '../io/wav-writer.js';
import { probeWav, WavReader } from '../io/wav-reader.js';

const CHUNK = 1 << 15;

type Lsr = typeof import('@alexanderolsen/libsamplerate-js');

async function libsamplerate(): Promise<Lsr> {
  const mod = await import('@alexanderolsen/libsamplerate-js');
  // A CommonJS package: under ESM its API sits on the default export.
  return ((mod as unknown as { default?: Lsr }).default ?? mod) as Lsr;
}

export type ConverterQuality = 'best' | 'medium' | 'fastest';

/** Where the session-rate copy of `file` lives. */
export function convertedPath(sessionDir: string, file: string, rate: number): string {
  const base = path.basename(file).replace(/\.[^.]+$/, '');
  return path.join(sessionDir, 'converted', `${base}.${rate}.wav`);
}

/** True when a valid copy newer than its source is already there. */
export function isConverted(src: string, dst: string, rate: number): boolean {
  try {
    const info = probeWav(dst);
    return info.sampleRate === rate && fs.statSync(dst).mtimeMs >= fs.statSync(src).mtimeMs;
  } catch {
    return false;
  }
}

export async function convertSampleRate(
  src: string,
  dst: string,
  rate: number,
  opts: { quality?: ConverterQuality; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ frames: number; seconds: number }> {
  const t0 = performance.now();
  const reader = WavReader.open(src);
  const { channels, sampleRate: inRate, frames } = reader.info;
  const lsr = await libsamplerate();
  const type = { best: lsr.ConverterType.SRC_SINC_BEST_QUALITY, medium: lsr.ConverterType.SRC_SINC_MEDIUM_QUALITY, fastest: lsr.ConverterType.SRC_SINC_FASTEST }[opts.quality ?? 'medium'];
  const conv = await lsr.create(channels, inRate, rate, { converterType: type });
  const ratio = rate / inRate;
  const total = Math.round(frames * ratio);
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  const bext = reader.info.bext;
  const writer = new BwfWriter(dst, {
    sampleRate: rate, channels, encoding: 'float32',
    bext: {
      timeReference: Math.round((bext?.timeReference ?? 0) * ratio),
      description: `${bext?.description ? `${bext.description}\n` : ''}converted from ${inRate} Hz (${path.basename(src)}) by dubstage`.slice(0, 256),
      originator: bext?.originator ?? 'dubstage',
      originatorReference: bext?.originatorReference,
      originationDate: bext?.originationDate,
      originationTime: bext?.originationTime,
      codingHistory: `A=PCM,F=${rate},M=${channels}ch,T=libsamplerate sinc ${opts.quality ?? 'medium'}`,
    },
  });
  try {
    const planar = Array.from({ length: channels }, () => new Float32Array(CHUNK));
    const all = Array.from({ length: channels }, (_, i) => i);
    const inter = new Float32Array(CHUNK * channels);
    const outPlanar = Array.from({ length: channels }, () => new Float32Array(Math.ceil(CHUNK * ratio) + 4096));
    let written = 0;
    const emit = (y: Float32Array) => {
      const n = Math.min(Math.floor(y.length / channels), total - written);
      if (n <= 0) return;
      for (let c = 0; c < channels; c++) for (let i = 0; i < n; i++) outPlanar[c][i] = y[i * channels + c];
      writer.write(outPlanar, n);
      written += n;
    };
    for (let pos = 0; pos < frames; pos += CHUNK) {
      const n = reader.readFrames(pos, Math.min(CHUNK, frames - pos), all, planar);
      for (let c = 0; c < channels; c++) for (let i = 0; i < n; i++) inter[i * channels + c] = planar[c][i];
      emit(conv.full(inter.subarray(0, n * channels)));
      opts.onProgress?.(pos + n, frames);
    }
    // Flush the converter's filter with silence until every output frame is out.
    const zeros = new Float32Array(4096 * channels);
    for (let guard = 0; written < total && guard < 64; guard++) emit(conv.full(zeros));
    if (written < total) {
      for (let c = 0; c < channels; c++) outPlanar[c].fill(0);
      writer.write(outPlanar, total - written);
    }
    writer.finish();
    return { frames: total, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    conv.destroy();
    reader.close();
  }
}
