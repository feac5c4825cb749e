import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertSampleRate } from '../../src/engine/convert-rate.js';
import { probeWav, WavReader } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

function tone(freq: number, rate: number, frames: number) {
  return new Float32Array(frames).map((_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** SNR in dB of `got` against the ideal sine at `rate`, away from the edges. */
function snr(got: Float32Array, freq: number, rate: number): number {
  let sig = 0;
  let err = 0;
  for (let i = 2000; i < got.length - 2000; i++) {
    const want = 0.5 * Math.sin((2 * Math.PI * freq * i) / rate);
    sig += want * want;
    err += (got[i] - want) ** 2;
  }
  return 10 * Math.log10(sig / err);
}

function readMono(file: string): Float32Array {
  const r = WavReader.open(file);
  const out = [new Float32Array(r.frames)];
  r.readFrames(0, r.frames, [0], out);
  r.close();
  return out[0];
}

describe('sample-rate conversion on import', () => {
  it('converts 44.1 kHz to 48 kHz at the right length, in time and clean (SNR > 90 dB at 1 kHz and 15 kHz)', async () => {
    const dir = tmpDir();
    for (const f of [1000, 15000]) {
      const src = writeFloatSignal24(dir, `t${f}.wav`, [tone(f, 44100, 44100 * 2)], 44100);
      const dst = path.join(dir, `t${f}.48k.wav`);
      const res = await convertSampleRate(src, dst, 48000);
      expect(res.frames).toBe(96000);
      const info = probeWav(dst);
      expect(info).toMatchObject({ sampleRate: 48000, frames: 96000, format: 'float' });
      expect(snr(readMono(dst), f, 48000)).toBeGreaterThan(90);
    }
  });

  it('dubstage places the converted copy at the rescaled BWF time, caches it, and execute() refuses to block on it', async () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'media'));
    const tr = (3600 + 10) * 44100; // 01:00:10:00 at 44.1 kHz
    const src = writeFloatSignal24(path.join(dir, 'media'), 'boom.wav', [tone(500, 44100, 44100)], 44100, tr);
    const ed = SessionEditor.create(path.join(dir, 's.dub'));
    ed.execute('track add D dialogue');
    expect(() => ed.execute(`import ${src} D at bwf`)).toThrow(/44100 Hz and the session is 48000 Hz/);
    const msgs: string[] = [];
    const r = await ed.run(`import ${src} D at bwf`, (m) => msgs.push(m));
    expect(r.message).toMatch(/converted from 44100 Hz/);
    expect(msgs.at(-1)).toMatch(/converting boom\.wav 44100 → 48000 Hz █+ 100%/);
    const clip = ed.doc.clips[0];
    expect(clip).toMatchObject({ media: 'converted/boom.48000.wav', name: 'boom', position: 10 * 48000, length: 48000 });
    const copy = path.join(dir, 'converted', 'boom.48000.wav');
    const mtime = fs.statSync(copy).mtimeMs;
    await ed.run(`import ${src} D at 01:00:20:00`);
    expect(fs.statSync(copy).mtimeMs).toBe(mtime);
    expect(ed.doc.clips[1].media).toBe('converted/boom.48000.wav');
  });
});
