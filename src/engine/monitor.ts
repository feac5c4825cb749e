// Remote monitoring: what is being heard is served as a live WAV stream over HTTP on the
// loopback interface, behind a random token, so an editor on a laptop can listen through an SSH
// tunnel with tools they already have (ffplay, mpv, VLC). Several listeners may connect; each is
// bounded in buffered audio and dropped when it falls behind, so a slow listener never holds up
// the engine.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';

export interface MonitorOptions {
  sampleRate: number;
  blockSize: number;
  port?: number;
  /** seconds of audio a listener may have queued before it is dropped */
  maxBacklogSeconds?: number;
}

interface Listener {
  res: http.ServerResponse;
  dropped: boolean;
  /** framed stream (/stream.dub): each block carries its position and a discontinuity flag */
  framed: boolean;
}

/** Frame header of /stream.dub: 'DSF1', flags (1 = discontinuity: flush), position, byte count. */
export const FRAME_HEADER = 20;
export const FLAG_DISCONTINUITY = 1;

/** A WAV header for a stream of unknown length (sizes set to the maximum). */
function streamHeader(sampleRate: number, channels: number, bits: number): Buffer {
  const h = Buffer.alloc(44);
  const align = (channels * bits) / 8;
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(0xffffffff, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * align, 28);
  h.writeUInt16LE(align, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(0xffffffff, 40);
  return h;
}

export class MonitorServer {
  readonly token = crypto.randomBytes(16).toString('hex');
  private server: http.Server | null = null;
  private listeners: Listener[] = [];
  private readonly pool: Buffer[] = [];
  private readonly heads: Buffer[] = [];
  private next = 0;
  private readonly maxBacklog: number;
  port = 0;
  /** listeners dropped for falling behind */
  dropped = 0;
  /** requests refused for a missing or wrong token */
  refused = 0;

  constructor(private readonly opts: MonitorOptions) {
    const blockBytes = opts.blockSize * 2 * 3; // stereo 24-bit
    this.maxBacklog = Math.round((opts.maxBacklogSeconds ?? 2) * opts.sampleRate) * 6;
    // A ring of buffers large enough that none is reused while a socket may still hold it.
    const count = Math.ceil(this.maxBacklog / blockBytes) + 8;
    for (let i = 0; i < count; i++) {
      this.pool.push(Buffer.alloc(blockBytes));
      this.heads.push(Buffer.alloc(FRAME_HEADER));
    }
  }

  private server6: http.Server | null = null;

  /**
   * Listens on 127.0.0.1 and ::1 (the SSH tunnel's end), or on `bind` when the user asked for
   * another address; resolves with the port.
   */
  start(bind = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => this.handle(req, res));
      server.on('error', reject);
      server.listen(this.opts.port ?? 0, bind, () => {
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

  get url(): string {
    return `http://127.0.0.1:${this.port}/stream.wav?token=${this.token}`;
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
      this.refused++;
      res.writeHead(403, { 'Content-Type': 'text/plain' });
      res.end('forbidden\n');
      return;
    }
    const framed = url.pathname === '/stream.dub';
    if (url.pathname !== '/stream.wav' && !framed) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found (the stream is /stream.wav)\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': framed ? 'application/octet-stream' : 'audio/wav', 'Cache-Control': 'no-store', Connection: 'close' });
    res.socket?.setNoDelay(true);
    res.write(streamHeader(this.opts.sampleRate, 2, 24));
    const l: Listener = { res, dropped: false, framed };
    this.listeners.push(l);
    const remove = () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
    res.on('close', remove);
    res.on('error', remove);
  }

  /**
   * Sends one block (interleaved stereo float) to every listener as 24-bit PCM. Called from the
   * render loop: the buffer comes from the pool; a listener more than `maxBacklog` behind is
   * dropped rather than waited for.
   */
  push(block: Float32Array, position = 0, discontinuity = false): void {
    if (this.listeners.length === 0) return;
    const buf = this.pool[this.next];
    const head = this.heads[this.next];
    this.next = (this.next + 1) % this.pool.length;
    head.write('DSF1', 0, 'latin1');
    head.writeUInt32LE(discontinuity ? FLAG_DISCONTINUITY : 0, 4);
    head.writeDoubleLE(position, 8);
    head.writeUInt32LE(block.length * 3, 16);
    const n = block.length;
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      let v = Math.round(block[i] * 8388608);
      if (v > 8388607) v = 8388607;
      else if (v < -8388608) v = -8388608;
      buf[o] = v;
      buf[o + 1] = v >> 8;
      buf[o + 2] = v >> 16;
    }
    for (let i = 0; i < this.listeners.length; i++) {
      const l = this.listeners[i];
      if (l.dropped) continue;
      if (l.res.writableLength > this.maxBacklog) {
        l.dropped = true;
        this.dropped++;
        l.res.destroy();
        continue;
      }
      if (l.framed) l.res.write(head);
      l.res.write(buf);
    }
  }

  async close(): Promise<void> {
    for (const l of this.listeners) l.res.destroy();
    this.listeners = [];
    await new Promise<void>((resolve) => (this.server6 ? this.server6.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
