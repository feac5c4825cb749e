import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSession } from '../../src/engine/offline-render.js';
import { WavReader } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { quantize24, sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

function read(file: string) {
  const r = WavReader.open(file);
  const out = [new Float32Array(r.frames), new Float32Array(r.frames)];
  r.readFrames(0, r.frames, [0, 1], out);
  r.close();
  return { info: r.info, out };
}

function scene() {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'media'));
  const x = quantize24(sine(500, 0.4, 24000));
  const f = writeFloatSignal24(path.join(dir, 'media'), 'x.wav', [x]);
  const ed = SessionEditor.create(path.join(dir, 'Reel 1.dub'), { frameRate: '23.976' });
  ed.execute('track add D dialogue');
  ed.execute('track add M music');
  ed.execute('track add E sfx');
  ed.execute(`import ${f} D`);
  ed.execute(`import ${f} M at 01:00:00:06`);
  ed.execute(`import ${f} E at 01:00:00:12`);
  ed.execute('pan D L100');
  ed.execute('pan M R100');
  return { dir, ed, x };
}

describe('offline render', () => {
  it('writes master, D/M/E stems and M&E as 24-bit BWF stamped with the session start', async () => {
    const { dir, ed, x } = scene();
    const out = path.join(dir, 'deliver');
    const res = await renderSession(ed.doc, ed.media, { outDir: out });
    expect(fs.readdirSync(out).sort()).toEqual(['Reel_1_DX.wav', 'Reel_1_FX.wav', 'Reel_1_ME.wav', 'Reel_1_MIX.wav', 'Reel_1_MX.wav']);
    const len = 12 * 2002 + 24000;
    expect(res.frames).toBe(len);
    const mix = read(path.join(out, 'Reel_1_MIX.wav'));
    // 01:00:00:00 at 23.976 is 3603.6 s after midnight
    expect(mix.info.bext?.timeReference).toBe(3603.6 * 48000);
    expect(mix.info).toMatchObject({ frames: len, bitsPerSample: 24, channels: 2, sampleRate: 48000 });
    const dx = read(path.join(out, 'Reel_1_DX.wav'));
    const mx = read(path.join(out, 'Reel_1_MX.wav'));
    const fx = read(path.join(out, 'Reel_1_FX.wav'));
    const me = read(path.join(out, 'Reel_1_ME.wav'));
    const lsb = 1 / 8388608;
    let dxErr = 0;
    let dxRight = 0;
    let sumErr = 0;
    let meErr = 0;
    for (let i = 0; i < len; i++) {
      // dialogue hard left at unity
      dxErr = Math.max(dxErr, Math.abs(dx.out[0][i] - (i < 24000 ? x[i] : 0)));
      dxRight = Math.max(dxRight, Math.abs(dx.out[1][i]));
      for (let c = 0; c < 2; c++) {
        sumErr = Math.max(sumErr, Math.abs(mix.out[c][i] - (dx.out[c][i] + mx.out[c][i] + fx.out[c][i])));
        meErr = Math.max(meErr, Math.abs(me.out[c][i] - (mx.out[c][i] + fx.out[c][i])));
      }
    }
    expect(dxErr).toBeLessThanOrEqual(lsb / 2);
    expect(dxRight).toBe(0);
    // each file is rounded to 24 bits on its own: the sums agree to within the rounding
    expect(sumErr).toBeLessThanOrEqual(2 * lsb);
    expect(meErr).toBeLessThanOrEqual(2 * lsb);
    expect(Math.max(...mx.out[1])).toBeCloseTo(0.4, 3);
  });

  it('renders a range in 32-bit float with the time reference of its start', async () => {
    const { dir, ed } = scene();
    const out = path.join(dir, 'f');
    await renderSession(ed.doc, ed.media, { outDir: out, encoding: 'float32', from: 2002, to: 4004 });
    const mix = read(path.join(out, 'Reel_1_MIX.wav'));
    expect(mix.info).toMatchObject({ format: 'float', bitsPerSample: 32, frames: 2002 });
    expect(mix.info.bext?.timeReference).toBe(3603.6 * 48000 + 2002);
  });

  it('a render that cannot finish leaves no deliverable and no temp file', async () => {
    const { dir, ed } = scene();
    const out = path.join(dir, 'bad');
    fs.mkdirSync(path.join(out, 'Reel_1_FX.wav'), { recursive: true });
    fs.writeFileSync(path.join(out, 'Reel_1_MIX.wav'), 'old master');
    await expect(renderSession(ed.doc, ed.media, { outDir: out })).rejects.toThrow(/Reel_1_FX\.wav exists and is not a file/);
    expect(fs.readdirSync(out).sort()).toEqual(['Reel_1_FX.wav', 'Reel_1_MIX.wav']);
    expect(fs.readFileSync(path.join(out, 'Reel_1_MIX.wav'), 'utf8')).toBe('old master');
  });

  it('an empty session is refused', async () => {
    const ed = SessionEditor.create(path.join(tmpDir(), 'e.dub'));
    await expect(renderSession(ed.doc, ed.media, { outDir: tmpDir() })).rejects.toThrow(/no clips to render/);
  });
});
