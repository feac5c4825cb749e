import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EngineClient } from '../../src/engine/engine-client.js';
import { newMonitorToken } from '../../src/engine/monitor-wire.js';
import { SessionEditor } from '../../src/session/editor.js';
import { quantize24, sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

describe('engine process', () => {
  it('a crashed engine is restarted with the session, the playhead and the monitor URL; the UI side lives on', async () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'media'));
    const a = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [quantize24(sine(440, 0.4, 48000 * 5))]);
    const ed = SessionEditor.create(path.join(dir, 's.dub'));
    ed.execute('track add D dialogue');
    ed.execute(`import ${a} D`);
    const client = new EngineClient(
      { sampleRate: 48000, blockSize: 512, noDevice: true, monitor: true, monitorPort: 0, monitorToken: newMonitorToken() },
      { logDir: path.join(dir, 'log') },
    );
    client.start();
    client.setSession(ed.doc, ed.media.baseDir);
    await vi.waitFor(() => expect(client.getSnapshot().connected).toBe(true), { timeout: 10000 });
    await vi.waitFor(() => expect(client.getSnapshot().monitor).not.toBeNull(), { timeout: 10000 });
    const url = client.getSnapshot().monitor!.url;
    client.locate(96000);
    await vi.waitFor(() => expect(client.getSnapshot().snap?.position).toBe(96000), { timeout: 5000 });
    client.kill('SIGSEGV');
    await vi.waitFor(() => expect(client.getSnapshot().message).toMatch(/audio engine crashed \(signal SIGSEGV\); restarting/), { timeout: 5000 });
    expect(client.getSnapshot().monitor).toBeNull();
    await vi.waitFor(() => expect(client.getSnapshot().connected).toBe(true), { timeout: 10000 });
    expect(client.getSnapshot().restarts).toBe(1);
    // the remote listener's URL (port and token) survives the restart: its tunnel stays good
    await vi.waitFor(() => expect(client.getSnapshot().monitor?.url).toBe(url), { timeout: 10000 });
    expect((await fetch(url.replace('/stream.wav', '/report'))).status).toBe(200);
    await vi.waitFor(() => expect(client.getSnapshot().snap?.position).toBe(96000), { timeout: 5000 });
    client.play();
    await vi.waitFor(() => expect(client.getSnapshot().snap?.tracks[0]?.meter.peak ?? -120).toBeGreaterThan(-10), { timeout: 5000 });
    await client.close();
    expect(fs.readFileSync(path.join(dir, 'log', 'engine.log'), 'utf8')).toContain('engine died (signal SIGSEGV)');
  });
});
