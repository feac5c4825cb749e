import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { panMono51, panStereo51 } from '../../src/dsp/pan.js';
import { Engine } from '../../src/engine/engine.js';
import { renderSession } from '../../src/engine/offline-render.js';
import { probeWav, WavReader } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { quantize24, sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

describe('5.1 panning', () => {
  it('is constant power over the five main speakers everywhere, and lands on the speakers at the corners', () => {
    const g = new Float64Array(6);
    for (let x = -1; x <= 1; x += 0.1) {
      for (let y = -1; y <= 1; y += 0.1) {
        panMono51(x, y, 0, g);
        const power = g[0] ** 2 + g[1] ** 2 + g[2] ** 2 + g[4] ** 2 + g[5] ** 2;
        expect(power).toBeCloseTo(1, 12);
      }
    }
    const at = (x: number, y: number) => {
      panMono51(x, y, 0.5, g);
      return Array.from(g, (v) => Math.round(v * 1e6) / 1e6);
    };
    expect(at(0, -1)).toEqual([0, 0, 1, 0.5, 0, 0]); // centre front, LFE send 0.5
    expect(at(-1, -1)).toEqual([1, 0, 0, 0.5, 0, 0]);
    expect(at(1, -1)).toEqual([0, 1, 0, 0.5, 0, 0]);
    expect(at(0, 1)).toEqual([0, 0, 0, 0.5, 0.707107, 0.707107]);
    const l = new Float64Array(6);
    const r = new Float64Array(6);
    panStereo51(0, -1, l, r);
    expect(Array.from(l)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(Array.from(r)).toEqual([0, 1, 0, 0, 0, 0]);
  });
});

function scene() {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'media'));
  const a = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [quantize24(sine(500, 0.5, 48000))]);
  const b = writeFloatSignal24(path.join(dir, 'media'), 'b.wav', [quantize24(sine(1500, 0.25, 48000))]);
  const ed = SessionEditor.create(path.join(dir, 's.dub'));
  ed.execute('set output 5.1');
  ed.execute('track add DIA dialogue');
  ed.execute('track add AMB ambience');
  ed.execute(`import ${a} DIA`);
  ed.execute(`import ${b} AMB`);
  ed.execute('pan DIA C F100');
  ed.execute('pan AMB L100 B100');
  ed.execute('lfe AMB -6');
  return { dir, ed, a: quantize24(sine(500, 0.5, 48000)), b: quantize24(sine(1500, 0.25, 48000)) };
}

function readAll(file: string) {
  const r = WavReader.open(file);
  const ch = Array.from({ length: r.info.channels }, () => new Float32Array(r.frames));
  r.readFrames(0, r.frames, ch.map((_, i) => i), ch);
  r.close();
  return ch;
}

describe('a 5.1 session', () => {
  it('renders six-channel deliverables (L R C LFE Ls Rs) with each source where it was panned', async () => {
    const { dir, ed, a, b } = scene();
    expect(ed.doc.tracks[1]).toMatchObject({ pan: -1, panFb: 1, lfe: -6 });
    const out = path.join(dir, 'out');
    await renderSession(ed.doc, ed.media, { outDir: out, encoding: 'float32' });
    expect(probeWav(path.join(out, 's_MIX.wav'))).toMatchObject({ channels: 6, channelMask: 0x3f });
    const [L, R, C, LFE, Ls, Rs] = readAll(path.join(out, 's_MIX.wav'));
    const dx = readAll(path.join(out, 's_DX.wav'));
    const fx = readAll(path.join(out, 's_FX.wav'));
    const lfe = 10 ** (-6 / 20);
    for (const i of [100, 12345, 40000]) {
      expect(C[i]).toBeCloseTo(a[i], 6);
      expect(Ls[i]).toBeCloseTo(b[i], 6);
      expect(LFE[i]).toBeCloseTo(b[i] * lfe, 6);
      expect(L[i]).toBeCloseTo(0, 9);
      expect(R[i]).toBeCloseTo(0, 9);
      expect(Rs[i]).toBeCloseTo(0, 9);
      for (let c = 0; c < 6; c++) expect(dx[c][i] + fx[c][i]).toBeCloseTo([L, R, C, LFE, Ls, Rs][c][i], 6);
    }
  });

  it('is folded down to stereo for monitoring: L = L + C/√2 + Ls/√2', async () => {
    const { ed, a, b } = scene();
    const engine = new Engine({ blockSize: 512, sampleRate: 48000, aheadFrames: 48000 });
    engine.setSession(ed.doc, ed.media.baseDir);
    engine.play();
    const out = new Float32Array(1024);
    await engine.whenStreamed();
    engine.pull(out); // locating → rolling, first block
    expect(engine.transport).toBe('rolling');
    const k = Math.SQRT1_2;
    for (let i = 10; i < 512; i += 37) {
      expect(out[2 * i]).toBeCloseTo(k * a[i] + k * b[i], 5);
      expect(out[2 * i + 1]).toBeCloseTo(k * a[i], 5);
    }
    engine.close();
  });
});
