// The remote monitor's thread: reads the blocks the engine hands over through the shared ring
// and serves them (PCM, Opus, Ogg pages, sockets). Encoding and network writes happen here, so
// neither can delay the engine's render loop.
import { parentPort, workerData } from 'node:worker_threads';
import { BlockRingReader, RING_DISCONTINUITY, RING_SILENT, type BlockRingShared } from './block-ring.js';
import { MonitorServer, type MonitorOptions } from './monitor.js';

export interface MonitorWorkerData {
  ring: BlockRingShared;
  options: MonitorOptions;
  bind?: string;
}

export type FromMonitorWorker =
  | { t: 'started'; url: string; tunnel: string; port: number; notice?: string }
  | { t: 'failed'; message: string }
  | { t: 'stats'; listeners: number; dropped: number; refused: number; bytes: number; lagFrames: number; skipped: number };

const data = workerData as MonitorWorkerData;
const server = new MonitorServer(data.options);
const reader = new BlockRingReader(data.ring);
const post = (m: FromMonitorWorker) => parentPort!.postMessage(m);

server
  .start(data.bind)
  .then((port) => {
    post({ t: 'started', url: server.url, tunnel: server.tunnelHint, port, notice: server.notice });
    const timer = setInterval(() => {
      server.expireLag();
      post({ t: 'stats', ...server.stats, skipped: reader.skipped });
    }, 250);
    return reader
      .run((out, position, flags) => server.push(out, position, (flags & RING_DISCONTINUITY) !== 0, (flags & RING_SILENT) !== 0))
      .finally(() => clearInterval(timer));
  })
  .then(() => server.close())
  .catch((e: Error) => post({ t: 'failed', message: e.message }));
