// The remote monitor: a live WAV stream over HTTP on loopback, behind a token.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EngineClient } from '../../src/engine/engine-client.js';
import { MonitorServer } from '../../src/engine/monitor.js';
import { listenerUrls, STREAM_HEADER } from '../../src/engine/monitor-wire.js';
import { renderSession } from '../../src/engine/offline-render.js';
import { WavReader } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { quantize24, sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

function get(url: string): Promise<{ status: number; body: Buffer; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), res }));
    }).on('error', reject);
  });
}

describe('remote monitor', () => {
  it('refuses a request without the token, or with a wrong one, with 403', async () => {
    const m = new MonitorServer({ sampleRate: 48000, blockSize: 512 });
    const port = await m.start();
    expect((await get(`http://127.0.0.1:${port}/stream.wav`)).status).toBe(403);
    expect((await get(`http://127.0.0.1:${port}/stream.wav?token=${'0'.repeat(32)}`)).status).toBe(403);
    expect(m.refused).toBe(2);
    expect(m.tunnelHint).toMatch(new RegExp(`^ssh -L ${port}:127\\.0\\.0\\.1:${port} \\S+@\\S+$`));
    await m.close();
  });

  it('streams what is heard, sample for sample, as 24-bit WAV that any player opens', async () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'media'));
    const f = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [quantize24(sine(440, 0.4, 48000))]);
    const ed = SessionEditor.create(path.join(dir, 's.dub'));
    ed.execute('track add D dialogue');
    ed.execute(`import ${f} D`);
    ed.execute('pan D L20');
    const client = new EngineClient({ sampleRate: 48000, blockSize: 512, noDevice: true, monitor: true }, { logDir: path.join(dir, 'log') });
    client.start();
    client.setSession(ed.doc, ed.media.baseDir);
    await vi.waitFor(() => expect(client.getSnapshot().monitor).not.toBeNull(), { timeout: 10000 });
    const url = client.getSnapshot().monitor!.url;
    // connect, then play: the stream starts with silence, then the session
    const chunks: Buffer[] = [];
    const req = http.get(url, (res) => res.on('data', (d) => chunks.push(d)));
    await new Promise((r) => setTimeout(r, 300));
    client.play();
    await vi.waitFor(() => expect(Buffer.concat(chunks).length).toBeGreaterThan(44 + 48000 * 6 * 1.6), { timeout: 10000 });
    req.destroy();
    await client.close();
    const body = Buffer.concat(chunks);
    expect(body.toString('latin1', 0, 4)).toBe('RIFF');
    expect(body.readUInt32LE(24)).toBe(48000);
    expect(body.readUInt16LE(34)).toBe(24);
    const n = Math.floor((body.length - 44) / 6);
    const left = new Float32Array(n);
    const right = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      left[i] = body.readIntLE(44 + i * 6, 3) / 8388608;
      right[i] = body.readIntLE(44 + i * 6 + 3, 3) / 8388608;
    }
    await renderSession(ed.doc, ed.media, { outDir: path.join(dir, 'out'), encoding: 'float32' });
    const r = WavReader.open(path.join(dir, 'out', 's_MIX.wav'));
    const want = [new Float32Array(r.frames), new Float32Array(r.frames)];
    r.readFrames(0, r.frames, [0, 1], want);
    r.close();
    let start = 0;
    while (start < n && left[start] === 0 && right[start] === 0) start++;
    let lead = 0;
    while (want[0][lead] === 0 && want[1][lead] === 0) lead++;
    let worst = 0;
    for (let i = 0; i < 47000; i++) {
      worst = Math.max(worst, Math.abs(left[start + i] - want[0][lead + i]), Math.abs(right[start + i] - want[1][lead + i]));
    }
    expect(worst).toBeLessThanOrEqual(1 / 8388608); // the 24-bit rounding of the stream
  });

  it('drops a listener that stops reading; the engine never waits for it', async () => {
    const m = new MonitorServer({ sampleRate: 48000, blockSize: 512, maxBacklogSeconds: 0.5 });
    const port = await m.start();
    const req = http.get(`http://127.0.0.1:${port}/stream.wav?token=${m.token}`, (res) => res.pause()); // never reads
    await vi.waitFor(() => expect(m.listenerCount).toBe(1), { timeout: 5000 });
    const block = new Float32Array(1024).fill(0.25);
    let pushes = 0;
    while (m.dropped === 0 && pushes < 20000) {
      m.push(block); // the render loop's side: it must never block
      pushes++;
      if (pushes % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(m.dropped).toBe(1); // dropped once its backlog passed half a second, not waited for
    req.destroy();
    await m.close();
  });
});

describe('dubstage listen', () => {
  it('gives up, with the reason, on a token the mixer refuses (asking again cannot help)', async () => {
    const m = new MonitorServer({ sampleRate: 48000, blockSize: 512, port: 0 });
    await m.start();
    const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'dubstage.js');
    const url = m.url.replace(m.token, 'f'.repeat(32));
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [cli, 'listen', '--no-device', url], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: tmpDir() } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise((r) => child.on('exit', r));
    await m.close();
    expect(code).toBe(1);
    expect(out).toMatch(/the mixer refused the token \(403\)/);
  });

  it.each([48000, 44100])('plays a %i Hz monitor stream through PortAudio (ALSA file capture): what arrives is what was sent', async (rate) => {
    const { spawn } = await import('node:child_process');
    const { alsaCaptureHome } = await import('../helpers/alsa-capture.js');
    const { env, capture } = alsaCaptureHome();
    const m = new MonitorServer({ sampleRate: rate, blockSize: 512, port: 0 });
    await m.start();
    const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'dubstage.js');
    const child = spawn(process.execPath, [cli, 'listen', m.url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await vi.waitFor(() => expect(m.listenerCount).toBe(1), { timeout: 10000 });
    // one second of a known signal, block by block, at a steady pace
    const block = new Float32Array(1024);
    let k = 0;
    const sent: number[] = [];
    for (let b = 0; b < 94; b++) {
      for (let i = 0; i < 512; i++, k++) {
        const v = Math.round(0.3 * Math.sin(k * 0.0573) * 8388608) / 8388608;
        block[2 * i] = v;
        block[2 * i + 1] = -v;
        if (v !== 0) sent.push(v);
      }
      m.push(block);
      await new Promise((r) => setTimeout(r, 5));
    }
    // then silence, which carries the last of the signal through the player's 100 ms pre-roll
    block.fill(0);
    for (let b = 0; b < 40; b++) {
      m.push(block);
      await new Promise((r) => setTimeout(r, 5));
    }
    await vi.waitFor(() => expect(out).toMatch(/connected/), { timeout: 10000 });
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    await m.close();
    // The capture device has no clock: the player fills gaps with silence. Without the zeros,
    // the captured left channel is the sent signal in order, sample for sample.
    const raw = fs.readFileSync(capture);
    const got: number[] = [];
    for (let i = 0; i + 8 <= raw.length && got.length < sent.length; i += 8) {
      const l = raw.readFloatLE(i);
      const r = raw.readFloatLE(i + 4);
      if (l !== 0) {
        got.push(l);
        expect(r).toBe(-l);
      }
    }
    expect(got.length).toBe(sent.length);
    expect(got).toEqual(sent.map((v) => Math.fround(v)));
  });
});

describe('locate while streaming', () => {
  it('marks the first block after a locate as a discontinuity; nothing from before it follows', async () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'media'));
    const f = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [quantize24(sine(300, 0.3, 48000 * 20))]);
    const ed = SessionEditor.create(path.join(dir, 's.dub'));
    ed.execute('track add D dialogue');
    ed.execute(`import ${f} D`);
    const client = new EngineClient({ sampleRate: 48000, blockSize: 512, noDevice: true, monitor: true }, { logDir: path.join(dir, 'log') });
    client.start();
    client.setSession(ed.doc, ed.media.baseDir);
    await vi.waitFor(() => expect(client.getSnapshot().monitor).not.toBeNull(), { timeout: 10000 });
    const frames: { flags: number; position: number }[] = [];
    let pending = Buffer.alloc(0);
    let header = false;
    const req = http.get(client.getSnapshot().monitor!.url.replace('/stream.wav', '/stream.dub'), (res) =>
      res.on('data', (d: Buffer) => {
        pending = Buffer.concat([pending, d]);
        if (!header && pending.length >= STREAM_HEADER) {
          header = true;
          pending = pending.subarray(STREAM_HEADER);
        }
        while (header && pending.length >= 20 && pending.length >= 20 + pending.readUInt32LE(16)) {
          frames.push({ flags: pending.readUInt32LE(4), position: pending.readDoubleLE(8) });
          pending = pending.subarray(20 + pending.readUInt32LE(16));
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    client.play();
    await vi.waitFor(() => expect(frames.filter((x) => x.position > 48000).length).toBeGreaterThan(5), { timeout: 10000 });
    const target = 10 * 48000;
    client.locate(target);
    await vi.waitFor(() => expect(frames.some((x) => x.position >= target + 48000)).toBe(true), { timeout: 10000 });
    req.destroy();
    await client.close();
    const jump = frames.findIndex((x) => x.flags & 1 && x.position === target);
    expect(jump).toBeGreaterThan(0);
    const after = frames.slice(jump);
    for (let i = 1; i < after.length; i++) {
      expect(after[i].position).toBe(after[i - 1].position + 512); // continuous, and only from the new place
      expect(after[i].flags & 1).toBe(0);
    }
  });
});

describe('listener URLs', () => {
  it('maps any URL the mixer shows to the framed stream in the same format, and the report URL', () => {
    const t = 'ab'.repeat(16);
    expect(listenerUrls(`http://127.0.0.1:7710/stream.wav?token=${t}`)).toEqual({
      stream: `http://127.0.0.1:7710/stream.dub?format=pcm24&token=${t}`, report: `http://127.0.0.1:7710/report?token=${t}&heard=`, format: 'pcm24',
    });
    expect(listenerUrls(`http://127.0.0.1:7710/stream.wav?bits=16&token=${t}`).format).toBe('pcm16');
    expect(listenerUrls(`http://[::1]:7711/stream.opus?token=${t}`).stream).toBe(`http://[::1]:7711/stream.dub?format=opus&token=${t}`);
  });
});
