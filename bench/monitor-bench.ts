// Remote monitor figures: CPU share of serving one listener at 48 kHz stereo (PCM and Opus),
// bytes per second on the wire, the render loop's cost of handing a block over, and the
// end-to-end latency from the engine's render to what `dubstage listen` plays, on loopback.
// Prints one JSON line per figure.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlockRingWriter, createBlockRing } from '../src/engine/block-ring.js';
import { EngineClient } from '../src/engine/engine-client.js';
import { MonitorServer } from '../src/engine/monitor.js';
import type { MonitorFormat } from '../src/engine/monitor-wire.js';
import { BwfWriter } from '../src/io/wav-writer.js';
import { SessionEditor } from '../src/session/editor.js';

const RATE = 48000;
const BLOCK = 512;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Programme-like stereo: tones with movement and noise, so Opus works as it would on a mix. */
function block(k: number, out: Float32Array): void {
  let seed = (k * 2654435761) >>> 0;
  for (let i = 0; i < BLOCK; i++) {
    const t = k * BLOCK + i;
    seed = (seed * 1103515245 + 12345) >>> 0;
    const n = (seed / 4294967296 - 0.5) * 0.05;
    const env = 0.6 + 0.4 * Math.sin((2 * Math.PI * 2 * t) / RATE);
    out[2 * i] = env * 0.3 * Math.sin((2 * Math.PI * 220 * t) / RATE) + n;
    out[2 * i + 1] = env * 0.25 * Math.sin((2 * Math.PI * 331 * t) / RATE) - n;
  }
}

/**
 * A reader in another process (its CPU is not the server's) on a raw socket: it counts every
 * byte that crosses the wire, HTTP headers and chunk framing included, and prints the total.
 */
function drain(url: string): { child: ChildProcess; bytes: Promise<number> } {
  const u = new URL(url);
  const script = `const s = require('net').connect(${u.port}, '127.0.0.1', () => s.write('GET ${u.pathname}${u.search} HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'));
    let n = 0; s.on('data', (d) => (n += d.length)); process.on('SIGTERM', () => { console.log(n); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return { child, bytes: new Promise((r) => child.on('exit', () => r(Number(out.trim())))) };
}

async function serveCost(format: MonitorFormat, seconds: number): Promise<void> {
  const server = new MonitorServer({ sampleRate: RATE, blockSize: BLOCK, format, bitrate: 128000, port: 0 });
  await server.start();
  const reader = drain(server.url);
  await sleep(300); // the reader process starting
  while (server.listenerCount === 0) await sleep(10);
  const blocks = Math.round((seconds * RATE) / BLOCK);
  const buf = new Float32Array(BLOCK * 2);
  // the signal is made before timing starts: only the server's work is measured
  const signal: Float32Array[] = [];
  for (let k = 0; k < 64; k++) {
    const b = new Float32Array(BLOCK * 2);
    block(k, b);
    signal.push(b);
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 0; k < blocks; k++) {
    buf.set(signal[k % 64]);
    server.push(buf, k * BLOCK);
    // let the socket drain as a real-time stream would (the listener keeps up)
    if (k % 16 === 15) await new Promise((r) => setImmediate(r));
  }
  await sleep(200);
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  reader.child.kill('SIGTERM');
  const bytes = await reader.bytes;
  await server.close();
  console.log(JSON.stringify({
    bench: 'serve', format, seconds,
    cpuShare: (cpu.user + cpu.system) / 1e6 / seconds,
    wireBytesPerSecond: bytes / seconds,
    kbitPerSecond: (bytes * 8) / seconds / 1000,
    wall,
  }));
}

function handOverCost(): void {
  const ring = createBlockRing(BLOCK * 2, 64);
  const w = new BlockRingWriter(ring);
  const b = new Float32Array(BLOCK * 2);
  block(0, b);
  const n = 200000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) w.write(b, i * BLOCK, 0);
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(JSON.stringify({ bench: 'handover', microsecondsPerBlock: us, shareOfBlock: us / ((BLOCK / RATE) * 1e6) }));
}

async function latency(format: MonitorFormat, seconds: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-monbench-'));
  fs.mkdirSync(path.join(dir, 'media'));
  const media = path.join(dir, 'media', 'prog.wav');
  const w = new BwfWriter(media, { sampleRate: RATE, channels: 1, encoding: 'pcm24', bext: { timeReference: 0, description: 'dubstage bench' } });
  const second = new Float32Array(RATE);
  for (let s = 0; s < seconds + 4; s++) {
    for (let i = 0; i < RATE; i++) second[i] = 0.3 * Math.sin((2 * Math.PI * 220 * (s * RATE + i)) / RATE);
    w.write([second], RATE);
  }
  w.finish();
  const ed = SessionEditor.create(path.join(dir, 's.dub'));
  ed.execute('track add D dialogue');
  ed.execute(`import ${media} D`);
  const client = new EngineClient({ sampleRate: RATE, blockSize: BLOCK, noDevice: true, monitor: true, monitorPort: 0, monitorFormat: format }, { logDir: path.join(dir, 'log') });
  client.start();
  client.setSession(ed.doc, ed.media.baseDir);
  while (!client.getSnapshot().monitor) await sleep(20);
  const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'dubstage.js');
  // the listener plays to its null sink, which keeps real-time pace like a sound card
  const child = spawn(process.execPath, [cli, 'listen', '--no-device', client.getSnapshot().monitor!.url], { stdio: 'ignore', env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') } });
  client.play();
  while ((client.getSnapshot().monitorStatus?.lagMs ?? -1) < 0) await sleep(50);
  await sleep(1000);
  const lags: number[] = [];
  for (let i = 0; i < seconds * 4; i++) {
    await sleep(250);
    lags.push(client.getSnapshot().monitorStatus!.lagMs);
  }
  child.kill();
  await client.close();
  lags.sort((a, b) => a - b);
  console.log(JSON.stringify({ bench: 'latency', format, medianMs: lags[Math.floor(lags.length / 2)], maxMs: lags[lags.length - 1], minMs: lags[0] }));
  fs.rmSync(dir, { recursive: true, force: true });
}

const what = process.argv[2] ?? 'all';
if (what === 'all' || what === 'serve') {
  handOverCost();
  for (const f of ['pcm24', 'pcm16', 'opus'] as const) await serveCost(f, 120);
}
if (what === 'all' || what === 'latency') {
  for (const f of ['pcm24', 'opus'] as const) await latency(f, 10);
}
