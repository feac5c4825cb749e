// Messages between the UI process and the engine process (Node IPC, JSON). Status goes out
// batched at the UI's frame rate, never per block.
import type { Session } from '../session/schema.js';
import type { EngineSnapshot, LoopRange } from './engine.js';
import type { DeviceRow } from './portaudio.js';
import type { SinkInfo } from './sink.js';

export interface EngineInit {
  sampleRate: number;
  blockSize: number;
  deviceId?: number;
  noDevice?: boolean;
  /** status messages per second while rolling */
  statusRate?: number;
  /** serve what is heard as a live WAV stream on 127.0.0.1 */
  monitor?: boolean;
  monitorPort?: number;
  /** an address other than loopback (the user was warned) */
  monitorBind?: string;
}

export type ToEngine =
  | { t: 'init'; init: EngineInit }
  | { t: 'session'; doc: Session; baseDir: string }
  | { t: 'play' }
  | { t: 'stop' }
  | { t: 'toggle' }
  | { t: 'locate'; position: number }
  | { t: 'loop'; loop: LoopRange | null }
  | { t: 'devices' }
  | { t: 'quit' };

export type FromEngine =
  | { t: 'ready'; sink: SinkInfo; latencyFrames: number }
  | { t: 'status'; snap: EngineSnapshot }
  | { t: 'error'; message: string }
  | { t: 'monitor'; url: string; tunnel: string; port: number }
  | { t: 'devices'; rows: DeviceRow[]; error?: string };
