// Cue points and their labels ('cue ' + LIST/adtl), as iZotope RX, Pro Tools and recorders
// write them. wavefile parses the metadata; it needs the whole file in memory, so it is
// handed a small WAV made of just the header chunks that matter (the audio is never read).
import fs from 'node:fs';
import wavefile from 'wavefile';
import type { WavInfo } from './wav-reader.js';

export interface CuePoint {
  /** sample frame in the file */
  frame: number;
  label: string;
}

const MAX_CUE_BYTES = 4 * 1024 * 1024;

function chunkBytes(fd: number, id: string, offset: number, size: number): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(size, 4);
  const body = Buffer.alloc(size + (size & 1));
  fs.readSync(fd, body, 0, size, offset);
  return Buffer.concat([head, body]);
}

export function readCuePoints(info: WavInfo): CuePoint[] {
  const wanted = info.chunks.filter((c) => (c.id === 'cue ' || c.id === 'LIST' || c.id === 'fmt ') && c.size <= MAX_CUE_BYTES);
  if (!wanted.some((c) => c.id === 'cue ')) return [];
  const fd = fs.openSync(info.path, 'r');
  try {
    const parts = wanted.map((c) => chunkBytes(fd, c.id, c.offset, c.size));
    const data = Buffer.from('data\0\0\0\0', 'latin1');
    const body = Buffer.concat([...parts, data]);
    const riff = Buffer.alloc(12);
    riff.write('RIFF', 0, 'latin1');
    riff.writeUInt32LE(body.length + 4, 4);
    riff.write('WAVE', 8, 'latin1');
    // Under Node's ESM loader wavefile's named export type-checks but is undefined at run time:
    // its class lives on the default export.
    const wav = new wavefile.WaveFile(Buffer.concat([riff, body]));
    return (wav.listCuePoints() as { dwSampleOffset?: number; dwPosition?: number; label?: string }[]).map((c, i) => ({
      frame: c.dwSampleOffset ?? c.dwPosition ?? 0,
      label: (c.label ?? '').trim() || `Cue ${i + 1}`,
    }));
  } catch {
    return []; // malformed cue metadata never stops a file from loading
  } finally {
    fs.closeSync(fd);
  }
}
