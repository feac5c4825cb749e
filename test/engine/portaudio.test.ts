// The real PortAudio path: the engine process opens ALSA's default device through naudiodon,
// and what it plays is captured to a file and compared with the offline render.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EngineClient } from '../../src/engine/engine-client.js';
import { renderSession } from '../../src/engine/offline-render.js';
import { WavReader } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { alsaCaptureHome, firstSoundFrame, readStereoFloat } from '../helpers/alsa-capture.js';
import { quantize24, sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('PortAudio output through naudiodon', () => {
  it('plays sample for sample what the offline render writes', async () => {
    const { env, capture, home } = alsaCaptureHome();
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'media'));
    const a = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [quantize24(sine(440, 0.4, 48000))]);
    const b = writeFloatSignal24(path.join(dir, 'media'), 'b.wav', [quantize24(sine(220, 0.3, 24000)), quantize24(sine(330, 0.3, 24000))]);
    const ed = SessionEditor.create(path.join(dir, 's.dub'));
    ed.execute('track add D dialogue');
    ed.execute('track add M music');
    ed.execute(`import ${a} D`);
    ed.execute(`import ${b} M at 01:00:00:10`);
    ed.execute('pan D R30');
    ed.execute('clip fade c3 in 5f');
    const client = new EngineClient({ sampleRate: 48000, blockSize: 512 }, { env, logDir: path.join(home, 'log') });
    client.start();
    client.setSession(ed.doc, ed.media.baseDir);
    await vi.waitFor(() => expect(client.getSnapshot().sink).not.toBeNull(), { timeout: 10000 });
    expect(client.getSnapshot().sink!.kind).toBe('portaudio');
    client.play();
    await vi.waitFor(() => expect(client.getSnapshot().snap?.position ?? 0).toBeGreaterThan(60000), { timeout: 10000 });
    const underruns = client.getSnapshot().snap!.underruns;
    await client.close();
    expect(underruns).toBe(0);
    // PortAudio's banner went to the engine log, not to our stdout
    expect(fs.readFileSync(path.join(home, 'log', 'engine.log'), 'utf8')).toMatch(/PortAudio|ALSA/);

    await renderSession(ed.doc, ed.media, { outDir: path.join(dir, 'out'), encoding: 'float32', blockSize: 512 });
    const r = WavReader.open(path.join(dir, 'out', 's_MIX.wav'));
    const frames = r.frames;
    const want = [new Float32Array(frames), new Float32Array(frames)];
    r.readFrames(0, frames, [0, 1], want);
    r.close();
    // The render starts with silence (a fade-in from 0): align on the first sound.
    let lead = 0;
    while (want[0][lead] === 0 && want[1][lead] === 0) lead++;
    const start = firstSoundFrame(capture);
    expect(start).toBeGreaterThanOrEqual(0);
    const [l, rr] = readStereoFloat(capture, start, frames - lead);
    expect(l).toEqual(want[0].subarray(lead));
    expect(rr).toEqual(want[1].subarray(lead));
  });

  it('dubstage devices lists the ALSA device as a table and as JSON', () => {
    const { env } = alsaCaptureHome();
    const cli = path.join(root, 'bin', 'dubstage.js');
    const json = JSON.parse(execFileSync(process.execPath, [cli, 'devices', '--json'], { env, encoding: 'utf8' }));
    expect(json.some((d: { outputs: number; isDefault: boolean }) => d.outputs > 0 && d.isDefault)).toBe(true);
    const table = execFileSync(process.execPath, [cli, 'devices'], { env, encoding: 'utf8' });
    expect(table).toMatch(/default\s+ALSA/);
    expect(table).not.toMatch(/PortAudio V19/);
  });
});
