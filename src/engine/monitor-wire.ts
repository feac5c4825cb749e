// The remote monitor's wire format, shared by the server (monitor.ts, in the engine's monitor
// worker) and the player (`dubstage listen`): the stream and frame headers of /stream.dub,
// the WAV header of /stream.wav, the URLs a listener derives, and the run's token.
import crypto from 'node:crypto';

export type MonitorFormat = 'pcm24' | 'pcm16' | 'opus';

/** 20 ms at 48 kHz: the Opus frame size, one packet per frame. */
export const OPUS_FRAME = 960;
/** The encoder's look-ahead at 48 kHz (application AUDIO): the pre-skip of the stream. */
export const OPUS_PRE_SKIP = 312;

/** Frame header of /stream.dub: 'DSF1', flags, position (float64), payload byte count. */
export const FRAME_HEADER = 20;
export const FLAG_DISCONTINUITY = 1;
/** the block is silence from a stopped transport, not timeline audio */
export const FLAG_SILENT = 2;
/** Stream header of /stream.dub: 'DUBS', version, format code, sample rate, channels. */
export const STREAM_HEADER = 16;
export const FORMAT_CODES: Record<MonitorFormat, number> = { pcm16: 16, pcm24: 24, opus: 0x4f };

export function streamHeader(format: MonitorFormat, sampleRate: number): Buffer {
  const h = Buffer.alloc(STREAM_HEADER);
  h.write('DUBS', 0, 'latin1');
  h.writeUInt16LE(1, 4);
  h.writeUInt16LE(FORMAT_CODES[format], 6);
  h.writeUInt32LE(sampleRate, 8);
  h.writeUInt16LE(2, 12);
  h.writeUInt16LE(format === 'opus' ? OPUS_FRAME : 0, 14);
  return h;
}

/** The framed stream and report URLs for any monitor URL the mixer shows. */
export function listenerUrls(given: string): { stream: string; report: string; format: MonitorFormat } {
  const u = new URL(given);
  const token = u.searchParams.get('token') ?? '';
  let format: MonitorFormat = 'pcm24';
  if (u.pathname === '/stream.opus') format = 'opus';
  else if (u.pathname === '/stream.dub') format = (u.searchParams.get('format') as MonitorFormat | null) ?? 'pcm24';
  else if (u.searchParams.get('bits') === '16') format = 'pcm16';
  const base = `${u.protocol}//${u.host}`;
  return {
    stream: `${base}/stream.dub?format=${format}&token=${encodeURIComponent(token)}`,
    report: `${base}/report?token=${encodeURIComponent(token)}&heard=`,
    format,
  };
}

/** A WAV header for a stream of unknown length (sizes set to the maximum). */
export function wavHeader(sampleRate: number, channels: number, bits: number): Buffer {
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

export const DEFAULT_MONITOR_PORT = 7710;

export function newMonitorToken(): string {
  return crypto.randomBytes(16).toString('hex');
}
