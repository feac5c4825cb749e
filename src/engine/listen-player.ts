// The jitter buffer of `dubstage listen`: frames arrive from the network in bursts and leave at
// the pace of the laptop's sound card. It starts after a pre-roll, counts dropouts (and grows
// the pre-roll on a jittery link), and keeps its fill steady against clock drift between the
// mixer's clock and the sound card's: once playback has run steadily for a while, a buffer that
// creeps above or below its target loses or repeats one frame, with a short crossfade, at most
// ten times a second (±200 ppm; sound cards are within ±100). Untouched audio plays
// sample for sample. pull() runs on the device path: no allocation.

const CROSSFADE = 32;
/** how long playback must run without a dropout or flush before drift is corrected */
const SETTLE_SECONDS = 5;

export class ListenPlayer {
  readonly ring: Float32Array;
  /** timeline position of each queued frame (NaN: silence from a stopped mixer) */
  readonly positions: Float64Array;
  readFrame = 0;
  writeFrame = 0;
  started = false;
  dropouts = 0;
  /** frames dropped (+) or repeated (−) to follow clock drift */
  driftFrames = 0;
  /** queued before playing after a (re)connect or a flush; grows by 50 ms per dropout */
  preroll: number;
  private readonly cap: number;
  private readonly prerollMax: number;
  /** frames played since the last start */
  private steady = 0;
  /** smoothed fill, in frames */
  private fill = 0;
  private sinceEdit = 0;

  constructor(private readonly rate: number, seconds = 4) {
    this.cap = rate * seconds;
    this.ring = new Float32Array(this.cap * 2);
    this.positions = new Float64Array(this.cap);
    this.preroll = rate * 0.1;
    this.prerollMax = rate * 0.5;
  }

  buffered(): number {
    return this.writeFrame - this.readFrame;
  }

  put(left: number, right: number, position: number): void {
    if (this.buffered() >= this.cap) this.readFrame++; // overrun: drop the oldest
    const f = this.writeFrame % this.cap;
    this.ring[2 * f] = left;
    this.ring[2 * f + 1] = right;
    this.positions[f] = position;
    this.writeFrame++;
  }

  flush(): void {
    this.readFrame = this.writeFrame;
    this.started = false;
  }

  /** The device's pull: fills `out` (interleaved stereo). */
  pull(out: Float32Array): void {
    const frames = out.length / 2;
    // one spare frame for a drop
    if (!this.started || this.buffered() < frames + 1) {
      if (this.started) {
        this.dropouts++;
        this.preroll = Math.min(this.prerollMax, this.preroll + this.rate * 0.05);
      }
      this.started = this.buffered() >= this.preroll;
      this.steady = 0;
      this.fill = this.buffered();
      out.fill(0);
      return;
    }
    const b = this.buffered();
    this.fill += (b - this.fill) * Math.min(1, frames / (this.rate * 2)); // ~2 s time constant
    this.steady += frames;
    this.sinceEdit += frames;
    let edit = 0;
    if (this.steady >= this.rate * SETTLE_SECONDS && this.sinceEdit >= this.rate / 10 && frames > CROSSFADE) {
      const margin = this.rate * 0.02; // beyond the burstiness of packets and device queues
      if (this.fill > this.preroll + margin) edit = 1; // the mixer's clock runs fast: lose a frame
      else if (this.fill < this.preroll - margin) edit = -1; // slow: repeat one
    }
    const ring = this.ring;
    const cap = this.cap;
    const r = this.readFrame;
    let i = 0;
    if (edit !== 0) {
      // crossfade from the stream as it was to the stream one frame later (or earlier)
      for (; i < CROSSFADE; i++) {
        const w = (i + 1) / (CROSSFADE + 1);
        const a = (r + i) % cap;
        const c = (r + i + edit + cap) % cap;
        out[2 * i] = ring[2 * a] * (1 - w) + ring[2 * c] * w;
        out[2 * i + 1] = ring[2 * a + 1] * (1 - w) + ring[2 * c + 1] * w;
      }
      this.sinceEdit = 0;
      this.driftFrames += edit;
    }
    for (; i < frames; i++) {
      const f = (r + i + edit + cap) % cap;
      out[2 * i] = ring[2 * f];
      out[2 * i + 1] = ring[2 * f + 1];
    }
    this.readFrame += frames + edit;
    this.fill -= edit;
  }

  /** the timeline position of the next frame to be played, or NaN */
  nextPosition(): number {
    return this.started && this.buffered() > 0 ? this.positions[this.readFrame % this.cap] : NaN;
  }
}
