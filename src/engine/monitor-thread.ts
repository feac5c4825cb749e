// The engine's side of the remote monitor: starts the monitor worker and hands it each block
// through a shared ring. The render loop only copies into shared memory.
import { Worker } from 'node:worker_threads';
import { BlockRingWriter, createBlockRing, RING_DISCONTINUITY, RING_SILENT } from './block-ring.js';
import type { MonitorOptions, MonitorStats } from './monitor.js';
import type { FromMonitorWorker, MonitorWorkerData } from './monitor-worker.js';

export class MonitorThread {
  stats: MonitorStats & { skipped: number } = { listeners: 0, dropped: 0, refused: 0, bytes: 0, lagFrames: -1, skipped: 0 };

  private constructor(
    private readonly worker: Worker,
    private readonly writer: BlockRingWriter,
    readonly url: string,
    readonly tunnel: string,
    readonly port: number,
    /** why the stream is not in the format asked for, if it is not */
    readonly notice: string | undefined,
  ) {}

  /** Starts the worker; resolves once it listens (or rejects with why it could not). */
  static start(options: MonitorOptions, bind?: string, onError?: (message: string) => void): Promise<MonitorThread> {
    // 64 blocks (0.7 s at 512 frames) of slack between the render loop and the worker
    const ring = createBlockRing(options.blockSize * 2, 64);
    const file = new URL(import.meta.url.endsWith('.ts') ? '../../dist/src/engine/monitor-worker.js' : './monitor-worker.js', import.meta.url);
    const worker = new Worker(file, { workerData: { ring, options, bind } satisfies MonitorWorkerData });
    return new Promise((resolve, reject) => {
      let thread: MonitorThread | null = null;
      worker.on('message', (m: FromMonitorWorker) => {
        if (m.t === 'started') {
          thread = new MonitorThread(worker, new BlockRingWriter(ring), m.url, m.tunnel, m.port, m.notice);
          resolve(thread);
        } else if (m.t === 'failed') {
          reject(new Error(m.message));
          void worker.terminate();
        } else if (thread) {
          const { t: _t, ...stats } = m;
          thread.stats = stats;
        }
      });
      worker.on('error', (e) => {
        // before it listens: the start fails; after: the mixer says the monitor stopped
        if (thread) onError?.(e.message);
        else reject(e);
      });
      worker.on('exit', (code) => {
        if (thread && !thread.closing) onError?.(`the monitor thread exited (${code})`);
      });
    });
  }

  /** Render loop: hands one block over; never waits for the worker. */
  write(block: Float32Array, position: number, discontinuity: boolean, silent: boolean): void {
    this.writer.write(block, position, (discontinuity ? RING_DISCONTINUITY : 0) | (silent ? RING_SILENT : 0));
  }

  private closing = false;

  async close(): Promise<void> {
    this.closing = true;
    this.writer.stop();
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => void this.worker.terminate().then(() => resolve()), 1000);
      this.worker.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
