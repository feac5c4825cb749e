import { describe, expect, it } from 'vitest';
import { findOffset } from '../../src/dsp/xcorr.js';

const SR = 48000;

/** Speech-like material: noise shaped by a random syllabic envelope and a low pass. */
function scene(seconds: number, seed: number): Float32Array {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  const x = new Float32Array(seconds * SR);
  let env = 0;
  let target = 0;
  let lp = 0;
  for (let i = 0; i < x.length; i++) {
    if (i % 2400 === 0) target = rnd() > 0.2 ? Math.abs(rnd()) : 0; // a new "syllable" every 50 ms
    env += (target - env) * 0.002;
    lp += (rnd() - lp) * 0.3;
    x[i] = lp * env;
  }
  return x;
}

/** Another microphone: a different colour (band-limited) and a level change. */
function otherMic(x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  let lp = 0;
  let hpIn = 0;
  let hpOut = 0;
  for (let i = 0; i < x.length; i++) {
    lp += (x[i] - lp) * 0.25;
    hpOut = 0.995 * (hpOut + lp - hpIn);
    hpIn = lp;
    y[i] = 0.6 * hpOut;
  }
  return y;
}

function addNoise(x: Float32Array, snrDb: number, seed: number): Float32Array {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 22695477) + 1) >>> 0) / 4294967296) * 2 - 1;
  let p = 0;
  for (const v of x) p += v * v;
  const noiseRms = Math.sqrt(p / x.length / 10 ** (snrDb / 10));
  return x.map((v) => v + rnd() * noiseRms * Math.sqrt(3));
}

describe('waveform sync', () => {
  const ref = scene(120, 1);
  it('finds a clean recording to the sample', () => {
    for (const start of [0, 123457, 2_000_003, 5_500_000]) {
      const probe = ref.slice(start, start + 10 * SR);
      const r = findOffset(ref, probe);
      expect(r.offset).toBe(start);
      expect(r.confidence).toBeGreaterThan(0.99);
    }
  });
  it('finds another microphone’s recording at -5 dB SNR to within 1 ms', () => {
    const start = 3_333_333;
    const probe = addNoise(otherMic(ref.slice(start, start + 20 * SR)), -5, 9);
    const r = findOffset(ref, probe);
    expect(r.offset).not.toBeNull();
    expect(Math.abs(r.offset! - start)).toBeLessThanOrEqual(48);
  });
  it('says "no match" for material that is not in the reference', () => {
    const r = findOffset(ref, scene(10, 77));
    expect(r.offset).toBeNull();
    expect(r.confidence).toBeLessThan(0.15);
  });
});

describe('sync in the command language', () => {
  it('sync CLIP REFCLIP moves the clip onto the reference, and refuses when nothing matches', async () => {
    const { tmpDir, writeFloatSignal24 } = await import('../helpers/wav-bytes.js');
    const { SessionEditor } = await import('../../src/session/editor.js');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'media'));
    const refSig = scene(30, 5).map((v) => Math.round(v * 8388608) / 8388608);
    const refFile = writeFloatSignal24(path.join(dir, 'media'), 'scratch.wav', [refSig]);
    const recFile = writeFloatSignal24(path.join(dir, 'media'), 'boom.wav', [refSig.slice(7 * SR + 321, 17 * SR)]);
    const otherFile = writeFloatSignal24(path.join(dir, 'media'), 'other.wav', [scene(5, 99)]);
    const ed = SessionEditor.create(path.join(dir, 's.dub'));
    ed.execute('track add REF reference');
    ed.execute('track add D dialogue');
    ed.execute(`import ${refFile} REF at 01:00:02:00`);
    ed.execute(`import ${recFile} D`);
    ed.execute(`import ${otherFile} D at 01:00:40:00`);
    expect(ed.execute('sync c4 c3').message).toMatch(/synced c4 to c3/);
    expect(ed.doc.clips.find((c) => c.id === 'c4')!.position).toBe(2 * SR + 7 * SR + 321);
    expect(() => ed.execute('sync c5 c3')).toThrow(/no match/);
    expect(ed.doc.clips.find((c) => c.id === 'c5')!.position).toBe(40 * SR);
  });
});
