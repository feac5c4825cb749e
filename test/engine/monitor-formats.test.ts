// The remote monitor's other formats and its timing: 16-bit PCM, Opus (framed and in Ogg),
// a listener that stops reading, and the latency a listener reports back.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { describe, expect, it, vi } from 'vitest';
import { EngineClient } from '../../src/engine/engine-client.js';
import { FLAG_SILENT, FRAME_HEADER, STREAM_HEADER } from '../../src/engine/monitor-wire.js';
import { renderSession } from '../../src/engine/offline-render.js';
import { OpusStreamDecoder } from '../../src/engine/opus-stream.js';
import { WavReader } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { quantize24, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

/** Tones, a beat and a little noise: something a perceptual codec has to work at. */
function programme(frames: number): Float32Array {
  const x = new Float32Array(frames);
  let seed = 12345;
  for (let i = 0; i < frames; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const noise = (seed / 4294967296 - 0.5) * 0.02;
    const env = 0.6 + 0.4 * Math.sin((2 * Math.PI * 3 * i) / 48000);
    x[i] = env * (0.25 * Math.sin((2 * Math.PI * 220 * i) / 48000) + 0.12 * Math.sin((2 * Math.PI * 1375 * i) / 48000)) + noise;
  }
  return quantize24(x);
}

/** A session whose one track plays `seconds` of the programme, panned, and its offline render. */
async function scene(seconds: number) {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'media'));
  const f = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [programme(48000 * seconds)]);
  const ed = SessionEditor.create(path.join(dir, 's.dub'));
  ed.execute('track add D dialogue');
  ed.execute(`import ${f} D`);
  ed.execute('pan D L30');
  await renderSession(ed.doc, ed.media, { outDir: path.join(dir, 'out'), encoding: 'float32' });
  const r = WavReader.open(path.join(dir, 'out', 's_MIX.wav'));
  const want = [new Float32Array(r.frames), new Float32Array(r.frames)];
  r.readFrames(0, r.frames, [0, 1], want);
  r.close();
  return { dir, ed, want };
}

async function mixer(dir: string, ed: SessionEditor, extra: Partial<ConstructorParameters<typeof EngineClient>[0]> = {}) {
  const client = new EngineClient({ sampleRate: 48000, blockSize: 512, noDevice: true, monitor: true, monitorPort: 0, ...extra }, { logDir: path.join(dir, 'log') });
  client.start();
  client.setSession(ed.doc, ed.media.baseDir);
  await vi.waitFor(() => expect(client.getSnapshot().monitor).not.toBeNull(), { timeout: 10000 });
  return client;
}

function collect(url: string): { chunks: Buffer[]; bytes: () => number; stop: () => void; status: Promise<number> } {
  const chunks: Buffer[] = [];
  let req: http.ClientRequest;
  const status = new Promise<number>((resolve) => {
    req = http.get(url, (res) => {
      resolve(res.statusCode ?? 0);
      res.on('data', (d: Buffer) => chunks.push(d));
    });
  });
  return { chunks, bytes: () => chunks.reduce((a, c) => a + c.length, 0), stop: () => req.destroy(), status };
}

/**
 * Where `want` starts in `got` (a stream that began before play): near where both first rise
 * above the noise, at the offset with the least squared difference (on tonal material, peak
 * correlation can pick a neighbouring period).
 */
function align(got: Float32Array, want: Float32Array, threshold = 0.02): number {
  const first = (x: Float32Array) => x.findIndex((v) => Math.abs(v) > threshold);
  const guess = first(got) - first(want);
  let best = Infinity;
  let at = guess;
  for (let off = Math.max(0, guess - 400); off <= guess + 400; off++) {
    let e = 0;
    for (let i = 0; i < 9600; i++) e += (got[off + 4800 + i] - want[4800 + i]) ** 2;
    if (e < best) {
      best = e;
      at = off;
    }
  }
  return at;
}

function compare(got: Float32Array, want: Float32Array, from: number, n: number) {
  let gw = 0;
  let gg = 0;
  let ww = 0;
  for (let i = 0; i < n; i++) {
    gw += got[from + i] * want[i];
    gg += got[from + i] ** 2;
    ww += want[i] ** 2;
  }
  return { correlation: gw / Math.sqrt(gg * ww), levelDb: 10 * Math.log10(gg / ww) };
}

describe('monitor formats', () => {
  it('serves Opus: framed for dubstage listen and in Ogg for players; both decode to the mix (correlation, level)', async () => {
    const { dir, ed, want } = await scene(3);
    const client = await mixer(dir, ed, { monitorFormat: 'opus', monitorBitrate: 128000 });
    const url = client.getSnapshot().monitor!.url;
    expect(url).toMatch(/\/stream\.opus\?token=[0-9a-f]{32}$/);
    const ogg = collect(url);
    const framed = collect(url.replace('/stream.opus?', '/stream.dub?format=opus&'));
    expect(await ogg.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    client.play();
    await vi.waitFor(() => expect(client.getSnapshot().snap?.position ?? 0).toBeGreaterThan(48000 * 2.8), { timeout: 15000 });
    await new Promise((r) => setTimeout(r, 300));
    ogg.stop();
    framed.stop();
    await client.close();

    // Ogg: an independent decoder (wasm-audio-decoders) reads what ffplay, mpv or VLC would
    const decoder = new OggOpusDecoder();
    await decoder.ready;
    const decoded = await decoder.decodeFile(new Uint8Array(Buffer.concat(ogg.chunks)));
    decoder.free();
    expect(decoded.errors).toEqual([]);
    expect(decoded.sampleRate).toBe(48000);
    const [l, r] = decoded.channelData;
    const at = align(l, want[0]);
    const n = 48000 * 2;
    const left = compare(l, want[0], at, n);
    const right = compare(r, want[1], at, n);
    expect(left.correlation).toBeGreaterThan(0.99);
    expect(right.correlation).toBeGreaterThan(0.99);
    expect(Math.abs(left.levelDb)).toBeLessThan(0.5);
    expect(Math.abs(right.levelDb)).toBeLessThan(0.5);

    // framed: a stream header, then packets with positions; silence before play is flagged
    const body = Buffer.concat(framed.chunks);
    expect(body.toString('latin1', 0, 4)).toBe('DUBS');
    const dec = new OpusStreamDecoder();
    const scratch = new Float32Array(5760 * 2);
    const pcm: number[] = [];
    let firstAudio = -1;
    for (let o = STREAM_HEADER; o + FRAME_HEADER <= body.length; ) {
      const bytes = body.readUInt32LE(o + 16);
      if (o + FRAME_HEADER + bytes > body.length) break;
      const silent = (body.readUInt32LE(o + 4) & FLAG_SILENT) !== 0;
      const position = body.readDoubleLE(o + 8);
      const k = dec.decode(body.subarray(o + FRAME_HEADER, o + FRAME_HEADER + bytes), scratch);
      if (!silent && firstAudio < 0) {
        firstAudio = pcm.length / 2;
        expect(position).toBe(0); // the first packet of audio starts the timeline
      }
      for (let i = 0; i < k * 2; i++) pcm.push(scratch[i]);
      o += FRAME_HEADER + bytes;
    }
    dec.close();
    const fl = Float32Array.from(pcm.filter((_, i) => i % 2 === 0));
    const fat = align(fl, want[0]);
    expect(fat - firstAudio).toBe(312); // the codec's look-ahead, as the listener allows for it
    expect(compare(fl, want[0], fat, n).correlation).toBeGreaterThan(0.99);
  });

  it('asked for Opus in a 44.1 kHz session, serves 24-bit WAV and says why', async () => {
    const dir = tmpDir();
    const ed = SessionEditor.create(path.join(dir, 's.dub'), { sampleRate: 44100 });
    const client = new EngineClient({ sampleRate: 44100, blockSize: 512, noDevice: true, monitor: true, monitorPort: 0, monitorFormat: 'opus' }, { logDir: path.join(dir, 'log') });
    client.start();
    client.setSession(ed.doc, ed.media.baseDir);
    await vi.waitFor(() => expect(client.getSnapshot().monitor).not.toBeNull(), { timeout: 10000 });
    const m = client.getSnapshot().monitor!;
    expect(m.url).toMatch(/\/stream\.wav\?token=/);
    expect(m.notice).toMatch(/Opus needs a 48 kHz session \(this one is 44100 Hz\)/);
    const opus = await fetch(m.url.replace('/stream.wav', '/stream.opus'));
    expect(opus.status).toBe(409);
    await client.close();
  });

  it('serves 16-bit PCM, dithered: within a 16-bit step of the mix', async () => {
    const { dir, ed, want } = await scene(2);
    const client = await mixer(dir, ed, { monitorFormat: 'pcm16' });
    const url = client.getSnapshot().monitor!.url;
    expect(url).toContain('/stream.wav?bits=16&token=');
    const s = collect(url);
    await new Promise((r) => setTimeout(r, 300));
    client.play();
    await vi.waitFor(() => expect(client.getSnapshot().snap?.position ?? 0).toBeGreaterThan(48000 * 1.8), { timeout: 15000 });
    await new Promise((r) => setTimeout(r, 200));
    s.stop();
    await client.close();
    const body = Buffer.concat(s.chunks);
    expect(body.readUInt16LE(34)).toBe(16);
    expect(body.readUInt32LE(28)).toBe(48000 * 4);
    const frames = Math.floor((body.length - 44) / 4);
    const l = new Float32Array(frames);
    const r = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      l[i] = body.readInt16LE(44 + i * 4) / 32768;
      r[i] = body.readInt16LE(44 + i * 4 + 2) / 32768;
    }
    // the dither keeps the silence before play at ±1 LSB: align on the programme
    const start = align(l, want[0]);
    let worst = 0;
    let errSum = 0;
    for (let i = 0; i < 48000; i++) {
      const e = l[start + i] - want[0][i];
      worst = Math.max(worst, Math.abs(e), Math.abs(r[start + i] - want[1][i]));
      errSum += e;
    }
    expect(worst).toBeLessThanOrEqual(1.5 / 32768); // rounding plus triangular dither of ±1 LSB
    expect(Math.abs(errSum / 48000)).toBeLessThan(0.1 / 32768); // the dither has no DC
  });
});

describe('monitor timing', () => {
  it('a listener that reads nothing for 10 s does not slow the engine', async () => {
    const { dir, ed } = await scene(14);
    const client = await mixer(dir, ed);
    const stalled = http.get(client.getSnapshot().monitor!.url, (res) => res.pause());
    await new Promise((r) => setTimeout(r, 300));
    client.play();
    await vi.waitFor(() => expect(client.getSnapshot().snap?.rolling).toBe(true), { timeout: 10000 });
    const t0 = Date.now();
    const p0 = client.getSnapshot().snap!.position;
    await new Promise((r) => setTimeout(r, 10000));
    const snap = client.getSnapshot().snap!;
    const elapsed = (Date.now() - t0) / 1000;
    stalled.destroy();
    await client.close();
    expect(snap.underruns).toBe(0);
    // the engine kept real-time pace the whole time (its status is at most a frame old)
    expect((snap.position - p0) / 48000).toBeGreaterThan(elapsed - 0.25);
  }, 30000);

  it('dubstage listen reports what it plays; the mixer shows its latency and follows it', async () => {
    const { dir, ed } = await scene(12);
    const client = await mixer(dir, ed);
    const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'dubstage.js');
    const child = spawn(process.execPath, [cli, 'listen', '--no-device', client.getSnapshot().monitor!.url], {
      env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    client.play();
    await vi.waitFor(() => expect(client.getSnapshot().monitorStatus?.lagMs ?? -1).toBeGreaterThan(0), { timeout: 15000 });
    await new Promise((r) => setTimeout(r, 1500));
    const m = client.getSnapshot().monitorStatus!;
    expect(m.listeners).toBe(1);
    // the listener's 100 ms pre-roll and device queue, the worker hand-off and the status
    // interval: well under the 250 ms the issue allows on loopback
    expect(m.lagMs).toBeGreaterThan(50);
    expect(m.lagMs).toBeLessThan(250);
    expect(m.follow).toBe(true); // no device here: the listener is what the editor hears
    expect(m.following).toBe(true);
    // following: the playhead shown is the engine's less the listener's lag
    const a = client.getSnapshot();
    const ta = Date.now();
    client.follow(false);
    await vi.waitFor(() => expect(client.getSnapshot().monitorStatus?.following).toBe(false), { timeout: 5000 });
    const b = client.getSnapshot();
    const jump = b.snap!.position - a.snap!.position - ((Date.now() - ta) / 1000) * 48000;
    // (statuses come 30 times a second, so each reading may be a frame of status old)
    expect(Math.abs(jump - ((a.monitorStatus!.lagMs / 1000) * 48000 - a.latencyFrames))).toBeLessThan(48000 * 0.08);
    expect(out).toMatch(/connected pcm24 .* ms behind the mixer/);
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    await client.close();
  }, 40000);
});
