import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureFile } from '../../src/engine/measure-loudness.js';
import { renderSession } from '../../src/engine/offline-render.js';
import { WavReader } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { loadSessionFile } from '../../src/session/session-file.js';
import { quantize24, sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

function scene(level = 0.5) {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'media'));
  const a = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [quantize24(sine(3150, level, 48000 * 2))]);
  const b = writeFloatSignal24(path.join(dir, 'media'), 'b.wav', [quantize24(sine(220, level, 48000 * 2))]);
  const ed = SessionEditor.create(path.join(dir, 's.dub'));
  ed.execute('track add DIA dialogue');
  ed.execute('track add MX music');
  ed.execute(`import ${a} DIA`);
  ed.execute(`import ${b} MX`);
  return { dir, ed };
}

function read(file: string) {
  const r = WavReader.open(file);
  const out = [new Float32Array(r.frames), new Float32Array(r.frames)];
  r.readFrames(0, r.frames, [0, 1], out);
  r.close();
  return out;
}

const rms = (x: Float32Array, from: number, to: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
};

describe('channel strip commands', () => {
  it('eq, comp, gate, deess and limit edit the session, one undo step each', () => {
    const { ed } = scene();
    ed.execute('eq DIA hpf 80 24');
    ed.execute('eq DIA peak 3150 -4 q2');
    ed.execute('eq DIA peak 3200 -5 q2'); // close to 3150: replaces it
    ed.execute('eq DIA notch 60 q12');
    ed.execute('comp DIA -18 3:1 attack 5 release 80');
    ed.execute('gate DIA -50 range 15');
    ed.execute('deess DIA 6.5k -30');
    ed.execute('limit master -1');
    ed.execute('eq M lowshelf 200 -2');
    const t = ed.doc.tracks[0];
    expect(t.eq!.map((b) => [b.type, b.freq, b.gainDb, b.slope])).toEqual([['hpf', 80, 0, 24], ['peak', 3200, -5, 12], ['notch', 60, 0, 12]]);
    expect(t.eq![2].q).toBe(12);
    expect(t.comp).toMatchObject({ threshold: -18, ratio: 3, attack: 5, release: 80, knee: 6, on: true });
    expect(t.gate).toMatchObject({ threshold: -50, range: 15 });
    expect(t.deess).toMatchObject({ freq: 6500, threshold: -30 });
    expect(ed.doc.buses.find((b) => b.id === 'master')!.limit).toEqual({ ceiling: -1, release: 50, on: true });
    expect(ed.doc.buses.find((b) => b.id === 'M')!.eq![0]).toMatchObject({ type: 'lowshelf', gainDb: -2 });
    ed.execute('undo');
    expect(ed.doc.buses.find((b) => b.id === 'M')!.eq).toBeUndefined();
    ed.execute('eq DIA remove 3');
    ed.execute('comp DIA off');
    expect(ed.doc.tracks[0].eq).toHaveLength(2);
    expect(ed.doc.tracks[0].comp).toBeUndefined();
    expect(() => ed.execute('limit D -1')).toThrow(/limit: the limiter is on the master/);
    expect(() => ed.execute('eq DIA peak 3150 -40')).toThrow(/eq\[1\]\.gainDb/);
    expect(() => ed.execute('comp DIA loud 3:1')).toThrow(/^comp: "loud" is not a number/);
  });

  it('saves as version 2 and loads version 1 sessions unchanged', () => {
    const { ed, dir } = scene();
    ed.execute('eq DIA hpf 100');
    ed.save();
    const text = fs.readFileSync(path.join(dir, 's.dub'), 'utf8');
    expect(text).toContain('"version": 2');
    expect(text).toMatch(/"eq": \[\{ "type": "hpf", "freq": 100, "gainDb": 0, "q": 0.7071067811865476, "slope": 12, "on": true \}\]/);
    const v1 = JSON.parse(text);
    v1.version = 1;
    delete v1.tracks[0].eq;
    fs.writeFileSync(path.join(dir, 'old.dub'), JSON.stringify(v1));
    expect(loadSessionFile(path.join(dir, 'old.dub')).version).toBe(2);
  });
});

describe('the strip in the mix', () => {
  it('a peak cut of -4 dB at 3150 Hz takes 4 dB off a 3150 Hz tone', async () => {
    const { ed, dir } = scene();
    ed.execute('mute MX');
    await renderSession(ed.doc, ed.media, { outDir: path.join(dir, 'flat'), encoding: 'float32' });
    ed.execute('eq DIA peak 3150 -4 q2');
    await renderSession(ed.doc, ed.media, { outDir: path.join(dir, 'eq'), encoding: 'float32' });
    const [flat] = read(path.join(dir, 'flat', 's_MIX.wav'));
    const [cut] = read(path.join(dir, 'eq', 's_MIX.wav'));
    expect(20 * Math.log10(rms(cut, 24000, 90000) / rms(flat, 24000, 90000))).toBeCloseTo(-4, 2);
  });

  it('the master limiter holds -1 dBTP, the stems still sum to the master, and nothing moves in time', async () => {
    const loud = scene(0.9);
    loud.ed.execute('gain DIA +6');
    loud.ed.execute('limit master -1');
    const out = path.join(loud.dir, 'lim');
    await renderSession(loud.ed.doc, loud.ed.media, { outDir: out, encoding: 'float32' });
    expect(measureFile(path.join(out, 's_MIX.wav')).truePeak).toBeLessThanOrEqual(-1);
    const mix = read(path.join(out, 's_MIX.wav'));
    const dx = read(path.join(out, 's_DX.wav'));
    const mx = read(path.join(out, 's_MX.wav'));
    let err = 0;
    for (let i = 0; i < mix[0].length; i++) err = Math.max(err, Math.abs(mix[0][i] - dx[0][i] - mx[0][i]));
    expect(err).toBeLessThan(1e-6);
    // quiet material passes the limiter untouched and lines up with the unlimited render
    const quiet = scene(0.1);
    await renderSession(quiet.ed.doc, quiet.ed.media, { outDir: path.join(quiet.dir, 'a'), encoding: 'float32' });
    quiet.ed.execute('limit master -1');
    await renderSession(quiet.ed.doc, quiet.ed.media, { outDir: path.join(quiet.dir, 'b'), encoding: 'float32' });
    const a = read(path.join(quiet.dir, 'a', 's_MIX.wav'));
    const b = read(path.join(quiet.dir, 'b', 's_MIX.wav'));
    expect(b[0].length).toBe(a[0].length);
    expect(b[0]).toEqual(a[0]);
  });
});
