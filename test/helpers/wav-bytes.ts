// Builds WAV files byte by byte, independently of src/io, so the reader and writer are tested
// against a second implementation of the format.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RawChunk {
  id: string;
  data: Buffer;
  /** lie about the size in the header */
  size?: number;
}

export function chunk(id: string, data: Buffer, size?: number): RawChunk {
  return { id, data, size };
}

export function fmtChunk(o: { tag?: number; channels: number; rate: number; bits: number; blockAlign?: number; extensible?: { subTag: number; validBits?: number; mask?: number } }): RawChunk {
  const ext = o.extensible;
  const buf = Buffer.alloc(ext ? 40 : 16);
  const align = o.blockAlign ?? (o.channels * o.bits) / 8;
  buf.writeUInt16LE(ext ? 0xfffe : (o.tag ?? 1), 0);
  buf.writeUInt16LE(o.channels, 2);
  buf.writeUInt32LE(o.rate, 4);
  buf.writeUInt32LE(o.rate * align, 8);
  buf.writeUInt16LE(align, 12);
  buf.writeUInt16LE(o.bits, 14);
  if (ext) {
    buf.writeUInt16LE(22, 16);
    buf.writeUInt16LE(ext.validBits ?? o.bits, 18);
    buf.writeUInt32LE(ext.mask ?? 0, 20);
    buf.writeUInt16LE(ext.subTag, 24);
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(buf, 26);
  }
  return chunk('fmt ', buf);
}

/** Interleaves integer or float sample values (already scaled) into PCM/float bytes. */
export function pcmData(frames: number[][], bits: number, float = false): Buffer {
  const ch = frames[0]?.length ?? 1;
  const bps = bits / 8;
  const buf = Buffer.alloc(frames.length * ch * bps);
  let o = 0;
  for (const f of frames) {
    for (const v of f) {
      if (float && bits === 32) buf.writeFloatLE(v, o);
      else if (float) buf.writeDoubleLE(v, o);
      else if (bits === 8) buf.writeUInt8(v + 128, o);
      else if (bits === 16) buf.writeInt16LE(v, o);
      else if (bits === 24) buf.writeIntLE(v, o, 3);
      else buf.writeInt32LE(v, o);
      o += bps;
    }
  }
  return buf;
}

export function bextChunk(timeReference: number, description = ''): RawChunk {
  const buf = Buffer.alloc(602);
  buf.write(description, 0, 256, 'latin1');
  buf.write('test', 256, 32, 'latin1');
  buf.writeUInt32LE(timeReference % 2 ** 32, 338);
  buf.writeUInt32LE(Math.floor(timeReference / 2 ** 32), 342);
  buf.writeUInt16LE(1, 346);
  return chunk('bext', buf);
}

export function wavBytes(chunks: RawChunk[], container = 'RIFF'): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    const h = Buffer.alloc(8);
    h.write(c.id, 0, 'latin1');
    h.writeUInt32LE(c.size ?? c.data.length, 4);
    parts.push(h, c.data);
    if (c.data.length & 1) parts.push(Buffer.alloc(1));
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write(container, 0, 'latin1');
  head.writeUInt32LE(container === 'RIFF' ? body.length + 4 : 0xffffffff, 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, body]);
}

export function tmpDir(prefix = 'dubstage-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeWav(dir: string, name: string, chunks: RawChunk[], container = 'RIFF'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, wavBytes(chunks, container));
  return file;
}

/** A 24-bit PCM file whose samples are given as floats in [-1, 1). */
export function writeFloatSignal24(dir: string, name: string, channels: Float32Array[], rate = 48000, timeReference?: number): string {
  const n = channels[0].length;
  const frames: number[][] = [];
  for (let i = 0; i < n; i++) frames.push(channels.map((c) => Math.max(-8388608, Math.min(8388607, Math.round(c[i] * 8388608)))));
  const chunks = [fmtChunk({ channels: channels.length, rate, bits: 24 }), chunk('data', pcmData(frames, 24))];
  if (timeReference !== undefined) chunks.unshift(bextChunk(timeReference));
  return writeWav(dir, name, chunks);
}

export function sine(freq: number, amp: number, frames: number, rate = 48000): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Values exactly representable in 24-bit, so round trips through files are exact. */
export function quantize24(x: Float32Array): Float32Array {
  return x.map((v) => Math.round(v * 8388608) / 8388608 + 0); // + 0: no negative zeros
}
