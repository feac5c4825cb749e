// Remote monitoring: what is being heard is served as a live stream over HTTP on the loopback
// interface, behind a random token, so an editor on a laptop can listen through an SSH tunnel
// with tools they already have (ffplay, mpv, VLC) or with `dubstage listen`:
//   /stream.wav          24-bit PCM in a WAV header of unknown length (?bits=16: 16-bit, dithered)
//   /stream.opus         Ogg Opus at the server's bitrate, for slow links
//   /stream.dub          framed (?format=pcm24|pcm16|opus): every block or packet carries its
//                        timeline position and flags, so a listener flushes on a locate
//   /report?heard=N      a listener says which timeline sample it is playing now: the lag
// Several listeners may connect; each is bounded in buffered audio and dropped when it falls
// behind, so a slow listener never holds up the stream. The server runs in the monitor worker
// (monitor-worker.ts), off the engine's render thread.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { OGG_BOS, oggPage, opusHead, opusTags } from '../io/ogg-page.js';
import {
  DEFAULT_MONITOR_PORT, FLAG_DISCONTINUITY, FLAG_SILENT, FRAME_HEADER, newMonitorToken, OPUS_FRAME, OPUS_PRE_SKIP, streamHeader, wavHeader, type MonitorFormat,
} from './monitor-wire.js';
import { OpusStreamEncoder, type OpusPacket } from './opus-stream.js';

export interface MonitorOptions {
  sampleRate: number;
  blockSize: number;
  port?: number;
  /** seconds of audio a listener may have queued before it is dropped */
  maxBacklogSeconds?: number;
  /** what the URL it shows asks for (every format is served) */
  format?: MonitorFormat;
  /** Opus bitrate in bits per second */
  bitrate?: number;
  /** the URL's token (default: a new random one) */
  token?: string;
}

type Listener =
  | { kind: 'wav'; res: http.ServerResponse; dropped: boolean; bits: 16 | 24 }
  | { kind: 'ogg'; res: http.ServerResponse; dropped: boolean; serial: number; sequence: number; granule: bigint }
  | { kind: 'dub'; res: http.ServerResponse; dropped: boolean; format: MonitorFormat };

export interface MonitorStats {
  listeners: number;
  dropped: number;
  refused: number;
  /** bytes written to listeners since the start */
  bytes: number;
  /** frames between the newest block and what the latest-reporting listener plays (-1: none) */
  lagFrames: number;
}

export class MonitorServer {
  readonly token: string;
  private server: http.Server | null = null;
  private server6: http.Server | null = null;
  private listeners: Listener[] = [];
  // Rings of buffers large enough that none is reused while a socket may still hold it.
  private readonly pool24: Buffer[] = [];
  private readonly pool16: Buffer[] = [];
  private readonly heads24: Buffer[] = [];
  private readonly heads16: Buffer[] = [];
  private next = 0;
  private readonly maxBacklog: number;
  private opus: OpusStreamEncoder | null = null;
  private readonly emitPacket = (p: OpusPacket) => this.sendPacket(p);
  private dither = 0x9e3779b9;
  /** position just after the newest block, and where its run of timeline audio began */
  private head = 0;
  private runStart = -1;
  private lagAt = 0;
  port = 0;
  private dropCount = 0;
  private refusedCount = 0;
  private bytes = 0;
  private lagFrames = -1;
  /** what the shown URL serves: the format asked for, unless this session cannot have it */
  readonly format: MonitorFormat;
  /** why the format differs from the one asked for */
  readonly notice: string | undefined;
  private readonly opusOk: boolean;

  constructor(private readonly opts: MonitorOptions) {
    this.token = opts.token ?? newMonitorToken();
    // Opus codes 48 kHz (and lower telephone rates); film sessions are 48 kHz
    this.opusOk = opts.sampleRate === 48000;
    this.format = opts.format === 'opus' && !this.opusOk ? 'pcm24' : (opts.format ?? 'pcm24');
    this.notice = opts.format === 'opus' && !this.opusOk ? `Opus needs a 48 kHz session (this one is ${opts.sampleRate} Hz): serving 24-bit WAV` : undefined;
    const frames = opts.blockSize;
    this.maxBacklog = Math.round((opts.maxBacklogSeconds ?? 2) * opts.sampleRate) * 6;
    const count = Math.ceil(this.maxBacklog / (frames * 4)) + 8;
    for (let i = 0; i < count; i++) {
      this.pool24.push(Buffer.alloc(frames * 6));
      this.pool16.push(Buffer.alloc(frames * 4));
      this.heads24.push(Buffer.alloc(FRAME_HEADER));
      this.heads16.push(Buffer.alloc(FRAME_HEADER));
    }
  }

  get dropped(): number {
    return this.dropCount;
  }

  get refused(): number {
    return this.refusedCount;
  }

  get stats(): MonitorStats {
    return { listeners: this.listeners.length, dropped: this.dropCount, refused: this.refusedCount, bytes: this.bytes, lagFrames: this.lagFrames };
  }

  /**
   * Listens on 127.0.0.1 and ::1 (the SSH tunnel's end), or on `bind` when the user asked for
   * another address; resolves with the port.
   */
  async start(bind = '127.0.0.1'): Promise<number> {
    if (this.opts.port !== undefined) return this.listen(this.opts.port, bind);
    // the usual port, so the ssh line stays the same from one day to the next; any free one
    // when another mixer has it
    return this.listen(DEFAULT_MONITOR_PORT, bind).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE') throw e;
      return this.listen(0, bind);
    });
  }

  private listen(port: number, bind: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => this.handle(req, res));
      server.on('error', reject);
      server.listen(port, bind, () => {
        this.port = (server.address() as AddressInfo).port;
        this.server = server;
        if (bind === '127.0.0.1') {
          // the same port on IPv6 loopback, where there is one (best effort)
          const s6 = http.createServer((req, res) => this.handle(req, res));
          s6.on('error', () => undefined);
          s6.listen(this.port, '::1', () => (this.server6 = s6));
        }
        resolve(this.port);
      });
    });
  }

  /** The URL to open, in the format the user chose. */
  get url(): string {
    const base = `http://127.0.0.1:${this.port}`;
    switch (this.format) {
      case 'opus':
        return `${base}/stream.opus?token=${this.token}`;
      case 'pcm16':
        return `${base}/stream.wav?bits=16&token=${this.token}`;
      default:
        return `${base}/stream.wav?token=${this.token}`;
    }
  }

  /** The line to paste on the laptop. */
  get tunnelHint(): string {
    let user = 'you';
    try {
      user = os.userInfo().username;
    } catch {
      /* no passwd entry */
    }
    return `ssh -L ${this.port}:127.0.0.1:${this.port} ${user}@${os.hostname()}`;
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const given = url.searchParams.get('token') ?? '';
    const ok = given.length === this.token.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(this.token));
    if (!ok) {
      // Nothing about the request is logged: the token must not end up in a log.
      this.refusedCount++;
      res.writeHead(403, { 'Content-Type': 'text/plain' });
      res.end('forbidden\n');
      return;
    }
    if (url.pathname === '/report') {
      // answers with the lag it works out, so the listener can show it too
      this.report(Number(url.searchParams.get('heard')));
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`${this.lagFrames}\n`);
      return;
    }
    let l: Listener;
    let first: Buffer[];
    if (url.pathname === '/stream.wav') {
      const bits = url.searchParams.get('bits') === '16' ? 16 : 24;
      l = { kind: 'wav', res, dropped: false, bits };
      first = [wavHeader(this.opts.sampleRate, 2, bits)];
    } else if (url.pathname === '/stream.opus') {
      if (!this.startOpus(res)) return;
      const serial = crypto.randomBytes(4).readUInt32LE(0);
      const vendor = `dubstage monitor (libopus via opusscript, ${Math.round((this.opts.bitrate ?? 128000) / 1000)} kbit/s)`;
      first = [oggPage([opusHead(2, OPUS_PRE_SKIP, this.opts.sampleRate)], 0n, serial, 0, OGG_BOS), oggPage([opusTags(vendor)], 0n, serial, 1)];
      l = { kind: 'ogg', res, dropped: false, serial, sequence: 2, granule: 0n };
    } else if (url.pathname === '/stream.dub') {
      const f = url.searchParams.get('format') ?? 'pcm24';
      if (f !== 'pcm24' && f !== 'pcm16' && f !== 'opus') {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('format must be pcm24, pcm16 or opus\n');
        return;
      }
      if (f === 'opus' && !this.startOpus(res)) return;
      l = { kind: 'dub', res, dropped: false, format: f };
      first = [streamHeader(f, this.opts.sampleRate)];
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found (the streams are /stream.wav, /stream.opus and /stream.dub)\n');
      return;
    }
    const type = l.kind === 'wav' ? 'audio/wav' : l.kind === 'ogg' ? 'audio/ogg' : 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', Connection: 'close' });
    res.socket?.setNoDelay(true);
    for (const b of first) this.write(l, b);
    this.listeners.push(l);
    const remove = () => {
      this.listeners = this.listeners.filter((x) => x !== l);
      if (this.opus && !this.listeners.some((x) => x.kind === 'ogg' || (x.kind === 'dub' && x.format === 'opus'))) {
        this.opus.close();
        this.opus = null;
      }
    };
    res.on('close', remove);
    res.on('error', remove);
  }

  /** Starts the shared Opus encoder for a listener, or answers 409 when the session is not 48 kHz. */
  private startOpus(res: http.ServerResponse): boolean {
    if (!this.opusOk) {
      res.writeHead(409, { 'Content-Type': 'text/plain' });
      res.end(`Opus needs a 48 kHz session; this one runs at ${this.opts.sampleRate} Hz (use /stream.wav)\n`);
      return false;
    }
    this.opus ??= new OpusStreamEncoder(this.opts.bitrate ?? 128000);
    return true;
  }

  /** A listener plays timeline sample `heard` now: the lag is how far the stream's head is past it. */
  private report(heard: number): void {
    if (!Number.isFinite(heard) || this.runStart < 0 || heard < this.runStart) return;
    const lag = this.head - heard;
    if (lag < 0 || lag > this.opts.sampleRate * 30) return; // not from this run of audio
    const now = Date.now();
    // smoothed: reports arrive every few hundred ms and carry a network delay of their own
    this.lagFrames = this.lagFrames < 0 || now - this.lagAt > 3000 ? lag : Math.round(this.lagFrames * 0.7 + lag * 0.3);
    this.lagAt = now;
  }

  /** Forget a lag no listener has confirmed for 3 s. */
  expireLag(): void {
    if (this.lagFrames >= 0 && Date.now() - this.lagAt > 3000) this.lagFrames = -1;
  }

  private write(l: Listener, b: Buffer): void {
    l.res.write(b);
    this.bytes += b.length;
  }

  /** Drops a listener past its backlog bound instead of waiting for it. */
  private behind(l: Listener): boolean {
    if (l.dropped) return true;
    if (l.res.writableLength > this.maxBacklog) {
      l.dropped = true;
      this.dropCount++;
      l.res.destroy();
      return true;
    }
    return false;
  }

  /**
   * Sends one block (interleaved stereo float, `blockSize` frames) to every listener, with the
   * timeline position of its first sample. Buffers come from the pool; a listener more than
   * `maxBacklog` behind is dropped rather than waited for.
   */
  push(block: Float32Array, position = 0, discontinuity = false, silent = false): void {
    this.head = position + block.length / 2;
    if (silent) this.runStart = -1;
    else if (discontinuity || this.runStart < 0) this.runStart = position;
    if (this.listeners.length === 0) return;
    const slot = this.next;
    this.next = (this.next + 1) % this.pool24.length;
    let pcm24: Buffer | null = null;
    let pcm16: Buffer | null = null;
    const flags = (discontinuity ? FLAG_DISCONTINUITY : 0) | (silent ? FLAG_SILENT : 0);
    for (let i = 0; i < this.listeners.length; i++) {
      const l = this.listeners[i];
      if (l.kind === 'ogg' || (l.kind === 'dub' && l.format === 'opus')) continue;
      if (this.behind(l)) continue;
      const bits = l.kind === 'wav' ? l.bits : l.format === 'pcm16' ? 16 : 24;
      const buf = bits === 24 ? (pcm24 ??= this.encode24(block, this.pool24[slot])) : (pcm16 ??= this.encode16(block, this.pool16[slot]));
      if (l.kind === 'dub') this.write(l, this.frameHeader(bits === 24 ? this.heads24[slot] : this.heads16[slot], flags, position, buf.length));
      this.write(l, buf);
    }
    this.opus?.push(block, position, discontinuity, silent, this.emitPacket);
  }

  private sendPacket(p: OpusPacket): void {
    let head: Buffer | null = null;
    for (let i = 0; i < this.listeners.length; i++) {
      const l = this.listeners[i];
      if (l.kind === 'wav' || (l.kind === 'dub' && l.format !== 'opus')) continue;
      if (this.behind(l)) continue;
      if (l.kind === 'ogg') {
        // one packet per page: 20 ms of latency at most, ~11 kbit/s of page headers
        l.granule += BigInt(OPUS_FRAME);
        this.write(l, oggPage([p.data], l.granule, l.serial, l.sequence++));
      } else {
        head ??= this.frameHeader(Buffer.alloc(FRAME_HEADER), (p.discontinuity ? FLAG_DISCONTINUITY : 0) | (p.silent ? FLAG_SILENT : 0), p.position, p.data.length);
        this.write(l, head);
        this.write(l, p.data);
      }
    }
  }

  private frameHeader(h: Buffer, flags: number, position: number, bytes: number): Buffer {
    h.write('DSF1', 0, 'latin1');
    h.writeUInt32LE(flags, 4);
    h.writeDoubleLE(position, 8);
    h.writeUInt32LE(bytes, 16);
    return h;
  }

  private encode24(block: Float32Array, buf: Buffer): Buffer {
    for (let i = 0, o = 0; i < block.length; i++, o += 3) {
      let v = Math.floor(block[i] * 8388608 + 0.5); // Math.round, faster (see wav-writer)
      if (v > 8388607) v = 8388607;
      else if (v < -8388608) v = -8388608;
      buf[o] = v;
      buf[o + 1] = v >> 8;
      buf[o + 2] = v >> 16;
    }
    return buf;
  }

  /** 16-bit with TPDF dither (±1 LSB triangular), so quiet passages do not distort. */
  private encode16(block: Float32Array, buf: Buffer): Buffer {
    let s = this.dither;
    for (let i = 0, o = 0; i < block.length; i++, o += 2) {
      // two uniform values from an xorshift generator: their difference is triangular
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const a = (s >>> 0) / 4294967296;
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const b = (s >>> 0) / 4294967296;
      let v = Math.floor(block[i] * 32768 + a - b + 0.5);
      if (v > 32767) v = 32767;
      else if (v < -32768) v = -32768;
      buf.writeInt16LE(v, o);
    }
    this.dither = s;
    return buf;
  }

  async close(): Promise<void> {
    for (const l of this.listeners) l.res.destroy();
    this.listeners = [];
    this.opus?.close();
    this.opus = null;
    await new Promise<void>((resolve) => (this.server6 ? this.server6.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
