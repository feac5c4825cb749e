// Messages between the UI process and the engine process (Node IPC, JSON). Status goes out
// batched at the UI's frame rate, never per block.
import type { Session } from '../session/schema.js';
import type { EngineSnapshot, LoopRange } from './engine.js';
import type { MonitorFormat } from './monitor-wire.js';
import type { DeviceRow } from './portaudio.js';
import type { SinkInfo } from './sink.js';

export interface EngineInit {
  sampleRate: number;
  blockSize: number;
  deviceId?: number;
  noDevice?: boolean;
  /** status messages per second while rolling */
  statusRate?: number;
  /** serve what is heard as a live stream on 127.0.0.1 and ::1 */
  monitor?: boolean;
  /** default 7710, or a free port when that one is taken */
  monitorPort?: number;
  /** an address other than loopback (the user was warned) */
  monitorBind?: string;
  /** what the shown URL asks for: pcm24 (default), pcm16 or opus */
  monitorFormat?: MonitorFormat;
  /** Opus bitrate, bits per second */
  monitorBitrate?: number;
  /** one token for the whole run of the mixer, kept across engine restarts */
  monitorToken?: string;
}

/** The remote monitor's state, sent with each status. */
export interface MonitorStatus {
  listeners: number;
  dropped: number;
  /** how far behind the engine a remote listener hears, in ms (-1: no listener has said) */
  lagMs: number;
  /** the user wants the status to follow the listener (F) */
  follow: boolean;
  /** this status's playhead and meters are delayed by lagMs to match what the listener hears */
  following: boolean;
  /** bytes per second on the wire, over the last status interval */
  bytesPerSecond: number;
}

export type ToEngine =
  | { t: 'init'; init: EngineInit }
  | { t: 'session'; doc: Session; baseDir: string }
  | { t: 'play' }
  | { t: 'stop' }
  | { t: 'toggle' }
  | { t: 'locate'; position: number }
  | { t: 'loop'; loop: LoopRange | null }
  /** offset the playhead and meters by the remote listener's latency */
  | { t: 'follow'; on: boolean }
  | { t: 'devices' }
  | { t: 'quit' };

export type FromEngine =
  | { t: 'ready'; sink: SinkInfo; latencyFrames: number }
  | { t: 'status'; snap: EngineSnapshot; monitor?: MonitorStatus }
  | { t: 'error'; message: string }
  | { t: 'monitor'; url: string; tunnel: string; port: number; notice?: string }
  | { t: 'devices'; rows: DeviceRow[]; error?: string };
