// Sample-rate conversion on import: quality (SNR of a converted sine against the ideal one) and
// speed (seconds per mono minute) of each libsamplerate mode, 44.1 kHz → 48 kHz. JSON lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { convertSampleRate, type ConverterQuality } from '../src/engine/convert-rate.js';
import { WavReader } from '../src/io/wav-reader.js';
import { BwfWriter } from '../src/io/wav-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-src-'));

function source(freq: number, seconds: number): string {
  const file = path.join(dir, `s${freq}-${seconds}.wav`);
  const w = new BwfWriter(file, { sampleRate: 44100, channels: 1, encoding: 'float32', bext: { timeReference: 0 } });
  const x = new Float32Array(44100 * seconds).map((_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / 44100));
  w.write([x], x.length);
  w.finish();
  return file;
}

function snr(file: string, freq: number): number {
  const r = WavReader.open(file);
  const y = [new Float32Array(r.frames)];
  r.readFrames(0, r.frames, [0], y);
  r.close();
  let sig = 0;
  let err = 0;
  for (let i = 5000; i < y[0].length - 5000; i++) {
    const want = 0.5 * Math.sin((2 * Math.PI * freq * i) / 48000);
    sig += want * want;
    err += (y[0][i] - want) ** 2;
  }
  return 10 * Math.log10(sig / err);
}

const minute = source(1000, 60);
for (const quality of ['fastest', 'medium', 'best'] as ConverterQuality[]) {
  const snrs: Record<string, number> = {};
  for (const f of [1000, 15000]) {
    const out = path.join(dir, `o-${quality}-${f}.wav`);
    await convertSampleRate(source(f, 2), out, 48000, { quality });
    snrs[`snr${f}`] = snr(out, f);
  }
  const r = await convertSampleRate(minute, path.join(dir, `m-${quality}.wav`), 48000, { quality });
  console.log(JSON.stringify({ bench: 'src', quality, ...snrs, secondsPerMonoMinute: r.seconds }));
}
fs.rmSync(dir, { recursive: true, force: true });
