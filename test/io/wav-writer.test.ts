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
