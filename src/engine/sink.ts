// Where rendered audio goes. A sink sets the pace: it calls `pull` each time it wants the next
// block (interleaved stereo float32) and the engine renders into the buffer it is handed.

export type Pull = (out: Float32Array) => void;

export interface SinkInfo {
  kind: 'portaudio' | 'null';
  name: string;
  /** why there is no device, when kind is null */
  reason?: string;
}

export interface Sink {
  readonly info: SinkInfo;
  /** frames between the block being rendered and the one being heard */
  readonly latencyFrames: number;
  start(pull: Pull): void;
  close(): Promise<void>;
}

/**
 * Keeps real-time pace without a device: a timer asks for however many blocks the wall clock
 * says are due (at most a few at once, so a stalled process does not burst).
 */
export class NullSink implements Sink {
  readonly latencyFrames = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly buf: Float32Array;
  private pull: Pull | null = null;
  private t0 = 0;
  private done = 0;
  /** blocks the clock wanted but that were skipped because the process was stalled */
  lateBlocks = 0;

  constructor(
    readonly info: SinkInfo,
    private readonly sampleRate: number,
    private readonly blockSize: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.buf = new Float32Array(blockSize * 2);
  }

  start(pull: Pull, opts: { timer?: boolean } = {}): void {
    this.pull = pull;
    this.t0 = this.now();
    this.done = 0;
    if (opts.timer !== false) this.timer = setInterval(() => this.tick(), 4);
  }

  /** Pulls every block the clock says is due by now; returns how many. */
  tick(): number {
    const due = Math.floor(((this.now() - this.t0) / 1000) * (this.sampleRate / this.blockSize));
    let n = due - this.done;
    if (n > 8) {
      this.lateBlocks += n - 8;
      this.done += n - 8;
      n = 8;
    }
    for (let i = 0; i < n; i++) this.pull!(this.buf);
    this.done += n;
    return n;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
