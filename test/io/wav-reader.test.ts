import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WavError } from '../../src/io/wav-error.js';
import { probeWav, WavReader } from '../../src/io/wav-reader.js';
import { bextChunk, chunk, fmtChunk, pcmData, tmpDir, writeWav } from '../helpers/wav-bytes.js';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures');
const fx = (f: string) => path.join(fixtures, f);

function readAll(file: string, channels?: number[]) {
  const r = WavReader.open(file);
  const chans = channels ?? [...Array(r.info.channels).keys()];
  const out = chans.map(() => new Float32Array(r.frames));
  const got = r.readFrames(0, r.frames, chans, out);
  r.close();
  return { out, got, reader: r };
}

function defect(fn: () => unknown): WavError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WavError);
    return e as WavError;
  }
  throw new Error('expected a WavError');
}

describe('real recorder files', () => {
  it('Sound Devices poly-WAV: 2 ch 24-bit, bext and iXML before fmt', () => {
    const i = probeWav(fx('A101_3.WAV'));
    expect(i).toMatchObject({ container: 'RIFF', format: 'pcm', channels: 2, bitsPerSample: 24, sampleRate: 48000, frames: 288264 / 6 });
    expect(i.bext?.timeReference).toBe(2191661476);
    expect(i.bext?.description).toContain('sTAKE=3');
    expect(i.ixml).toMatch(/^<\?xml/);
    expect(i.warnings).toEqual([]);
  });
  it('Pro Tools export: unknown umid/minf/regn chunks after data are skipped', () => {
    const i = probeWav(fx('PT_A101_4.A1.wav'));
    expect(i.chunks.map((c) => c.id)).toEqual(['bext', 'iXML', 'fmt ', 'data', 'umid', 'minf', 'regn']);
    expect(i.frames).toBe(864840 / 6);
  });
  it('Metacorder: iXML found after the data chunk', () => {
    const i = probeWav(fx('Sr001-2C-01_01.WAV'));
    expect(i.channels).toBe(1);
    expect(i.ixml).toContain('BWFXML');
    expect(i.bext?.timeReference).toBe(2354414956);
  });
  it('iZotope RX: 32-bit float with cue and LIST chunks after data', () => {
    const i = probeWav(fx('izotoperx_cues_test.wav'));
    expect(i).toMatchObject({ format: 'float', bitsPerSample: 32, channels: 1, frames: 48000 });
    const { out } = readAll(fx('izotoperx_cues_test.wav'));
    expect(out[0].some((v) => v !== 0)).toBe(true);
    expect(out[0].every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
  });
  it('Nuendo 5.1: WAVE_FORMAT_EXTENSIBLE, JUNK and an odd-sized unknown chunk', () => {
    const i = probeWav(fx('wavinfo_Test_Project_-_Audio_-_5.1.wav'));
    expect(i).toMatchObject({ channels: 6, format: 'pcm', bitsPerSample: 24, channelMask: 0x3f, frames: 864000 / 18 });
    expect(i.chunks.map((c) => c.id)).toContain('Fake');
    expect(i.bext?.timeReference).toBe(172800000);
  });
  it('decodes the same 24-bit samples as a plain byte read', () => {
    const file = fx('A101_3.WAV');
    const raw = fs.readFileSync(file);
    const info = probeWav(file);
    const r = WavReader.open(file);
    const out = [new Float32Array(100)];
    r.readFrames(1000, 100, [1], out);
    r.close();
    for (let k = 0; k < 100; k++) {
      const expected = raw.readIntLE(info.dataOffset + (1000 + k) * 6 + 3, 3) / 8388608;
      expect(out[0][k]).toBe(Math.fround(expected));
    }
  });
});

describe('every PCM and float depth, mono to 8 channels', () => {
  const dir = tmpDir();
  const cases: [number, boolean, number[]][] = [
    [8, false, [-128, 0, 127]],
    [16, false, [-32768, 0, 32767, 1234]],
    [24, false, [-8388608, 0, 8388607, -1]],
    [32, false, [-2147483648, 0, 2147483647, 65536]],
    [32, true, [-1, 0, 0.5, 0.25]],
    [64, true, [-1, 0, 0.5, 0.125]],
  ];
  for (const [bits, float, values] of cases) {
    it(`${bits}-bit ${float ? 'float' : 'PCM'}`, () => {
      const scale = float ? 1 : 2 ** (bits - 1);
      for (const channels of [1, 2, 8]) {
        const frames = values.map((v, i) => Array.from({ length: channels }, (_, c) => (c % 2 ? (i % 2 ? v : -Math.abs(v)) : v)));
        const file = writeWav(dir, `t${bits}${float}${channels}.wav`, [
          fmtChunk({ tag: float ? 3 : 1, channels, rate: 44100, bits }), chunk('data', pcmData(frames, bits, float)),
        ]);
        const { out } = readAll(file);
        for (let c = 0; c < channels; c++) {
          for (let i = 0; i < values.length; i++) expect(out[c][i]).toBe(Math.fround(frames[i][c] / scale));
        }
      }
    });
  }
  it('WAVE_FORMAT_EXTENSIBLE float and PCM', () => {
    const f = writeWav(dir, 'ext.wav', [
      fmtChunk({ channels: 2, rate: 48000, bits: 32, extensible: { subTag: 3 } }), chunk('data', pcmData([[0.5, -0.25]], 32, true)),
    ]);
    expect(Array.from(readAll(f).out.map((c) => c[0]))).toEqual([0.5, -0.25]);
  });
  it('mono 24-bit (decoded four samples from three words) at every start and length', () => {
    const values = Array.from({ length: 103 }, (_, i) => ((i * 2654435761) % 16777216) - 8388608);
    values[5] = -8388608;
    values[6] = 8388607;
    values[7] = -1;
    const f = writeWav(dir, 'mono24.wav', [fmtChunk({ channels: 1, rate: 48000, bits: 24 }), chunk('data', pcmData(values.map((v) => [v]), 24))]);
    const r = WavReader.open(f);
    for (const start of [0, 1, 2, 3, 5, 50]) {
      for (const count of [1, 3, 4, 7, 8, 30, 103]) {
        const out = [new Float32Array(count + 2)];
        const n = r.readFrames(start, count, [0], out, 1);
        expect(n).toBe(Math.min(count, values.length - start));
        for (let i = 0; i < n; i++) expect(out[0][1 + i]).toBe(values[start + i] / 8388608);
        expect(out[0][0]).toBe(0);
      }
    }
    r.close();
  });

  it('mixMono adds gl × and gr × a mono channel exactly as readFrames and a mix would, for any format', () => {
    const vals = Array.from({ length: 37 }, (_, i) => ((i * 7919) % 60000) - 30000);
    const files = [
      writeWav(dir, 'mx24.wav', [fmtChunk({ channels: 1, rate: 48000, bits: 24 }), chunk('data', pcmData(vals.map((v) => [v * 211]), 24))]),
      writeWav(dir, 'mx16.wav', [fmtChunk({ channels: 1, rate: 48000, bits: 16 }), chunk('data', pcmData(vals.map((v) => [v]), 16))]),
      writeWav(dir, 'mx24st.wav', [fmtChunk({ channels: 2, rate: 48000, bits: 24 }), chunk('data', pcmData(vals.map((v) => [v, -v * 3]), 24))]),
    ];
    for (const file of files) {
      const r = WavReader.open(file);
      const ch = r.info.channels - 1;
      for (const [start, count] of [[0, 37], [3, 10], [30, 20]]) {
        const base = Float32Array.from({ length: 40 }, (_, i) => i * 0.01);
        const l = Float32Array.from(base);
        const rr = Float32Array.from(base);
        r.mixMono(start, count, ch, l, rr, 0.7071, -0.3, 2);
        const src = [new Float32Array(40)];
        r.readFrames(start, count, [ch], src, 2);
        const wl = Float32Array.from(base);
        const wr = Float32Array.from(base);
        for (let i = 2; i < 40; i++) {
          wl[i] += src[0][i] * 0.7071;
          wr[i] += src[0][i] * -0.3;
        }
        expect(l).toEqual(wl);
        expect(rr).toEqual(wr);
      }
      r.close();
    }
  });

  it('reads a range of chosen channels at an offset', () => {
    const frames = Array.from({ length: 10 }, (_, i) => [i * 100, i * 100 + 1, i * 100 + 2]);
    const f = writeWav(dir, 'range.wav', [fmtChunk({ channels: 3, rate: 48000, bits: 16 }), chunk('data', pcmData(frames, 16))]);
    const r = WavReader.open(f);
    const out = [new Float32Array(8), new Float32Array(8)];
    expect(r.readFrames(7, 5, [2, 0], out, 2)).toBe(3);
    r.close();
    expect(Array.from(out[0]).map((v) => Math.round(v * 32768))).toEqual([0, 0, 702, 802, 902, 0, 0, 0]);
    expect(Array.from(out[1]).map((v) => Math.round(v * 32768))).toEqual([0, 0, 700, 800, 900, 0, 0, 0]);
  });
});

describe('bad files name the file and the defect', () => {
  const dir = tmpDir();
  const fmt = fmtChunk({ channels: 2, rate: 48000, bits: 16 });
  const data = chunk('data', pcmData([[1, 2], [3, 4], [5, 6]], 16));

  it('missing file', () => {
    const e = defect(() => WavReader.open(path.join(dir, 'nope.wav')));
    expect(e.defect).toBe('unreadable');
    expect(e.message).toContain('nope.wav: file not found');
  });
  it('not a WAV', () => {
    const f = path.join(dir, 'text.wav');
    fs.writeFileSync(f, 'hello, this is not audio');
    expect(defect(() => probeWav(f)).defect).toBe('not-wav');
  });
  it('truncated data: whole frames decode, with a warning', () => {
    const bytes = writeWav(dir, 'trunc.wav', [fmt, data]);
    const full = fs.readFileSync(bytes);
    fs.writeFileSync(bytes, full.subarray(0, full.length - 3)); // cut into the last frame
    const i = probeWav(bytes);
    expect(i.frames).toBe(2);
    expect(i.warnings[0]).toMatch(/truncated/);
    const { out } = readAll(bytes);
    expect(Math.round(out[1][1] * 32768)).toBe(4);
  });
  it('a chunk size past the end of the file', () => {
    const f = writeWav(dir, 'overflow.wav', [fmt, chunk('LIST', Buffer.alloc(4), 0x7ffffff0), data]);
    const e = defect(() => probeWav(f));
    expect(e.defect).toBe('chunk-overflow');
    expect(e.message).toMatch(/overflow\.wav: chunk "LIST" at byte 36 claims 2147483632 bytes/);
  });
  it('zero channels, zero rate, zero bits', () => {
    const zc = writeWav(dir, 'zc.wav', [fmtChunk({ channels: 0, rate: 48000, bits: 16, blockAlign: 2 }), data]);
    expect(defect(() => probeWav(zc)).defect).toBe('zero-channels');
    const zr = writeWav(dir, 'zr.wav', [fmtChunk({ channels: 2, rate: 0, bits: 16 }), data]);
    expect(defect(() => probeWav(zr)).defect).toBe('zero-rate');
    const zb = writeWav(dir, 'zb.wav', [fmtChunk({ channels: 2, rate: 48000, bits: 0, blockAlign: 4 }), data]);
    expect(defect(() => probeWav(zb)).defect).toBe('zero-bits');
  });
  it('inconsistent block align', () => {
    const f = writeWav(dir, 'align.wav', [fmtChunk({ channels: 2, rate: 48000, bits: 16, blockAlign: 6 }), data]);
    const e = defect(() => probeWav(f));
    expect(e.defect).toBe('block-align');
    expect(e.message).toContain('block align is 6 but 2 channels × 16 bits needs 4');
  });
  it('no fmt, no data', () => {
    expect(defect(() => probeWav(writeWav(dir, 'nofmt.wav', [data]))).defect).toBe('no-fmt');
    expect(defect(() => probeWav(writeWav(dir, 'nodata.wav', [fmt]))).defect).toBe('no-data');
  });
  it('an unsupported codec', () => {
    const f = writeWav(dir, 'adpcm.wav', [fmtChunk({ tag: 2, channels: 1, rate: 48000, bits: 4, blockAlign: 1 }) , data]);
    expect(defect(() => probeWav(f)).defect).toBe('unsupported-format');
  });
  it('NaN and Inf floats are replaced by 0 and counted', () => {
    const f = writeWav(dir, 'nan.wav', [fmtChunk({ tag: 3, channels: 1, rate: 48000, bits: 32 }), chunk('data', pcmData([[0.5], [NaN], [Infinity], [-Infinity], [-0.5]], 32, true))]);
    const { out, reader } = readAll(f);
    expect(Array.from(out[0])).toEqual([0.5, 0, 0, 0, -0.5]);
    expect(reader.nonFinite).toBe(3);
  });
  it('an unfinalised recording (data size 0) reads to the end of the file', () => {
    const f = writeWav(dir, 'unfinal.wav', [fmt, chunk('data', pcmData([[1, 2], [3, 4]], 16), 0)]);
    const i = probeWav(f);
    expect(i.frames).toBe(2);
    expect(i.warnings[0]).toMatch(/unfinalised/);
  });
});

describe('RF64', () => {
  it('reads sizes from ds64', () => {
    const dir = tmpDir();
    const ds64 = Buffer.alloc(28);
    ds64.writeBigUInt64LE(0n, 0);
    ds64.writeBigUInt64LE(12n, 8);
    ds64.writeBigUInt64LE(3n, 16);
    const f = writeWav(dir, 'rf.wav', [chunk('ds64', ds64), fmtChunk({ channels: 2, rate: 48000, bits: 16 }), chunk('data', pcmData([[1, 2], [3, 4], [5, 6]], 16), 0xffffffff), bextChunk(5)], 'RF64');
    const i = probeWav(f);
    expect(i.container).toBe('RF64');
    expect(i.frames).toBe(3);
    expect(i.bext?.timeReference).toBe(5); // the data chunk's real size is honoured: what follows is found
  });
});

describe('streaming', () => {
  it('keeps one block of scratch however long the file is', () => {
    const dir = tmpDir();
    const frames = 48000 * 60;
    const data = Buffer.alloc(frames * 2);
    const f = writeWav(dir, 'long.wav', [fmtChunk({ channels: 1, rate: 48000, bits: 16 }), chunk('data', data)]);
    const r = WavReader.open(f);
    const out = [new Float32Array(4096)];
    for (let p = 0; p < frames; p += 4096) r.readFrames(p, 4096, [0], out);
    expect((r as unknown as { scratch: Buffer }).scratch.length).toBeLessThanOrEqual(4096 * 2 + 8);
    r.close();
  });
});

describe('RF64 from the corpus', () => {
  // the first 64 KB of ../shared/corpus/wav/Testfile_SEQ_RF64_Big.wav.gz (2.4 GB decompressed),
  // kept in the fixtures so the test runs everywhere
  const gz = path.join(import.meta.dirname, '..', 'fixtures', 'Testfile_SEQ_RF64_Big.first64k.wav.gz');
  it('reads the ds64 sizes of a real RF64 file (its first 64 KB)', async () => {
    const { gunzipSync } = await import('node:zlib');
    const dir = tmpDir();
    const file = path.join(dir, 'rf64.wav');
    fs.writeFileSync(file, gunzipSync(fs.readFileSync(gz)));
    const size = fs.statSync(file).size;
    expect(size).toBe(65536);
    const info = probeWav(file);
    expect(info).toMatchObject({ container: 'RF64', channels: 2, sampleRate: 96000, bitsPerSample: 24 });
    // the data chunk's size comes from ds64 (2,399,486,814 bytes), so this piece reads as truncated
    expect(info.warnings[0]).toMatch(/claims 2399486814 bytes/);
    expect(info.frames).toBe(Math.floor((size - info.dataOffset) / 6));
  });
});
