// The one module that imports naudiodon (PortAudio). Importing it installs a segfault handler
// that writes crash.log and makes PortAudio print to fd 1, so it is loaded only inside the
// engine process, whose stdout and stderr go to a log file.
import type { Pull, Sink, SinkInfo } from './sink.js';

type Naudiodon = typeof import('naudiodon');

let lib: Naudiodon | null = null;

export async function loadPortAudio(): Promise<Naudiodon> {
  if (!lib) {
    const mod = (await import('naudiodon')) as Naudiodon & { default?: Naudiodon };
    lib = mod.default ?? mod;
  }
  return lib;
}

export interface DeviceRow {
  id: number;
  name: string;
  hostApi: string;
  outputs: number;
  inputs: number;
  defaultSampleRate: number;
  isDefault: boolean;
}

export async function listDevices(): Promise<DeviceRow[]> {
  const pa = await loadPortAudio();
  const hosts = pa.getHostAPIs();
  const host = hosts.HostAPIs[hosts.defaultHostAPI];
  const defaults = new Set(hosts.HostAPIs.map((h) => h.defaultOutput));
  return pa.getDevices().map((d) => ({
    id: d.id, name: d.name, hostApi: d.hostAPIName, outputs: d.maxOutputChannels, inputs: d.maxInputChannels,
    defaultSampleRate: d.defaultSampleRate, isDefault: host ? d.id === host.defaultOutput : defaults.has(d.id),
  }));
}

export interface PortAudioOptions {
  deviceId?: number;
  sampleRate: number;
  blockSize: number;
  /** chunks PortAudio's callback may hold queued (naudiodon's maxQueue) */
  maxQueue?: number;
  /** chunks written ahead on the JavaScript side, beyond the native queue */
  ahead?: number;
  onError?: (message: string) => void;
}

/**
 * Plays through naudiodon. Its callback copies from a short queue of written chunks and waits
 * when the queue is empty, so this sink keeps `ahead` writes outstanding and renders the next
 * block each time one is accepted. Chunk buffers come from a pool large enough that none is
 * reused while PortAudio may still read it: no allocation per block.
 */
export class PortAudioSink implements Sink {
  readonly latencyFrames: number;
  private stream: import('naudiodon').IoStreamWrite | null = null;
  private pool: Buffer[] = [];
  private views: Float32Array[] = [];
  private next = 0;
  private closing = false;
  private pull: Pull | null = null;
  private readonly maxQueue: number;
  private readonly ahead: number;

  private constructor(
    readonly info: SinkInfo,
    private readonly pa: Naudiodon,
    private readonly opts: PortAudioOptions,
  ) {
    this.maxQueue = opts.maxQueue ?? 6;
    this.ahead = opts.ahead ?? 3;
    this.latencyFrames = (this.maxQueue + this.ahead) * opts.blockSize;
    const n = this.maxQueue + this.ahead + 4;
    for (let i = 0; i < n; i++) {
      const b = Buffer.alloc(opts.blockSize * 2 * 4);
      this.pool.push(b);
      this.views.push(new Float32Array(b.buffer, b.byteOffset, opts.blockSize * 2));
    }
  }

  /** Opens the default (or given) output device; throws when there is none. */
  static async open(opts: PortAudioOptions): Promise<PortAudioSink> {
    const pa = await loadPortAudio();
    const devices = pa.getDevices().filter((d) => d.maxOutputChannels >= 2);
    if (devices.length === 0) throw new Error('no audio output device');
    const dev = opts.deviceId !== undefined ? devices.find((d) => d.id === opts.deviceId) : undefined;
    if (opts.deviceId !== undefined && !dev) throw new Error(`no output device with id ${opts.deviceId} (see dubstage devices)`);
    const name = dev?.name ?? 'default output';
    return new PortAudioSink({ kind: 'portaudio', name }, pa, opts);
  }

  private openStream(): void {
    const s = this.pa.AudioIO({
      outOptions: {
        channelCount: 2,
        sampleFormat: this.pa.SampleFormatFloat32,
        sampleRate: this.opts.sampleRate,
        deviceId: this.opts.deviceId ?? -1,
        // One underflow must not destroy the stream (naudiodon's default closes it).
        closeOnError: false,
        maxQueue: this.maxQueue,
        framesPerBuffer: this.opts.blockSize,
        highwaterMark: this.opts.blockSize * 8 * (this.ahead + 1),
      },
    });
    s.removeAllListeners('error');
    s.on('error', (err: Error) => this.recover(err));
    this.stream = s;
  }

  start(pull: Pull): void {
    this.pull = pull;
    this.openStream();
    for (let i = 0; i < this.ahead; i++) this.feed();
    this.stream!.start();
  }

  /** Renders the next block into a pool buffer and hands it to PortAudio. */
  private feed(): void {
    if (this.closing || !this.stream || !this.pull) return;
    const i = this.next;
    this.next = (i + 1) % this.pool.length;
    this.pull(this.views[i]);
    const stream = this.stream;
    stream.write(this.pool[i], () => {
      if (stream === this.stream) this.feed();
    });
  }

  /** A device error: report it, reopen the stream, keep the session. */
  private recover(err: Error): void {
    this.opts.onError?.(`audio device error: ${err.message}; reopening the stream`);
    const old = this.stream;
    this.stream = null;
    try {
      old?.abort();
    } catch {
      /* already gone */
    }
    setTimeout(() => {
      if (this.closing) return;
      try {
        this.openStream();
        for (let i = 0; i < this.ahead; i++) this.feed();
        this.stream!.start();
      } catch (e) {
        this.opts.onError?.(`audio device lost: ${(e as Error).message}`);
      }
    }, 500);
  }

  async close(): Promise<void> {
    this.closing = true;
    const s = this.stream;
    this.stream = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 1000);
      s.quit(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
