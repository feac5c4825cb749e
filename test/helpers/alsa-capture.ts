// A temporary HOME whose ~/.asoundrc makes ALSA's default PCM a `file` plugin over `null`:
// PortAudio (through naudiodon) sees a real device, and everything played lands in a file.
// The device has no clock: it takes audio as fast as it is written.
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from './wav-bytes.js';

export function alsaCaptureHome(): { home: string; capture: string; env: NodeJS.ProcessEnv } {
  const home = tmpDir('dubstage-alsa-');
  const capture = path.join(home, 'capture.raw');
  fs.writeFileSync(path.join(home, '.asoundrc'), `pcm.!default {\n  type file\n  slave.pcm "null"\n  file "${capture}"\n  format "raw"\n}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.CI;
  return { home, capture, env };
}

/** Index of the first frame of interleaved stereo float32 whose samples are not both zero. */
export function firstSoundFrame(file: string): number {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let offset = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      if (n < 8) return -1;
      const f = new Float32Array(buf.buffer, buf.byteOffset, Math.floor(n / 4));
      for (let i = 0; i < f.length; i++) if (f[i] !== 0) return Math.floor((offset / 4 + i) / 2);
      offset += Math.floor(n / 8) * 8;
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function readStereoFloat(file: string, frame: number, frames: number): [Float32Array, Float32Array] {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(frames * 8);
  const n = fs.readSync(fd, buf, 0, buf.length, frame * 8);
  fs.closeSync(fd);
  const f = new Float32Array(buf.buffer, buf.byteOffset, Math.floor(n / 4));
  const l = new Float32Array(frames);
  const r = new Float32Array(frames);
  for (let i = 0; i < f.length / 2; i++) {
    l[i] = f[2 * i];
    r[i] = f[2 * i + 1];
  }
  return [l, r];
}
