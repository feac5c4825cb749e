// Entry point of `dubstage listen`'s player process: fetches a dubstage monitor stream in its
// framed form (/stream.dub: PCM or Opus, each block with its timeline position) and plays it
// through PortAudio. Its own process for the same reasons as the engine: naudiodon prints to
// fd 1 and may crash natively. Reports its state to the parent over IPC, tells the mixer which
// timeline sample it is playing (so the mixer can show what is heard), and reconnects by itself
// after a network drop.
import http from 'node:http';
import { FLAG_DISCONTINUITY, FLAG_SILENT, FORMAT_CODES, FRAME_HEADER, listenerUrls, OPUS_PRE_SKIP, STREAM_HEADER, type MonitorFormat } from './monitor-wire.js';
import { OpusStreamDecoder } from './opus-stream.js';
import { ListenPlayer } from './listen-player.js';
import { PortAudioSink } from './portaudio.js';
import { NullSink, type Sink } from './sink.js';

export interface ListenState {
  t: 'state';
  connected: boolean;
  format: MonitorFormat;
  bufferedMs: number;
  /** how far behind the mixer's engine this player is heard, as the mixer works it out (-1: unknown) */
  latencyMs: number;
  dropouts: number;
  /** frames lost (+) or repeated (−) to follow the drift between the two clocks */
  driftFrames: number;
  reconnects: number;
  flushes: number;
  /** bytes per second arriving */
  rate: number;
  sink: string;
  error: string;
}

const BLOCK = 512;
const given = process.argv[2];
const noDevice = process.argv.includes('--no-device');
const urls = listenerUrls(given);
/** the stream's sample rate, from its first header; the output opens at that rate */
let rate = 0;
let player: ListenPlayer | null = null;
const state: ListenState = { t: 'state', connected: false, format: urls.format, bufferedMs: 0, latencyMs: -1, dropouts: 0, driftFrames: 0, reconnects: 0, flushes: 0, rate: 0, sink: 'opens when the stream starts', error: '' };
let deviceLatency = 0;
let received = 0;

function connect(): void {
  let pending: Buffer = Buffer.alloc(0);
  let headerSeen = false;
  let format: MonitorFormat = urls.format;
  let decoder: OpusStreamDecoder | null = null;
  const scratch = new Float32Array(5760 * 2);
  const req = http.get(urls.stream, (res) => {
    const code = res.statusCode ?? 0;
    if (code !== 200) {
      res.resume();
      if (code >= 500) {
        state.error = `HTTP ${code}`;
        res.on('end', retry);
        return;
      }
      // Asking again will not help: a token from another run of the mixer, or not its URL.
      state.error =
        code === 403 ? 'the mixer refused the token (403): copy the URL again from its :monitor page (each run of the mixer has its own token)'
        : code === 404 ? 'no monitor stream at that URL (404): is it the URL the mixer shows?'
        : `the mixer answered ${code}`;
      process.send?.(state, () => process.exit(1));
      return;
    }
    state.connected = true;
    state.error = '';
    const fail = (why: string) => {
      state.error = why;
      req.destroy();
    };
    res.on('data', (d: Buffer) => {
      received += d.length;
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      if (!headerSeen) {
        if (pending.length < STREAM_HEADER) return;
        const code = pending.readUInt16LE(6);
        const f = (Object.keys(FORMAT_CODES) as MonitorFormat[]).find((k) => FORMAT_CODES[k] === code);
        const r = pending.readUInt32LE(8);
        if (pending.toString('latin1', 0, 4) !== 'DUBS' || !f || pending.readUInt16LE(12) !== 2 || !(r >= 8000 && r <= 384000)) {
          return fail('not a dubstage monitor stream');
        }
        if (f === 'opus' && r !== 48000) return fail('an Opus monitor stream must be 48 kHz');
        if (rate === 0) {
          rate = r;
          player = new ListenPlayer(r);
          openOutput(r, player).catch((e: Error) => (state.error = e.message));
        } else if (r !== rate) {
          return fail(`the mixer now runs at ${r} Hz, not ${rate}: start dubstage listen again`);
        }
        format = f;
        state.format = f;
        if (f === 'opus') decoder = new OpusStreamDecoder();
        headerSeen = true;
        pending = pending.subarray(STREAM_HEADER);
      }
      const p = player!;
      while (pending.length >= FRAME_HEADER) {
        if (pending.toString('latin1', 0, 4) !== 'DSF1') return fail('lost the frame boundary; reconnecting');
        const bytes = pending.readUInt32LE(16);
        if (pending.length < FRAME_HEADER + bytes) break;
        const flags = pending.readUInt32LE(4);
        if (flags & FLAG_DISCONTINUITY) {
          // the mixer located, looped or started: what is queued is stale
          p.flush();
          decoder?.reset();
          state.flushes++;
        }
        const silent = (flags & FLAG_SILENT) !== 0;
        const position = pending.readDoubleLE(8);
        const payload = pending.subarray(FRAME_HEADER, FRAME_HEADER + bytes);
        if (decoder) {
          const n = decoder.decode(payload, scratch);
          // the codec delays by its look-ahead: decoded sample i belongs to position + i - pre-skip
          for (let i = 0; i < n; i++) p.put(scratch[2 * i], scratch[2 * i + 1], silent ? NaN : position + i - OPUS_PRE_SKIP);
        } else if (format === 'pcm16') {
          for (let o = 0, i = 0; o < bytes; o += 4, i++) p.put(payload.readInt16LE(o) / 32768, payload.readInt16LE(o + 2) / 32768, silent ? NaN : position + i);
        } else {
          for (let o = 0, i = 0; o < bytes; o += 6, i++) p.put(payload.readIntLE(o, 3) / 8388608, payload.readIntLE(o + 3, 3) / 8388608, silent ? NaN : position + i);
        }
        pending = pending.subarray(FRAME_HEADER + bytes);
      }
    });
    res.on('end', retry);
    res.on('error', retry);
    res.on('close', () => decoder?.close());
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
    if (player) player.started = false;
    connect();
  }, 1000);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
/** Tells the mixer which timeline sample is being heard now; it answers with the lag. */
function report(): void {
  const next = player ? player.nextPosition() : NaN;
  if (!state.connected || !Number.isFinite(next)) {
    state.latencyMs = -1;
    return;
  }
  const heard = Math.round(next - deviceLatency);
  http
    .get(urls.report + heard, { agent }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const lag = Number(body);
        state.latencyMs = Number.isFinite(lag) && lag >= 0 ? Math.round((lag / rate) * 1000) : -1;
      });
    })
    .on('error', () => undefined);
}

/** Opens the sound card (or the null sink) at the stream's rate, once its header has said it. */
async function openOutput(r: number, p: ListenPlayer): Promise<void> {
  let sink: Sink;
  if (noDevice) sink = new NullSink({ kind: 'null', name: 'null sink' }, r, BLOCK);
  else {
    try {
      sink = await PortAudioSink.open({ sampleRate: r, blockSize: BLOCK, onError: (m) => (state.error = m) });
    } catch (e) {
      sink = new NullSink({ kind: 'null', name: 'null sink', reason: (e as Error).message }, r, BLOCK);
    }
  }
  state.sink = sink.info.kind === 'null' ? `NO DEVICE (${sink.info.reason ?? 'null sink'})` : sink.info.name;
  deviceLatency = sink.latencyFrames;
  sink.start((out) => p.pull(out));
}

connect();
let lastReceived = 0;
setInterval(() => {
  state.bufferedMs = player ? Math.round((player.buffered() / rate) * 1000) : 0;
  state.dropouts = player?.dropouts ?? 0;
  state.driftFrames = player?.driftFrames ?? 0;
  state.rate = (received - lastReceived) * 4;
  lastReceived = received;
  report();
  process.send?.(state);
}, 250);

process.on('disconnect', () => process.exit(0));
