import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BwfWriter } from '../../src/io/wav-writer.js';
import { probeWav, WavReader } from '../../src/io/wav-reader.js';
import { quantize24, sine, tmpDir } from '../helpers/wav-bytes.js';

function readBack(file: string) {
  const r = WavReader.open(file);
  const out = [...Array(r.info.channels)].map(() => new Float32Array(r.frames));
  r.readFrames(0, r.frames, [...Array(r.info.channels).keys()], out);
  r.close();
  return { info: r.info, out };
}

describe('BwfWriter', () => {
  it('writes 24-bit PCM that reads back sample for sample, with bext', () => {
    const dir = tmpDir();
    const target = path.join(dir, 'out.wav');
    const l = quantize24(sine(1000, 0.5, 10000));
    const r = quantize24(sine(440, -0.25, 10000));
    const w = new BwfWriter(target, { sampleRate: 48000, channels: 2, encoding: 'pcm24', bext: { timeReference: 172800000, description: 'test mix' } });
    w.write([l, r], 3000);
    w.write([l, r], 7000, 3000);
    expect(fs.existsSync(target)).toBe(false); // nothing under the final name until finish
    w.finish();
    const { info, out } = readBack(target);
    expect(info).toMatchObject({ channels: 2, bitsPerSample: 24, sampleRate: 48000, frames: 10000, format: 'pcm' });
    expect(info.bext).toMatchObject({ timeReference: 172800000, description: 'test mix' });
    expect(out[0]).toEqual(l);
    expect(out[1]).toEqual(r);
    expect(fs.readdirSync(dir)).toEqual(['out.wav']);
  });

  it('clips 24-bit overs and counts them; float keeps them', () => {
    const dir = tmpDir();
    const x = Float32Array.of(1.5, -2, 0.5);
    const a = new BwfWriter(path.join(dir, 'a.wav'), { sampleRate: 48000, channels: 1, encoding: 'pcm24', bext: { timeReference: 0 } });
    a.write([x], 3);
    a.finish();
    expect(a.clipped).toBe(2);
    expect(Array.from(readBack(path.join(dir, 'a.wav')).out[0])).toEqual([8388607 / 8388608, -1, 0.5]);
    const b = new BwfWriter(path.join(dir, 'b.wav'), { sampleRate: 48000, channels: 1, encoding: 'float32', bext: { timeReference: 0 } });
    b.write([x], 3);
    b.finish();
    const back = readBack(path.join(dir, 'b.wav'));
    expect(back.info.format).toBe('float');
    expect(Array.from(back.out[0])).toEqual([1.5, -2, 0.5]);
  });

  it('stereo 24-bit in writes of any size (the packed path and its unaligned edges) is byte-exact, overs and NaN clamped and counted', () => {
    const dir = tmpDir();
    const n = 1001;
    const l = new Float32Array(n);
    const r = new Float32Array(n);
    let seed = 7;
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      l[i] = (seed / 4294967296 - 0.5) * 2.2; // about one sample in ten past full scale
      r[i] = -l[i] * 0.5;
    }
    l[10] = NaN;
    r[11] = Infinity;
    r[500] = -1; // exactly -1: in range
    const target = path.join(dir, 'st.wav');
    const w = new BwfWriter(target, { sampleRate: 48000, channels: 2, encoding: 'pcm24', bext: { timeReference: 0 } });
    // writes of 1, 2, 3, … frames: starts and ends land on every alignment
    let at = 0;
    for (let k = 1; at < n; k++) {
      const m = Math.min(k, n - at);
      w.write([l, r], m, at);
      at += m;
    }
    w.finish();
    // expected bytes worked out independently: round, clamp, NaN as 0, little-endian 3 bytes
    const expected = Buffer.alloc(n * 6);
    let overs = 0;
    const put = (x: number, o: number) => {
      let v = Math.round(x * 8388608);
      if (!(v >= -8388608 && v <= 8388607)) {
        overs++;
        v = Number.isNaN(v) ? 0 : v > 0 ? 8388607 : -8388608;
      }
      expected.writeIntLE(v, o, 3);
    };
    for (let i = 0; i < n; i++) {
      put(l[i], i * 6);
      put(r[i], i * 6 + 3);
    }
    const info = probeWav(target);
    const data = fs.readFileSync(target).subarray(info.dataOffset, info.dataOffset + info.dataBytes);
    expect(data.equals(expected)).toBe(true);
    expect(w.clipped).toBe(overs);
    expect(overs).toBeGreaterThan(50);
  });

  it('odd data sizes get a pad byte and the RIFF size counts it', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'odd.wav');
    const w = new BwfWriter(f, { sampleRate: 48000, channels: 1, encoding: 'pcm24', bext: { timeReference: 0 } });
    w.write([new Float32Array(3)], 3);
    w.finish();
    const bytes = fs.readFileSync(f);
    expect(bytes.length % 2).toBe(0);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
  });

  it('becomes RF64 with a ds64 chunk past the size limit', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'big.wav');
    const w = new BwfWriter(f, { sampleRate: 48000, channels: 2, encoding: 'pcm24', bext: { timeReference: 7 }, rf64Threshold: 1000 });
    const x = quantize24(sine(100, 0.3, 1000));
    w.write([x, x], 1000);
    w.finish();
    const bytes = fs.readFileSync(f);
    expect(bytes.toString('latin1', 0, 4)).toBe('RF64');
    expect(bytes.toString('latin1', 12, 16)).toBe('ds64');
    const { info, out } = readBack(f);
    expect(info.container).toBe('RF64');
    expect(info.frames).toBe(1000);
    expect(info.bext?.timeReference).toBe(7);
    expect(out[1]).toEqual(x);
  });

  it('abort leaves nothing behind and never touches an existing file', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'keep.wav');
    fs.writeFileSync(f, 'previous deliverable');
    const w = new BwfWriter(f, { sampleRate: 48000, channels: 1, encoding: 'pcm24', bext: { timeReference: 0 } });
    w.write([new Float32Array(100)], 100);
    w.abort();
    expect(fs.readdirSync(dir)).toEqual(['keep.wav']);
    expect(fs.readFileSync(f, 'utf8')).toBe('previous deliverable');
  });

  it('writes 5.1 as WAVE_FORMAT_EXTENSIBLE with the standard mask', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'six.wav');
    const w = new BwfWriter(f, { sampleRate: 48000, channels: 6, encoding: 'pcm24', bext: { timeReference: 0 } });
    w.write([...Array(6)].map(() => new Float32Array(4)), 4);
    w.finish();
    expect(probeWav(f)).toMatchObject({ channels: 6, channelMask: 0x3f, formatTag: 1 });
  });
});
