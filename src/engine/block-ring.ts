// A single-writer, single-reader ring of audio blocks in shared memory: the engine's render
// thread hands each block to the monitor worker without allocating, locking or waiting. The
// writer never blocks; a reader that falls a ring behind skips ahead and marks the jump.

export interface BlockRingShared {
  /** [0]: blocks written; [1]: 1 when the reader should stop */
  ctrl: SharedArrayBuffer;
  audio: SharedArrayBuffer;
  /** per slot: timeline position, flags */
  meta: SharedArrayBuffer;
  slots: number;
  /** samples per block (interleaved) */
  samples: number;
}

export const RING_DISCONTINUITY = 1;
export const RING_SILENT = 2;

/** `slots` is a power of two, so slot numbers stay in step when the block counter wraps. */
export function createBlockRing(samples: number, slots: number): BlockRingShared {
  if (slots & (slots - 1)) throw new Error('block ring: slots must be a power of two');
  return {
    ctrl: new SharedArrayBuffer(8),
    audio: new SharedArrayBuffer(samples * slots * 4),
    meta: new SharedArrayBuffer(slots * 16),
    slots,
    samples,
  };
}

export class BlockRingWriter {
  private readonly ctrl: Int32Array;
  private readonly audio: Float32Array;
  private readonly meta: Float64Array;
  private written = 0;

  constructor(private readonly ring: BlockRingShared) {
    this.ctrl = new Int32Array(ring.ctrl);
    this.audio = new Float32Array(ring.audio);
    this.meta = new Float64Array(ring.meta);
  }

  /** Render loop: a copy and an atomic store; no allocation, never waits. */
  write(block: Float32Array, position: number, flags: number): void {
    const slot = (this.written >>> 0) % this.ring.slots;
    this.audio.set(block, slot * this.ring.samples);
    this.meta[slot * 2] = position;
    this.meta[slot * 2 + 1] = flags;
    this.written = (this.written + 1) | 0;
    Atomics.store(this.ctrl, 0, this.written);
    Atomics.notify(this.ctrl, 0);
  }

  stop(): void {
    Atomics.store(this.ctrl, 1, 1);
    Atomics.notify(this.ctrl, 0);
  }
}

type WaitAsync = (a: Int32Array, index: number, value: number, timeout?: number) => { async: false; value: string } | { async: true; value: Promise<string> };

export class BlockRingReader {
  private readonly ctrl: Int32Array;
  private readonly audio: Float32Array;
  private readonly meta: Float64Array;
  private read = 0;
  /** blocks lost because the reader fell a ring behind */
  skipped = 0;

  constructor(private readonly ring: BlockRingShared) {
    this.ctrl = new Int32Array(ring.ctrl);
    this.audio = new Float32Array(ring.audio);
    this.meta = new Float64Array(ring.meta);
  }

  /** Calls `onBlock` for every block as it arrives until stop(); `out` is reused. */
  async run(onBlock: (out: Float32Array, position: number, flags: number) => void): Promise<void> {
    const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
    const { slots, samples } = this.ring;
    const out = new Float32Array(samples);
    while (Atomics.load(this.ctrl, 1) === 0) {
      const w = Atomics.load(this.ctrl, 0);
      if (w === this.read) {
        const r = waitAsync(this.ctrl, 0, w, 1000);
        if (r.async) await r.value;
        continue;
      }
      let jumped = false;
      if (((w - this.read) | 0) > slots - 2) {
        this.skipped += ((w - this.read) | 0) - (slots - 2);
        this.read = (w - (slots - 2)) | 0;
        jumped = true;
      }
      const slot = (this.read >>> 0) % slots;
      out.set(this.audio.subarray(slot * samples, (slot + 1) * samples));
      const position = this.meta[slot * 2];
      const flags = this.meta[slot * 2 + 1];
      // the writer may have lapped the slot while it was copied: then skip it
      if (((Atomics.load(this.ctrl, 0) - this.read) | 0) >= slots) {
        this.skipped++;
        this.read = (this.read + 1) | 0;
        continue;
      }
      this.read = (this.read + 1) | 0;
      onBlock(out, position, jumped ? flags | RING_DISCONTINUITY : flags);
    }
  }
}
