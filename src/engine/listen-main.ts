// Entry point of `dubstage listen`'s player process: fetches a dubstage monitor stream (WAV over
// HTTP) and plays it through PortAudio. Its own process for the same reasons as the engine:
// naudiodon prints to fd 1 and may crash natively. Reports its state to the parent over IPC;
// reconnects by itself after a network drop.
import http from 'node:http';
import { FLAG_DISCONTINUITY, FRAME_HEADER } from './monitor.js';
import { PortAudioSink } from './portaudio.js';
import { NullSink, type Sink } from './sink.js';

interface State {
  t: 'state';
  connected: boolean;
  bufferedMs: number;
  /** queued audio plus the output device's own queue: how late what is heard is */
  latencyMs: number;
  dropouts: number;
  reconnects: number;
  flushes: number;
  /** timeline position (samples) of the newest block received */
  position: number;
  sink: string;
  error: string;
}

const url = process.argv[2];
const noDevice = process.argv.includes('--no-device');
const BLOCK = 512;
const RATE = 48000;
// jitter buffer: interleaved stereo float, 4 s
const ring = new Float32Array(RATE * 4 * 2);
let readPos = 0;
let writePos = 0;
const state: State = { t: 'state', connected: false, bufferedMs: 0, latencyMs: 0, dropouts: 0, reconnects: 0, flushes: 0, position: 0, sink: '', error: '' };
let deviceLatency = 0;
let started = false;
const PREROLL = RATE * 0.1 * 2; // 100 ms before playing after a (re)connect

function buffered(): number {
  return writePos - readPos;
}

function pull(out: Float32Array): void {
  if (!started || buffered() < out.length) {
    if (started) state.dropouts++;
    started = buffered() >= PREROLL;
    out.fill(0);
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = ring[(readPos + i) % ring.length];
  readPos += out.length;
}

/** Parses the framed stream (/stream.dub): a WAV header, then frames of FRAME_HEADER + PCM. */
function connect(): void {
  let pending: Buffer = Buffer.alloc(0);
  let headerSeen = false;
  const framedUrl = url.replace('/stream.wav', '/stream.dub');
  const req = http.get(framedUrl, (res) => {
    if (res.statusCode !== 200) {
      state.error = res.statusCode === 403 ? 'the server refused the token (403)' : `HTTP ${res.statusCode}`;
      res.resume();
      return;
    }
    state.connected = true;
    state.error = '';
    res.on('data', (d: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      if (!headerSeen) {
        if (pending.length < 44) return;
        if (pending.toString('latin1', 0, 4) !== 'RIFF' || pending.readUInt16LE(34) !== 24 || pending.readUInt32LE(24) !== RATE) {
          state.error = 'not a dubstage monitor stream (24-bit, 48 kHz)';
          req.destroy();
          return;
        }
        headerSeen = true;
        pending = pending.subarray(44);
      }
      while (pending.length >= FRAME_HEADER) {
        if (pending.toString('latin1', 0, 4) !== 'DSF1') {
          state.error = 'lost the frame boundary; reconnecting';
          req.destroy();
          return;
        }
        const bytes = pending.readUInt32LE(16);
        if (pending.length < FRAME_HEADER + bytes) break;
        if (pending.readUInt32LE(4) & FLAG_DISCONTINUITY) {
          // the mixer located, looped or started: what is queued is stale
          readPos = writePos;
          started = false;
          state.flushes++;
        }
        state.position = pending.readDoubleLE(8);
        for (let o = FRAME_HEADER; o < FRAME_HEADER + bytes; o += 3) {
          if (buffered() >= ring.length) readPos++; // overrun: drop the oldest
          ring[writePos % ring.length] = pending.readIntLE(o, 3) / 8388608;
          writePos++;
        }
        pending = pending.subarray(FRAME_HEADER + bytes);
      }
    });
    res.on('end', retry);
    res.on('error', retry);
  });
  req.on('error', (e) => {
    state.error = e.message;
    retry();
  });
}

let retrying = false;
function retry(): void {
  state.connected = false;
  if (retrying) return;
  retrying = true;
  setTimeout(() => {
    retrying = false;
    state.reconnects++;
    started = false;
    connect();
  }, 1000);
}

async function main(): Promise<void> {
  let sink: Sink;
  if (noDevice) sink = new NullSink({ kind: 'null', name: 'null sink' }, RATE, BLOCK);
  else {
    try {
      sink = await PortAudioSink.open({ sampleRate: RATE, blockSize: BLOCK, onError: (m) => (state.error = m) });
    } catch (e) {
      sink = new NullSink({ kind: 'null', name: 'null sink', reason: (e as Error).message }, RATE, BLOCK);
    }
  }
  state.sink = sink.info.kind === 'null' ? `NO DEVICE (${sink.info.reason ?? 'null sink'})` : sink.info.name;
  deviceLatency = sink.latencyFrames;
  sink.start(pull);
  connect();
  setInterval(() => {
    state.bufferedMs = Math.round((buffered() / 2 / RATE) * 1000);
    state.latencyMs = Math.round(((buffered() / 2 + deviceLatency) / RATE) * 1000);
    process.send?.(state);
  }, 200);
}

process.on('disconnect', () => process.exit(0));
main().catch((e) => {
  process.send?.({ ...state, error: (e as Error).message });
  process.exit(1);
});
