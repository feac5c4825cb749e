import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeWav } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { toneSegments } from '../helpers/signals.js';
import { tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'dubstage.js');

describe('dubstage loudness', () => {
  it('measures files as a JSON array, one object per file, and names a bad file', () => {
    const dir = tmpDir();
    const [l, r] = toneSegments([{ seconds: 10, dbfs: -23 }], 2);
    const f = writeFloatSignal24(dir, 'tone.wav', [l, r]);
    fs.writeFileSync(path.join(dir, 'bad.wav'), 'not audio');
    const run = spawnSync(process.execPath, [cli, 'loudness', f, path.join(dir, 'bad.wav'), '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out).toHaveLength(2);
    expect(out[0].file).toBe(f);
    expect(Math.abs(out[0].integrated + 23)).toBeLessThan(0.1);
    expect(Math.abs(out[0].shortTermMax + 23)).toBeLessThan(0.1);
    expect(Math.abs(out[0].momentaryMax + 23)).toBeLessThan(0.1);
    expect(out[0].samplePeak).toBeCloseTo(-23, 1);
    expect(out[0].truePeak).toBeGreaterThanOrEqual(out[0].samplePeak);
    expect(out[0].range).toBeLessThan(0.5);
    expect(out[1]).toEqual({ file: path.join(dir, 'bad.wav'), error: expect.stringMatching(/bad\.wav: .*not a WAV file/) });
    const silent = writeFloatSignal24(dir, 'silent.wav', [new Float32Array(48000)]);
    expect(JSON.parse(execFileSync(process.execPath, [cli, 'loudness', silent, '--json'], { encoding: 'utf8' }))[0].integrated).toBeNull();
  });

  it('render --loudness writes a report beside the deliverables and stamps each file’s bext', () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'media'));
    const [tone] = toneSegments([{ seconds: 6, dbfs: -20 }], 1);
    const f = writeFloatSignal24(path.join(dir, 'media'), 'dia.wav', [tone]);
    const ed = SessionEditor.create(path.join(dir, 'r.dub'));
    ed.execute('track add D dialogue');
    ed.execute(`import ${f} D`);
    ed.save();
    execFileSync(process.execPath, [cli, 'render', path.join(dir, 'r.dub'), '--out', path.join(dir, 'out'), '--loudness'], { encoding: 'utf8' });
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'r_loudness.json'), 'utf8'));
    const mix = report.files.find((x: { key: string }) => x.key === 'master');
    // a mono tone at -20 dBFS panned centre: -3 dB on each side, whose powers sum to -23 LUFS
    expect(Math.abs(mix.integrated - -23)).toBeLessThan(0.1);
    expect(report.files.find((x: { key: string }) => x.key === 'M').integrated).toBeNull();
    const bext = probeWav(path.join(dir, 'out', 'r_DX.wav')).bext!;
    expect(bext.version).toBe(2);
    expect(Math.abs(bext.loudness!.integrated! - mix.integrated)).toBeLessThan(0.011);
  });
});

describe('dubstage render with missing media', () => {
  it('refuses, naming the offline clip, unless --allow-offline', () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'media'));
    const [tone] = toneSegments([{ seconds: 1, dbfs: -20 }], 1);
    const f = writeFloatSignal24(path.join(dir, 'media'), 'gone.wav', [tone]);
    const ed = SessionEditor.create(path.join(dir, 'r.dub'));
    ed.execute('track add D dialogue');
    ed.execute(`import ${f} D`);
    ed.execute('marker add 01:00:02:00 end');
    ed.save();
    fs.rmSync(f);
    const args = [cli, 'render', path.join(dir, 'r.dub'), '--out', path.join(dir, 'out')];
    const refused = spawnSync(process.execPath, args, { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/1 clip\(s\) are offline[\s\S]*c2 \(gone\): .*gone\.wav: file not found/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});
