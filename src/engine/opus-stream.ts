// Opus for the remote monitor on slow links. The codec is libopus through opusscript (its
// WebAssembly build, ~1.9 M downloads a week as discord.js's fallback): no native build on the
// editor's laptop or the server, and both encoder and decoder in one package. @discordjs/opus is
// faster but compiles libopus with node-gyp or fetches a prebuilt binary at install; at 48 kHz
// stereo the WASM encoder costs about 1% of a core (bench/monitor), so speed does not decide it.
import { createRequire } from 'node:module';
import type OpusScriptType from 'opusscript';
import { OPUS_FRAME } from './monitor-wire.js';

const require = createRequire(import.meta.url);
const OpusScript = require('opusscript') as typeof OpusScriptType;

const OPUS_RESET_STATE = 4028;

export interface OpusPacket {
  data: Buffer;
  /** timeline position of the packet's first sample */
  position: number;
  /** the audio does not follow on from the packet before: decoders reset, listeners flush */
  discontinuity: boolean;
  /** every sample of the packet was silence from a stopped transport */
  silent: boolean;
}

/** Cuts interleaved stereo float blocks of any size into 20 ms frames and encodes them. */
export class OpusStreamEncoder {
  private readonly enc: InstanceType<typeof OpusScriptType>;
  private readonly pcm = Buffer.alloc(OPUS_FRAME * 4);
  private fill = 0;
  private framePosition = 0;
  private pendingJump = true;
  private frameSilent = true;

  constructor(readonly bitrate: number) {
    this.enc = new OpusScript(48000, 2, OpusScript.Application.AUDIO);
    this.enc.setBitrate(bitrate);
  }

  /** Adds one block; calls `emit` for every frame it completes. */
  push(block: Float32Array, position: number, discontinuity: boolean, silent: boolean, emit: (p: OpusPacket) => void): void {
    if (discontinuity) {
      // what is half-collected belongs before the jump: listeners flush it anyway
      this.fill = 0;
      this.pendingJump = true;
      this.enc.encoderCTL(OPUS_RESET_STATE, 0);
    }
    const frames = block.length / 2;
    let i = 0;
    while (i < frames) {
      if (this.fill === 0) {
        this.framePosition = position + i;
        this.frameSilent = true;
      }
      const n = Math.min(frames - i, OPUS_FRAME - this.fill);
      for (let k = 0; k < n * 2; k++) {
        let v = Math.floor(block[2 * i + k] * 32767 + 0.5);
        if (v > 32767) v = 32767;
        else if (v < -32768) v = -32768;
        this.pcm.writeInt16LE(v, (this.fill * 2 + k) * 2);
      }
      if (!silent) this.frameSilent = false;
      this.fill += n;
      i += n;
      if (this.fill === OPUS_FRAME) {
        this.fill = 0;
        const data = this.enc.encode(this.pcm, OPUS_FRAME);
        emit({ data, position: this.framePosition, discontinuity: this.pendingJump, silent: this.frameSilent });
        this.pendingJump = false;
      }
    }
  }

  close(): void {
    this.enc.delete();
  }
}

/** Decodes 20 ms packets back to interleaved stereo float (the listener's side). */
export class OpusStreamDecoder {
  private readonly dec: InstanceType<typeof OpusScriptType>;

  constructor() {
    this.dec = new OpusScript(48000, 2, OpusScript.Application.AUDIO);
  }

  reset(): void {
    this.dec.decoderCTL(OPUS_RESET_STATE, 0);
  }

  /** Writes the decoded frames into `out` (interleaved stereo); returns the frame count. */
  decode(packet: Buffer, out: Float32Array): number {
    const pcm = this.dec.decode(packet);
    const n = pcm.length / 2;
    for (let i = 0; i < n; i++) out[i] = pcm.readInt16LE(i * 2) / 32768;
    return n / 2;
  }

  close(): void {
    this.dec.delete();
  }
}
