// Streaming WAV / BWF / RF64 reader. Opens only the header (walking the chunk list with
// positioned reads) and decodes any range of frames on request, so memory never grows with
// file length. Chunks are walked by hand: wavefile needs the whole file in memory and
// misreads RF64 sizes.
import fs from 'node:fs';
import { parseBext, type Bext } from './bext.js';
import { WavError } from './wav-error.js';

export type SampleFormat = 'pcm' | 'float';

export interface ChunkInfo {
  id: string;
  /** offset of the chunk's payload (after the 8-byte header) */
  offset: number;
  size: number;
}

export interface WavInfo {
  path: string;
  container: 'RIFF' | 'RF64' | 'BW64';
  format: SampleFormat;
  formatTag: number;
  bitsPerSample: number;
  validBits: number;
  channels: number;
  channelMask: number;
  sampleRate: number;
  blockAlign: number;
  dataOffset: number;
  dataBytes: number;
  frames: number;
  bext?: Bext;
  ixml?: string;
  chunks: ChunkInfo[];
  /** non-fatal defects, e.g. a truncated data chunk */
  warnings: string[];
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const MAX_META_CHUNK = 16 * 1024 * 1024;
/**
 * The scratch buffer's audio starts 4 bytes in: 24-bit decoding can read a byte early, and
 * mono 24-bit audio sits word-aligned, so four samples decode from three 32-bit loads.
 */
export const PAD = 4;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A word view of a scratch buffer (for decodeChannel's aligned 24-bit path). */
export function wordsOf(buf: Buffer): Int32Array | undefined {
  return LITTLE_ENDIAN && buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, buf.length >> 2) : undefined;
}

function readAt(fd: number, file: string, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  if (got < length) throw new WavError(file, 'too-short', `unexpected end of file at byte ${position + got}`);
  return buf;
}

/** Reads the header of a WAV file: format, data location, bext, iXML. */
export function readWavHeader(fd: number, file: string, fileSize: number): WavInfo {
  if (fileSize < 12) throw new WavError(file, 'too-short', `only ${fileSize} bytes: not a WAV file`);
  const head = readAt(fd, file, 0, 12);
  const riffId = head.toString('latin1', 0, 4);
  const waveId = head.toString('latin1', 8, 12);
  if ((riffId !== 'RIFF' && riffId !== 'RF64' && riffId !== 'BW64') || waveId !== 'WAVE') {
    throw new WavError(file, 'not-wav', `not a WAV file (starts with "${head.toString('latin1', 0, 4).replace(/[^\x20-\x7e]/g, '?')}")`);
  }
  const container = riffId as WavInfo['container'];
  const warnings: string[] = [];
  const chunks: ChunkInfo[] = [];
  let ds64Data = -1;
  let fmt: Buffer | undefined;
  let bext: Bext | undefined;
  let ixml: string | undefined;
  let data: ChunkInfo | undefined;
  let offset = 12;
  while (offset + 8 <= fileSize) {
    const h = readAt(fd, file, offset, 8);
    const id = h.toString('latin1', 0, 4);
    let size = h.readUInt32LE(4);
    const payload = offset + 8;
    if (id === 'data' && container !== 'RIFF' && size === 0xffffffff) {
      if (ds64Data < 0) throw new WavError(file, 'bad-ds64', `${container} data chunk has no ds64 size`);
      size = ds64Data;
    }
    if (!/^[\x20-\x7e]{4}$/.test(id)) {
      throw new WavError(file, 'chunk-overflow', `garbage where a chunk header should be at byte ${offset} (previous chunk size is wrong)`);
    }
    const available = fileSize - payload;
    if (id === 'data') {
      let bytes = size;
      if (size > available) {
        bytes = available;
        warnings.push(`data chunk claims ${size} bytes but the file ends after ${available}: truncated, reading the whole frames that are there`);
      } else if (size === 0 && available > 0 && container === 'RIFF' && !data) {
        // A recorder that stopped before finalising leaves 0; the audio is still there.
        bytes = available;
        warnings.push('data chunk size is 0 (unfinalised recording): reading to the end of the file');
      }
      data = { id, offset: payload, size: bytes };
      chunks.push(data);
      if (bytes !== size) break; // the data runs to the end of the file: nothing follows it
    } else {
      if (size > available) {
        throw new WavError(file, 'chunk-overflow', `chunk "${id}" at byte ${offset} claims ${size} bytes but only ${available} remain in the file`);
      }
      chunks.push({ id, offset: payload, size });
      const meta = id === 'fmt ' || id === 'bext' || id === 'iXML' || id === 'ds64';
      if (meta && size > MAX_META_CHUNK) {
        throw new WavError(file, 'chunk-too-large', `chunk "${id}" claims ${size} bytes, more than any real ${id.trim()} chunk`);
      }
      if (id === 'ds64') {
        if (size < 24) throw new WavError(file, 'bad-ds64', `ds64 chunk is ${size} bytes (needs 24)`);
        const d = readAt(fd, file, payload, 24);
        ds64Data = Number(d.readBigUInt64LE(8));
      } else if (id === 'fmt ') {
        if (size < 16) throw new WavError(file, 'no-fmt', `fmt chunk is ${size} bytes (needs at least 16)`);
        fmt = readAt(fd, file, payload, Math.min(size, 40));
      } else if (id === 'bext' && size > 0) {
        bext = parseBext(readAt(fd, file, payload, Math.min(size, available)));
      } else if (id === 'iXML' && size > 0) {
        ixml = readAt(fd, file, payload, Math.min(size, available)).toString('utf8').replace(/\0+$/, '').trim();
      }
    }
    offset = payload + size + (size & 1);
  }
  if (!fmt) throw new WavError(file, 'no-fmt', 'no fmt chunk: the audio format is unknown');
  if (!data) throw new WavError(file, 'no-data', 'no data chunk: the file holds no audio');

  let formatTag = fmt.readUInt16LE(0);
  const channels = fmt.readUInt16LE(2);
  const sampleRate = fmt.readUInt32LE(4);
  const blockAlign = fmt.readUInt16LE(12);
  const bitsPerSample = fmt.readUInt16LE(14);
  let validBits = bitsPerSample;
  let channelMask = 0;
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (fmt.length < 40) throw new WavError(file, 'unsupported-format', 'WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes');
    validBits = fmt.readUInt16LE(18) || bitsPerSample;
    channelMask = fmt.readUInt32LE(20);
    formatTag = fmt.readUInt16LE(24); // first two bytes of the sub-format GUID
  }
  if (channels === 0) throw new WavError(file, 'zero-channels', 'fmt says 0 channels');
  if (sampleRate === 0) throw new WavError(file, 'zero-rate', 'fmt says a sample rate of 0 Hz');
  if (bitsPerSample === 0) throw new WavError(file, 'zero-bits', 'fmt says 0 bits per sample');
  let format: SampleFormat;
  if (formatTag === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) format = 'pcm';
  else if (formatTag === WAVE_FORMAT_IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64)) format = 'float';
  else {
    throw new WavError(file, 'unsupported-format', `format tag 0x${formatTag.toString(16)} with ${bitsPerSample} bits is not PCM 8/16/24/32 or float 32/64`);
  }
  const expectedAlign = channels * (bitsPerSample / 8);
  if (blockAlign !== expectedAlign) {
    throw new WavError(file, 'block-align', `block align is ${blockAlign} but ${channels} channels × ${bitsPerSample} bits needs ${expectedAlign}`);
  }
  const frames = Math.floor(data.size / blockAlign);
  if (data.size % blockAlign !== 0 && !warnings.length) {
    warnings.push(`data chunk ends with a partial frame (${data.size % blockAlign} bytes ignored)`);
  }
  return {
    path: file, container, format, formatTag, bitsPerSample, validBits, channels, channelMask, sampleRate,
    blockAlign, dataOffset: data.offset, dataBytes: frames * blockAlign, frames, bext, ixml, chunks, warnings,
  };
}

/**
 * An open WAV file. `readFrames` decodes a frame range of chosen channels into Float32Arrays
 * with one positioned read into a scratch buffer that is reused (it grows only when a larger
 * range than ever before is asked for).
 */
export class WavReader {
  readonly info: WavInfo;
  /** NaN / ±Inf float samples replaced by 0 so far */
  nonFinite = 0;
  private fd: number;
  private scratch: Buffer = Buffer.alloc(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  private words: Int32Array | undefined;
  /** mixMono's decode buffer for formats it does not mix in one pass */
  private mixScratch = new Float32Array(0);

  private constructor(fd: number, info: WavInfo) {
    this.fd = fd;
    this.info = info;
  }

  static open(file: string): WavReader {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'file not found' : err.code === 'EACCES' ? 'permission denied' : err.message;
      throw new WavError(file, 'unreadable', why);
    }
    try {
      const size = fs.fstatSync(fd).size;
      return new WavReader(fd, readWavHeader(fd, file, size));
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  get frames(): number {
    return this.info.frames;
  }

  /**
   * Decodes frames [start, start+count) of the source channels in `channels` (0-based) into
   * out[i][outOffset…]. Frames past the end of the data are left untouched; returns how many
   * frames were decoded.
   */
  readFrames(start: number, count: number, channels: ArrayLike<number>, out: Float32Array[], outOffset = 0): number {
    const frames = this.load(start, count);
    for (let i = 0; i < channels.length; i++) {
      this.nonFinite += decodeChannel(this.view, PAD, this.info, channels[i], frames, out[i], outOffset, this.words);
    }
    return frames;
  }

  /**
   * Adds frames [start, start+count) of source channel `ch`, times gl and gr, into l and r
   * from `at`: decoding and a mono-to-stereo mix in one pass, with the same float results as
   * readFrames followed by the mix (each sample is rounded to float32 first). The offline
   * render's fast path for a steady mono clip; returns how many frames there were.
   */
  mixMono(start: number, count: number, ch: number, l: Float32Array, r: Float32Array, gl: number, gr: number, at: number): number {
    const info = this.info;
    const frames = this.load(start, count);
    const w = this.words;
    if (info.format === 'pcm' && info.bitsPerSample === 24 && info.channels === 1 && w !== undefined) {
      // four samples from three words (see decodeChannel)
      const k = 1 / 8388608;
      const groups = frames >> 2;
      let j = PAD >> 2;
      let i = at;
      for (let g = 0; g < groups; g++, j += 3, i += 4) {
        const a = w[j];
        const b = w[j + 1];
        const c = w[j + 2];
        const v0 = ((a << 8) >> 8) * k;
        const v1 = ((((a >>> 24) | (b << 8)) << 8) >> 8) * k;
        const v2 = ((((b >>> 16) | (c << 16)) << 8) >> 8) * k;
        const v3 = (c >> 8) * k;
        l[i] += v0 * gl;
        r[i] += v0 * gr;
        l[i + 1] += v1 * gl;
        r[i + 1] += v1 * gr;
        l[i + 2] += v2 * gl;
        r[i + 2] += v2 * gr;
        l[i + 3] += v3 * gl;
        r[i + 3] += v3 * gr;
      }
      const view = this.view;
      for (let f = groups * 4, b = PAD + f * 3; f < frames; f++, b += 3, i++) {
        const v = (view.getInt32(b - 1, true) >> 8) * k;
        l[i] += v * gl;
        r[i] += v * gr;
      }
      return frames;
    }
    // Other formats: decode, then mix (floats, doubles and 8/16/32-bit PCM are rounded to
    // float32 exactly as readFrames rounds them).
    if (this.mixScratch.length < frames) this.mixScratch = new Float32Array(frames);
    const m = this.mixScratch;
    this.nonFinite += decodeChannel(this.view, PAD, info, ch, frames, m, 0, w);
    for (let f = 0; f < frames; f++) {
      const v = m[f];
      l[at + f] += v * gl;
      r[at + f] += v * gr;
    }
    return frames;
  }

  /** Reads the bytes of frames [start, start+count) into the scratch; returns whole frames read. */
  private load(start: number, count: number): number {
    const info = this.info;
    if (start >= info.frames || count <= 0) return 0;
    const n = Math.min(count, info.frames - start);
    const bytes = n * info.blockAlign;
    if (this.scratch.length < bytes + PAD + 4) {
      this.scratch = Buffer.alloc(bytes + PAD + 4);
      this.view = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.length);
      this.words = wordsOf(this.scratch);
    }
    const buf = this.scratch;
    let got = 0;
    const pos = info.dataOffset + start * info.blockAlign;
    while (got < bytes) {
      const r = fs.readSync(this.fd, buf, PAD + got, bytes - got, pos + got);
      if (r === 0) break;
      got += r;
    }
    return Math.floor(got / info.blockAlign);
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/**
 * Decodes one channel of interleaved frames held in `view` from byte `base` (which must be at
 * least 1, see PAD) into dst[at…]. Returns how many NaN/Inf samples were replaced by 0.
 * Render-side helper: no allocation.
 */
export function decodeChannel(view: DataView, base: number, info: WavInfo, ch: number, frames: number, dst: Float32Array, at: number, words?: Int32Array): number {
  const stride = info.blockAlign;
  const bits = info.bitsPerSample;
  let b = base + ch * (bits >> 3);
  if (info.format === 'pcm') {
    if (bits === 24 && info.channels === 1 && words !== undefined && base % 4 === 0) {
      // Mono 24-bit, word-aligned: samples s0…s3 are bytes 0-2, 3-5, 6-8, 9-11 of three
      // little-endian words; shifts put each on top of an int32 and sign-extend it.
      const k = 1 / 8388608;
      const groups = frames >> 2;
      let j = base >> 2;
      let i = at;
      for (let g = 0; g < groups; g++, j += 3, i += 4) {
        const w0 = words[j];
        const w1 = words[j + 1];
        const w2 = words[j + 2];
        dst[i] = ((w0 << 8) >> 8) * k;
        dst[i + 1] = ((((w0 >>> 24) | (w1 << 8)) << 8) >> 8) * k;
        dst[i + 2] = ((((w1 >>> 16) | (w2 << 16)) << 8) >> 8) * k;
        dst[i + 3] = (w2 >> 8) * k;
      }
      b += groups * 12;
      for (let f = groups * 4; f < frames; f++, b += 3) dst[at + f] = (view.getInt32(b - 1, true) >> 8) * k;
      return 0;
    }
    if (bits === 24) {
      // One little-endian 32-bit read that starts a byte early puts the 3 sample bytes on top;
      // the arithmetic shift drops the extra byte and sign-extends.
      const k = 1 / 8388608;
      for (let i = 0; i < frames; i++, b += stride) dst[at + i] = (view.getInt32(b - 1, true) >> 8) * k;
    } else if (bits === 16) {
      const k = 1 / 32768;
      for (let i = 0; i < frames; i++, b += stride) dst[at + i] = view.getInt16(b, true) * k;
    } else if (bits === 32) {
      const k = 1 / 2147483648;
      for (let i = 0; i < frames; i++, b += stride) dst[at + i] = view.getInt32(b, true) * k;
    } else {
      for (let i = 0; i < frames; i++, b += stride) dst[at + i] = (view.getUint8(b) - 128) / 128;
    }
    return 0;
  }
  let bad = 0;
  for (let i = 0; i < frames; i++, b += stride) {
    let v = bits === 32 ? view.getFloat32(b, true) : view.getFloat64(b, true);
    if (v !== v || v === Infinity || v === -Infinity) {
      v = 0;
      bad++;
    }
    dst[at + i] = v;
  }
  return bad;
}

/** Header only: opens, reads the header, closes. */
export function probeWav(file: string): WavInfo {
  const r = WavReader.open(file);
  r.close();
  return r.info;
}

/**
 * A whole file mixed down to mono (for analysis such as waveform sync, not for playback, which
 * streams). Reads in chunks; the result holds every frame.
 */
export function readMono(file: string): { samples: Float32Array; sampleRate: number; timeReference: number } {
  const r = WavReader.open(file);
  try {
    const { channels, frames, sampleRate } = r.info;
    const out = new Float32Array(frames);
    const chunk = 1 << 16;
    const bufs = Array.from({ length: channels }, () => new Float32Array(chunk));
    const all = bufs.map((_, i) => i);
    for (let pos = 0; pos < frames; pos += chunk) {
      const n = r.readFrames(pos, Math.min(chunk, frames - pos), all, bufs);
      for (let c = 0; c < channels; c++) for (let i = 0; i < n; i++) out[pos + i] += bufs[c][i] / channels;
    }
    return { samples: out, sampleRate, timeReference: r.info.bext?.timeReference ?? 0 };
  } finally {
    r.close();
  }
}

